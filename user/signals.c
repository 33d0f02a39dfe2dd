/*
 * Signals as Linux delivers them: handlers with siginfo, the signal
 * frame (returning from a handler, siglongjmp out of one), masks, an
 * alternate stack, SA_RESETHAND and SA_NODEFER. Prints one line per check
 * and a summary; exits 0 only if every check passed.
 */
#include <errno.h>
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "check.h"

static sigjmp_buf recover;
static volatile siginfo_t seen;
static volatile int hits;
static volatile uintptr_t handler_stack;

static void on_fault(int sig, siginfo_t *info, void *uc)
{
	(void)uc;
	seen = *info;
	(void)sig;
	siglongjmp(recover, 1);
}

static void count(int sig, siginfo_t *info, void *uc)
{
	int local;

	(void)uc;
	seen = *info;
	(void)sig;
	hits++;
	handler_stack = (uintptr_t)&local;
}

static void segv_is_caught_with_siginfo(void)
{
	struct sigaction sa = { .sa_sigaction = on_fault, .sa_flags = SA_SIGINFO };
	volatile int *bad = (int *)0x1000;

	sigaction(SIGSEGV, &sa, NULL);
	if (sigsetjmp(recover, 1) == 0) {
		*bad = 1;
		check(0, "SIGSEGV handler runs");
		return;
	}
	check(seen.si_signo == SIGSEGV, "SIGSEGV: si_signo");
	check(seen.si_code == SEGV_MAPERR, "SIGSEGV: si_code SEGV_MAPERR");
	check(seen.si_addr == (void *)0x1000, "SIGSEGV: si_addr is the bad address");
	signal(SIGSEGV, SIG_DFL);
}

static void handler_returns_to_the_interrupted_code(void)
{
	struct sigaction sa = { .sa_sigaction = count, .sa_flags = SA_SIGINFO };
	double x = 1.5; /* FPU state must survive the handler */

	hits = 0;
	sigaction(SIGUSR1, &sa, NULL);
	kill(getpid(), SIGUSR1);
	check(hits == 1, "kill(self, SIGUSR1) runs the handler once");
	check(seen.si_code == SI_USER && seen.si_pid == getpid(), "SIGUSR1: si_code SI_USER, si_pid");
	check(x * 2 == 3.0, "registers and FPU state restored after the handler");
}

static void blocked_signal_waits_for_unblock(void)
{
	sigset_t set, old;

	hits = 0;
	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	sigprocmask(SIG_BLOCK, &set, &old);
	raise(SIGUSR1);
	check(hits == 0, "a blocked signal is not delivered");
	sigprocmask(SIG_SETMASK, &old, NULL);
	check(hits == 1, "it is delivered when unblocked");
}

static void alternate_stack(void)
{
	static char stack[16384];
	stack_t ss = { .ss_sp = stack, .ss_size = sizeof(stack) };
	struct sigaction sa = { .sa_sigaction = count, .sa_flags = SA_SIGINFO | SA_ONSTACK };

	check(sigaltstack(&ss, NULL) == 0, "sigaltstack");
	sigaction(SIGUSR2, &sa, NULL);
	raise(SIGUSR2);
	check(handler_stack >= (uintptr_t)stack && handler_stack < (uintptr_t)stack + sizeof(stack),
	      "SA_ONSTACK handler runs on the alternate stack");
}

static void reset_hand(void)
{
	struct sigaction sa = { .sa_sigaction = count, .sa_flags = SA_SIGINFO | SA_RESETHAND };
	struct sigaction now;

	sigaction(SIGUSR1, &sa, NULL);
	raise(SIGUSR1);
	sigaction(SIGUSR1, NULL, &now);
	check(now.sa_handler == SIG_DFL, "SA_RESETHAND: back to SIG_DFL after one delivery");
}

static void sleep_ms(int ms)
{
	struct timespec t = { 0, ms * 1000000L };

	nanosleep(&t, NULL);
}

/* A child interrupts our blocking read with a signal, then writes. */
static ssize_t read_interrupted_by_child(int restart)
{
	struct sigaction sa = { .sa_sigaction = count,
				.sa_flags = SA_SIGINFO | (restart ? SA_RESTART : 0) };
	int p[2];
	char c = 0;

	sigaction(SIGUSR1, &sa, NULL);
	pipe(p);
	pid_t parent = getpid(), pid = fork();
	if (pid == 0) {
		sleep_ms(50); /* most likely the parent is in read() by now */
		kill(parent, SIGUSR1);
		sleep_ms(50);
		write(p[1], "x", 1);
		_exit(0);
	}
	hits = 0;
	ssize_t n = read(p[0], &c, 1);
	waitpid(pid, NULL, 0);
	close(p[0]), close(p[1]);
	return n == 1 && c == 'x' ? 1 : n == -1 && errno == EINTR ? -1 : 0;
}

static void restart_after_handler(void)
{
	check(read_interrupted_by_child(1) == 1 && hits == 1,
	      "SA_RESTART: a read interrupted by a handler goes on and gets the data");
	check(read_interrupted_by_child(0) == -1 && hits == 1,
	      "without SA_RESTART the read fails with EINTR");
}

static volatile int depth, max_depth, calls;

/* Raise the signal again from its own handler, three calls in all. */
static void nested(int sig)
{
	calls++;
	depth++;
	if (depth > max_depth)
		max_depth = depth;
	if (calls < 3)
		raise(sig); /* delivered inside this handler only with SA_NODEFER */
	depth--;
}

static void nodefer(void)
{
	struct sigaction sa = { .sa_handler = nested, .sa_flags = SA_NODEFER };

	max_depth = depth = calls = 0;
	sigaction(SIGUSR2, &sa, NULL);
	raise(SIGUSR2);
	check(calls == 3 && max_depth == 3, "SA_NODEFER: the handler is interrupted by its own signal");
	sa.sa_flags = 0;
	max_depth = depth = calls = 0;
	sigaction(SIGUSR2, &sa, NULL);
	raise(SIGUSR2);
	check(calls == 3 && max_depth == 1, "without it, each waits until the handler has returned");
}

static void sigchld_info(void)
{
	struct sigaction sa = { .sa_sigaction = count, .sa_flags = SA_SIGINFO };

	hits = 0;
	sigaction(SIGCHLD, &sa, NULL);
	pid_t pid = fork();
	if (pid == 0)
		_exit(5);
	while (!hits)
		sleep_ms(5);
	check(seen.si_signo == SIGCHLD && seen.si_code == CLD_EXITED && seen.si_pid == pid &&
	      seen.si_status == 5, "SIGCHLD: CLD_EXITED, si_pid, si_status");
	waitpid(pid, NULL, 0);
	signal(SIGCHLD, SIG_DFL);
}

/* A signal for one thread: tgkill names the thread and its process. */
static void thread_directed(void)
{
	struct sigaction sa = { .sa_sigaction = count, .sa_flags = SA_SIGINFO };
	long tid = syscall(SYS_gettid);

	check(tid == getpid(), "gettid: the only thread's id is the process's");
	hits = 0;
	sigaction(SIGUSR1, &sa, NULL);
	check(syscall(SYS_tgkill, getpid(), tid, SIGUSR1) == 0 && hits == 1 &&
	      seen.si_code == SI_TKILL && seen.si_pid == getpid(),
	      "tgkill(self) runs the handler once: si_code SI_TKILL, si_pid");
	check(syscall(SYS_tgkill, getpid() + 1, tid, SIGUSR1) == -1 && errno == ESRCH && hits == 1,
	      "tgkill with another process's id: ESRCH");
	signal(SIGUSR1, SIG_DFL);
}

static void bad_arguments(void)
{
	struct sigaction sa = { .sa_handler = SIG_IGN };

	check(sigaction(SIGKILL, &sa, NULL) == -1, "SIGKILL cannot be caught");
	check(sigaction(65, &sa, NULL) == -1, "signal 65 does not exist");
	check(kill(getpid(), 65) == -1, "kill with signal 65 fails");
	/* The raw system call: the C library would dereference it itself. */
	check(syscall(SYS_rt_sigaction, SIGUSR1, (void *)8, NULL, 8) == -1 && errno == EFAULT,
	      "rt_sigaction with a bad pointer: EFAULT");
}

int main(void)
{
	segv_is_caught_with_siginfo();
	handler_returns_to_the_interrupted_code();
	blocked_signal_waits_for_unblock();
	alternate_stack();
	reset_hand();
	restart_after_handler();
	nodefer();
	sigchld_info();
	thread_directed();
	bad_arguments();
	printf("signals: %d failed\n", failures);
	return failures ? 1 : 0;
}
