/*
 * tmpfs and shared memory (Linux: include/linux/shmem_fs.h). tmpfs is a
 * file system whose files live only in their page cache (mm/shmem.c);
 * MAP_SHARED|MAP_ANONYMOUS memory and memfd_create() files are tmpfs
 * files too, without a name, on an internal mount.
 */
#ifndef MM_SHMEM_H
#define MM_SHMEM_H

#include "fs/fs.h"
#include "lib/list.h"
#include "lib/xarray.h"

#define TMPFS_MAGIC 0x01021994

/* memfd seals (fcntl F_ADD_SEALS, F_GET_SEALS), Linux's values. */
#define F_SEAL_SEAL 0x0001         /* no more seals may be added */
#define F_SEAL_SHRINK 0x0002       /* the size may not go down */
#define F_SEAL_GROW 0x0004         /* ...nor up */
#define F_SEAL_WRITE 0x0008        /* the contents may not change */
#define F_SEAL_FUTURE_WRITE 0x0010 /* no new writers (mappings made before may go on) */

/* fcntl commands for seals. */
#define F_ADD_SEALS 1033
#define F_GET_SEALS 1034

/* A tmpfs inode (Linux: struct shmem_inode_info). */
struct shmem_inode_info {
	unsigned long alloced;  /* pages charged to the file system for it: its cache's
				 * and its swapped ones, as last counted (shmem_recalc_inode) */
	unsigned long swapped;  /* indexes with an entry in swap_entries: their data is
				 * on a swap slot, or was lost there (a swap-in error) */
	struct xarray swap_entries; /* index -> swp_entry_t.val of a swapped-out page, or a
				     * swap-in error entry: shmem_writepage adds, swap-in
				     * and truncation remove */
	struct list_head swaplist;  /* on shmem_swaplist while swapped > 0 (swapoff's) */
	unsigned int seals;     /* F_SEAL_*; memfd files only, others have F_SEAL_SEAL */
	struct inode vfs_inode;
};

static inline struct shmem_inode_info *SHMEM_I(struct inode *inode)
{
	return container_of(inode, struct shmem_inode_info, vfs_inode);
}

struct file;
struct vm_area_struct;

/* Register tmpfs and make the internal mount (fs/init.c:vfs_init). */
void shmem_init(void);
/* Is this a tmpfs inode (memfd's F_ADD_SEALS asks)? */
bool shmem_inode(const struct inode *inode);
/* A new tmpfs file of size bytes with no name, on the internal mount,
 * open for reading and writing (Linux: shmem_file_setup); name is what
 * /proc/PID/maps shows, with " (deleted)". ERR_PTR on failure. */
struct file *shmem_file_setup(const char *name, loff_t size);
/* MAP_SHARED|MAP_ANONYMOUS (and a shared mapping of /dev/zero, whose
 * mmap calls it): the area maps a new shmem file of its own size,
 * "/dev/zero (deleted)" as in Linux, instead of vm_file if it had one;
 * fork shares its pages. */
int shmem_zero_setup(struct vm_area_struct *vma);
/* A shmem area's page fault (SysV shm's areas use it too): 0, -ENOMEM,
 * -EIO beyond the end, -EHWPOISON for a poisoned page. */
int shmem_fault(struct vm_area_struct *vma, unsigned long addr);
/* Drop the pages of bytes offset..offset+len of a tmpfs file, unmapping
 * them: a hole (MADV_REMOVE). -EOPNOTSUPP for other files, -EPERM when
 * sealed against writes. */
int shmem_punch_hole(struct file *file, loff_t offset, loff_t len);
/* fcntl F_ADD_SEALS and F_GET_SEALS (mm/memfd.c): the seals, 0, or
 * -EINVAL for a file that is not tmpfs, -EPERM when sealing is sealed
 * (or the file is not open for writing), -EBUSY for F_SEAL_WRITE while
 * it is mapped shared and writable. */
long memfd_fcntl(struct file *file, unsigned int cmd, unsigned long arg);

/* swapoff (mm/swapon.c: try_to_unuse): bring every page of every shmem
 * file that is on a slot of device type back into its file's cache
 * (Linux: shmem_unuse). 0, or -ENOMEM; a page that cannot be read stays
 * on its slot (the swapoff then fails with -EBUSY). */
int shmem_unuse(unsigned int type);

/* A tmpfs super block's limits and use (Linux: struct shmem_sb_info). */
struct shmem_sb_info {
	unsigned long max_blocks;  /* size= in pages; 0: no limit */
	unsigned long used_blocks; /* pages charged to its files */
	unsigned long max_inodes;  /* nr_inodes=; 0: no limit */
	unsigned long free_inodes; /* how many more may be made */
	umode_t mode;              /* the root directory's (mode=) */
	uint32_t uid, gid;         /* ...and its owner (uid=, gid=) */
};

/* mm/shmem_options.c: fill sbi from a mount's options ("size=64m,mode=1777");
 * 0, or -EINVAL with the reason logged. */
int shmem_parse_options(const char *data, struct shmem_sb_info *sbi);

#endif
