/*
 * The serial console's line editor: echo what is typed, let Backspace
 * erase, and hand each finished line to the monitor. Terminals send Enter
 * as "\r", "\n" or "\r\n"; all three end exactly one line. Escape
 * sequences (arrow keys) are swallowed rather than echoed as garbage.
 *
 * The console is a kernel thread; programs it starts with `run` are its
 * children, so it is also where their exit is reported.
 */
#include "kernel/console.h"
#include "fs/init.h"
#include "kernel/monitor.h"
#include "kernel/printk.h"
#include "kernel/proc.h"
#include "kernel/serial.h"
#include "kernel/workqueue.h"
#include "kernel/x86.h"

#define BACKSPACE 0x08
#define DELETE 0x7f
#define ESCAPE 0x1b

struct line {
	char text[CONSOLE_LINE_MAX + 1];
	int len;
	bool overflow; /* more was typed than fits: reject the whole line */
};

/* Sleep until a character arrives. Checking and going to sleep happen
 * with interrupts off, so the receive interrupt cannot slip in between. */
static char wait_char(void)
{
	char c;

	for (;;) {
		cli();
		if (serial_getc(&c)) {
			sti();
			return c;
		}
		sleep_on(&serial_input);
		sti();
	}
}

/* Skip "ESC [ params final" (or a lone "ESC x"). */
static void skip_escape_sequence(void)
{
	char c = wait_char();

	if (c != '[')
		return;
	do
		c = wait_char();
	while (c >= 0x20 && c < 0x40);
}

static void add_char(struct line *l, char c)
{
	if (l->len == CONSOLE_LINE_MAX) {
		l->overflow = true;
		return;
	}
	l->text[l->len++] = c;
	serial_putc(c);
}

static void erase_char(struct line *l)
{
	if (l->len == 0)
		return;
	l->len--;
	serial_write("\b \b", 3);
}

/* Collect one line; returns false for an over-long one. */
static bool read_line(struct line *l)
{
	static char last;

	*l = (struct line){ 0 };
	for (;;) {
		char c = wait_char();
		bool crlf = last == '\r' && c == '\n';
		last = c;
		if (crlf)
			continue; /* the \n of \r\n: that line already ended */
		if (c == '\r' || c == '\n')
			break;
		if (c == BACKSPACE || c == DELETE)
			erase_char(l);
		else if (c == ESCAPE)
			skip_escape_sequence();
		else if (c >= 0x20 && c < 0x7f)
			add_char(l, c);
	}
	serial_write("\n", 1);
	l->text[l->len] = '\0';
	return !l->overflow;
}

void console_run(void *unused)
{
	struct line line;

	(void)unused;
	wait_for_namespace(); /* commands see the root file system init sees */
	for (;;) {
		kprintf("%s", CONSOLE_PROMPT);
		if (!read_line(&line)) {
			kprintf("error: line too long (at most %d characters); ignored\n",
				CONSOLE_LINE_MAX);
			continue;
		}
		monitor_execute(line.text);
		flush_work(); /* what the command set off, before the prompt */
		report_finished_jobs();
	}
}
