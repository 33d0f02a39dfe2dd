/*
 * syslog(2) (Linux: do_syslog in kernel/printk/printk.c), what dmesg and
 * klogd use: read the log ring in the syslog format, one line per record,
 *
 *     <6>[    1.234567] the message
 *
 * (the priority: facility * 8 + level), clear it, and set the console log
 * level. READ_ALL reads from the last CLEAR on and gives the newest lines
 * that fit; READ consumes lines (one reader position for the system, as
 * in Linux) and waits for the next one.
 */
#include "kernel/errno.h"
#include "kernel/printk.h"
#include "kernel/printk_ringbuffer.h"
#include "kernel/proc.h"
#include "kernel/signal.h"
#include "kernel/syscall.h"
#include "kernel/uaccess.h"
#include "kernel/x86.h"
#include "lib/format.h"
#include "mm/slab.h"

/* syslog(2)'s actions, Linux's numbers. */
enum {
	SYSLOG_ACTION_CLOSE,
	SYSLOG_ACTION_OPEN,
	SYSLOG_ACTION_READ,
	SYSLOG_ACTION_READ_ALL,
	SYSLOG_ACTION_READ_CLEAR,
	SYSLOG_ACTION_CLEAR,
	SYSLOG_ACTION_CONSOLE_OFF,
	SYSLOG_ACTION_CONSOLE_ON,
	SYSLOG_ACTION_CONSOLE_LEVEL,
	SYSLOG_ACTION_SIZE_UNREAD,
	SYSLOG_ACTION_SIZE_BUFFER,
};

#define PREFIX_MAX 32

static uint64_t clear_seq;    /* READ_ALL starts here (CLEAR moves it) */
static uint64_t syslog_seq;   /* READ's next record... */
static size_t syslog_partial; /* ...of which this much was read already */
static int saved_console_loglevel = -1; /* CONSOLE_OFF's, for CONSOLE_ON */

uint64_t syslog_clear_seq(void)
{
	return clear_seq;
}

/* Record seq as a syslog line into line (LOG_LINE_MAX + PREFIX_MAX):
 * its length, or 0 if the record does not exist. */
static size_t syslog_line(uint64_t seq, char *line)
{
	struct printk_info info;
	char text[LOG_LINE_MAX];

	if (!log_read_record(seq, &info, text, sizeof(text)))
		return 0;
	uint64_t us = info.ts_nsec / 1000;
	int n = snprintf(line, PREFIX_MAX + LOG_LINE_MAX, "<%u>[%5lu.%06lu] %.*s\n",
			 (unsigned)(info.facility << 3 | info.level), (unsigned long)(us / 1000000),
			 (unsigned long)(us % 1000000), (int)info.text_len, text);
	return (size_t)n;
}

/* The oldest record still there at or after seq. */
static uint64_t kept(uint64_t seq)
{
	return MAX(seq, log_first_seq());
}

static size_t lines_size(uint64_t from, uint64_t to, char *line)
{
	size_t total = 0;

	for (uint64_t seq = from; seq < to; seq++)
		total += syslog_line(seq, line);
	return total;
}

/* READ_ALL: the newest whole lines since clear_seq that fit in size. */
static long syslog_print_all(uint64_t buf, size_t size, bool clear, char *line)
{
	uint64_t seq = kept(clear_seq), end = log_next_seq();
	size_t total = lines_size(seq, end, line);
	long len = 0;

	for (; seq < end && total > size; seq++)
		total -= syslog_line(seq, line);
	for (; seq < end; seq++) {
		size_t n = syslog_line(seq, line);
		if (!n)
			break;
		if (copy_to_user(buf + (uint64_t)len, line, n))
			return -EFAULT;
		len += (long)n;
	}
	if (clear)
		clear_seq = seq;
	return len;
}

/* READ: wait for a line, then consume as many as fit (the first perhaps
 * only in part, the rest next time). */
static long syslog_print(uint64_t buf, size_t size, char *line)
{
	long len = 0;

	for (;;) {
		cli();
		syslog_seq = kept(syslog_seq);
		if (syslog_seq < log_next_seq())
			break;
		if (signal_pending(current)) {
			sti();
			return -ERESTARTSYS;
		}
		sleep_on(&log_wait);
		sti();
	}
	sti();
	while ((size_t)len < size) {
		size_t n = syslog_line(syslog_seq, line);
		if (!n)
			break;
		if (syslog_partial >= n) { /* its start was dropped and reused */
			syslog_partial = 0;
			continue;
		}
		size_t chunk = MIN(n - syslog_partial, size - (size_t)len);
		if (copy_to_user(buf + (uint64_t)len, line + syslog_partial, chunk))
			return len ? len : -EFAULT;
		len += (long)chunk;
		syslog_partial += chunk;
		if (syslog_partial == n) {
			syslog_seq++;
			syslog_partial = 0;
		}
	}
	return len;
}

/* A buffer for one line (a reader may sleep or fault while it holds it). */
static char *alloc_line(void)
{
	return kmalloc(PREFIX_MAX + LOG_LINE_MAX);
}

static long syslog_read(int type, uint64_t buf, int len)
{
	if (!buf || len < 0)
		return -EINVAL;
	if (!len)
		return 0;
	if (!access_ok(buf, (size_t)len))
		return -EFAULT;
	char *line = alloc_line();
	if (!line)
		return -ENOMEM;
	long ret = type == SYSLOG_ACTION_READ ? syslog_print(buf, (size_t)len, line)
		: syslog_print_all(buf, (size_t)len, type == SYSLOG_ACTION_READ_CLEAR, line);
	kfree(line);
	return ret;
}

static long syslog_size_unread(void)
{
	char *line = alloc_line();

	if (!line)
		return -ENOMEM;
	syslog_seq = kept(syslog_seq);
	long size = (long)(lines_size(syslog_seq, log_next_seq(), line) - syslog_partial);
	kfree(line);
	return size;
}

long sys_syslog(uint64_t type, uint64_t buf, uint64_t len)
{
	int n = (int)len;

	switch ((int)type) {
	case SYSLOG_ACTION_CLOSE:
	case SYSLOG_ACTION_OPEN:
		return 0;
	case SYSLOG_ACTION_READ:
	case SYSLOG_ACTION_READ_ALL:
	case SYSLOG_ACTION_READ_CLEAR:
		return syslog_read((int)type, buf, n);
	case SYSLOG_ACTION_CLEAR:
		clear_seq = log_next_seq();
		return 0;
	case SYSLOG_ACTION_CONSOLE_OFF:
		if (saved_console_loglevel == -1)
			saved_console_loglevel = console_loglevel;
		console_loglevel = minimum_console_loglevel;
		return 0;
	case SYSLOG_ACTION_CONSOLE_ON:
		if (saved_console_loglevel != -1) {
			console_loglevel = saved_console_loglevel;
			saved_console_loglevel = -1;
		}
		return 0;
	case SYSLOG_ACTION_CONSOLE_LEVEL:
		if (n < 1 || n > 8)
			return -EINVAL;
		console_loglevel = MAX(n, minimum_console_loglevel);
		saved_console_loglevel = -1; /* a later CONSOLE_ON keeps this level */
		return 0;
	case SYSLOG_ACTION_SIZE_UNREAD:
		return syslog_size_unread();
	case SYSLOG_ACTION_SIZE_BUFFER:
		return LOG_BUF_SIZE;
	default:
		return -EINVAL;
	}
}
