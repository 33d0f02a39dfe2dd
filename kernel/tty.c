/*
 * The console as an open file: what descriptors 0, 1 and 2 of every
 * program name (fs/fdtable.c: files_alloc_console). Output goes straight
 * to the serial port. ioctl answers the two questions a C library asks
 * of a terminal: are you one, and how big are you.
 *
 * Standard input is not connected yet: what is typed belongs to the
 * console thread's line editor (kernel/console.c), so reading the console
 * returns end of file at once.
 */
#include "fs/fdtable.h"
#include "fs/file.h"
#include "fs/iov_iter.h"
#include "fs/stat.h"
#include "kernel/errno.h"
#include "kernel/proc.h"
#include "kernel/serial.h"
#include "kernel/syscall.h"
#include "kernel/uaccess.h"

#define TCGETS 0x5401
#define TIOCGWINSZ 0x5413
#define CHUNK 256
#define CONSOLE_DEV 5                /* 0:5, where Linux's devtmpfs usually is */
#define CONSOLE_RDEV ((4 << 8) | 64) /* 4:64, ttyS0 */

static long console_read(struct file *f, struct iov_iter *to, loff_t *pos)
{
	(void)f, (void)to, (void)pos;
	return 0;
}

/*
 * How many bytes were written, or -EFAULT if not even the first byte
 * could be read. A huge write (2 GiB) takes minutes at the UART's pace:
 * between chunks it lets others run, and a signal ends it as on Linux's
 * terminals - with what was written so far, or -ERESTARTSYS.
 */
static long console_write(struct file *f, struct iov_iter *from, loff_t *pos)
{
	char chunk[CHUNK];
	size_t done = 0;

	(void)f, (void)pos;
	while (iov_iter_count(from)) {
		if (signal_pending(current))
			return done ? (long)done : -ERESTARTSYS;
		cond_resched();
		size_t n = copy_from_iter(chunk, CHUNK, from);
		serial_write(chunk, n);
		done += n;
		if (n < CHUNK && iov_iter_count(from)) /* a bad address */
			return done ? (long)done : -EFAULT;
	}
	return (long)done;
}

static void console_stat(struct file *f, struct stat *st)
{
	(void)f;
	st->st_dev = CONSOLE_DEV;
	st->st_ino = 1;
	st->st_nlink = 1;
	st->st_mode = S_IFCHR | 0620;
	st->st_rdev = CONSOLE_RDEV;
	st->st_blksize = 1024;
}

/* No llseek: a terminal has no position. No fsync: a special file. */
const struct file_operations console_fops = {
	.read = console_read,
	.write = console_write,
	.stat = console_stat,
};

struct file *console_open(void)
{
	return alloc_file(&console_fops, O_RDWR, NULL);
}

long sys_ioctl(uint64_t fd, uint64_t cmd, uint64_t arg)
{
	static const uint16_t winsize[4] = { 24, 80, 0, 0 }; /* rows, columns */
	/* The kernel's struct termios: four flag words, c_line, c_cc[19].
	 * A C library's own is larger (glibc's 60 bytes) and TCGETS fills
	 * only this much of it: more would overrun glibc's stack copy. */
	uint8_t termios[36] = { 0 };
	struct file *f = fget((unsigned int)fd);

	if (!f)
		return -EBADF;
	if (f->f_op->unlocked_ioctl) /* a block device (block/ioctl.c) */
		return f->f_op->unlocked_ioctl(f, (unsigned int)cmd, arg);
	if (f->f_op != &console_fops)
		return -ENOTTY;
	if ((unsigned int)cmd == TIOCGWINSZ)
		return copy_to_user(arg, winsize, sizeof(winsize));
	if ((unsigned int)cmd == TCGETS)
		return copy_to_user(arg, termios, sizeof(termios));
	return -ENOTTY;
}
