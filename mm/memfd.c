/*
 * memfd_create(2) and file seals (Linux: mm/memfd.c). A memfd is a tmpfs
 * file without a name (mm/shmem.c:shmem_file_setup), "memfd:NAME" in
 * /proc/PID/maps: memory a process can size with ftruncate, map, pass
 * on by fork or by its descriptor, and - created with MFD_ALLOW_SEALING -
 * seal, so that whoever receives it knows it will not shrink, grow or
 * change under them.
 */
#include "fs/fdtable.h"
#include "fs/file.h"
#include "fs/namei.h"
#include "fs/stat.h"
#include "kernel/errno.h"
#include "kernel/proc.h"
#include "kernel/syscall.h"
#include "kernel/uaccess.h"
#include "lib/err.h"
#include "lib/string.h"
#include "mm/mm_types.h"
#include "mm/shmem.h"

/* memfd_create flags, Linux's values. */
#define MFD_CLOEXEC 0x0001u
#define MFD_ALLOW_SEALING 0x0002u
#define MFD_NAME_PREFIX "memfd:"
#define MFD_NAME_PREFIX_LEN (sizeof(MFD_NAME_PREFIX) - 1)
#define MFD_NAME_MAX_LEN (NAME_MAX - MFD_NAME_PREFIX_LEN)

#define F_ALL_SEALS (F_SEAL_SEAL | F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE | F_SEAL_FUTURE_WRITE)

long sys_memfd_create(uint64_t uname, uint64_t flags)
{
	char name[MFD_NAME_PREFIX_LEN + MFD_NAME_MAX_LEN + 2] = MFD_NAME_PREFIX;

	if (flags & ~(uint64_t)(MFD_CLOEXEC | MFD_ALLOW_SEALING))
		return -EINVAL; /* MFD_HUGETLB too: there are no huge pages */
	long len = strncpy_from_user(name + MFD_NAME_PREFIX_LEN, uname, MFD_NAME_MAX_LEN + 2);
	if (len == -EFAULT)
		return -EFAULT;
	if (len < 0 || len > (long)MFD_NAME_MAX_LEN)
		return -EINVAL;
	struct file *file = shmem_file_setup(name, 0);
	if (IS_ERR(file))
		return PTR_ERR(file);
	if (flags & MFD_ALLOW_SEALING)
		SHMEM_I(file->f_inode)->seals &= ~(unsigned int)F_SEAL_SEAL;
	int fd = fd_install(current->files, file, flags & MFD_CLOEXEC ? O_CLOEXEC : 0);
	if (fd < 0)
		fput(file);
	return fd;
}

/* Does some area map the file shared and writable? Then its contents
 * can still change, and F_SEAL_WRITE is refused (EBUSY). */
static bool mapping_writably_mapped(const struct address_space *mapping)
{
	for (const struct list_head *l = mapping->i_mmap.next; l != &mapping->i_mmap; l = l->next) {
		const struct vm_area_struct *vma = list_entry(l, struct vm_area_struct, shared);
		if ((vma->vm_flags & (VM_SHARED | VM_WRITE)) == (VM_SHARED | VM_WRITE))
			return true;
	}
	return false;
}

static long memfd_add_seals(struct file *file, unsigned int seals)
{
	struct inode *inode = file->f_inode;
	struct shmem_inode_info *info = SHMEM_I(inode);
	long err = 0;

	if (!(file->f_mode & FMODE_WRITE))
		return -EPERM;
	if (seals & ~(unsigned int)F_ALL_SEALS)
		return -EINVAL;
	inode_lock(inode);
	if (info->seals & F_SEAL_SEAL)
		err = -EPERM;
	else if ((seals & F_SEAL_WRITE) && mapping_writably_mapped(file->f_mapping))
		err = -EBUSY;
	else
		info->seals |= seals;
	inode_unlock(inode);
	return err;
}

long memfd_fcntl(struct file *file, unsigned int cmd, unsigned long arg)
{
	if (!file->f_inode || !shmem_inode(file->f_inode) || !S_ISREG(file->f_inode->i_mode))
		return -EINVAL;
	if (cmd == F_ADD_SEALS)
		return memfd_add_seals(file, (unsigned int)arg);
	return SHMEM_I(file->f_inode)->seals; /* F_GET_SEALS */
}
