/*
 * The kernel log. Each line gets a "[seconds.micros] " timestamp from the
 * monotonic clock and is appended to a fixed ring of characters; when
 * the ring is full the oldest text is overwritten, so the log always holds
 * the most recent LOG_BUF_SIZE bytes.
 */
#include "kernel/printk.h"
#include "kernel/serial.h"
#include "kernel/timekeeping.h"
#include "kernel/x86.h"
#include "lib/format.h"

#define LOG_BUF_SIZE (64 * 1024) /* a power of two */
#define CONSOLE_LOGLEVEL 7       /* print levels 0..6 on the console, not debug */
#define DEFAULT_LEVEL 4          /* a message without a level is a warning */

static char log_buf[LOG_BUF_SIZE];
static uint64_t log_head;        /* total characters ever logged */
static bool at_line_start = true;
static int line_level = DEFAULT_LEVEL;

static void log_putc(char c)
{
	log_buf[log_head++ % LOG_BUF_SIZE] = c;
}

static void emit(const char *s, size_t n, int level)
{
	for (size_t i = 0; i < n; i++)
		log_putc(s[i]);
	if (level < CONSOLE_LOGLEVEL)
		serial_write(s, n);
}

static void emit_timestamp(int level)
{
	char ts[32];
	uint64_t us = ktime_get_ns() / 1000;
	int n = snprintf(ts, sizeof(ts), "[%5lu.%06lu] ",
			 (unsigned long)(us / 1000000), (unsigned long)(us % 1000000));
	emit(ts, (size_t)n, level);
}

/* Split off the KERN_* prefix, if any. */
static const char *parse_level(const char *text, int *level, bool *cont)
{
	*cont = false;
	if (text[0] != KERN_SOH[0] || !text[1])
		return text;
	if (text[1] == 'c')
		*cont = true;
	else if (text[1] >= '0' && text[1] <= '7')
		*level = text[1] - '0';
	return text + 2;
}

void vprintk(const char *fmt, va_list ap)
{
	char text[512];
	int level = DEFAULT_LEVEL;
	bool cont;
	bool was_on = irq_save();

	vsnprintf(text, sizeof(text), fmt, ap);
	const char *s = parse_level(text, &level, &cont);
	if (cont)
		level = line_level;
	else if (!at_line_start)
		emit("\n", 1, line_level); /* a new message ends an unfinished line */
	line_level = level;
	at_line_start = at_line_start || !cont;
	for (; *s; s++) {
		if (at_line_start)
			emit_timestamp(level);
		emit(s, 1, level);
		at_line_start = *s == '\n';
	}
	irq_restore(was_on);
}

void printk(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vprintk(fmt, ap);
	va_end(ap);
}

void kprintf(const char *fmt, ...)
{
	char text[512];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	serial_write(text, MIN((size_t)n, sizeof(text) - 1));
}

int cmd_log(int argc, char **argv)
{
	(void)argc, (void)argv;
	uint64_t start = log_head > LOG_BUF_SIZE ? log_head - LOG_BUF_SIZE : 0;

	/* After a wrap the oldest line is cut: start at the next whole one. */
	if (start > 0)
		while (start < log_head && log_buf[start++ % LOG_BUF_SIZE] != '\n')
			;
	for (uint64_t i = start; i < log_head; i++)
		serial_write(&log_buf[i % LOG_BUF_SIZE], 1);
	return 0;
}
