/*
 * The line discipline (drivers/tty/n_tty.c) on the host: characters go
 * in as the receive interrupt gives them, reads come out of an iov_iter
 * over a local buffer, and what the terminal would show (echo, output) is
 * collected from serial_write_raw. Reads here never wait: each test has
 * typed what it reads.
 */
#include "drivers/tty/tty.h"
#include "fs/file.h"
#include "fs/iov_iter.h"
#include "kernel/errno.h"
#include "kernel/hrtimer.h"
#include "kernel/proc.h"
#include "kernel/signal.h"
#include "tests/unit/test.h"

#include <string.h>

static char screen[8192];
static size_t screen_len;
static int signalled; /* the last signal for the foreground group */

void serial_write_raw(const char *s, size_t n)
{
	memcpy(screen + screen_len, s, n);
	screen_len += n;
}

void tty_signal_pgrp(struct tty_struct *tty, int sig)
{
	(void)tty;
	signalled = sig;
}

int tty_check_change(struct tty_struct *tty, int sig)
{
	(void)tty, (void)sig;
	return 0;
}

bool signal_pending(const struct proc *p)
{
	(void)p;
	return false;
}

void cond_resched(void)
{
}

void hrtimer_init(struct hrtimer *timer, enum hrtimer_base_type base,
		  void (*function)(struct hrtimer *))
{
	(void)timer, (void)base, (void)function;
}

void hrtimer_start(struct hrtimer *timer, uint64_t expires)
{
	(void)timer, (void)expires;
}

void hrtimer_cancel(struct hrtimer *timer)
{
	(void)timer;
}

static struct tty_struct tty;
static struct file file = { .f_flags = O_NONBLOCK };

/* A fresh terminal with Linux's default termios. */
static void reset(void)
{
	memset(&tty, 0, sizeof(tty));
	tty.termios = (struct termios){
		.c_iflag = ICRNL | IXON, .c_oflag = OPOST | ONLCR,
		.c_lflag = ISIG | ICANON | ECHO | ECHOE | ECHOK | ECHOCTL | ECHOKE | IEXTEN,
		.c_cc = { [VINTR] = 003, [VQUIT] = 034, [VERASE] = 0177, [VKILL] = 025,
			  [VEOF] = 004, [VMIN] = 1, [VSTART] = 021, [VSTOP] = 023,
			  [VSUSP] = 032, [VWERASE] = 027, [VLNEXT] = 026 },
	};
	init_waitqueue_head(&tty.read_wait);
	init_waitqueue_head(&tty.write_wait);
	screen_len = 0;
	signalled = 0;
}

static void type(const char *keys)
{
	for (; *keys; keys++)
		n_tty_receive_char(&tty, (unsigned char)*keys);
}

/* One read of up to 64 bytes, as a NUL-terminated string; its length in *n. */
static const char *read_tty(long *n)
{
	static char buf[65];
	struct iovec iov = { (uint64_t)buf, 64 };
	struct iov_iter to;

	memset(buf, 0, sizeof(buf));
	iov_iter_init(&to, &iov, 64);
	*n = n_tty_read(&tty, &file, &to);
	return buf;
}

static bool screen_shows(const char *s)
{
	return screen_len == strlen(s) && memcmp(screen, s, screen_len) == 0;
}

static void test_a_line_is_echoed_and_read_at_its_end(void)
{
	long n;

	reset();
	type("hello");
	CHECK(!n_tty_readable(&tty)); /* not before Enter */
	type("\r");                   /* ICRNL: Enter is \n */
	CHECK(screen_shows("hello\r\n"));
	CHECK(strcmp(read_tty(&n), "hello\n") == 0 && n == 6);
}

static void test_a_read_returns_one_line_at_a_time(void)
{
	long n;

	reset();
	type("one\ntwo\n");
	CHECK(strcmp(read_tty(&n), "one\n") == 0);
	CHECK(strcmp(read_tty(&n), "two\n") == 0);
	CHECK(read_tty(&n) && n == -EAGAIN);
}

static void test_erase_werase_and_kill_edit_the_line(void)
{
	long n;

	reset();
	type("helx\177p\n");
	CHECK(strcmp(read_tty(&n), "help\n") == 0);
	CHECK(memcmp(screen, "helx\b \bp", 8) == 0); /* ECHOE */
	type("foo bar \027baz\n");
	CHECK(strcmp(read_tty(&n), "foo baz\n") == 0);
	type("junk\025ok\n");
	CHECK(strcmp(read_tty(&n), "ok\n") == 0);
	type("\177\177x\n"); /* nothing to erase: nothing happens */
	CHECK(strcmp(read_tty(&n), "x\n") == 0);
}

static void test_erase_stops_at_a_finished_line(void)
{
	long n;

	reset();
	tty.termios.c_lflag &= ~ECHO;
	type("ab\n\177\177c\n");
	CHECK(strcmp(read_tty(&n), "ab\n") == 0);
	CHECK(strcmp(read_tty(&n), "c\n") == 0);
}

static void test_control_characters_echo_as_caret_and_erase_two_columns(void)
{
	reset();
	type("\001");
	CHECK(screen_shows("^A"));
	type("\177");
	CHECK(screen_shows("^A\b \b\b \b"));
}

static void test_a_tab_is_erased_back_to_where_it_began(void)
{
	reset();
	type("ab\t\177");
	/* "ab" then a tab to column 8: six backspaces take it back */
	CHECK(screen_shows("ab\t\b\b\b\b\b\b"));
}

static void test_eof_ends_a_line_and_alone_reads_zero(void)
{
	long n;

	reset();
	type("abc\004");
	CHECK(strcmp(read_tty(&n), "abc") == 0 && n == 3);
	type("\004");
	read_tty(&n);
	CHECK(n == 0);
	CHECK(screen_shows("abc")); /* VEOF is not echoed */
}

static void test_signal_characters_signal_flush_and_echo(void)
{
	long n;

	reset();
	type("half a line\003");
	CHECK(signalled == SIGINT);
	CHECK(screen_len >= 2 && memcmp(screen + screen_len - 2, "^C", 2) == 0);
	type("\n");
	CHECK(strcmp(read_tty(&n), "\n") == 0); /* the half line was flushed */
	type("\034");
	CHECK(signalled == SIGQUIT);
	type("\032");
	CHECK(signalled == SIGTSTP);
	tty.termios.c_lflag |= NOFLSH;
	type("kept\003\n");
	CHECK(strcmp(read_tty(&n), "kept\n") == 0);
}

static void test_lnext_takes_the_next_character_literally(void)
{
	long n;

	reset();
	type("\026\003\n");
	CHECK(signalled == 0);
	CHECK(strcmp(read_tty(&n), "\003\n") == 0);
}

static void test_raw_mode_reads_what_is_there(void)
{
	long n;

	reset();
	struct termios old = tty.termios;
	tty.termios.c_lflag &= ~(ICANON | ECHO | ISIG);
	tty.termios.c_cc[VMIN] = 0;
	n_tty_set_termios(&tty, &old);
	read_tty(&n);
	CHECK(n == 0); /* MIN 0 TIME 0: nothing there, at once */
	type("a\003\177");
	CHECK(signalled == 0 && screen_len == 0);
	CHECK(strcmp(read_tty(&n), "a\003\177") == 0 && n == 3);
}

static void test_leaving_canonical_mode_makes_the_partial_line_readable(void)
{
	long n;

	reset();
	type("part");
	struct termios old = tty.termios;
	tty.termios.c_lflag &= ~ICANON;
	n_tty_set_termios(&tty, &old);
	CHECK(strcmp(read_tty(&n), "part") == 0);
}

static void test_entering_canonical_mode_makes_what_was_typed_a_line(void)
{
	long n;

	reset();
	struct termios cooked = tty.termios;
	tty.termios.c_lflag &= ~(ICANON | ECHO);
	n_tty_set_termios(&tty, &cooked);
	type("ab");
	struct termios raw = tty.termios;
	tty.termios = cooked;
	n_tty_set_termios(&tty, &raw);
	CHECK(strcmp(read_tty(&n), "ab") == 0 && n == 2); /* no line end needed */
	type("cd\n");
	CHECK(strcmp(read_tty(&n), "cd\n") == 0);
}

static void test_a_full_buffer_keeps_room_for_the_line_end(void)
{
	long n;

	reset();
	tty.termios.c_lflag &= ~ECHO;
	for (int i = 0; i < N_TTY_BUF_SIZE + 100; i++)
		n_tty_receive_char(&tty, 'x');
	CHECK(n_tty_chars_in_buffer(&tty) == 0);
	type("\n");
	CHECK(n_tty_chars_in_buffer(&tty) == N_TTY_BUF_SIZE);
	size_t total = 0;
	while (read_tty(&n), n > 0)
		total += (size_t)n;
	CHECK(total == N_TTY_BUF_SIZE);
}

static void test_ixon_stops_and_starts_output(void)
{
	reset();
	type("\023");
	CHECK(tty.flow_stopped);
	type("\021");
	CHECK(!tty.flow_stopped);
	CHECK(!n_tty_readable(&tty) && tty.ldata.head == 0); /* neither is input */
}

static void test_output_turns_newlines_into_crlf_unless_opost_is_off(void)
{
	struct iovec iov = { (uint64_t)"a\nb", 3 };
	struct iov_iter from;

	reset();
	iov_iter_init(&from, &iov, 3);
	CHECK(n_tty_write(&tty, &file, &from) == 3);
	CHECK(screen_shows("a\r\nb"));
	reset();
	tty.termios.c_oflag &= ~OPOST;
	iov_iter_init(&from, &iov, 3);
	n_tty_write(&tty, &file, &from);
	CHECK(screen_shows("a\nb"));
}

int main(void)
{
	RUN(test_a_line_is_echoed_and_read_at_its_end);
	RUN(test_a_read_returns_one_line_at_a_time);
	RUN(test_erase_werase_and_kill_edit_the_line);
	RUN(test_erase_stops_at_a_finished_line);
	RUN(test_control_characters_echo_as_caret_and_erase_two_columns);
	RUN(test_a_tab_is_erased_back_to_where_it_began);
	RUN(test_eof_ends_a_line_and_alone_reads_zero);
	RUN(test_signal_characters_signal_flush_and_echo);
	RUN(test_lnext_takes_the_next_character_literally);
	RUN(test_raw_mode_reads_what_is_there);
	RUN(test_leaving_canonical_mode_makes_the_partial_line_readable);
	RUN(test_entering_canonical_mode_makes_what_was_typed_a_line);
	RUN(test_a_full_buffer_keeps_room_for_the_line_end);
	RUN(test_ixon_stops_and_starts_output);
	RUN(test_output_turns_newlines_into_crlf_unless_opost_is_off);
	return finish("n_tty");
}
