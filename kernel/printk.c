/*
 * The kernel log. Each line is a record in the log ring
 * (kernel/printk_ringbuffer.c) with a level, a sequence number and a
 * timestamp from the monotonic clock; when the ring is full the oldest
 * records are dropped. The console command `log`, syslog(2) and /dev/kmsg
 * read the ring.
 *
 * A line also goes to the console when its level is below the console
 * log level, as in Linux: 7 prints everything but debug messages; `quiet`
 * on the kernel command line makes it 4 (errors and worse), `loglevel=N`
 * sets it, and so does the console command `loglevel N` (Linux's
 * `dmesg -n N`). The serial driver queues what is printed and sends it
 * from its interrupt (kernel/serial.c), so printing does not wait for the
 * line.
 */
#include "kernel/printk.h"
#include "lib/string.h"
#include "fs/seq_file.h"
#include "kernel/cmdline.h"
#include "kernel/serial.h"
#include "kernel/timekeeping.h"
#include "kernel/x86.h"
#include "lib/format.h"
#include "lib/parse.h"
#include "lib/ratelimit.h"
#include "kernel/printk_ringbuffer.h"

#define CONSOLE_LOGLEVEL_DEFAULT 7 /* print levels 0..6 on the console, not debug */
#define CONSOLE_LOGLEVEL_MIN 1     /* `loglevel 0` would silence even emergencies */
#define CONSOLE_LOGLEVEL_QUIET 4   /* the `quiet` boot flag */
#define CONSOLE_LOGLEVEL_DEBUG 10  /* the `debug` boot flag: everything */
#define CONSOLE_LOGLEVEL_MOTORMOUTH 15 /* the highest level loglevel= takes */
#define MESSAGE_LOGLEVEL_DEFAULT 4 /* a message without a level is a warning */

int console_printk[4] = {
	CONSOLE_LOGLEVEL_DEFAULT, MESSAGE_LOGLEVEL_DEFAULT,
	CONSOLE_LOGLEVEL_MIN, CONSOLE_LOGLEVEL_DEFAULT,
};

static bool at_line_start = true;
static int line_level = MESSAGE_LOGLEVEL_DEFAULT;

static void emit(const char *s, size_t n, int level)
{
	if (level < console_loglevel)
		serial_write(s, n);
}

/* The "[    1.234567] " a console line starts with. Only a line that
 * reaches the console needs the text (the log keeps the number): most of
 * a quiet console's messages skip the formatting. */
static void emit_timestamp(int level, uint64_t ts_nsec)
{
	if (level >= console_loglevel)
		return;
	char ts[32];
	uint64_t us = ts_nsec / 1000;
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

/* A new message ends an unfinished line. */
static void end_unfinished_line(void)
{
	if (at_line_start)
		return;
	emit("\n", 1, line_level);
	log_end_line();
	at_line_start = true;
}

/* The log ring keeps whole lines (kernel/printk_ringbuffer.c); the
 * console gets them as they come, a piece at a time. */
void vprintk(const char *fmt, va_list ap)
{
	char text[512];
	int level = default_message_loglevel;
	bool cont;
	bool was_on = irq_save();

	int len = vsnprintf(text, sizeof(text), fmt, ap);
	const char *end = text + MIN((size_t)len, sizeof(text) - 1);
	const char *s = parse_level(text, &level, &cont);
	if (cont)
		level = line_level;
	else
		end_unfinished_line();
	line_level = level;
	/* A line (or the rest of the text) at a time. */
	while (s < end) {
		const char *newline = memchr(s, '\n', (size_t)(end - s));
		bool ends = newline != NULL;
		size_t n = ends ? (size_t)(newline + 1 - s) : (size_t)(end - s);
		if (at_line_start)
			emit_timestamp(level, log_start_line(LOG_KERN, level));
		log_add_text(s, ends ? n - 1 : n);
		emit(s, n, level);
		if (ends)
			log_end_line();
		at_line_start = ends;
		s += n;
	}
	irq_restore(was_on);
	/* Readers of /dev/kmsg and syslog(2) sleep on a wait queue, whose
	 * list a machine check must not touch while it may be half
	 * changed: with interrupts off they are woken by the next message
	 * printed with them on. */
	if (was_on)
		log_wake_readers();
}

void printk_emit(int facility, int level, const char *text, size_t len)
{
	bool was_on = irq_save();

	end_unfinished_line();
	emit_timestamp(level, log_start_line(facility, level));
	log_add_text(text, len);
	log_end_line();
	emit(text, len, level);
	emit("\n", 1, level);
	irq_restore(was_on);
	log_wake_readers();
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

static struct ratelimit_state printk_ratelimit_state =
	RATELIMIT_STATE_INIT(DEFAULT_RATELIMIT_INTERVAL, DEFAULT_RATELIMIT_BURST);

int __printk_ratelimit(const char *func)
{
	return ___ratelimit(&printk_ratelimit_state, func);
}

/* The boot flags `debug` and `quiet`, and `loglevel=N`: as in Linux, the
 * last one on the command line wins. A malformed loglevel= is refused. */
void console_loglevel_init(void)
{
	static const struct {
		const char *flag;
		int level;
	} flags[] = {
		{ "debug", CONSOLE_LOGLEVEL_DEBUG },
		{ "quiet", CONSOLE_LOGLEVEL_QUIET },
	};
	int last = -1;
	uint64_t level;

	for (size_t i = 0; i < ARRAY_SIZE(flags); i++) {
		int pos = cmdline_position(flags[i].flag);
		if (pos > last) {
			last = pos;
			console_loglevel = flags[i].level;
		}
	}
	int pos = cmdline_position("loglevel");
	if (pos < 0 || pos < last)
		return;
	const char *text = cmdline_get("loglevel");
	if (parse_u64(text, &level) && level <= CONSOLE_LOGLEVEL_MOTORMOUTH)
		console_loglevel = (int)level;
	else
		pr_err("loglevel=%s on the command line: not a level (0 to %d); keeping %d\n",
		       text, CONSOLE_LOGLEVEL_MOTORMOUTH, console_loglevel);
}

static void show_loglevel(void)
{
	kprintf("console log level %d: messages of levels 0 to %d reach the console "
		"(kernel.printk = %d %d %d %d)\n", console_loglevel, console_loglevel - 1,
		console_printk[0], console_printk[1], console_printk[2], console_printk[3]);
}

/* `loglevel [N]`, as Linux's dmesg -n: 1 to 8; below the minimum level
 * counts as the minimum. */
int cmd_loglevel(int argc, char **argv)
{
	uint64_t level;

	if (argc < 2) {
		show_loglevel();
		return 0;
	}
	if (!parse_u64(argv[1], &level) || level < 1 || level > 8) {
		kprintf("loglevel: '%s' is not a console log level (1 to 8)\n", argv[1]);
		return -1;
	}
	console_loglevel = MAX((int)level, minimum_console_loglevel);
	show_loglevel();
	return 0;
}
