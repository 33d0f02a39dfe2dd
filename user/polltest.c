/*
 * poll, ppoll, select and pselect6 on pipes, files and /dev/null, with
 * Linux's results: events, timeouts, signal masks and errors.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/select.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "check.h"

static volatile sig_atomic_t got_signal;

static void note_signal(int sig)
{
	got_signal = sig;
}

static short revents(int fd, short events, int timeout)
{
	struct pollfd pfd = { .fd = fd, .events = events };

	return poll(&pfd, 1, timeout) < 0 ? -1 : pfd.revents;
}

static void pipes(void)
{
	int p[2];
	char buf[4096];

	pipe(p);
	check(revents(p[0], POLLIN, 50) == 0, "an empty pipe: no POLLIN within 50 ms");
	check(revents(p[1], POLLOUT, 0) == POLLOUT, "an empty pipe's write end: POLLOUT");
	write(p[1], "x", 1);
	check(revents(p[0], POLLIN, -1) == POLLIN, "a byte in the pipe: POLLIN");
	read(p[0], buf, 1);

	fcntl(p[1], F_SETFL, O_NONBLOCK);
	memset(buf, 'a', sizeof(buf));
	while (write(p[1], buf, sizeof(buf)) > 0)
		;
	check(revents(p[1], POLLOUT, 0) == 0, "a full pipe: no POLLOUT");
	read(p[0], buf, sizeof(buf));
	check(revents(p[1], POLLOUT, 0) == POLLOUT, "a page read from it: POLLOUT again");
	close(p[1]);
	check(revents(p[0], POLLIN, 0) == (POLLIN | POLLHUP),
	      "write end closed, data left: POLLIN | POLLHUP");
	while (read(p[0], buf, sizeof(buf)) > 0)
		;
	check(revents(p[0], POLLIN, 0) == POLLHUP, "write end closed, empty: POLLHUP");
	close(p[0]);

	pipe(p);
	close(p[0]);
	check(revents(p[1], POLLOUT, 0) == (POLLOUT | POLLERR), "read end closed: POLLERR");
	close(p[1]);

	/* Woken from a sleep by a write in another process. */
	pipe(p);
	pid_t child = fork();
	if (child == 0) {
		struct timespec t = { 0, 50 * 1000 * 1000 };
		nanosleep(&t, NULL);
		write(p[1], "y", 1);
		_exit(0);
	}
	check(revents(p[0], POLLIN, -1) == POLLIN, "poll sleeps until another process writes");
	waitpid(child, NULL, 0);
	close(p[0]);
	close(p[1]);
}

static void descriptors(void)
{
	int p[2];
	pipe(p);
	write(p[1], "z", 1);
	struct pollfd fds[4] = {
		{ .fd = -1, .events = POLLIN },
		{ .fd = 200, .events = POLLIN },
		{ .fd = p[0], .events = POLLIN },
		{ .fd = p[0], .events = POLLOUT },
	};
	check(poll(fds, 4, 0) == 2, "poll counts the descriptors with events");
	check(fds[0].revents == 0, "fd -1: ignored");
	check(fds[1].revents == POLLNVAL, "a closed descriptor: POLLNVAL");
	check(fds[2].revents == POLLIN && fds[3].revents == 0, "only the events asked for");
	check_err(poll((struct pollfd *)8, 1, 0), EFAULT, "poll on a bad array: EFAULT");
	check_err(poll(fds, 100000, 0), EINVAL, "poll on more than RLIMIT_NOFILE: EINVAL");
	check(poll(NULL, 0, 30) == 0, "poll on nothing for 30 ms: 0");

	int file = open("/bin/polltest", O_RDONLY);
	check(revents(file, POLLIN | POLLOUT, 0) == (POLLIN | POLLOUT),
	      "a regular file: always readable and writable");
	int null = open("/dev/null", O_RDWR);
	check(revents(null, POLLIN | POLLOUT, 0) == (POLLIN | POLLOUT), "/dev/null too");
	close(file);
	close(null);
	close(p[0]);
	close(p[1]);
}

static void selects(void)
{
	int p[2];
	fd_set in, out;
	struct timeval tv = { 0, 50000 };

	pipe(p);
	FD_ZERO(&in);
	FD_SET(p[0], &in);
	/* The system call itself: musl's select passes a copy of tv. */
	check(syscall(SYS_select, p[0] + 1, &in, NULL, NULL, &tv) == 0 && !FD_ISSET(p[0], &in),
	      "select on an empty pipe: 0 after the timeout, the set cleared");
	check(tv.tv_sec == 0 && tv.tv_usec == 0, "...and the time left written back: 0");
	write(p[1], "x", 1);
	FD_ZERO(&in);
	FD_ZERO(&out);
	FD_SET(p[0], &in);
	FD_SET(p[1], &out);
	FD_SET(p[0], &out); /* the read end never takes output */
	tv = (struct timeval){ 5, 0 };
	check(syscall(SYS_select, p[1] + 1, &in, &out, NULL, &tv) == 2 && FD_ISSET(p[0], &in) &&
	      FD_ISSET(p[1], &out) && !FD_ISSET(p[0], &out), "select: readable and writable");
	check(tv.tv_sec * 1000000 + tv.tv_usec <= 5000000 && tv.tv_sec >= 4,
	      "...with the time left written back");
	FD_ZERO(&in);
	FD_SET(150, &in);
	check_err(select(151, &in, NULL, NULL, NULL), EBADF, "select on a closed descriptor: EBADF");
	check_err(select(-1, NULL, NULL, NULL, NULL), EINVAL, "select with nfds -1: EINVAL");
	tv = (struct timeval){ 0, 1000000 };
	check_err(syscall(SYS_select, 0, NULL, NULL, NULL, &tv), EINVAL,
		  "select with tv_usec 1000000: EINVAL");
	check_err(select(1, (fd_set *)8, NULL, NULL, NULL), EFAULT, "select on a bad set: EFAULT");
	tv = (struct timeval){ 0, 20000 };
	check(select(0, NULL, NULL, NULL, &tv) == 0, "select on nothing: a 20 ms sleep");

	struct timespec ts = { 0, 20 * 1000 * 1000 };
	FD_ZERO(&in);
	FD_SET(p[0], &in);
	check(pselect(p[0] + 1, &in, NULL, NULL, &ts, NULL) == 1 && FD_ISSET(p[0], &in),
	      "pselect6: a readable pipe");
	ts = (struct timespec){ 0, -1 };
	check_err(syscall(SYS_pselect6, 0, NULL, NULL, NULL, &ts, NULL), EINVAL,
		  "pselect6 with tv_nsec -1: EINVAL");
	close(p[0]);
	close(p[1]);
}

/* A signal the call's mask unblocks reaches its handler (EINTR), and the
 * old mask is back afterwards: the signal was pending, blocked, before. */
static void masks(void)
{
	struct sigaction sa = { .sa_handler = note_signal };
	sigset_t usr1, none, now;
	int p[2];

	pipe(p);
	sigaction(SIGUSR1, &sa, NULL);
	sigemptyset(&usr1);
	sigaddset(&usr1, SIGUSR1);
	sigemptyset(&none);
	sigprocmask(SIG_BLOCK, &usr1, NULL);
	raise(SIGUSR1);
	struct pollfd pfd = { .fd = p[0], .events = POLLIN };
	got_signal = 0;
	check_err(ppoll(&pfd, 1, NULL, &none), EINTR, "ppoll whose mask unblocks a pending signal: EINTR");
	sigprocmask(SIG_BLOCK, NULL, &now);
	check(got_signal == SIGUSR1 && sigismember(&now, SIGUSR1),
	      "...its handler ran, and the signal is blocked again after");
	raise(SIGUSR1);
	got_signal = 0;
	fd_set in;
	FD_ZERO(&in);
	FD_SET(p[0], &in);
	check_err(pselect(p[0] + 1, &in, NULL, NULL, NULL, &none), EINTR,
		  "pselect6 the same: EINTR");
	sigprocmask(SIG_BLOCK, NULL, &now);
	check(got_signal == SIGUSR1 && sigismember(&now, SIGUSR1), "...handler ran, mask back");
	struct timespec ts = { 0, 30 * 1000 * 1000 };
	check(ppoll(&pfd, 1, &ts, &usr1) == 0, "ppoll times out after 30 ms: 0");
	check_err(syscall(SYS_ppoll, &pfd, 1, NULL, &none, 4), EINVAL,
		  "ppoll with a sigset size of 4: EINVAL");
	ts = (struct timespec){ 0, 1000000000 };
	check_err(ppoll(&pfd, 1, &ts, NULL), EINVAL, "ppoll with tv_nsec 1e9: EINVAL");
	sigprocmask(SIG_UNBLOCK, &usr1, NULL);

	/* A plain poll interrupted by a handler: EINTR. */
	pid_t parent = getpid(), child = fork();
	if (child == 0) {
		struct timespec t = { 0, 50 * 1000 * 1000 };
		nanosleep(&t, NULL);
		kill(parent, SIGUSR1);
		_exit(0);
	}
	got_signal = 0;
	check_err(poll(&pfd, 1, -1), EINTR, "poll interrupted by a signal with a handler: EINTR");
	waitpid(child, NULL, 0);
	close(p[0]);
	close(p[1]);
}

int main(void)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	pipes();
	descriptors();
	selects();
	masks();
	printf("polltest: %d failed\n", failures);
	return failures != 0;
}
