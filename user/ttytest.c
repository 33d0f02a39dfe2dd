/*
 * The terminal, driven from tests/system/test_tty.py, which types on the
 * serial line: each interactive mode prints "ttytest[PID]: ..." when it
 * is ready for keys, then what it read.
 *
 *   ttytest lines    canonical reads, one line each, until end of file
 *   ttytest raw      raw mode: three single bytes, no echo, no signals
 *   ttytest vmin     VMIN/VTIME: the four cases
 *   ttytest intr     Ctrl-C: SIGINT for the foreground group, not for a
 *                    background one
 *   ttytest susp     Ctrl-Z stops us; SIGCONT (the console's fg) resumes
 *   ttytest poll     poll on the terminal: a timeout, then a typed line
 *   ttytest jobctl   a suite, no typing: termios, window size, sessions,
 *                    process groups, SIGTTIN/SIGTTOU, orphaned groups,
 *                    the ioctls' errors
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include "check.h"

/* What was read, with control characters as \n or \xNN. */
static void show(const char *what, const char *buf, long n)
{
	printf("ttytest: %s %ld bytes: '", what, n);
	for (long i = 0; i < n; i++) {
		unsigned char c = (unsigned char)buf[i];
		if (c == '\n')
			printf("\\n");
		else if (c < 0x20 || c >= 0x7f)
			printf("\\x%02x", c);
		else
			putchar(c);
	}
	printf("'\n");
	fflush(stdout);
}

/* Ready for keys: with our pid, so that a test that fails can kill us. */
static void say(const char *what)
{
	printf("ttytest[%d]: %s\n", getpid(), what);
	fflush(stdout);
}

static int lines(void)
{
	char buf[256];

	for (;;) {
		say("type a line");
		long n = read(0, buf, sizeof(buf));
		if (n <= 0) {
			printf("ttytest: end of file (%ld)\n", n);
			return 0;
		}
		show("read", buf, n);
	}
}

static struct termios saved;

static void set_mode(tcflag_t lflag_off, int vmin, int vtime)
{
	struct termios t = saved;

	t.c_lflag &= ~lflag_off;
	t.c_iflag &= ~(ICRNL | IXON);
	t.c_cc[VMIN] = (cc_t)vmin;
	t.c_cc[VTIME] = (cc_t)vtime;
	tcsetattr(0, TCSANOW, &t);
}

static int raw(void)
{
	char c;

	tcgetattr(0, &saved);
	set_mode(ICANON | ECHO | ISIG | IEXTEN, 1, 0);
	say("raw: type three keys");
	for (int i = 0; i < 3; i++) {
		long n = read(0, &c, 1);
		show("raw read", &c, n);
	}
	tcsetattr(0, TCSANOW, &saved);
	return 0;
}

static int vmin(void)
{
	char buf[16];

	tcgetattr(0, &saved);
	set_mode(ICANON | ECHO, 3, 0);
	say("MIN 3 TIME 0: type three keys");
	show("min3", buf, read(0, buf, sizeof(buf)));
	set_mode(ICANON | ECHO, 0, 0);
	show("min0 time0", buf, read(0, buf, sizeof(buf)));
	set_mode(ICANON | ECHO, 0, 2);
	show("min0 time2 (nothing typed)", buf, read(0, buf, sizeof(buf)));
	set_mode(ICANON | ECHO, 5, 10);
	say("MIN 5 TIME 10: type two keys");
	show("min5 time10", buf, read(0, buf, sizeof(buf)));
	tcsetattr(0, TCSANOW, &saved);
	return 0;
}

static volatile sig_atomic_t got_signal;

static void note_signal(int sig)
{
	got_signal = sig;
}

static void catch(int sig)
{
	struct sigaction sa = { .sa_handler = note_signal, .sa_flags = SA_RESTART };

	sigaction(sig, &sa, NULL);
}

/* A child in a process group of its own - a background job of our
 * session - answers on `answer` whether SIGINT reached it once asked on
 * `ask`. */
static int intr(void)
{
	int ask[2], answer[2];
	char c;

	pipe(ask);
	pipe(answer);
	catch(SIGINT);
	pid_t child = fork();
	if (child == 0) {
		setpgid(0, 0);
		write(answer[1], "r", 1);
		read(ask[0], &c, 1);
		c = got_signal == SIGINT ? 'y' : 'n';
		write(answer[1], &c, 1);
		_exit(0);
	}
	read(answer[0], &c, 1); /* the child is in its own group now */
	check(getpgid(child) == child, "the child leads a background group");
	sigset_t none, intr_only;
	sigemptyset(&none);
	sigemptyset(&intr_only);
	sigaddset(&intr_only, SIGINT);
	sigprocmask(SIG_BLOCK, &intr_only, NULL);
	say("press Ctrl-C");
	while (!got_signal) /* ppoll unblocks SIGINT only while it sleeps */
		ppoll(NULL, 0, NULL, &none);
	check(got_signal == SIGINT, "Ctrl-C: SIGINT for the foreground group");
	write(ask[1], "?", 1);
	read(answer[0], &c, 1);
	check(c == 'n', "...and none for the background group");
	waitpid(child, NULL, 0);
	printf("ttytest: %d failed\n", failures);
	return failures != 0;
}

static int susp(void)
{
	catch(SIGCONT);
	say("press Ctrl-Z");
	pause(); /* SIGTSTP stops us here; SIGCONT's handler ends the pause */
	check(got_signal == SIGCONT, "continued by SIGCONT after Ctrl-Z");
	printf("ttytest: %d failed\n", failures);
	return failures != 0;
}

static int poll_tty(void)
{
	struct pollfd pfd = { .fd = 0, .events = POLLIN };
	struct pollfd out = { .fd = 1, .events = POLLOUT };
	char buf[64];

	check(poll(&pfd, 1, 100) == 0 && pfd.revents == 0, "poll: nothing typed in 100 ms: 0");
	check(poll(&out, 1, 0) == 1 && out.revents == POLLOUT, "poll: the terminal takes output");
	say("poll: type a line");
	check(poll(&pfd, 1, -1) == 1 && (pfd.revents & POLLIN), "poll: a typed line: POLLIN");
	long n = read(0, buf, sizeof(buf));
	show("after poll", buf, n);
	printf("ttytest: %d failed\n", failures);
	return failures != 0;
}

/* -- the job-control suite ---------------------------------------------- */

static void termios_round_trip(void)
{
	struct termios t, u;
	struct winsize ws = { 0 }, big = { .ws_row = 50, .ws_col = 132 }, back;

	check(tcgetattr(0, &t) == 0, "tcgetattr on the terminal");
	check((t.c_lflag & (ICANON | ECHO | ISIG | ECHOE)) == (ICANON | ECHO | ISIG | ECHOE),
	      "default lflag: ICANON ECHO ISIG ECHOE");
	check((t.c_iflag & ICRNL) && (t.c_oflag & (OPOST | ONLCR)) == (OPOST | ONLCR),
	      "default iflag ICRNL, oflag OPOST ONLCR");
	check(t.c_cc[VINTR] == 3 && t.c_cc[VQUIT] == 034 && t.c_cc[VERASE] == 0177 &&
	      t.c_cc[VKILL] == 025 && t.c_cc[VEOF] == 4 && t.c_cc[VSUSP] == 032 &&
	      t.c_cc[VMIN] == 1 && t.c_cc[VTIME] == 0, "default c_cc as Linux's");
	check(cfgetospeed(&t) == B115200, "115200 baud");
	u = t;
	u.c_lflag &= ~ECHO;
	u.c_cc[VMIN] = 7;
	check(tcsetattr(0, TCSADRAIN, &u) == 0, "tcsetattr TCSADRAIN");
	check(tcgetattr(0, &t) == 0 && !(t.c_lflag & ECHO) && t.c_cc[VMIN] == 7,
	      "termios round trip");
	t.c_lflag |= ECHO;
	t.c_cc[VMIN] = 1;
	check(tcsetattr(0, TCSAFLUSH, &t) == 0, "tcsetattr TCSAFLUSH back");
	check(ioctl(0, TIOCGWINSZ, &ws) == 0 && ws.ws_row == 24 && ws.ws_col == 80,
	      "TIOCGWINSZ: 24 x 80");
	catch(SIGWINCH);
	got_signal = 0;
	check(ioctl(0, TIOCSWINSZ, &big) == 0 && ioctl(0, TIOCGWINSZ, &back) == 0 &&
	      back.ws_row == 50 && back.ws_col == 132, "TIOCSWINSZ round trip");
	check(got_signal == SIGWINCH, "a new size: SIGWINCH for the foreground group");
	ioctl(0, TIOCSWINSZ, &ws);
	int n = -1;
	check(ioctl(0, FIONREAD, &n) == 0 && n == 0, "FIONREAD: nothing typed");
	check_err(tcgetattr(0, (struct termios *)8), EFAULT, "TCGETS to a bad pointer: EFAULT");
	check_err(tcflush(0, 7), EINVAL, "TCFLSH 7: EINVAL");
	check(tcflush(0, TCIFLUSH) == 0, "TCFLSH TCIFLUSH");
	check_err(tcflow(0, 9), EINVAL, "TCXONC 9: EINVAL");
	check(tcflow(0, TCOON) == 0, "TCXONC TCOON");
	int p[2];
	pipe(p);
	check_err(tcgetattr(p[0], &t), ENOTTY, "tcgetattr on a pipe: ENOTTY");
	int null = open("/dev/null", O_RDWR);
	check_err(ioctl(null, TIOCGWINSZ, &ws), ENOTTY, "TIOCGWINSZ on /dev/null: ENOTTY");
	check_err(ioctl(p[0], 0x12345678, 0), ENOTTY, "an unknown ioctl: ENOTTY");
	close(null);
	close(p[0]);
	close(p[1]);
}

static void sessions(void)
{
	pid_t me = getpid();

	check(getpgrp() == me && getpgid(0) == me, "a console job leads its own group");
	check(getsid(0) != me && getsid(0) == tcgetsid(0), "in the terminal's session (the console's)");
	check(tcgetpgrp(0) == me, "tcgetpgrp: our group is the foreground");
	int pgrp = 0, sid = 0, tty_nr = 0, tpgid = 0;
	FILE *stat = fopen("/proc/self/stat", "r");
	check(stat && fscanf(stat, "%*d (%*[^)]) %*c %*d %d %d %d %d", &pgrp, &sid, &tty_nr,
			     &tpgid) == 4 && pgrp == me && sid == getsid(0) &&
	      tty_nr == (4 << 8 | 64) && tpgid == me,
	      "/proc/self/stat: pgrp, session, tty_nr 4:64 (ttyS0), tpgid");
	if (stat)
		fclose(stat);
	check_err(setsid(), EPERM, "setsid as a group leader: EPERM");
	check_err(getpgid(30000), ESRCH, "getpgid of no process: ESRCH");
	check_err(getsid(30000), ESRCH, "getsid of no process: ESRCH");
	check_err(setpgid(0, -1), EINVAL, "setpgid to a negative group: EINVAL");
	check_err(setpgid(1, 1), ESRCH, "setpgid of a process not our child: ESRCH");
	check_err(tcsetpgrp(0, 30000), ESRCH, "tcsetpgrp to no group: ESRCH");
	check_err(ioctl(0, TIOCSCTTY, 0), EPERM, "TIOCSCTTY, not a session leader: EPERM");

	int p[2];
	char c;
	pipe(p);
	pid_t child = fork();
	if (child == 0) {
		int ok = setsid() == getpid() && getsid(0) == getpid() && getpgrp() == getpid();
		errno = 0;
		ok = ok && tcgetpgrp(0) == -1 && errno == ENOTTY; /* not its terminal now */
		ok = ok && open("/dev/tty", O_RDWR) == -1 && errno == ENXIO;
		errno = 0;
		ok = ok && ioctl(0, TIOCSCTTY, 0) == -1 && errno == EPERM; /* the console's */
		c = ok ? 'y' : 'n';
		write(p[1], &c, 1);
		_exit(0);
	}
	read(p[0], &c, 1);
	check(c == 'y', "setsid in a child: a new session without a terminal; /dev/tty ENXIO, "
			"TIOCGPGRP ENOTTY, TIOCSCTTY on the console's terminal EPERM");
	check_err(setpgid(child, child), EPERM, "setpgid of a child in another session: EPERM");
	waitpid(child, NULL, 0);

	int exec_done[2];
	pipe2(exec_done, O_CLOEXEC);
	child = fork();
	if (child == 0) {
		close(exec_done[0]);
		execl("/bin/sleep", "sleep", "5", (char *)NULL);
		_exit(127);
	}
	close(exec_done[1]);
	read(exec_done[0], &c, 1); /* end of file: the exec closed the write end */
	close(exec_done[0]);
	check_err(setpgid(child, child), EACCES, "setpgid of a child after its exec: EACCES");
	kill(child, SIGKILL);
	waitpid(child, NULL, 0);
	close(p[0]);
	close(p[1]);
}

/* Two children in one new group: kill(-pgid) reaches both,
 * waitpid(-pgid) reaps them. */
static void group_signals(void)
{
	pid_t a = fork();
	if (a == 0) {
		setpgid(0, 0);
		pause();
		_exit(1);
	}
	setpgid(a, a);
	pid_t b = fork();
	if (b == 0) {
		setpgid(0, a);
		pause();
		_exit(1);
	}
	setpgid(b, a);
	check(getpgid(b) == a, "setpgid into a sibling's group");
	check(kill(-a, SIGTERM) == 0, "kill(-pgid)");
	int reaped = 0, status;
	while (waitpid(-a, &status, 0) > 0)
		reaped += WIFSIGNALED(status) && WTERMSIG(status) == SIGTERM;
	check(reaped == 2, "...killed both; waitpid(-pgid) reaped both");
	check_err(kill(-a, 0), ESRCH, "kill(-pgid) of an empty group: ESRCH");

	pid_t c = fork();
	if (c == 0) { /* kill(0): its own group, so itself */
		setpgid(0, 0);
		catch(SIGUSR1);
		kill(0, SIGUSR1);
		_exit(got_signal == SIGUSR1 ? 0 : 1);
	}
	check(waitpid(c, &status, 0) == c && WIFEXITED(status) && WEXITSTATUS(status) == 0,
	      "kill(0) signals the caller's group");
}

/* A child in a background group of our session does fn; how it ended. */
static int in_background(void (*fn)(void))
{
	int status;
	pid_t child = fork();

	if (child == 0) {
		setpgid(0, 0);
		fn();
		_exit(0);
	}
	setpgid(child, child);
	waitpid(child, &status, WUNTRACED);
	if (WIFSTOPPED(status)) {
		kill(child, SIGKILL);
		waitpid(child, NULL, 0);
	}
	return status;
}

static void bg_read(void)
{
	char c;
	read(0, &c, 1);
}

static void bg_read_ignoring(void)
{
	char c;
	signal(SIGTTIN, SIG_IGN);
	_exit(read(0, &c, 1) == -1 && errno == EIO ? 3 : 4);
}

static void bg_write(void)
{
	write(1, "", 0);
	write(1, "ttytest: a background write\n", 28);
}

static void bg_tcsetattr(void)
{
	struct termios t;
	tcgetattr(0, &t);
	tcsetattr(0, TCSANOW, &t);
}

static int orphan_report[2];

/* Our child leaves a grandchild in a group of its own and exits: nobody
 * in the session is left to continue that group (orphaned). The
 * grandchild tells us what its read got through orphan_report. */
static void orphan_read(void)
{
	pid_t g = fork();
	if (g == 0) {
		setpgid(0, 0);
		while (getppid() != 1) /* until its parent is gone */
			usleep(10000);
		char c = 'n';
		if (read(0, &c, 1) == -1 && errno == EIO)
			c = 'y';
		write(orphan_report[1], &c, 1);
		_exit(0);
	}
	_exit(0);
}

static void job_control(void)
{
	int status = in_background(bg_read);
	check(WIFSTOPPED(status) && WSTOPSIG(status) == SIGTTIN,
	      "a background read: stopped by SIGTTIN");
	status = in_background(bg_read_ignoring);
	check(WIFEXITED(status) && WEXITSTATUS(status) == 3,
	      "a background read ignoring SIGTTIN: EIO");
	status = in_background(bg_write);
	check(WIFEXITED(status), "a background write without TOSTOP goes out");
	struct termios t, tostop;
	tcgetattr(0, &t);
	tostop = t;
	tostop.c_lflag |= TOSTOP;
	tcsetattr(0, TCSANOW, &tostop);
	status = in_background(bg_write);
	check(WIFSTOPPED(status) && WSTOPSIG(status) == SIGTTOU,
	      "a background write with TOSTOP: stopped by SIGTTOU");
	tcsetattr(0, TCSANOW, &t);
	status = in_background(bg_tcsetattr);
	check(WIFSTOPPED(status) && WSTOPSIG(status) == SIGTTOU,
	      "a background tcsetattr: stopped by SIGTTOU");
	char c = '?';
	pipe(orphan_report);
	in_background(orphan_read);
	close(orphan_report[1]);
	read(orphan_report[0], &c, 1);
	close(orphan_report[0]);
	check(c == 'y', "a read from an orphaned background group: EIO");
}

static int jobctl(void)
{
	termios_round_trip();
	sessions();
	group_signals();
	job_control();
	printf("ttytest: %d failed\n", failures);
	return failures != 0;
}

int main(int argc, char **argv)
{
	static const struct { const char *name; int (*fn)(void); } modes[] = {
		{ "lines", lines }, { "raw", raw }, { "vmin", vmin }, { "intr", intr },
		{ "susp", susp }, { "poll", poll_tty }, { "jobctl", jobctl },
	};

	setvbuf(stdout, NULL, _IOLBF, 0);
	for (size_t i = 0; argc > 1 && i < sizeof(modes) / sizeof(modes[0]); i++)
		if (!strcmp(argv[1], modes[i].name))
			return modes[i].fn();
	fprintf(stderr, "usage: ttytest lines|raw|vmin|intr|susp|poll|jobctl\n");
	return 2;
}
