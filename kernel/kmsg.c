/*
 * /dev/kmsg (Linux: devkmsg_* in kernel/printk/printk.c): the log ring
 * as a file, one record per read(), in the format dmesg and systemd read:
 *
 *     PRI,SEQ,TIMESTAMP_US,-;message\n
 *
 * with PRI = facility * 8 + level and the bytes of the message below
 * ' ', above '~' or '\' written as \xNN. Each open file has its own
 * place, starting at the oldest record: a reader that fell so far behind
 * that its next record was dropped gets EPIPE once and goes on from the
 * oldest one left. At the end a read waits for the next record (EAGAIN
 * with O_NONBLOCK). lseek(fd, 0, SEEK_SET / SEEK_DATA / SEEK_END) moves
 * to the oldest record, to the first after syslog's last CLEAR, or past
 * the newest. A write() is one record, "<N>" in front choosing its
 * priority (the facility defaults to LOG_USER).
 */
#include "fs/file.h"
#include "fs/iov_iter.h"
#include "kernel/errno.h"
#include "kernel/printk.h"
#include "kernel/printk_ringbuffer.h"
#include "kernel/proc.h"
#include "kernel/signal.h"
#include "kernel/x86.h"
#include "lib/format.h"
#include "mm/slab.h"

#define KMSG_RECORD_MAX (64 + 4 * LOG_LINE_MAX) /* every byte escaped */

struct devkmsg_user {
	uint64_t seq; /* the next record to read */
	char text[LOG_LINE_MAX + 1]; /* a written line and its NUL, or a record's text */
	char buf[KMSG_RECORD_MAX];
};

static int devkmsg_open(struct inode *inode, struct file *f)
{
	(void)inode;
	struct devkmsg_user *user = kmalloc(sizeof(*user));

	if (!user)
		return -ENOMEM;
	user->seq = log_first_seq();
	f->private_data = user;
	return 0;
}

static void devkmsg_release(struct inode *inode, struct file *f)
{
	(void)inode;
	kfree(f->private_data);
}

/* One record in the /dev/kmsg format into user->buf: its length. */
static size_t format_record(struct devkmsg_user *user, const struct printk_info *info)
{
	char *p = user->buf, *end = user->buf + sizeof(user->buf);

	p += snprintf(p, (size_t)(end - p), "%u,%lu,%lu,-;", (unsigned)(info->facility << 3 | info->level),
		      (unsigned long)info->seq, (unsigned long)(info->ts_nsec / 1000));
	for (size_t i = 0; i < info->text_len; i++) {
		unsigned char c = (unsigned char)user->text[i];
		if (c < ' ' || c >= 127 || c == '\\')
			p += snprintf(p, (size_t)(end - p), "\\x%02x", c);
		else
			*p++ = (char)c;
	}
	*p++ = '\n';
	return (size_t)(p - user->buf);
}

/* Wait until record user->seq (or a later one) exists: 0, -EAGAIN or
 * -ERESTARTSYS. */
static long wait_for_record(struct file *f, struct devkmsg_user *user)
{
	for (;;) {
		cli();
		if (user->seq < log_next_seq()) {
			sti();
			return 0;
		}
		if (f->f_flags & O_NONBLOCK) {
			sti();
			return -EAGAIN;
		}
		if (signal_pending(current)) {
			sti();
			return -ERESTARTSYS;
		}
		sleep_on(&log_wait);
		sti();
	}
}

static long devkmsg_read(struct file *f, struct iov_iter *to, loff_t *pos)
{
	struct devkmsg_user *user = f->private_data;
	struct printk_info info;

	(void)pos;
	long err = wait_for_record(f, user);
	if (err)
		return err;
	if (user->seq < log_first_seq()) {
		user->seq = log_first_seq(); /* what we were to read next is gone */
		return -EPIPE;
	}
	if (!log_read_record(user->seq, &info, user->text, sizeof(user->text)))
		return -EPIPE; /* dropped while we looked: the next read says where we are */
	size_t len = format_record(user, &info);
	if (len > iov_iter_count(to))
		return -EINVAL;
	if (copy_to_iter(user->buf, len, to) != len)
		return -EFAULT;
	user->seq = info.seq + 1;
	return (long)len;
}

/* "<N>" in front of a written line: its priority. Returns the text after it. */
static const char *parse_priority(const char *line, int *facility, int *level)
{
	unsigned long u = 0;
	const char *p = line + 1;

	if (line[0] != '<')
		return line;
	while (*p >= '0' && *p <= '9')
		u = u * 10 + (unsigned long)(*p++ - '0');
	if (*p != '>' || p == line + 1)
		return line;
	*level = (int)(u & 7);
	if (u >> 3)
		*facility = (int)(u >> 3);
	return p + 1;
}

static long devkmsg_write(struct file *f, struct iov_iter *from, loff_t *pos)
{
	struct devkmsg_user *user = f->private_data;
	size_t len = iov_iter_count(from);
	int facility = LOG_USER, level = default_message_loglevel;

	(void)pos;
	if (len > LOG_LINE_MAX)
		return -EINVAL;
	if (copy_from_iter(user->text, len, from) != len)
		return -EFAULT;
	user->text[len] = '\0';
	const char *line = parse_priority(user->text, &facility, &level);
	size_t n = len - (size_t)(line - user->text);
	if (n && line[n - 1] == '\n')
		n--; /* the record is the line, as printk's are */
	printk_emit(facility, level, line, n);
	return (long)len;
}

static loff_t devkmsg_llseek(struct file *f, loff_t offset, int whence)
{
	struct devkmsg_user *user = f->private_data;

	if (offset)
		return -ESPIPE;
	switch (whence) {
	case SEEK_SET:
		user->seq = log_first_seq();
		return 0;
	case SEEK_DATA:
		user->seq = MAX(syslog_clear_seq(), log_first_seq());
		return 0;
	case SEEK_END:
		user->seq = log_next_seq();
		return 0;
	default:
		return -EINVAL;
	}
}

const struct file_operations kmsg_fops = {
	.open = devkmsg_open,
	.release = devkmsg_release,
	.read = devkmsg_read,
	.write = devkmsg_write,
	.llseek = devkmsg_llseek,
};
