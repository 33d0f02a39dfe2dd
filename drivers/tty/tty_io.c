/*
 * The terminal as an open file (Linux's tty_io.c): what descriptors 0, 1
 * and 2 of every program name (fs/fdtable.c: files_alloc_console), and
 * /dev/console, /dev/ttyS0 and /dev/tty (the caller's controlling
 * terminal: ENXIO without one). read and write go through the line
 * discipline (n_tty.c), ioctl to tty_ioctl.c, poll says whether a read
 * would find input.
 *
 * There is one terminal, the serial line, and it is shared with the
 * kernel console: see tty_receive_char.
 */
#include "drivers/tty/tty.h"
#include "drivers/char/mem.h"
#include "fs/file.h"
#include "fs/iov_iter.h"
#include "fs/poll.h"
#include "fs/stat.h"
#include "kernel/errno.h"
#include "kernel/pgrp.h"
#include "kernel/proc.h"
#include "kernel/serial.h"

#define CONSOLE_DEV 5                /* 0:5, where Linux's devtmpfs usually is */
#define CONSOLE_RDEV ((4 << 8) | 64) /* 4:64, ttyS0 */

/* Linux's tty_std_termios, at the serial line's speed. */
static const struct termios tty_std_termios = {
	.c_iflag = ICRNL | IXON,
	.c_oflag = OPOST | ONLCR,
	.c_cflag = B115200 | CS8 | CREAD | HUPCL | CLOCAL,
	.c_lflag = ISIG | ICANON | ECHO | ECHOE | ECHOK | ECHOCTL | ECHOKE | IEXTEN,
	.c_cc = { [VINTR] = 003, [VQUIT] = 034, [VERASE] = 0177, [VKILL] = 025,
		  [VEOF] = 004, [VTIME] = 0, [VMIN] = 1, [VSTART] = 021, [VSTOP] = 023,
		  [VSUSP] = 032, [VREPRINT] = 022, [VDISCARD] = 017, [VWERASE] = 027,
		  [VLNEXT] = 026 },
};

struct tty_struct ttyS0 = {
	.termios = tty_std_termios,
	.winsize = { .ws_row = 24, .ws_col = 80 },
	.read_wait = WAIT_QUEUE_INIT(ttyS0.read_wait),
	.write_wait = WAIT_QUEUE_INIT(ttyS0.write_wait),
};

/* The console has the line: it is the foreground (its own group, which
 * is its session's id), or the escape key gave it the next line. */
static bool console_has_line(const struct tty_struct *tty)
{
	return tty->console_has_line || tty->pgrp == tty->session;
}

bool tty_job_in_foreground(const struct tty_struct *tty)
{
	return tty->pgrp != tty->session;
}

/*
 * From the receive interrupt, for each character typed. While a program
 * owns the terminal its line discipline takes it - except the escape key,
 * which gives the console the next line (Linux's serial drivers catch
 * SysRq the same way, before the line discipline).
 */
bool tty_receive_char(struct tty_struct *tty, char c)
{
	if (console_has_line(tty))
		return false;
	if (c == TTY_ESCAPE_CHAR) {
		tty->console_has_line = true;
		console_escape();
		return true;
	}
	n_tty_receive_char(tty, (unsigned char)c);
	return true;
}

void tty_console_return_line(struct tty_struct *tty)
{
	tty->console_has_line = false;
	serial_rx_deliver(); /* typed meanwhile: the job's */
}

void tty_give_to(struct tty_struct *tty, struct proc *p)
{
	tty->pgrp = task_pgrp_nr(p);
	tty->console_has_line = false;
	serial_rx_deliver();
}

void tty_console_take_line(struct tty_struct *tty)
{
	struct termios old = tty->termios;

	tty->pgrp = tty->session;
	tty->termios = tty_std_termios;
	tty->flow_stopped = false;
	n_tty_set_termios(tty, &old);
	n_tty_flush_input(tty);
	wake_up(&tty->write_wait);
}

unsigned int tty_devnum(const struct tty_struct *tty)
{
	(void)tty; /* the only one */
	return CONSOLE_RDEV; /* Linux's new_encode_dev, for a minor below 256 */
}

static struct tty_struct *file_tty(struct file *f)
{
	return f->private_data;
}

static long tty_read(struct file *f, struct iov_iter *to, loff_t *pos)
{
	(void)pos;
	if (!iov_iter_count(to))
		return 0;
	return n_tty_read(file_tty(f), f, to);
}

static long tty_write(struct file *f, struct iov_iter *from, loff_t *pos)
{
	(void)pos;
	return n_tty_write(file_tty(f), f, from);
}

/* Output never waits for room (serial.c makes room); input is there
 * when a read would return at once. */
static unsigned int tty_poll(struct file *f, struct poll_table *pt)
{
	struct tty_struct *tty = file_tty(f);
	unsigned int mask = POLLOUT | POLLWRNORM;

	poll_wait(f, &tty->read_wait, pt);
	poll_wait(f, &tty->write_wait, pt);
	if (n_tty_readable(tty))
		mask |= POLLIN | POLLRDNORM;
	if (tty->flow_stopped)
		mask &= ~(POLLOUT | POLLWRNORM);
	return mask;
}

static long tty_unlocked_ioctl(struct file *f, unsigned int cmd, unsigned long arg)
{
	return tty_ioctl(f, cmd, arg);
}

static void tty_stat(struct file *f, struct stat *st)
{
	(void)f;
	st->st_dev = CONSOLE_DEV;
	st->st_ino = 1;
	st->st_nlink = 1;
	st->st_mode = S_IFCHR | 0620;
	st->st_rdev = CONSOLE_RDEV;
	st->st_blksize = 1024;
}

/* /dev/tty is whichever terminal controls the caller. */
static int tty_open(struct inode *inode, struct file *f)
{
	if (inode && inode->i_rdev == MKDEV(MEM_TTYAUX_MAJOR, 0)) {
		if (!current->signal->tty)
			return -ENXIO;
		f->private_data = current->signal->tty;
		return 0;
	}
	f->private_data = &ttyS0;
	return 0;
}

/* No llseek: a terminal has no position. No fsync: a special file. */
const struct file_operations tty_fops = {
	.read = tty_read,
	.write = tty_write,
	.poll = tty_poll,
	.unlocked_ioctl = tty_unlocked_ioctl,
	.open = tty_open,
	.stat = tty_stat,
};

struct file *console_open(void)
{
	return alloc_file(&tty_fops, O_RDWR, &ttyS0);
}
