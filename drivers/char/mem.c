/*
 * The memory character devices, major 1 (Linux: drivers/char/mem.c):
 * /dev/null (reads end at once, writes vanish), /dev/zero (reads give
 * zeros), /dev/full (reads give zeros, writes fail with ENOSPC) and
 * /dev/kmsg (the kernel log, kernel/kmsg.c); and the terminal
 * (drivers/tty/tty_io.c): /dev/ttyS0 (4:64), the serial line; /dev/console
 * (5:1), the same; /dev/tty (5:0), the caller's controlling terminal.
 */
#include "drivers/char/mem.h"
#include "fs/char_dev.h"
#include "fs/file.h"
#include "fs/iov_iter.h"
#include "kernel/errno.h"
#include "kernel/printk.h"
#include "kernel/proc.h"
#include "kernel/signal.h"
#include "mm/layout.h"

static long read_null(struct file *f, struct iov_iter *to, loff_t *pos)
{
	(void)f, (void)to, (void)pos;
	return 0;
}

static long write_null(struct file *f, struct iov_iter *from, loff_t *pos)
{
	(void)f, (void)pos;
	return (long)iov_iter_count(from); /* all taken, without looking */
}

static long read_zero(struct file *f, struct iov_iter *to, loff_t *pos)
{
	static const char zeros[PAGE_SIZE];
	long done = 0;

	(void)f, (void)pos;
	while (iov_iter_count(to)) {
		size_t n = MIN(iov_iter_count(to), sizeof(zeros));
		size_t copied = copy_to_iter(zeros, n, to);
		done += (long)copied;
		if (copied < n)
			return done ? done : -EFAULT;
		if (signal_pending(current))
			break;
	}
	return done;
}

static long write_full(struct file *f, struct iov_iter *from, loff_t *pos)
{
	(void)f, (void)from, (void)pos;
	return -ENOSPC;
}

/* Linux's null_lseek: every seek succeeds and lands at 0. */
static loff_t null_lseek(struct file *f, loff_t offset, int whence)
{
	(void)offset, (void)whence;
	return f->f_pos = 0;
}

static const struct file_operations null_fops = {
	.read = read_null, .write = write_null, .llseek = null_lseek,
};
static const struct file_operations zero_fops = {
	.read = read_zero, .write = write_null, .llseek = null_lseek,
};
static const struct file_operations full_fops = {
	.read = read_zero, .write = write_full, .llseek = null_lseek,
};

/* Linux's device numbers and modes (devtmpfs makes the nodes). */
const struct char_device_node char_device_nodes[] = {
	{ "console", 0600, MEM_TTYAUX_MAJOR, 1, &tty_fops },
	{ "full", 0666, MEM_MAJOR, 7, &full_fops },
	{ "kmsg", 0644, MEM_MAJOR, 11, &kmsg_fops },
	{ "null", 0666, MEM_MAJOR, 3, &null_fops },
	{ "tty", 0666, MEM_TTYAUX_MAJOR, 0, &tty_fops },
	{ "ttyS0", 0660, TTY_MAJOR, 64, &tty_fops },
	{ "zero", 0666, MEM_MAJOR, 5, &zero_fops },
};
const size_t nr_char_device_nodes = ARRAY_SIZE(char_device_nodes);

void chr_dev_init(void)
{
	for (size_t i = 0; i < nr_char_device_nodes; i++) {
		const struct char_device_node *d = &char_device_nodes[i];
		if (register_chrdev_region_fops(d->major, d->minor, 1, d->name, d->fops))
			pr_err("mem: cannot register /dev/%s (%u:%u)\n", d->name, d->major, d->minor);
	}
}
