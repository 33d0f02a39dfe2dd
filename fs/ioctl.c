/*
 * ioctl (Linux's fs/ioctl.c): the requests every descriptor answers -
 * close-on-exec, non-blocking mode, bytes left in a regular file - then
 * the file's own (a terminal's termios, a pipe's FIONREAD). A file that
 * knows none of them: ENOTTY ("not a typewriter"), as on Linux.
 */
#include "fs/fdtable.h"
#include "fs/file.h"
#include "fs/stat.h"
#include "kernel/errno.h"
#include "kernel/proc.h"
#include "kernel/syscall.h"
#include "kernel/uaccess.h"

#define FIONREAD 0x541b
#define FIONBIO 0x5421
#define FIONCLEX 0x5450
#define FIOCLEX 0x5451

static long ioctl_fionbio(struct file *f, uint64_t arg)
{
	int on;

	if (copy_from_user(&on, arg, sizeof(on)))
		return -EFAULT;
	if (on)
		f->f_flags |= O_NONBLOCK;
	else
		f->f_flags &= ~O_NONBLOCK;
	return 0;
}

static long ioctl_fionread_reg(struct file *f, uint64_t arg)
{
	int left = (int)(i_size_read(f->f_inode) - f->f_pos);

	return copy_to_user(arg, &left, sizeof(left)) ? -EFAULT : 0;
}

long sys_ioctl(uint64_t fd, uint64_t cmd, uint64_t arg)
{
	struct file *f = fget((unsigned int)fd);

	if (!f)
		return -EBADF;
	switch ((unsigned int)cmd) {
	case FIOCLEX:
	case FIONCLEX:
		set_close_on_exec(current->files, (unsigned int)fd, (unsigned int)cmd == FIOCLEX);
		return 0;
	case FIONBIO:
		return ioctl_fionbio(f, arg);
	case FIONREAD:
		if (f->f_inode && S_ISREG(f->f_inode->i_mode))
			return ioctl_fionread_reg(f, arg);
		break;
	}
	if (!f->f_op->unlocked_ioctl)
		return -ENOTTY;
	long ret = f->f_op->unlocked_ioctl(f, (unsigned int)cmd, (unsigned long)arg);
	return ret == -ENOIOCTLCMD ? -ENOTTY : ret;
}
