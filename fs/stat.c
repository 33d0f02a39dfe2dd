/* stat, fstat and newfstatat: the file's kind fills in struct stat. */
#include "fs/stat.h"
#include "fs/fdtable.h"
#include "fs/file.h"
#include "fs/internal.h"
#include "kernel/errno.h"
#include "kernel/syscall.h"
#include "kernel/uaccess.h"

static long vfs_fstat(struct file *f, uint64_t ubuf)
{
	struct stat st = { 0 };

	f->f_op->stat(f, &st);
	return copy_to_user(ubuf, &st, sizeof(st));
}

long sys_fstat(uint64_t fd, uint64_t ubuf)
{
	struct file *f = fget((unsigned int)fd);

	if (!f)
		return -EBADF;
	return vfs_fstat(f, ubuf);
}

long sys_newfstatat(uint64_t dirfd, uint64_t upath, uint64_t ubuf, uint64_t flags)
{
	struct file *f;
	char *path;

	if ((unsigned int)flags & ~(AT_SYMLINK_NOFOLLOW | AT_NO_AUTOMOUNT | AT_EMPTY_PATH |
				   AT_STATX_SYNC_TYPE))
		return -EINVAL;
	long err = getname(upath, flags & AT_EMPTY_PATH, &path);
	if (err)
		return err;
	if (!path[0] && (int)dirfd != AT_FDCWD) { /* AT_EMPTY_PATH: dirfd itself */
		putname(path);
		f = fget((unsigned int)dirfd);
		return f ? vfs_fstat(f, ubuf) : -EBADF;
	}
	/* Looking a file up costs an open here: the open file is where the
	 * kind's stat operation is. The working directory is ".". */
	err = vfs_open_at((int)dirfd, path[0] ? path : ".", O_RDONLY, &f);
	putname(path);
	if (err)
		return err;
	err = vfs_fstat(f, ubuf);
	fput(f);
	return err;
}

long sys_stat(uint64_t upath, uint64_t ubuf)
{
	return sys_newfstatat((uint64_t)AT_FDCWD, upath, ubuf, 0);
}
