/*
 * System V shared memory (Linux: ipc/shm.c). A segment is a shmem file
 * without a name ("SYSV" and the key, as /proc/PID/maps shows it), so
 * its pages behave as every other shared memory page does - a poisoned
 * one stays in the file and every access is SIGBUS BUS_MCEERR_AR
 * (mm/memory-failure.c). shmat maps the file with mmap_region; the
 * areas count the attaches through their open/close operations. After
 * IPC_RMID a segment is SHM_DEST: its key finds it no more, and it is
 * destroyed when the last attach goes.
 */
#include "ipc/util.h"
#include "fs/file.h"
#include "kernel/errno.h"
#include "kernel/proc.h"
#include "kernel/syscall.h"
#include "kernel/timekeeping.h"
#include "kernel/tsc.h"
#include "kernel/uaccess.h"
#include "lib/err.h"
#include "fs/seq_file.h"
#include "ipc/ipc.h"
#include "lib/format.h"
#include "mm/hugetlb.h"
#include "mm/mm_types.h"
#include "mm/mmap.h"
#include "mm/mmap_lock.h"
#include "mm/pagemap.h"
#include "mm/shmem.h"
#include "mm/slab.h"

/* shmat flags and the shmctl commands of shm alone (Linux's values). */
#define SHM_RDONLY 010000
#define SHM_RND 020000
#define SHM_REMAP 040000
#define SHM_EXEC 0100000
#define SHM_LOCK 11
#define SHM_UNLOCK 12
#define SHM_STAT 13     /* IPC_STAT by slot: ipcs walks them */
#define SHM_INFO 14     /* what the segments use */
#define SHM_STAT_ANY 15 /* SHM_STAT without the read permission */
/* In the mode: marked for destruction, locked (SHM_LOCK). */
#define SHM_DEST 01000
#define SHM_LOCKED 02000
#define SHMLBA PAGE_SIZE
#define SHMMIN 1UL
#define SHMMAX (~0UL - (1UL << 24)) /* Linux's default kernel.shmmax */
#define SHMALL SHMMAX               /* ...and kernel.shmall, in pages */
#define S_IRUGO 0444
#define S_IWUGO 0222
#define S_IXUGO 0111

struct shmid_kernel {
	struct kern_ipc_perm shm_perm; /* first: the table holds this */
	struct file *shm_file;         /* the shmem file with the pages (a reference) */
	size_t shm_segsz;
	int64_t shm_atim, shm_dtim, shm_ctim; /* last attach, detach, change (seconds) */
	int shm_cprid, shm_lprid;      /* creator, last to attach or detach */
	unsigned long shm_nattch;      /* areas mapping it (ours: shm_open, shm_close) */
};

/* Linux's x86-64 struct shmid64_ds. */
struct shmid64_ds {
	struct ipc64_perm shm_perm;
	uint64_t shm_segsz;
	int64_t shm_atime, shm_dtime, shm_ctime;
	int32_t shm_cpid, shm_lpid;
	uint64_t shm_nattch;
	uint64_t unused4, unused5;
};
_Static_assert(sizeof(struct shmid64_ds) == 112, "Linux's shmid64_ds is 112 bytes");

/* Linux's x86-64 struct shminfo64 (IPC_INFO): the limits. */
struct shminfo64 {
	uint64_t shmmax, shmmin, shmmni, shmseg, shmall;
	uint64_t unused1, unused2, unused3, unused4;
};
_Static_assert(sizeof(struct shminfo64) == 72, "Linux's shminfo64 is 72 bytes");

/* Linux's struct shm_info (SHM_INFO): the segments' use, in pages. */
struct shm_info {
	int32_t used_ids;
	uint64_t shm_tot, shm_rss, shm_swp; /* pages: of all segments, resident, swapped */
	uint64_t swap_attempts, swap_successes;
};
_Static_assert(sizeof(struct shm_info) == 48, "Linux's shm_info is 48 bytes");

static struct ipc_ids shm_ids;

static int64_t now(void)
{
	return (int64_t)(ktime_get_real_ns() / NSEC_PER_SEC);
}

static struct shmid_kernel *shm_obtain(int id)
{
	return (struct shmid_kernel *)ipc_obtain_object(&shm_ids, id);
}

/* The segment an area maps: its file says (private_data). */
static struct shmid_kernel *shm_of(struct vm_area_struct *vma)
{
	return vma->vm_file->private_data;
}

/* What an attach maps: the segment in whole pages - huge pages for a
 * SHM_HUGETLB one (Linux: the size of its file). */
static unsigned long shm_mapped_size(const struct shmid_kernel *shp)
{
	return ALIGN_UP(shp->shm_segsz, is_file_hugepages(shp->shm_file) ? HPAGE_SIZE : PAGE_SIZE);
}

static void shm_destroy(struct shmid_kernel *shp)
{
	if (!shp->shm_perm.deleted)
		ipc_rmid(&shm_ids, &shp->shm_perm);
	shp->shm_file->private_data = NULL;
	fput(shp->shm_file); /* the pages go with the file's last reference */
	kfree(shp);
}

static void shm_open(struct vm_area_struct *vma)
{
	struct shmid_kernel *shp = shm_of(vma);

	shp->shm_nattch++;
	shp->shm_atim = now();
	shp->shm_lprid = current->tgid;
}

static void shm_close(struct vm_area_struct *vma)
{
	struct shmid_kernel *shp = shm_of(vma);

	shp->shm_lprid = current->tgid;
	shp->shm_dtim = now();
	if (--shp->shm_nattch == 0 && (shp->shm_perm.mode & SHM_DEST))
		shm_destroy(shp);
}

static const struct vm_operations_struct shm_vm_ops = {
	.name = "shmem",
	.fault = shmem_fault,
	.page_mkwrite = filemap_page_mkwrite,
	.open = shm_open,
	.close = shm_close,
};

/* shmget's ipc_ops: a new segment of `size` bytes, zero-filled. */
static struct kern_ipc_perm *newseg(struct ipc_ids *ids, key_t key, int flag, unsigned long size)
{
	char name[16];

	if (size < SHMMIN || size > SHMMAX)
		return ERR_PTR(-EINVAL);
	struct shmid_kernel *shp = kzalloc(sizeof(*shp));
	if (!shp)
		return ERR_PTR(-ENOMEM);
	snprintf(name, sizeof(name), "SYSV%08x", (unsigned int)key);
	/* SHM_HUGETLB: huge pages, reserved now (ENOMEM if the pool is short). */
	shp->shm_file = flag & SHM_HUGETLB ? hugetlb_file_setup(name, size, true)
					   : shmem_file_setup(name, (loff_t)size);
	if (IS_ERR(shp->shm_file)) {
		long err = PTR_ERR(shp->shm_file);
		kfree(shp);
		return ERR_PTR(err);
	}
	shp->shm_file->private_data = shp;
	int id = ipc_addid(ids, &shp->shm_perm, key, flag);
	if (id < 0) {
		fput(shp->shm_file);
		kfree(shp);
		return ERR_PTR(id);
	}
	shp->shm_segsz = size;
	shp->shm_cprid = current->tgid;
	shp->shm_ctim = now();
	return &shp->shm_perm;
}

/* An existing segment smaller than asked for: EINVAL, as in Linux. */
static int shm_more_checks(struct kern_ipc_perm *perm, unsigned long size)
{
	return ((struct shmid_kernel *)perm)->shm_segsz < size ? -EINVAL : 0;
}

static const struct ipc_ops shm_ops = { .newary = newseg, .more_checks = shm_more_checks };

long sys_shmget(uint64_t key, uint64_t size, uint64_t flag)
{
	return ipcget(&shm_ids, &shm_ops, (key_t)key, (int)flag, size);
}

/* Where shmat maps a segment: the caller's address (rounded down with
 * SHM_RND, else it must be SHMLBA-aligned; SHM_REMAP replaces what is
 * there, else that is EINVAL), or one the kernel picks. 0 if none. */
static unsigned long shmat_address(struct mm_struct *mm, uint64_t shmaddr, int flag,
				   unsigned long size, bool huge, long *err)
{
	unsigned long addr = shmaddr;

	*err = -EINVAL;
	if (!addr) {
		addr = huge ? hugetlb_get_unmapped_area(mm, size) : get_unmapped_area(mm, size);
		if (!addr)
			*err = -ENOMEM;
		return addr;
	}
	if (addr & (SHMLBA - 1)) {
		if (!(flag & SHM_RND))
			return 0;
		addr &= ~(SHMLBA - 1);
		if (!addr)
			return 0; /* rounded down to 0: Linux refuses it too */
	}
	if (!access_ok(addr, size))
		return 0;
	struct vm_area_struct *vma = find_vma(mm, addr);
	if (vma && vma->vm_start < addr + size) {
		if (!(flag & SHM_REMAP))
			return 0;
		if (do_munmap(mm, addr, size))
			return 0;
	}
	return addr;
}

long sys_shmat(uint64_t shmid, uint64_t shmaddr, uint64_t uflag)
{
	int flag = (int)uflag;
	struct mm_struct *mm = current->mm;
	struct shmid_kernel *shp = shm_obtain((int)shmid);
	int acc = S_IRUGO | (flag & SHM_RDONLY ? 0 : S_IWUGO) | (flag & SHM_EXEC ? S_IXUGO : 0);
	unsigned long vm_flags = VM_SHARED | VM_READ | (flag & SHM_RDONLY ? 0 : VM_WRITE) |
				 (flag & SHM_EXEC ? VM_EXEC : 0);
	long err;

	if (!shp)
		return -EINVAL;
	if (ipcperms(&shp->shm_perm, acc))
		return -EACCES;
	unsigned long size = shm_mapped_size(shp);
	mmap_write_lock(mm);
	unsigned long addr = shmat_address(mm, shmaddr, flag, size,
					   is_file_hugepages(shp->shm_file), &err);
	if (addr)
		err = mmap_region(mm, shp->shm_file, addr, size, vm_flags, 0);
	if (addr && !err) {
		struct vm_area_struct *vma = find_vma(mm, addr);
		vma->vm_ops = &shm_vm_ops; /* shmem's faults, and our counting */
		shm_open(vma);
	}
	mmap_write_unlock(mm);
	return err ? err : (long)addr;
}

/* shmdt: unmap the attach that starts at addr - the area there mapping
 * a segment from its start, and the rest of that segment's areas up to
 * its size (an mprotect may have split it). EINVAL if none starts there. */
long sys_shmdt(uint64_t addr)
{
	struct mm_struct *mm = current->mm;
	long err = -EINVAL;

	if (addr & ~PAGE_MASK)
		return -EINVAL;
	mmap_write_lock(mm);
	struct vm_area_struct *vma = find_vma(mm, addr);
	if (vma && vma->vm_start == addr && vma->vm_ops == &shm_vm_ops && vma->vm_pgoff == 0) {
		struct file *file = vma->vm_file;
		unsigned long end = addr + shm_mapped_size(shm_of(vma));
		while (vma && vma->vm_start < end && vma->vm_file == file) {
			struct vm_area_struct *next = vma_next(mm, vma);
			do_munmap(mm, vma->vm_start, vma->vm_end - vma->vm_start);
			vma = next;
		}
		err = 0;
	}
	mmap_write_unlock(mm);
	return err;
}

/* IPC_STAT, SHM_STAT and SHM_STAT_ANY (without the read permission). */
static long shm_stat(struct shmid_kernel *shp, uint64_t ubuf, bool any)
{
	struct shmid64_ds ds = {
		.shm_segsz = shp->shm_segsz, .shm_atime = shp->shm_atim,
		.shm_dtime = shp->shm_dtim, .shm_ctime = shp->shm_ctim,
		.shm_cpid = shp->shm_cprid, .shm_lpid = shp->shm_lprid,
		.shm_nattch = shp->shm_nattch,
	};

	if (!any && ipcperms(&shp->shm_perm, S_IRUGO))
		return -EACCES;
	kernel_to_ipc64_perm(&shp->shm_perm, &ds.shm_perm);
	return copy_to_user(ubuf, &ds, sizeof(ds)) ? -EFAULT : 0;
}

/* IPC_RMID: gone at once if nobody has it attached; else its key is
 * freed and it goes with its last detach. */
static void shm_rmid(struct shmid_kernel *shp)
{
	if (!shp->shm_nattch) {
		shm_destroy(shp);
		return;
	}
	shp->shm_perm.mode |= SHM_DEST;
	ipc_set_key_private(&shm_ids, &shp->shm_perm);
}

/* IPC_INFO: the limits; returns the highest slot in use (Linux:
 * shmctl_ipc_info). */
static long shmctl_ipc_info(uint64_t ubuf)
{
	struct shminfo64 info = { .shmmax = SHMMAX, .shmmin = SHMMIN, .shmmni = IPCMNI,
				  .shmseg = IPCMNI, .shmall = SHMALL };

	if (copy_to_user(ubuf, &info, sizeof(info)))
		return -EFAULT;
	return MAX(ipc_get_maxidx(&shm_ids), 0);
}

/* SHM_INFO: the segments' pages, from a walk of them (Linux keeps
 * shm_tot as a counter; it is asked for only by ipcs). */
static long shmctl_shm_info(uint64_t ubuf)
{
	struct shm_info info = { .used_ids = shm_ids.in_use };
	unsigned long index = 0;
	struct kern_ipc_perm *perm;

	for (; (perm = ipc_next(&shm_ids, &index)); index++) {
		struct shmid_kernel *shp = (struct shmid_kernel *)perm;
		info.shm_tot += shm_mapped_size(shp) >> PAGE_SHIFT;
		info.shm_rss += shp->shm_file->f_mapping->nrpages *
				(is_file_hugepages(shp->shm_file) ? PAGES_PER_HUGE_PAGE : 1);
	}
	if (copy_to_user(ubuf, &info, sizeof(info)))
		return -EFAULT;
	return MAX(ipc_get_maxidx(&shm_ids), 0);
}

/* SHM_STAT and SHM_STAT_ANY: the segment in slot idx; returns its id. */
static long shmctl_stat_idx(int idx, int cmd, uint64_t ubuf)
{
	struct shmid_kernel *shp = (struct shmid_kernel *)ipc_obtain_object_idx(&shm_ids, idx);

	if (!shp)
		return -EINVAL;
	long err = shm_stat(shp, ubuf, cmd == SHM_STAT_ANY);
	return err ? err : shp->shm_perm.id;
}

long sys_shmctl(uint64_t shmid, uint64_t ucmd, uint64_t ubuf)
{
	int cmd = (int)ucmd & ~IPC_64;
	struct ipc64_perm perm;

	if (cmd == IPC_INFO)
		return shmctl_ipc_info(ubuf);
	if (cmd == SHM_INFO)
		return shmctl_shm_info(ubuf);
	if (cmd == SHM_STAT || cmd == SHM_STAT_ANY)
		return shmctl_stat_idx((int)shmid, cmd, ubuf);
	if (cmd != IPC_STAT && cmd != IPC_SET && cmd != IPC_RMID && cmd != SHM_LOCK &&
	    cmd != SHM_UNLOCK)
		return -EINVAL;
	struct shmid_kernel *shp = shm_obtain((int)shmid);
	if (!shp)
		return -EINVAL;
	if (cmd == IPC_STAT)
		return shm_stat(shp, ubuf, false);
	if (cmd == IPC_SET && copy_from_user(&perm, ubuf, sizeof(perm)))
		return -EFAULT;
	if (ipc_check_owner(&shp->shm_perm))
		return -EPERM;
	switch (cmd) {
	case IPC_SET:
		ipc_update_perm(&perm, &shp->shm_perm);
		shp->shm_ctim = now();
		break;
	case IPC_RMID:
		shm_rmid(shp);
		break;
	case SHM_LOCK: /* reclaim leaves its pages in memory (Linux: shmem_lock) */
		shp->shm_perm.mode |= SHM_LOCKED;
		shp->shm_file->f_mapping->flags |= 1UL << AS_UNEVICTABLE;
		break;
	case SHM_UNLOCK:
		shp->shm_perm.mode &= ~SHM_LOCKED;
		shp->shm_file->f_mapping->flags &= ~(1UL << AS_UNEVICTABLE);
		break;
	}
	return 0;
}

/* /proc/sysvipc/shm: Linux 6.1's header and columns; rss and swap in
 * bytes (swap: the segment's pages on swap slots). */
int sysvipc_shm_show(struct seq_file *m)
{
	unsigned long index = 0;
	struct kern_ipc_perm *perm;

	seq_puts(m, "       key      shmid perms                  size  cpid  lpid nattch   uid   gid  "
		    "cuid  cgid      atime      dtime      ctime                   rss                  "
		    "swap\n");
	for (; (perm = ipc_next(&shm_ids, &index)); index++) {
		struct shmid_kernel *shp = (struct shmid_kernel *)perm;
		seq_printf(m, "%10d %10d  %4o %21lu %5u %5u  %5lu %5u %5u %5u %5u %10lld %10lld %10lld "
			      "%21lu %21lu\n", perm->key, perm->id, perm->mode, shp->shm_segsz,
			   shp->shm_cprid, shp->shm_lprid, shp->shm_nattch, perm->uid, perm->gid,
			   perm->cuid, perm->cgid, (long long)shp->shm_atim, (long long)shp->shm_dtim,
			   (long long)shp->shm_ctim, shp->shm_file->f_mapping->nrpages << PAGE_SHIFT,
			   SHMEM_I(shp->shm_file->f_inode)->swapped << PAGE_SHIFT);
	}
	return 0;
}
