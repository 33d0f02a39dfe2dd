/*
 * The line discipline (Linux's n_tty): what happens to each character
 * typed, and to each character written, as termios says.
 *
 * Input (from the receive interrupt, interrupts off):
 *   - ICRNL/INLCR/IGNCR translate or drop \r and \n; IXON makes VSTOP
 *     (Ctrl-S) and VSTART (Ctrl-Q) stop and restart output;
 *   - ISIG: VINTR (Ctrl-C), VQUIT (Ctrl-\) and VSUSP (Ctrl-Z) signal the
 *     foreground process group (SIGINT, SIGQUIT, SIGTSTP) and flush the
 *     input (unless NOFLSH);
 *   - ICANON: the line is edited - VERASE erases a character, VWERASE a
 *     word, VKILL the line, VLNEXT takes the next character literally -
 *     and becomes readable only when it ends: \n, VEOL, VEOL2, or VEOF
 *     (Ctrl-D), which ends it without being part of it, so a VEOF at the
 *     start of a line reads as end of file;
 *   - ECHO shows what is typed (ECHOCTL: control characters as ^X),
 *     ECHOE erases on the screen, ECHOK/ECHOKE after a VKILL, ECHONL
 *     echoes \n even without ECHO.
 * Without ICANON every character can be read at once; VMIN and VTIME say
 * how long a read waits (see n_tty_read).
 *
 * Output: OPOST with ONLCR turns \n into \r\n, with OCRNL \r into \n.
 */
#include "drivers/tty/tty.h"
#include "fs/file.h"
#include "fs/iov_iter.h"
#include "kernel/errno.h"
#include "kernel/hrtimer.h"
#include "kernel/proc.h"
#include "kernel/serial.h"
#include "kernel/signal.h"
#include "kernel/timekeeping.h"
#include "kernel/tsc.h"
#include "kernel/x86.h"
#include "lib/string.h"

#define CHUNK 256
#define DELETE 0x7f
#define VTIME_NS (NSEC_PER_SEC / 10) /* VTIME counts tenths of a second */

static bool flag(const struct tty_struct *tty, uint32_t lflag)
{
	return tty->termios.c_lflag & lflag;
}

/* The character is cc[i] - and cc[i] is not disabled (0). */
static bool is_char(const struct tty_struct *tty, unsigned char c, int i)
{
	return tty->termios.c_cc[i] && c == tty->termios.c_cc[i];
}

static unsigned int slot(unsigned int pos)
{
	return pos % N_TTY_BUF_SIZE;
}

static bool is_eol(const struct n_tty_data *ld, unsigned int pos)
{
	return ld->eol_flags[slot(pos) / 64] & (1ULL << (slot(pos) % 64));
}

static void set_eol(struct n_tty_data *ld, unsigned int pos, bool on)
{
	uint64_t bit = 1ULL << (slot(pos) % 64);

	if (on)
		ld->eol_flags[slot(pos) / 64] |= bit;
	else
		ld->eol_flags[slot(pos) / 64] &= ~bit;
}

/* -- output ---------------------------------------------------------- */

/* The column the cursor moves to after c (for erasing tabs). */
static unsigned int next_column(unsigned int col, unsigned char c)
{
	if (c == '\n' || c == '\r')
		return 0;
	if (c == '\t')
		return (col | 7) + 1;
	if (c == '\b')
		return col ? col - 1 : 0;
	return c < 0x20 ? col : col + 1;
}

/* Output straight to the line, as OPOST and its flags say. */
static void tty_put_chars(struct tty_struct *tty, const char *s, size_t n)
{
	const struct termios *t = &tty->termios;
	char out[2 * CHUNK];
	size_t len = 0;

	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (t->c_oflag & OPOST) {
			if (c == '\n' && (t->c_oflag & ONLCR))
				out[len++] = '\r';
			else if (c == '\r' && (t->c_oflag & OCRNL))
				c = '\n';
		}
		out[len++] = (char)c;
		tty->ldata.column = next_column(tty->ldata.column, c);
		if (len >= sizeof(out) - 1) {
			serial_write_raw(out, len);
			len = 0;
		}
	}
	serial_write_raw(out, len);
}

static void echo(struct tty_struct *tty, const char *s, size_t n)
{
	tty_put_chars(tty, s, n);
}

/* Echo c as it was typed: ^X for a control character with ECHOCTL. */
static void echo_char(struct tty_struct *tty, unsigned char c)
{
	if (flag(tty, ECHOCTL) && (c < 0x20 || c == DELETE) && c != '\t' && c != '\n') {
		char caret[2] = { '^', (char)(c ^ 0100) };
		echo(tty, caret, 2);
		return;
	}
	echo(tty, (const char *)&c, 1);
}

/* -- input ----------------------------------------------------------- */

static unsigned int used(const struct n_tty_data *ld)
{
	return ld->head - ld->tail;
}

static void put_char(struct n_tty_data *ld, unsigned char c, bool eol)
{
	ld->read_buf[slot(ld->head)] = c;
	set_eol(ld, ld->head, eol);
	ld->head++;
}

/* How many columns the echo of the character at pos took. */
static unsigned int echo_width(const struct tty_struct *tty, unsigned int pos)
{
	const struct n_tty_data *ld = &tty->ldata;
	unsigned char c = ld->read_buf[slot(pos)];

	if (c == '\t') { /* from the line's start: where did the tab begin? */
		unsigned int col = ld->canon_column;
		for (unsigned int p = ld->canon_head; p != pos; p++) {
			unsigned char e = ld->read_buf[slot(p)];
			col = e < 0x20 && e != '\t' && flag(tty, ECHOCTL) ? col + 2 : next_column(col, e);
		}
		return ld->column - col;
	}
	if ((c < 0x20 || c == DELETE) && flag(tty, ECHOCTL))
		return 2;
	return 1;
}

static bool is_word_char(unsigned char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       c == '_';
}

/* VERASE, VWERASE, VKILL: take characters back off the line being
 * edited (never past canon_head: a finished line stays). */
static void eraser(struct tty_struct *tty, unsigned char c)
{
	struct n_tty_data *ld = &tty->ldata;
	bool kill = is_char(tty, c, VKILL), werase = is_char(tty, c, VWERASE);
	bool seen_word = false;

	if (ld->head == ld->canon_head)
		return;
	if (kill && flag(tty, ECHO) && !(flag(tty, ECHOKE) && flag(tty, ECHOE))) {
		ld->head = ld->canon_head; /* echo the kill character, maybe a newline */
		echo_char(tty, c);
		if (flag(tty, ECHOK))
			echo(tty, "\n", 1);
		return;
	}
	while (ld->head != ld->canon_head) {
		unsigned char last = ld->read_buf[slot(ld->head - 1)];
		if (werase) {
			if (is_word_char(last))
				seen_word = true;
			else if (seen_word)
				break;
		}
		if (flag(tty, ECHO) && flag(tty, ECHOE)) {
			unsigned int width = echo_width(tty, ld->head - 1);
			for (unsigned int i = 0; i < width; i++)
				echo(tty, last == '\t' ? "\b" : "\b \b", last == '\t' ? 1 : 3);
		} else if (flag(tty, ECHO)) {
			echo_char(tty, c);
		}
		ld->head--;
		if (!kill && !werase)
			break;
	}
}

/* A line ends with c (0: VEOF, not part of the line): readers may take it. */
static void end_line(struct tty_struct *tty, unsigned char c)
{
	struct n_tty_data *ld = &tty->ldata;

	if (used(ld) == N_TTY_BUF_SIZE)
		return; /* full of finished lines: a reader must take some first */
	put_char(ld, c, true);
	ld->canon_head = ld->head;
	wake_up(&tty->read_wait);
}

static void isig(struct tty_struct *tty, unsigned char c, int sig)
{
	if (!flag(tty, NOFLSH))
		n_tty_flush_input(tty);
	if (flag(tty, ECHO))
		echo_char(tty, c);
	tty_signal_pgrp(tty, sig);
}

/* The input flags' translations: -1 if c is dropped. */
static int translate(const struct tty_struct *tty, unsigned char c)
{
	uint32_t iflag = tty->termios.c_iflag;

	if (c == '\r') {
		if (iflag & IGNCR)
			return -1;
		if (iflag & ICRNL)
			return '\n';
	} else if (c == '\n' && (iflag & INLCR)) {
		return '\r';
	}
	return c;
}

/* Flow control and signals; true if c was one of them. */
static bool special_char(struct tty_struct *tty, unsigned char c)
{
	static const struct { int cc; int sig; } signal_chars[] = {
		{ VINTR, SIGINT }, { VQUIT, SIGQUIT }, { VSUSP, SIGTSTP },
	};

	if (tty->termios.c_iflag & IXON) {
		if (is_char(tty, c, VSTOP)) {
			tty->flow_stopped = true;
			return true;
		}
		if (is_char(tty, c, VSTART) || (tty->flow_stopped && (tty->termios.c_iflag & IXANY))) {
			tty->flow_stopped = false;
			wake_up(&tty->write_wait);
			if (is_char(tty, c, VSTART))
				return true;
		}
	}
	if (!flag(tty, ISIG))
		return false;
	for (size_t i = 0; i < ARRAY_SIZE(signal_chars); i++) {
		if (is_char(tty, c, signal_chars[i].cc)) {
			isig(tty, c, signal_chars[i].sig);
			return true;
		}
	}
	return false;
}

/* Canonical mode's editing and line ends; true if c was one of them. */
static bool canon_char(struct tty_struct *tty, unsigned char c)
{
	bool iexten = flag(tty, IEXTEN);

	if (is_char(tty, c, VERASE) || is_char(tty, c, VKILL) ||
	    (iexten && is_char(tty, c, VWERASE))) {
		eraser(tty, c);
		return true;
	}
	if (iexten && is_char(tty, c, VLNEXT)) {
		tty->ldata.lnext = true;
		if (flag(tty, ECHO) && flag(tty, ECHOCTL))
			echo(tty, "^\b", 2);
		return true;
	}
	if (c == '\n' || is_char(tty, c, VEOL) || (iexten && is_char(tty, c, VEOL2))) {
		if (flag(tty, ECHO) || (c == '\n' && flag(tty, ECHONL)))
			echo_char(tty, c);
		end_line(tty, c);
		return true;
	}
	if (is_char(tty, c, VEOF)) {
		end_line(tty, 0); /* not echoed, not read: it only ends the line */
		return true;
	}
	return false;
}

void n_tty_receive_char(struct tty_struct *tty, unsigned char c)
{
	struct n_tty_data *ld = &tty->ldata;
	bool canon = flag(tty, ICANON);

	if (ld->lnext) {
		ld->lnext = false; /* its echo covers the "^" VLNEXT left */
	} else {
		int t = translate(tty, c);
		if (t < 0 || special_char(tty, (unsigned char)t))
			return;
		c = (unsigned char)t;
		if (canon && canon_char(tty, c))
			return;
	}
	/* Full: canonical mode keeps the last slot for the line's end. */
	if (used(ld) >= N_TTY_BUF_SIZE - (canon ? 1 : 0))
		return;
	if (ld->head == ld->canon_head) /* a new line: where it starts on the screen */
		ld->canon_column = ld->column;
	if (flag(tty, ECHO))
		echo_char(tty, c);
	put_char(ld, c, false);
	if (!canon) {
		ld->canon_head = ld->head;
		wake_up(&tty->read_wait);
	}
}

void n_tty_flush_input(struct tty_struct *tty)
{
	struct n_tty_data *ld = &tty->ldata;
	bool was_on = irq_save();

	ld->tail = ld->canon_head = ld->head;
	ld->lnext = false;
	irq_restore(was_on);
}

bool n_tty_readable(const struct tty_struct *tty)
{
	return tty->ldata.canon_head != tty->ldata.tail;
}

unsigned int n_tty_chars_in_buffer(const struct tty_struct *tty)
{
	const struct n_tty_data *ld = &tty->ldata;

	return flag(tty, ICANON) ? ld->canon_head - ld->tail : used(ld);
}

void n_tty_set_termios(struct tty_struct *tty, const struct termios *old)
{
	struct n_tty_data *ld = &tty->ldata;
	bool was_on = irq_save();

	/* Leaving canonical mode, the line being edited can be read now.
	 * Entering it, what was typed in raw mode and not read yet is a line
	 * of its own, readable at once, as Linux's n_tty_set_termios pushes
	 * it: what a user typed ahead while a shell's line editor had the
	 * terminal raw goes to the command the shell then runs. */
	if ((old->c_lflag & ICANON) != (tty->termios.c_lflag & ICANON)) {
		if (flag(tty, ICANON) && ld->head != ld->tail)
			set_eol(ld, ld->head - 1, true);
		ld->canon_head = ld->head;
		wake_up(&tty->read_wait);
	}
	irq_restore(was_on);
}

/* -- reading --------------------------------------------------------- */

/* Take up to n characters that a read may have into buf, interrupts off.
 * Canonical mode stops after a line's end, and a VEOF there is dropped;
 * *line_end says a line ended. */
static size_t take(struct tty_struct *tty, char *buf, size_t n, bool *line_end)
{
	struct n_tty_data *ld = &tty->ldata;
	bool canon = flag(tty, ICANON);
	size_t got = 0;

	*line_end = false;
	while (got < n && ld->tail != ld->canon_head) {
		unsigned char c = ld->read_buf[slot(ld->tail)];
		bool eol = canon && is_eol(ld, ld->tail);
		ld->tail++;
		if (eol && c == 0) { /* VEOF: the read ends here */
			*line_end = true;
			break;
		}
		buf[got++] = (char)c;
		if (eol) {
			*line_end = true;
			break;
		}
	}
	return got;
}

struct tty_timeout {
	struct hrtimer timer;
	struct tty_struct *tty;
	bool expired;
};

static void tty_timeout_fn(struct hrtimer *timer)
{
	struct tty_timeout *t = container_of(timer, struct tty_timeout, timer);

	t->expired = true;
	wake_up(&t->tty->read_wait);
}

/*
 * Wait until there is something to read, interrupts off (and still off
 * after). With a deadline (ns on CLOCK_MONOTONIC, 0: none), -ETIME when it
 * passes. -EAGAIN for O_NONBLOCK, -ERESTARTSYS for a signal.
 */
static long wait_for_input(struct tty_struct *tty, struct file *f, uint64_t deadline)
{
	struct tty_timeout t = { .tty = tty };
	long err = 0;

	hrtimer_init(&t.timer, HRTIMER_BASE_MONOTONIC, tty_timeout_fn);
	while (!n_tty_readable(tty)) {
		if (f->f_flags & O_NONBLOCK)
			err = -EAGAIN;
		else if (signal_pending(current))
			err = -ERESTARTSYS;
		else if (deadline && (t.expired || ktime_get_ns() >= deadline))
			err = -ETIME;
		if (err)
			break;
		if (deadline)
			hrtimer_start(&t.timer, deadline);
		sleep_on(&tty->read_wait);
	}
	hrtimer_cancel(&t.timer);
	return err;
}

/*
 * read(): canonical mode returns at most one line (VEOF at a line's
 * start: 0, end of file). Otherwise VMIN and VTIME decide, as POSIX:
 *   MIN 0, TIME 0: what is there, maybe nothing;
 *   MIN 0, TIME t: the first characters to come, or 0 after t/10 s;
 *   MIN m, TIME 0: wait until m characters came (or count);
 *   MIN m, TIME t: after the first character, until m came or t/10 s
 *                  pass without one.
 * A background process is stopped with SIGTTIN first (tty_jobctrl.c).
 */
long n_tty_read(struct tty_struct *tty, struct file *f, struct iov_iter *to)
{
	size_t count = iov_iter_count(to), done = 0;
	bool canon = flag(tty, ICANON);
	size_t minimum = canon ? 1 : MIN((size_t)tty->termios.c_cc[VMIN], count);
	uint64_t time = canon ? 0 : tty->termios.c_cc[VTIME] * VTIME_NS;
	uint64_t deadline = !minimum && time ? ktime_get_ns() + time : 0;
	char buf[CHUNK];
	bool line_end = false;

	int err = tty_check_change(tty, SIGTTIN);
	if (err)
		return err;
	while (done < count && !line_end) {
		cli();
		size_t n = take(tty, buf, MIN(sizeof(buf), count - done), &line_end);
		if (!n && !line_end) {
			if (done >= minimum && (minimum || done || !time)) {
				sti();
				break; /* enough, or MIN 0 and TIME 0 */
			}
			long werr = wait_for_input(tty, f, deadline);
			sti();
			if (werr == -ETIME)
				break;
			if (werr)
				return done ? (long)done : werr;
			continue;
		}
		sti();
		size_t copied = copy_to_iter(buf, n, to);
		done += copied;
		if (copied < n)
			return done ? (long)done : -EFAULT;
		if (time && minimum) /* VTIME between characters, from now */
			deadline = ktime_get_ns() + time;
		if (!canon && done >= minimum && minimum)
			break;
		if (!canon && !minimum)
			break;
	}
	return (long)done;
}

/* -- writing --------------------------------------------------------- */

/* Output stopped (Ctrl-S): wait for Ctrl-Q. 0, or -ERESTARTSYS. */
static long wait_for_flow(struct tty_struct *tty)
{
	long err = 0;

	cli();
	while (tty->flow_stopped && !err) {
		if (signal_pending(current))
			err = -ERESTARTSYS;
		else
			sleep_on(&tty->write_wait);
	}
	sti();
	return err;
}

/*
 * How many bytes were written, or -EFAULT if not even the first could be
 * read. A huge write (2 GiB) takes minutes at the UART's pace: between
 * chunks it lets others run, and a signal ends it as on Linux's
 * terminals - with what was written so far, or -ERESTARTSYS. With TOSTOP
 * a background process is stopped with SIGTTOU first.
 */
long n_tty_write(struct tty_struct *tty, struct file *f, struct iov_iter *from)
{
	char chunk[CHUNK];
	size_t done = 0;

	(void)f;
	if (flag(tty, TOSTOP)) {
		int err = tty_check_change(tty, SIGTTOU);
		if (err)
			return err;
	}
	while (iov_iter_count(from)) {
		long err = wait_for_flow(tty);
		if (!err && signal_pending(current))
			err = -ERESTARTSYS;
		if (err)
			return done ? (long)done : err;
		cond_resched();
		size_t n = copy_from_iter(chunk, CHUNK, from);
		tty_put_chars(tty, chunk, n);
		done += n;
		if (n < CHUNK && iov_iter_count(from)) /* a bad address */
			return done ? (long)done : -EFAULT;
	}
	return (long)done;
}
