/*
 * The general system calls busybox needs (kernel/sys.c, kernel/random.c,
 * kernel/signal.c): uname, sysinfo, times, getrusage, the resource
 * limits, getrandom, prctl's thread name, rt_sigtimedwait and
 * rt_sigsuspend, alarm and the interval timers (kernel/itimer.c), with Linux's
 * results and errors. Prints one line per check and "systest: N failed".
 */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/random.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/sysinfo.h>
#include <sys/times.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "check.h"

#define BAD ((void *)8)

static void test_uname_and_sysinfo(void)
{
	struct utsname u;
	struct sysinfo si;

	check(uname(&u) == 0 && !strcmp(u.machine, "x86_64") && u.sysname[0], "uname: x86_64");
	check_err(uname(BAD), EFAULT, "uname into a bad pointer: EFAULT");
	check(sysinfo(&si) == 0 && si.mem_unit > 0 && si.totalram > si.freeram &&
	      si.freeram > 0 && si.procs >= 3 && si.totalswap == 0, "sysinfo: memory, tasks, no swap");
	check_err(sysinfo(BAD), EFAULT, "sysinfo into a bad pointer: EFAULT");
}

static void test_times_and_rusage(void)
{
	struct tms t;
	struct rusage ru;
	volatile unsigned long spin = 0;

	for (unsigned long i = 0; i < 20000000UL; i++)
		spin += i;
	clock_t now = times(&t);
	check(now != (clock_t)-1 && t.tms_utime + t.tms_stime > 0, "times: CPU time used so far");
	check(getrusage(RUSAGE_SELF, &ru) == 0 && (ru.ru_utime.tv_sec || ru.ru_utime.tv_usec) &&
	      ru.ru_maxrss > 0, "getrusage(RUSAGE_SELF): time and memory");
	check(getrusage(RUSAGE_CHILDREN, &ru) == 0, "getrusage(RUSAGE_CHILDREN)");
	check_err(getrusage(5, &ru), EINVAL, "getrusage(5): EINVAL");
}

static void test_rlimits(void)
{
	struct rlimit rl, old;

	check(getrlimit(RLIMIT_STACK, &rl) == 0 && rl.rlim_cur == 8 << 20 &&
	      rl.rlim_max == RLIM_INFINITY, "RLIMIT_STACK: 8 MiB, hard unlimited (Linux's)");
	check(getrlimit(RLIMIT_CORE, &rl) == 0 && rl.rlim_cur == 0, "RLIMIT_CORE: 0");
	rl.rlim_cur = 100;
	rl.rlim_max = 50;
	check_err(setrlimit(RLIMIT_CORE, &rl), EINVAL, "soft above hard: EINVAL");
	check_err(getrlimit(99, &rl), EINVAL, "resource 99: EINVAL");
	rl = (struct rlimit){ 1 << 20, RLIM_INFINITY };
	check(prlimit(0, RLIMIT_CORE, &rl, &old) == 0 && old.rlim_cur == 0 &&
	      getrlimit(RLIMIT_CORE, &rl) == 0 && rl.rlim_cur == 1 << 20,
	      "prlimit64: the old limit back, the new one set");
	pid_t pid = fork();
	if (pid == 0)
		_exit(getrlimit(RLIMIT_CORE, &rl) == 0 && rl.rlim_cur == 1 << 20 ? 0 : 1);
	int status;
	check(waitpid(pid, &status, 0) == pid && WIFEXITED(status) && WEXITSTATUS(status) == 0,
	      "a child inherits the limits");
	check_err(prlimit(99999, RLIMIT_CORE, NULL, &rl), ESRCH, "prlimit64 of no process: ESRCH");
}

static void test_getrandom(void)
{
	unsigned char a[32] = { 0 }, b[32] = { 0 };

	check(getrandom(a, sizeof(a), 0) == 32 && getrandom(b, sizeof(b), GRND_NONBLOCK) == 32 &&
	      memcmp(a, b, sizeof(a)) != 0, "getrandom: 32 bytes, different each time");
	check_err(getrandom(a, 8, 0x80), EINVAL, "an unknown flag: EINVAL");
	check_err(getrandom(a, 8, GRND_RANDOM | GRND_INSECURE), EINVAL,
		  "GRND_RANDOM|GRND_INSECURE: EINVAL");
	check_err(getrandom(BAD, 8, 0), EFAULT, "into a bad pointer: EFAULT");
}

static void test_thread_name(void)
{
	char name[16] = "";
	FILE *f;

	check(prctl(PR_SET_NAME, "a-very-long-name-indeed") == 0 &&
	      prctl(PR_GET_NAME, name) == 0 && !strcmp(name, "a-very-long-nam"),
	      "PR_SET_NAME cuts to 15 characters, PR_GET_NAME reads it");
	char comm[32] = "";
	check((f = fopen("/proc/self/comm", "r")) && fgets(comm, sizeof(comm), f) &&
	      !strcmp(comm, "a-very-long-nam\n"), "/proc/self/comm says the new name");
	if (f)
		fclose(f);
	check_err(prctl(PR_SET_NAME, BAD), EFAULT, "PR_SET_NAME from a bad pointer: EFAULT");
	prctl(PR_SET_NAME, "systest");
}

static volatile int usr1_seen;

static void on_usr1(int sig)
{
	(void)sig;
	usr1_seen++;
}

/* User and system time together, in milliseconds. */
static long cpu_ms(const struct rusage *ru)
{
	return (ru->ru_utime.tv_sec + ru->ru_stime.tv_sec) * 1000 +
	       (ru->ru_utime.tv_usec + ru->ru_stime.tv_usec) / 1000;
}

static void test_signal_waits(void)
{
	sigset_t set, old;
	siginfo_t si;
	struct timespec ts = { 0, 20 * 1000 * 1000 };

	sigemptyset(&set);
	sigaddset(&set, SIGUSR2);
	sigprocmask(SIG_BLOCK, &set, &old);
	check_err(sigtimedwait(&set, &si, &ts), EAGAIN, "sigtimedwait: 20 ms, nothing: EAGAIN");
	kill(getpid(), SIGUSR2);
	check(sigtimedwait(&set, &si, &ts) == SIGUSR2 && si.si_signo == SIGUSR2 &&
	      si.si_code == SI_USER && si.si_pid == getpid(),
	      "a pending SIGUSR2: taken, with its siginfo");
	pid_t parent = getpid(), pid = fork();
	if (pid == 0) {
		struct timespec pause = { 0, 300 * 1000 * 1000 };
		nanosleep(&pause, NULL);
		kill(parent, SIGUSR2);
		_exit(0);
	}
	struct rusage before, after;
	getrusage(RUSAGE_SELF, &before);
	check(sigwaitinfo(&set, &si) == SIGUSR2 && si.si_pid == pid,
	      "sigwaitinfo: sleeps until a child sends it");
	getrusage(RUSAGE_SELF, &after);
	/* Sleeping, not spinning: the 300 ms wait costs (next to) no CPU. */
	check(cpu_ms(&after) - cpu_ms(&before) < 100, "sigwaitinfo: the wait uses no CPU time");
	waitpid(pid, NULL, 0);
	sigprocmask(SIG_SETMASK, &old, NULL);

	signal(SIGUSR1, on_usr1);
	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	sigprocmask(SIG_BLOCK, &set, &old);
	pid = fork();
	if (pid == 0) {
		struct timespec pause = { 0, 30 * 1000 * 1000 };
		nanosleep(&pause, NULL);
		kill(parent, SIGUSR1);
		_exit(0);
	}
	sigset_t during;
	sigemptyset(&during);
	check(sigsuspend(&during) == -1 && errno == EINTR && usr1_seen == 1,
	      "sigsuspend: the blocked SIGUSR1 gets through, its handler runs, EINTR");
	sigset_t now;
	sigprocmask(SIG_BLOCK, NULL, &now);
	check(sigismember(&now, SIGUSR1), "...and the mask is back: SIGUSR1 blocked again");
	waitpid(pid, NULL, 0);
	sigprocmask(SIG_SETMASK, &old, NULL);
}

static volatile sig_atomic_t alarms;

static void on_alarm(int sig)
{
	(void)sig;
	alarms++;
}

/* alarm, setitimer and getitimer: ITIMER_REAL sends SIGALRM, once or
 * every interval; what is left reads back; bad arguments change nothing. */
static void test_itimers(void)
{
	struct sigaction sa = { .sa_handler = on_alarm };
	sigaction(SIGALRM, &sa, NULL);
	check(alarm(0) == 0, "alarm(0) with no alarm set: 0 seconds were left");
	check(alarm(5) == 0 && alarm(0) == 5, "alarm(5) then alarm(0): 5 seconds were left");
	alarms = 0;
	alarm(1);
	while (!alarms)
		pause();
	check(alarms == 1, "alarm(1): one SIGALRM, and pause() returns");

	struct itimerval it = { .it_interval = { 0, 20000 }, .it_value = { 0, 20000 } }, got;
	alarms = 0;
	check(setitimer(ITIMER_REAL, &it, NULL) == 0, "setitimer: every 20 ms");
	while (alarms < 3)
		pause();
	check(getitimer(ITIMER_REAL, &got) == 0 && got.it_interval.tv_usec == 20000 &&
	      got.it_value.tv_sec == 0 && got.it_value.tv_usec > 0 && got.it_value.tv_usec <= 20000,
	      "getitimer: the interval, and at most 20 ms left");
	struct itimerval off = { 0 };
	check(setitimer(ITIMER_REAL, &off, &got) == 0 && got.it_interval.tv_usec == 20000,
	      "setitimer(0) stops it and says what it was");
	check(getitimer(ITIMER_REAL, &got) == 0 && !got.it_value.tv_sec && !got.it_value.tv_usec,
	      "...and getitimer reads it as disarmed");
	struct itimerval bad = { .it_value = { 0, 1000000 } };
	check_err(setitimer(ITIMER_REAL, &bad, NULL), EINVAL, "setitimer: tv_usec 1000000: EINVAL");
	check_err(setitimer(7, &it, NULL), EINVAL, "setitimer: no timer 7: EINVAL");
	check_err(syscall(SYS_getitimer, ITIMER_REAL, (void *)8), EFAULT,
		  "getitimer to a bad pointer: EFAULT");
	pid_t pid = fork();
	if (pid == 0) {
		signal(SIGALRM, SIG_DFL);
		alarm(1);
		pause(); /* SIGALRM's default action ends us */
		_exit(0);
	}
	int status;
	check(waitpid(pid, &status, 0) == pid && WIFSIGNALED(status) && WTERMSIG(status) == SIGALRM,
	      "a child's alarm with the default action: killed by SIGALRM");
	signal(SIGALRM, SIG_DFL);
}

int main(void)
{
	test_uname_and_sysinfo();
	test_times_and_rusage();
	test_rlimits();
	test_getrandom();
	test_thread_name();
	test_signal_waits();
	test_itimers();
	printf("systest: %d failed\n", failures);
	return failures != 0;
}
