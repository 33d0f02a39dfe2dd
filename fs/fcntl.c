/* fcntl(): the descriptor's close-on-exec flag, the file's status flags,
 * duplicating a descriptor above a given number, a pipe's size, and a
 * memfd's seals (mm/memfd.c), and file locks (fs/locks.c). */
#include "fs/fdtable.h"
#include "fs/file.h"
#include "fs/locks.h"
#include "fs/pipe.h"
#include "kernel/errno.h"
#include "kernel/proc.h"
#include "kernel/syscall.h"
#include "mm/shmem.h"

#define F_DUPFD 0
#define F_GETFD 1
#define F_SETFD 2
#define F_GETFL 3
#define F_SETFL 4
#define F_DUPFD_CLOEXEC 1030
#define FD_CLOEXEC 1
#define SETFL_FLAGS (O_APPEND | O_NONBLOCK) /* what F_SETFL may change */

static long dup_from(struct file *f, uint64_t lowest, unsigned int flags)
{
	if (lowest >= NR_OPEN)
		return -EINVAL;
	get_file(f);
	int fd = fd_install_from(current->files, f, flags, (unsigned int)lowest);
	if (fd < 0)
		fput(f);
	return fd;
}

long sys_fcntl(uint64_t fd, uint64_t cmd, uint64_t arg)
{
	struct file *f = fget((unsigned int)fd);

	if (!f)
		return -EBADF;
	switch (cmd) {
	case F_DUPFD:
		return dup_from(f, arg, 0);
	case F_DUPFD_CLOEXEC:
		return dup_from(f, arg, O_CLOEXEC);
	case F_GETFD:
		return is_close_on_exec(current->files, (unsigned int)fd) ? FD_CLOEXEC : 0;
	case F_SETFD:
		set_close_on_exec(current->files, (unsigned int)fd, arg & FD_CLOEXEC);
		return 0;
	case F_GETFL:
		return f->f_flags;
	case F_SETFL:
		f->f_flags = (f->f_flags & ~SETFL_FLAGS) | ((unsigned int)arg & SETFL_FLAGS);
		return 0;
	case F_ADD_SEALS:
	case F_GET_SEALS:
		return memfd_fcntl(f, (unsigned int)cmd, arg);
	case F_GETLK:
	case F_OFD_GETLK:
		return f->f_inode ? fcntl_getlk(f, (unsigned int)cmd, arg) : -EINVAL;
	case F_SETLK:
	case F_SETLKW:
	case F_OFD_SETLK:
	case F_OFD_SETLKW:
		return f->f_inode ? fcntl_setlk((unsigned int)fd, f, (unsigned int)cmd, arg) : -EINVAL;
	case F_SETPIPE_SZ:
	case F_GETPIPE_SZ:
		return pipe_fcntl(f, (unsigned int)cmd, arg);
	default:
		return -EINVAL;
	}
}
