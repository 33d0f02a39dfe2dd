/*
 * CPU time as the timer tick measures it (kernel/cputime.c): the
 * CPU-time interval timers ITIMER_VIRTUAL and ITIMER_PROF
 * (kernel/itimer.c), the usage wait4 and waitid report of a child and
 * getrusage(RUSAGE_CHILDREN) and times() sum up (kernel/sys.c,
 * kernel/exit.c), with Linux's results and errors. Runs on Linux too.
 * Prints one line per check and "cputimetest: N failed".
 */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/times.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "check.h"

#define BAD ((void *)8)
#define CHILD_MEM (4 << 20)

static volatile sig_atomic_t vtalrms, profs;

static void on_signal(int sig)
{
	if (sig == SIGVTALRM)
		vtalrms++;
	else
		profs++;
}

static long usec(struct timeval tv)
{
	return tv.tv_sec * 1000000L + tv.tv_usec;
}

static long user_usec(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return usec(ru.ru_utime);
}

/* Spin in user mode until *count reaches want or 10 s of user time pass. */
static void spin_until(volatile sig_atomic_t *count, int want)
{
	long end = user_usec() + 10000000;

	while (*count < want && user_usec() < end)
		for (volatile int i = 0; i < 100000; i++)
			;
}

static void spin_usec(long us)
{
	long end = user_usec() + us;

	while (user_usec() < end)
		for (volatile int i = 0; i < 100000; i++)
			;
}

static void test_virtual_and_prof(void)
{
	struct itimerval it = { .it_value = { 0, 50000 } }, got;

	signal(SIGVTALRM, on_signal);
	signal(SIGPROF, on_signal);
	check(setitimer(ITIMER_VIRTUAL, &it, NULL) == 0, "setitimer(ITIMER_VIRTUAL): 50 ms once");
	check(getitimer(ITIMER_VIRTUAL, &got) == 0 && usec(got.it_value) > 0 &&
	      usec(got.it_value) <= 100000 && usec(got.it_interval) == 0,
	      "getitimer(ITIMER_VIRTUAL): at most 50 ms and a tick left, no interval");
	long before = user_usec();
	spin_until(&vtalrms, 1);
	check(vtalrms == 1 && user_usec() - before >= 30000,
	      "SIGVTALRM once the process has used its 50 ms of user time");
	check(getitimer(ITIMER_VIRTUAL, &got) == 0 && !usec(got.it_value),
	      "...and the timer without interval is disarmed");

	struct itimerval every = { .it_interval = { 0, 20000 }, .it_value = { 0, 20000 } };
	check(setitimer(ITIMER_PROF, &every, NULL) == 0, "setitimer(ITIMER_PROF): every 20 ms");
	spin_until(&profs, 3);
	check(profs >= 3, "SIGPROF again and again from the interval");
	struct itimerval off = { 0 };
	check(setitimer(ITIMER_PROF, &off, &got) == 0 && usec(got.it_interval) == 20000 &&
	      usec(got.it_value) > 0, "setitimer(0) stops ITIMER_PROF and says what was left");

	/* Sleeping uses no CPU time: neither timer moves. */
	int seen = vtalrms + profs;
	struct itimerval soon = { .it_value = { 0, 10000 } };
	setitimer(ITIMER_VIRTUAL, &soon, NULL);
	setitimer(ITIMER_PROF, &soon, NULL);
	struct timespec nap = { 0, 200000000 };
	nanosleep(&nap, NULL);
	check(vtalrms + profs == seen && getitimer(ITIMER_VIRTUAL, &got) == 0 &&
	      usec(got.it_value) > 0, "a sleeping process's CPU-time timers do not run");
	setitimer(ITIMER_VIRTUAL, &off, NULL);
	setitimer(ITIMER_PROF, &off, NULL);
}

static void test_itimer_errors(void)
{
	struct itimerval it = { .it_value = { 1, 0 } }, got;

	check_err(setitimer(3, &it, NULL), EINVAL, "setitimer: no timer 3: EINVAL");
	check_err(getitimer(3, &got), EINVAL, "getitimer: no timer 3: EINVAL");
	struct itimerval bad = { .it_interval = { 0, -1 } };
	check_err(setitimer(ITIMER_PROF, &bad, NULL), EINVAL, "setitimer(ITIMER_PROF): tv_usec -1: EINVAL");
	check_err(syscall(SYS_setitimer, ITIMER_VIRTUAL, BAD, NULL), EFAULT,
		  "setitimer(ITIMER_VIRTUAL) from a bad pointer: EFAULT");
	check_err(syscall(SYS_getitimer, ITIMER_PROF, BAD), EFAULT,
		  "getitimer(ITIMER_PROF) to a bad pointer: EFAULT");
}

/* Not inherited by fork; kept across execve (the exec'ed program checks). */
static void test_itimer_fork_exec(const char *self)
{
	struct itimerval it = { .it_value = { 100, 0 } }, off = { 0 };
	int status;

	setitimer(ITIMER_PROF, &it, NULL);
	pid_t pid = fork();
	if (pid == 0) {
		struct itimerval got;
		getitimer(ITIMER_PROF, &got);
		_exit(usec(got.it_value) == 0 ? 0 : 1);
	}
	check(waitpid(pid, &status, 0) == pid && status == 0,
	      "a fork child does not inherit ITIMER_PROF");
	pid = fork();
	if (pid == 0) {
		setitimer(ITIMER_PROF, &it, NULL);
		execl(self, self, "exec-check", (char *)NULL);
		_exit(2);
	}
	check(waitpid(pid, &status, 0) == pid && status == 0, "ITIMER_PROF survives execve");
	setitimer(ITIMER_PROF, &off, NULL);
}

/* A child that uses 100 ms of user time, 4 MiB of memory and sleeps 3 times. */
static pid_t busy_child(void)
{
	pid_t pid = fork();

	if (pid)
		return pid;
	char *mem = mmap(NULL, CHILD_MEM, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	for (int i = 0; i < CHILD_MEM; i += 4096)
		mem[i] = 1;
	for (int i = 0; i < 3; i++) {
		struct timespec ms = { 0, 1000000 };
		nanosleep(&ms, NULL);
	}
	spin_usec(100000);
	_exit(0);
}

static void test_wait_rusage(void)
{
	struct rusage ru, children;
	struct tms t;
	int status;

	getrusage(RUSAGE_CHILDREN, &children);
	long children_before = usec(children.ru_utime) + usec(children.ru_stime);
	pid_t pid = busy_child();
	check(wait4(pid, &status, 0, &ru) == pid && status == 0, "wait4 with a struct rusage");
	check(usec(ru.ru_utime) + usec(ru.ru_stime) >= 90000 && usec(ru.ru_utime) > 0,
	      "wait4's rusage: the child's 100 ms of CPU time");
	check(ru.ru_maxrss >= CHILD_MEM / 1024, "wait4's rusage: ru_maxrss in KiB, its 4 MiB");
	check(ru.ru_nvcsw >= 3, "wait4's rusage: it slept 3 times: ru_nvcsw");
	check(getrusage(RUSAGE_CHILDREN, &children) == 0 &&
	      usec(children.ru_utime) + usec(children.ru_stime) - children_before >= 90000 &&
	      children.ru_maxrss >= CHILD_MEM / 1024,
	      "getrusage(RUSAGE_CHILDREN) adds the reaped child");
	check(times(&t) != (clock_t)-1 && t.tms_cutime + t.tms_cstime >= 8, /* 100 ms, less two truncations */
	      "times: the children's ticks");

	pid = busy_child();
	siginfo_t info;
	check(syscall(SYS_waitid, P_PID, pid, &info, WEXITED, &ru) == 0 && info.si_pid == pid &&
	      usec(ru.ru_utime) + usec(ru.ru_stime) >= 90000 && ru.ru_maxrss >= CHILD_MEM / 1024,
	      "waitid's fifth argument: the child's rusage");

	pid = fork();
	if (pid == 0)
		_exit(0);
	check_err(wait4(pid, &status, 0, BAD), EFAULT, "wait4 into a bad rusage pointer: EFAULT...");
	check_err(waitpid(pid, &status, WNOHANG), ECHILD, "...and the child was reaped, as on Linux");
}

int main(int argc, char **argv)
{
	if (argc > 1 && !strcmp(argv[1], "exec-check")) {
		struct itimerval got;
		getitimer(ITIMER_PROF, &got);
		return got.it_value.tv_sec > 90 ? 0 : 1;
	}
	setvbuf(stdout, NULL, _IONBF, 0);
	test_virtual_and_prof();
	test_itimer_errors();
	test_itimer_fork_exec(argv[0][0] == '/' ? argv[0] : "/bin/cputimetest");
	test_wait_rusage();
	printf("cputimetest: %d failed\n", failures);
	return failures != 0;
}
