/*
 * The serial console's line editor: echo what is typed, let Backspace
 * erase, and hand each finished line to the monitor. Terminals send Enter
 * as "\r", "\n" or "\r\n"; all three end exactly one line. Escape
 * sequences (arrow keys) are swallowed rather than echoed as garbage.
 *
 * The console is a kernel thread; programs it starts with `run` are its
 * children, so it is also where their exit is reported. It leads the
 * terminal's session, as a login shell does (drivers/tty/tty_jobctrl.c).
 * While a job owns the terminal, the escape key (Ctrl-], telnet's) gives
 * the console one command line: console_escape.
 */
#include "kernel/console.h"
#include "drivers/tty/tty.h"
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

static struct proc *console_thread;
static bool escape_pending; /* set by the receive interrupt */

/* Prompt, read and run one command line. */
static void console_command(void)
{
	struct line line;

	escape_pending = false; /* typed just as a job ended: this is its command */
	kprintf("%s", CONSOLE_PROMPT);
	if (!read_line(&line)) {
		kprintf("error: line too long (at most %d characters); ignored\n",
			CONSOLE_LINE_MAX);
		return;
	}
	monitor_execute(line.text);
	flush_work(); /* what the command set off, before the prompt */
}

/* From the receive interrupt: wake the console where it waits for its
 * foreground job (kernel/run.c), which then calls console_escape_command. */
void console_escape(void)
{
	escape_pending = true;
	if (console_thread)
		wake_up(&console_thread->signal->wait_chldexit);
}

bool console_escape_pending(void)
{
	return escape_pending;
}

void console_escape_command(void)
{
	escape_pending = false;
	kprintf("\n");
	console_command();
	tty_console_return_line(&ttyS0);
}

void console_run(void *unused)
{
	(void)unused;
	wait_for_namespace(); /* commands see the root file system init sees */
	console_thread = current;
	tty_console_init(&ttyS0);
	for (;;) {
		console_command();
		report_finished_jobs();
	}
}
