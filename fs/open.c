/*
 * Opening and closing: open, openat, close, dup, dup2, dup3, chdir,
 * getcwd. The one directory, "/", is every process's working directory,
 * so there is no per-process state beyond the descriptor table (Linux
 * keeps the working directory in fs_struct; here there is nothing to
 * remember).
 */
#include "fs/fdtable.h"
#include "fs/file.h"
#include "fs/internal.h"
#include "fs/namei.h"
#include "fs/rootfs.h"
#include "fs/stat.h"
#include "kernel/errno.h"
#include "kernel/proc.h"
#include "kernel/syscall.h"
#include "kernel/uaccess.h"
#include "mm/slab.h"

struct file *fget(unsigned int fd)
{
	return files_lookup_fd(current->files, fd);
}

long getname(uint64_t upath, bool empty_ok, char **path)
{
	char *buf = kmalloc(PATH_MAX); /* too big for the 16 KiB kernel stack */

	if (!buf)
		return -ENOMEM;
	long len = strncpy_from_user(buf, upath, PATH_MAX);
	if (len == 0 && !empty_ok)
		len = -ENOENT;
	if (len < 0) {
		kfree(buf);
		return len;
	}
	*path = buf;
	return 0;
}

void putname(char *path)
{
	kfree(path);
}

/* Each kind of file says in st_mode what it is. */
static bool is_dir(struct file *f)
{
	struct stat st = { 0 };

	f->f_op->stat(f, &st);
	return S_ISDIR(st.st_mode);
}

long vfs_open_at(int dirfd, const char *path, unsigned int flags, struct file **f)
{
	/* A relative path starts at dirfd; "/" being the only directory,
	 * that is where rootfs_open starts it anyway. */
	if (path[0] != '/' && dirfd != AT_FDCWD) {
		struct file *dir = fget((unsigned int)dirfd);
		if (!dir)
			return -EBADF;
		if (!is_dir(dir))
			return -ENOTDIR;
	}
	return rootfs_open(path, flags, f);
}

long sys_openat(uint64_t dirfd, uint64_t upath, uint64_t flags, uint64_t mode)
{
	struct file *f;
	char *path;

	(void)mode; /* permissions of a new file: nothing can be created */
	long err = getname(upath, false, &path);
	if (err)
		return err;
	err = vfs_open_at((int)dirfd, path, (unsigned int)flags, &f);
	putname(path);
	if (err)
		return err;
	int fd = fd_install(current->files, f, (unsigned int)flags);
	if (fd < 0)
		fput(f);
	return fd;
}

long sys_open(uint64_t upath, uint64_t flags, uint64_t mode)
{
	return sys_openat((uint64_t)AT_FDCWD, upath, flags, mode);
}

long sys_close(uint64_t fd)
{
	return close_fd(current->files, (unsigned int)fd);
}

long sys_dup(uint64_t oldfd)
{
	struct file *f = fget((unsigned int)oldfd);

	if (!f)
		return -EBADF;
	get_file(f);
	int fd = fd_install(current->files, f, 0);
	if (fd < 0)
		fput(f);
	return fd;
}

/* dup2 and dup3 once oldfd != newfd. */
static long do_dup2(unsigned int oldfd, unsigned int newfd, unsigned int flags)
{
	struct file *f = fget(oldfd);

	if (newfd >= NR_OPEN || !f)
		return -EBADF;
	replace_fd(current->files, newfd, f, flags);
	return newfd;
}

long sys_dup2(uint64_t oldfd, uint64_t newfd)
{
	if ((unsigned int)oldfd == (unsigned int)newfd) /* nothing to do, if it is open */
		return fget((unsigned int)oldfd) ? (long)(unsigned int)newfd : -EBADF;
	return do_dup2((unsigned int)oldfd, (unsigned int)newfd, 0);
}

long sys_dup3(uint64_t oldfd, uint64_t newfd, uint64_t flags)
{
	if ((unsigned int)flags & ~O_CLOEXEC)
		return -EINVAL;
	if ((unsigned int)oldfd == (unsigned int)newfd)
		return -EINVAL;
	return do_dup2((unsigned int)oldfd, (unsigned int)newfd, (unsigned int)flags);
}

long sys_chdir(uint64_t upath)
{
	struct file *f;
	char *path;

	long err = getname(upath, false, &path);
	if (err)
		return err;
	/* The only directory is the working directory already. */
	err = vfs_open_at(AT_FDCWD, path, O_RDONLY | O_DIRECTORY, &f);
	putname(path);
	if (err)
		return err;
	fput(f);
	return 0;
}

long sys_getcwd(uint64_t buf, uint64_t size)
{
	static const char cwd[] = "/";

	if (size < sizeof(cwd))
		return -ERANGE;
	if (copy_to_user(buf, cwd, sizeof(cwd)))
		return -EFAULT;
	return sizeof(cwd); /* the length with the NUL, as Linux's system call */
}
