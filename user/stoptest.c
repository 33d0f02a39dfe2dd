/*
 * Stopping and continuing processes as Linux does: SIGSTOP, SIGTSTP,
 * SIGTTIN and SIGTTOU stop a child, SIGCONT resumes it, SIGKILL ends even
 * a stopped one; the parent hears CLD_STOPPED/CLD_CONTINUED (unless
 * SA_NOCLDSTOP) and sees the changes with wait4(WUNTRACED|WCONTINUED)
 * and waitid(). Prints one line per check and a summary; exits 0 only if
 * every check passed.
 *
 * `stoptest self` stops itself (raise(SIGSTOP)); once continued it says
 * "stoptest: continued" and exits 0 - for the console's job control.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "check.h"

static void sleep_ms(int ms)
{
	struct timespec t = { 0, ms * 1000000L };

	nanosleep(&t, NULL);
}

static volatile unsigned long *counter; /* shared with the children */

/* A child that counts as fast as it can, so we can see whether it runs. */
static pid_t counting_child(void)
{
	pid_t pid = fork();

	if (pid == 0)
		for (;;)
			(*counter)++;
	return pid;
}

/* Does the counting child advance within a second? */
static int child_runs(void)
{
	unsigned long before = *counter;

	for (int i = 0; i < 100; i++) {
		sleep_ms(10);
		if (*counter != before)
			return 1;
	}
	return 0;
}

static void kill_and_reap(pid_t pid)
{
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
}

static void stop_signals_stop_and_sigcont_resumes(void)
{
	static const int stops[] = { SIGSTOP, SIGTSTP, SIGTTIN, SIGTTOU };
	static const char *const names[] = { "SIGSTOP", "SIGTSTP", "SIGTTIN", "SIGTTOU" };
	char what[100];

	for (int i = 0; i < 4; i++) {
		pid_t pid = counting_child();
		int status = 0;

		kill(pid, stops[i]);
		pid_t got = waitpid(pid, &status, WUNTRACED);
		snprintf(what, sizeof(what), "%s stops the child: WIFSTOPPED, WSTOPSIG", names[i]);
		check(got == pid && WIFSTOPPED(status) && WSTOPSIG(status) == stops[i], what);
		unsigned long seen = *counter;
		sleep_ms(30);
		check(*counter == seen, "a stopped child does not run");
		check(waitpid(pid, &status, WUNTRACED | WNOHANG) == 0, "a stop is reported once");
		kill(pid, SIGCONT);
		got = waitpid(pid, &status, WCONTINUED);
		check(got == pid && WIFCONTINUED(status) && status == 0xffff,
		      "SIGCONT: WIFCONTINUED (status 0xffff)");
		check(child_runs(), "after SIGCONT the child runs again");
		kill_and_reap(pid);
	}
}

static void wait_without_wuntraced_ignores_stops(void)
{
	pid_t pid = counting_child();
	int status;

	kill(pid, SIGSTOP);
	sleep_ms(30);
	check(waitpid(pid, &status, WNOHANG) == 0, "waitpid without WUNTRACED does not report a stop");
	check(waitpid(pid, &status, WUNTRACED) == pid && status == ((SIGSTOP << 8) | 0x7f),
	      "wait4 status of a stop is sig<<8|0x7f");
	kill_and_reap(pid);
}

static void sigkill_ends_a_stopped_child(void)
{
	pid_t pid = counting_child();
	int status;

	kill(pid, SIGSTOP);
	waitpid(pid, &status, WUNTRACED);
	kill(pid, SIGKILL);
	check(waitpid(pid, &status, 0) == pid && WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL,
	      "SIGKILL ends a stopped child");
}

static void sigterm_waits_for_sigcont(void)
{
	pid_t pid = counting_child();
	int status;

	kill(pid, SIGSTOP);
	waitpid(pid, &status, WUNTRACED);
	kill(pid, SIGTERM);
	sleep_ms(30);
	check(waitpid(pid, &status, WNOHANG) == 0, "SIGTERM stays pending while the child is stopped");
	kill(pid, SIGCONT);
	check(waitpid(pid, &status, 0) == pid && WIFSIGNALED(status) && WTERMSIG(status) == SIGTERM,
	      "...and kills it after SIGCONT");
}

static volatile int handled;

static void note(int sig)
{
	handled = sig;
}

static void ignore(int sig)
{
	(void)sig;
}

/* In the child: is sig pending? (The exit status tells the parent.) */
static int pending(int sig)
{
	sigset_t set;

	sigpending(&set);
	return sigismember(&set, sig);
}

/*
 * A stop signal throws away a pending SIGCONT, and SIGCONT throws away
 * pending stop signals - even caught or blocked ones. The child blocks
 * `blocked`, tells us it is ready, waits for `last` to be handled, and
 * exits 1 if `blocked` is still pending.
 */
static int discarded(int blocked, int last)
{
	int ready[2];
	sigset_t set;
	char c;

	pipe(ready);
	pid_t pid = fork();
	if (pid == 0) {
		sigemptyset(&set);
		sigaddset(&set, blocked);
		sigprocmask(SIG_BLOCK, &set, NULL);
		signal(blocked, ignore); /* caught: neither stops nor is ignored */
		signal(last, note);
		write(ready[1], "r", 1);
		while (!handled)
			sleep_ms(1);
		_exit(pending(blocked));
	}
	read(ready[0], &c, 1);
	kill(pid, blocked);
	kill(pid, last);
	int status;
	waitpid(pid, &status, 0);
	close(ready[0]), close(ready[1]);
	return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

static void stop_and_continue_cancel_each_other(void)
{
	check(discarded(SIGCONT, SIGTSTP), "a stop signal discards a pending SIGCONT");
	check(discarded(SIGTSTP, SIGCONT), "SIGCONT discards a pending stop signal");
}

static void caught_tstp_does_not_stop(void)
{
	pid_t pid = fork();
	int status;

	if (pid == 0) {
		signal(SIGTSTP, note);
		raise(SIGTSTP);
		_exit(handled == SIGTSTP ? 0 : 1);
	}
	check(waitpid(pid, &status, WUNTRACED) == pid && WIFEXITED(status) &&
	      WEXITSTATUS(status) == 0, "a caught SIGTSTP runs its handler and does not stop");
}

static volatile siginfo_t chld;
static volatile int chld_count;

static void on_chld(int sig, siginfo_t *si, void *uc)
{
	(void)sig, (void)uc;
	chld = *si;
	chld_count++;
}

static int wait_for_chld(int count)
{
	for (int i = 0; i < 100 && chld_count < count; i++)
		sleep_ms(10);
	return chld_count >= count;
}

static void sigchld_tells_stops_and_continues(void)
{
	struct sigaction sa = { .sa_sigaction = on_chld, .sa_flags = SA_SIGINFO | SA_RESTART };
	int status;

	chld_count = 0;
	sigaction(SIGCHLD, &sa, NULL);
	pid_t pid = counting_child();
	kill(pid, SIGSTOP);
	check(wait_for_chld(1) && chld.si_code == CLD_STOPPED && chld.si_pid == pid &&
	      chld.si_status == SIGSTOP, "SIGCHLD: CLD_STOPPED, si_pid, si_status SIGSTOP");
	kill(pid, SIGCONT);
	check(wait_for_chld(2) && chld.si_code == CLD_CONTINUED && chld.si_pid == pid &&
	      chld.si_status == SIGCONT, "SIGCHLD: CLD_CONTINUED, si_status SIGCONT");
	kill_and_reap(pid);

	sa.sa_flags |= SA_NOCLDSTOP;
	sigaction(SIGCHLD, &sa, NULL);
	chld_count = 0;
	pid = counting_child();
	kill(pid, SIGSTOP);
	waitpid(pid, &status, WUNTRACED);
	kill(pid, SIGCONT);
	waitpid(pid, &status, WCONTINUED);
	sleep_ms(30);
	check(chld_count == 0, "SA_NOCLDSTOP: no SIGCHLD for a stop or a continue");
	kill_and_reap(pid);
	check(wait_for_chld(1) && chld.si_code == CLD_KILLED,
	      "SA_NOCLDSTOP: SIGCHLD still comes for the exit");
	signal(SIGCHLD, SIG_DFL);
}

/* A blocking read is not broken by a stop: after SIGCONT it goes on. */
static void read_survives_stop_and_continue(void)
{
	int p[2], status;

	pipe(p);
	pid_t pid = fork();
	if (pid == 0) {
		char c;
		ssize_t n = read(p[0], &c, 1);
		_exit(n == 1 && c == 'x' ? 0 : n < 0 && errno == EINTR ? 2 : 1);
	}
	sleep_ms(30); /* most likely the child is in read() by now */
	kill(pid, SIGSTOP);
	waitpid(pid, &status, WUNTRACED);
	kill(pid, SIGCONT);
	write(p[1], "x", 1);
	check(waitpid(pid, &status, 0) == pid && WIFEXITED(status) && WEXITSTATUS(status) == 0,
	      "a read interrupted by stop and continue goes on and gets the data");
	close(p[0]), close(p[1]);
}

/* Stop and continue a child that is in a sleep: its exit status says
 * whether the sleep went on as if nothing had happened. */
static int sleep_survives(int use_pause)
{
	int status;
	pid_t pid = fork();

	if (pid == 0) {
		if (use_pause) { /* until SIGUSR1, which the parent sends last */
			signal(SIGUSR1, note);
			int r = pause();
			_exit(r == -1 && errno == EINTR && handled == SIGUSR1 ? 0 : 1);
		}
		struct timespec t = { 0, 200 * 1000000L };
		_exit(nanosleep(&t, NULL) == 0 ? 0 : 1);
	}
	sleep_ms(30); /* most likely the child sleeps by now */
	kill(pid, SIGSTOP);
	waitpid(pid, &status, WUNTRACED);
	kill(pid, SIGCONT);
	if (use_pause) {
		sleep_ms(30);
		kill(pid, SIGUSR1);
	}
	return waitpid(pid, &status, 0) == pid && WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

static void sleeps_survive_stop_and_continue(void)
{
	check(sleep_survives(0), "nanosleep goes on to its end after a stop and SIGCONT");
	check(sleep_survives(1), "pause goes on after a stop and SIGCONT, until a handler runs");
}

static void waitid_reports_each_change(void)
{
	siginfo_t si;
	pid_t pid = counting_child();

	kill(pid, SIGSTOP);
	check(waitid(P_PID, pid, &si, WSTOPPED | WNOWAIT) == 0 && si.si_signo == SIGCHLD &&
	      si.si_code == CLD_STOPPED && si.si_pid == pid && si.si_status == SIGSTOP,
	      "waitid(WSTOPPED|WNOWAIT): CLD_STOPPED, si_pid, si_status");
	check(waitid(P_PID, pid, &si, WSTOPPED) == 0 && si.si_code == CLD_STOPPED,
	      "WNOWAIT left the stop to be reported again");
	si.si_pid = 1;
	check(waitid(P_PID, pid, &si, WSTOPPED | WNOHANG) == 0 && si.si_pid == 0 && si.si_signo == 0,
	      "waitid(WNOHANG) with nothing to report: 0, si_pid 0");
	kill(pid, SIGCONT);
	check(waitid(P_ALL, 0, &si, WCONTINUED) == 0 && si.si_code == CLD_CONTINUED &&
	      si.si_status == SIGCONT && si.si_pid == pid, "waitid(P_ALL, WCONTINUED): CLD_CONTINUED");
	kill(pid, SIGKILL);
	check(waitid(P_PID, pid, &si, WEXITED | WNOWAIT) == 0 && si.si_code == CLD_KILLED &&
	      si.si_status == SIGKILL, "waitid(WEXITED|WNOWAIT): CLD_KILLED, si_status SIGKILL");
	check(waitid(P_PID, pid, &si, WEXITED) == 0 && si.si_pid == pid,
	      "...the zombie stayed for the next wait");
	check(waitid(P_PID, pid, &si, WEXITED) == -1 && errno == ECHILD, "...which reaped it");

	pid = fork();
	if (pid == 0)
		_exit(7);
	check(waitid(P_PID, pid, &si, WEXITED) == 0 && si.si_code == CLD_EXITED && si.si_status == 7,
	      "waitid: CLD_EXITED, si_status is the exit status");
	check(waitid(P_PID, getpid(), &si, 0) == -1 && errno == EINVAL,
	      "waitid without WEXITED, WSTOPPED or WCONTINUED: EINVAL");
	check(waitid(P_PID, 0, &si, WEXITED) == -1 && errno == EINVAL, "waitid(P_PID, 0): EINVAL");
	check(waitid(7, 1, &si, WEXITED) == -1 && errno == EINVAL, "waitid with idtype 7: EINVAL");
	check(waitpid(-1, NULL, 0x100) == -1 && errno == EINVAL, "wait4 with an unknown option: EINVAL");
	pid = fork();
	if (pid == 0)
		_exit(0);
	check(waitpid(-1, NULL, __WCLONE) == -1 && errno == ECHILD,
	      "wait4(__WCLONE): no child signals other than SIGCHLD");
	check(waitpid(-1, NULL, __WALL) == pid, "wait4(__WALL) waits for every child");
}

int main(int argc, char **argv)
{
	if (argc > 1 && !strcmp(argv[1], "self")) {
		raise(SIGSTOP);
		printf("stoptest: continued\n");
		return 0;
	}
	counter = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (counter == MAP_FAILED) {
		perror("mmap");
		return 1;
	}
	stop_signals_stop_and_sigcont_resumes();
	wait_without_wuntraced_ignores_stops();
	sigkill_ends_a_stopped_child();
	sigterm_waits_for_sigcont();
	stop_and_continue_cancel_each_other();
	caught_tstp_does_not_stop();
	sigchld_tells_stops_and_continues();
	read_survives_stop_and_continue();
	sleeps_survive_stop_and_continue();
	waitid_reports_each_change();
	printf("stoptest: %d failed\n", failures);
	return failures ? 1 : 0;
}
