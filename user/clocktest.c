/*
 * The clocks and sleeps as Linux has them: clock_gettime on every clock,
 * clock_getres, gettimeofday, time, clock_settime, nanosleep and
 * clock_nanosleep (relative and absolute, interrupted by a signal), and
 * EINVAL/EFAULT for bad ids, times and pointers. Raw syscall() is used
 * where the C library would hide the kernel's answer.
 *
 *   clocktest [HOST_SECONDS]   REALTIME must be within 10 s of this
 *   clocktest now              print MONOTONIC, in ns
 *   clocktest print LINES      print LINES lines of dots (a busy console)
 *
 * Sleeps are checked only for never being short: how long they really
 * take is the benchmark's business (user/bench-nanosleep.c).
 */
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "check.h"

#define NSEC_PER_SEC 1000000000LL
#define MS 1000000LL
#define BAD ((void *)0x10) /* an unmapped address */
#define KERNEL ((void *)0xffffffff80100000UL)

static long sys(long nr, long a, long b, long c, long d)
{
	return syscall(nr, a, b, c, d);
}

static int fails_with(long ret, int err)
{
	return ret == -1 && errno == err;
}

static int64_t ns_of(const struct timespec *ts)
{
	return ts->tv_sec * NSEC_PER_SEC + ts->tv_nsec;
}

static int64_t now_ns(clockid_t clock)
{
	struct timespec ts;

	clock_gettime(clock, &ts);
	return ns_of(&ts);
}

static struct timespec ts_of(int64_t ns)
{
	return (struct timespec){ ns / NSEC_PER_SEC, ns % NSEC_PER_SEC };
}

static const struct {
	clockid_t id;
	const char *name;
	int coarse;
} clocks[] = {
	{ CLOCK_REALTIME, "REALTIME", 0 },
	{ CLOCK_MONOTONIC, "MONOTONIC", 0 },
	{ CLOCK_MONOTONIC_RAW, "MONOTONIC_RAW", 0 },
	{ CLOCK_REALTIME_COARSE, "REALTIME_COARSE", 1 },
	{ CLOCK_MONOTONIC_COARSE, "MONOTONIC_COARSE", 1 },
	{ CLOCK_BOOTTIME, "BOOTTIME", 0 },
	{ CLOCK_TAI, "TAI", 0 },
	{ CLOCK_PROCESS_CPUTIME_ID, "PROCESS_CPUTIME_ID", 0 },
	{ CLOCK_THREAD_CPUTIME_ID, "THREAD_CPUTIME_ID", 0 },
};
#define NCLOCKS (sizeof(clocks) / sizeof(clocks[0]))

static void every_clock_reads_and_has_a_resolution(void)
{
	char what[80];

	for (size_t i = 0; i < NCLOCKS; i++) {
		struct timespec ts = { -1, -1 }, res = { -1, -1 };
		int ok = sys(SYS_clock_gettime, clocks[i].id, (long)&ts, 0, 0) == 0 &&
			 ts.tv_sec >= 0 && ts.tv_nsec >= 0 && ts.tv_nsec < NSEC_PER_SEC;
		snprintf(what, sizeof(what), "clock_gettime(%s) gives a valid time", clocks[i].name);
		check(ok, what);
		ok = sys(SYS_clock_getres, clocks[i].id, (long)&res, 0, 0) == 0;
		if (clocks[i].coarse) {
			ok = ok && res.tv_sec == 0 && res.tv_nsec > 1000 && res.tv_nsec <= 100 * MS;
			snprintf(what, sizeof(what), "clock_getres(%s) is one tick (%ld ns)",
				 clocks[i].name, res.tv_nsec);
		} else {
			ok = ok && res.tv_sec == 0 && res.tv_nsec == 1;
			snprintf(what, sizeof(what), "clock_getres(%s) is 1 ns", clocks[i].name);
		}
		check(ok, what);
	}
	check(sys(SYS_clock_getres, CLOCK_MONOTONIC, 0, 0, 0) == 0, "clock_getres(NULL) is 0");
}

static void bad_ids_and_pointers(void)
{
	static const long bad_ids[] = { 10, 12, 16, 1000, -1, 0x7fffffff };
	struct timespec ts = { 0, 0 };
	int ok = 1;

	for (size_t i = 0; i < sizeof(bad_ids) / sizeof(bad_ids[0]); i++)
		ok = ok && fails_with(sys(SYS_clock_gettime, bad_ids[i], (long)&ts, 0, 0), EINVAL) &&
		     fails_with(sys(SYS_clock_getres, bad_ids[i], (long)&ts, 0, 0), EINVAL) &&
		     fails_with(sys(SYS_clock_nanosleep, bad_ids[i], 0, (long)&ts, 0), EINVAL) &&
		     fails_with(sys(SYS_clock_settime, bad_ids[i], (long)&ts, 0, 0), EINVAL);
	check(ok, "unknown clock ids: EINVAL from gettime, getres, nanosleep, settime");
	ok = 1;
	for (size_t i = 0; i < NCLOCKS; i++)
		ok = ok && fails_with(sys(SYS_clock_gettime, clocks[i].id, (long)BAD, 0, 0), EFAULT) &&
		     fails_with(sys(SYS_clock_getres, clocks[i].id, (long)KERNEL, 0, 0), EFAULT);
	check(ok, "clock_gettime/clock_getres with a bad pointer: EFAULT");
	struct timezone tz = { -1, -1 };
	struct timeval tv;
	check(fails_with(sys(SYS_gettimeofday, (long)BAD, 0, 0, 0), EFAULT) &&
	      fails_with(sys(SYS_gettimeofday, (long)&tv, (long)KERNEL, 0, 0), EFAULT),
	      "gettimeofday with a bad tv or tz: EFAULT");
	check(sys(SYS_gettimeofday, 0, (long)&tz, 0, 0) == 0 && tz.tz_minuteswest == 0 &&
	      tz.tz_dsttime == 0, "gettimeofday(NULL, tz) gives a zero timezone");
	check(fails_with(sys(SYS_time, (long)BAD, 0, 0, 0), EFAULT), "time with a bad pointer: EFAULT");
	check(fails_with(sys(SYS_nanosleep, (long)BAD, 0, 0, 0), EFAULT) &&
	      fails_with(sys(SYS_clock_nanosleep, CLOCK_MONOTONIC, 0, (long)KERNEL, 0), EFAULT) &&
	      fails_with(sys(SYS_clock_settime, CLOCK_REALTIME, (long)BAD, 0, 0), EFAULT),
	      "nanosleep/clock_nanosleep/clock_settime with a bad request: EFAULT");
}

static void bad_times(void)
{
	static const struct timespec bad[] = { { 0, -1 }, { 0, NSEC_PER_SEC }, { -1, 0 } };
	int ok = 1;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		ok = ok && fails_with(sys(SYS_nanosleep, (long)&bad[i], 0, 0, 0), EINVAL) &&
		     fails_with(sys(SYS_clock_nanosleep, CLOCK_MONOTONIC, TIMER_ABSTIME,
				    (long)&bad[i], 0), EINVAL) &&
		     fails_with(sys(SYS_clock_settime, CLOCK_REALTIME, (long)&bad[i], 0, 0), EINVAL);
	check(ok, "tv_nsec outside 0..999999999 or tv_sec < 0: EINVAL");
	struct timespec ms = { 0, MS };
	check(fails_with(sys(SYS_clock_nanosleep, CLOCK_MONOTONIC_RAW, 0, (long)&ms, 0), EOPNOTSUPP) &&
	      fails_with(sys(SYS_clock_nanosleep, CLOCK_MONOTONIC_COARSE, 0, (long)&ms, 0), EOPNOTSUPP) &&
	      fails_with(sys(SYS_clock_nanosleep, CLOCK_THREAD_CPUTIME_ID, 0, (long)&ms, 0), EOPNOTSUPP),
	      "clock_nanosleep on MONOTONIC_RAW, a COARSE or the thread's CPU clock: EOPNOTSUPP");
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	check(fails_with(sys(SYS_clock_settime, CLOCK_MONOTONIC, (long)&now, 0, 0), EINVAL) &&
	      fails_with(sys(SYS_clock_settime, CLOCK_PROCESS_CPUTIME_ID, (long)&now, 0, 0), EINVAL),
	      "clock_settime(MONOTONIC or PROCESS_CPUTIME_ID): EINVAL");
	struct timespec epoch = { 0, 0 };
	check(fails_with(sys(SYS_clock_settime, CLOCK_REALTIME, (long)&epoch, 0, 0), EINVAL),
	      "clock_settime(REALTIME) to before the boot: EINVAL");
}

static void clocks_never_go_back(void)
{
	int64_t last = now_ns(CLOCK_MONOTONIC), last_coarse = now_ns(CLOCK_MONOTONIC_COARSE);
	int ok = 1, coarse_ok = 1, order_ok = 1;

	for (int i = 0; i < 20000; i++) {
		int64_t coarse = now_ns(CLOCK_MONOTONIC_COARSE), t = now_ns(CLOCK_MONOTONIC);
		ok = ok && t >= last;
		coarse_ok = coarse_ok && coarse >= last_coarse;
		order_ok = order_ok && coarse <= t && t - coarse < NSEC_PER_SEC;
		last = t;
		last_coarse = coarse;
	}
	check(ok, "MONOTONIC never goes back over 20000 reads");
	check(coarse_ok, "MONOTONIC_COARSE never goes back");
	check(order_ok, "MONOTONIC_COARSE read first is <= MONOTONIC, and within 1 s of it");
	int64_t rc = now_ns(CLOCK_REALTIME_COARSE), r = now_ns(CLOCK_REALTIME);
	check(rc <= r && r - rc < NSEC_PER_SEC, "REALTIME_COARSE <= REALTIME, within 1 s");
	int64_t m = now_ns(CLOCK_MONOTONIC), b = now_ns(CLOCK_BOOTTIME);
	check(b >= m, "BOOTTIME read later is >= MONOTONIC");
}

/* host_seconds was the host's time when we started, at started_ns. */
static void realtime_is_the_date(long host_seconds, int64_t started_ns)
{
	struct timespec ts;
	struct timeval tv;

	clock_gettime(CLOCK_REALTIME, &ts);
	gettimeofday(&tv, NULL);
	time_t t = time(NULL);
	time_t t_syscall = sys(SYS_time, 0, 0, 0, 0);
	struct timespec after;
	clock_gettime(CLOCK_REALTIME, &after);
	if (host_seconds) {
		long host_now = host_seconds + (now_ns(CLOCK_MONOTONIC) - started_ns) / NSEC_PER_SEC;
		long off = (long)ts.tv_sec - host_now;
		char what[80];
		snprintf(what, sizeof(what), "REALTIME is within 10 s of the host's (%+ld s)", off);
		check(off > -10 && off < 10, what);
	}
	check(tv.tv_sec - ts.tv_sec >= 0 && tv.tv_sec - ts.tv_sec <= 1 && tv.tv_usec >= 0 &&
	      tv.tv_usec < 1000000, "gettimeofday agrees with REALTIME");
	/* time() is the coarse clock: it may still be in the last second. */
	check(t - ts.tv_sec >= -1 && t - ts.tv_sec <= 1, "time() agrees with REALTIME");
	check(t_syscall >= ts.tv_sec - 1 && t_syscall <= after.tv_sec, "time(NULL) returns the seconds");
}

static void sleeps_are_never_short(void)
{
	int ok = 1;

	for (int i = 0; i < 20; i++) {
		struct timespec req = { 0, MS };
		int64_t start = now_ns(CLOCK_MONOTONIC);
		ok = ok && nanosleep(&req, NULL) == 0 && now_ns(CLOCK_MONOTONIC) - start >= MS;
	}
	check(ok, "nanosleep(1 ms) takes at least 1 ms, 20 times");
	struct timespec req = { 0, 30 * MS };
	int64_t start = now_ns(CLOCK_MONOTONIC);
	check(nanosleep(&req, NULL) == 0 && now_ns(CLOCK_MONOTONIC) - start >= 30 * MS,
	      "nanosleep(30 ms) takes at least 30 ms");
	int64_t deadline = now_ns(CLOCK_MONOTONIC) + 3 * MS;
	struct timespec abs = ts_of(deadline);
	check(sys(SYS_clock_nanosleep, CLOCK_MONOTONIC, TIMER_ABSTIME, (long)&abs, 0) == 0 &&
	      now_ns(CLOCK_MONOTONIC) >= deadline, "clock_nanosleep(MONOTONIC, ABSTIME) wakes at the deadline");
	deadline = now_ns(CLOCK_REALTIME) + 3 * MS;
	abs = ts_of(deadline);
	check(sys(SYS_clock_nanosleep, CLOCK_REALTIME, TIMER_ABSTIME, (long)&abs, 0) == 0 &&
	      now_ns(CLOCK_REALTIME) >= deadline, "clock_nanosleep(REALTIME, ABSTIME) wakes at the deadline");
	abs = ts_of(now_ns(CLOCK_BOOTTIME) / 2);
	check(sys(SYS_clock_nanosleep, CLOCK_BOOTTIME, TIMER_ABSTIME, (long)&abs, 0) == 0,
	      "clock_nanosleep to a time past returns 0 at once");
	struct timespec zero = { 0, 0 };
	check(nanosleep(&zero, NULL) == 0, "nanosleep(0) returns 0");
}

/* CPU time grows while we compute and (almost) not while we sleep, and
 * never faster than the wall clock. */
static void cpu_time_is_ours(void)
{
	/* The CPU-time readings lie inside the wall-clock ones. */
	int64_t wall0 = now_ns(CLOCK_MONOTONIC), cpu0 = now_ns(CLOCK_PROCESS_CPUTIME_ID);
	while (now_ns(CLOCK_MONOTONIC) - wall0 < 20 * MS)
		;
	int64_t cpu1 = now_ns(CLOCK_PROCESS_CPUTIME_ID), wall1 = now_ns(CLOCK_MONOTONIC);
	struct timespec req = { 0, 50 * MS };
	nanosleep(&req, NULL);
	int64_t cpu2 = now_ns(CLOCK_THREAD_CPUTIME_ID); /* no printing in between: it costs CPU */
	check(cpu1 - cpu0 >= 10 * MS && cpu1 - cpu0 <= wall1 - wall0,
	      "PROCESS_CPUTIME_ID counts 20 ms of spinning (at least 10, at most the wall clock's)");
	check(cpu2 >= cpu1 && cpu2 - cpu1 < 25 * MS, "...and not 50 ms of sleep (THREAD_CPUTIME_ID)");
	check(clock() >= cpu2 / 1000, "clock() reads it");
}

static void on_usr1(int sig)
{
	(void)sig;
}

/* In a child: sleep 5 s, which the parent interrupts with SIGUSR1. */
static int interrupted_sleep(int abs, void *rem_ptr)
{
	struct sigaction sa = { .sa_handler = on_usr1 };
	struct timespec req = { 5, 0 }, rem = { -1, -1 };
	sigaction(SIGUSR1, &sa, NULL);
	int64_t start = now_ns(CLOCK_MONOTONIC);
	if (abs)
		req = ts_of(start + 5 * NSEC_PER_SEC);
	long ret = sys(SYS_clock_nanosleep, CLOCK_MONOTONIC, abs ? TIMER_ABSTIME : 0, (long)&req,
		       (long)(rem_ptr ? rem_ptr : &rem));
	int64_t slept = now_ns(CLOCK_MONOTONIC) - start;
	if (rem_ptr)
		return fails_with(ret, EFAULT) ? 0 : 1;
	if (!fails_with(ret, EINTR) || slept >= 5 * NSEC_PER_SEC)
		return 1;
	if (abs)
		return rem.tv_sec == -1 && rem.tv_nsec == -1 ? 0 : 2; /* untouched */
	/* The kernel's "now" lies between our two readings around the call. */
	int64_t left = ns_of(&rem);
	return left >= 5 * NSEC_PER_SEC - slept && left < 5 * NSEC_PER_SEC ? 0 : 3;
}

static int run_interrupted(int abs, void *rem_ptr)
{
	pid_t pid = fork();
	if (pid == 0)
		_exit(interrupted_sleep(abs, rem_ptr));
	struct timespec wait = { 0, 100 * MS };
	nanosleep(&wait, NULL);
	kill(pid, SIGUSR1);
	int status;
	waitpid(pid, &status, 0);
	return WIFEXITED(status) ? WEXITSTATUS(status) : 100 + WTERMSIG(status);
}

static void signals_interrupt_sleeps(void)
{
	check(run_interrupted(0, NULL) == 0, "a signal interrupts nanosleep: EINTR, rem is the time left");
	check(run_interrupted(1, NULL) == 0, "a signal interrupts an ABSTIME sleep: EINTR, rem untouched");
	check(run_interrupted(0, BAD) == 0, "interrupted with a bad rem pointer: EFAULT");
}

static void settime_moves_realtime_and_its_sleepers(void)
{
	int64_t mono0 = now_ns(CLOCK_MONOTONIC), real0 = now_ns(CLOCK_REALTIME);
	struct timespec later = ts_of(real0 + 1000 * NSEC_PER_SEC);

	check(sys(SYS_clock_settime, CLOCK_REALTIME, (long)&later, 0, 0) == 0 &&
	      now_ns(CLOCK_REALTIME) - real0 >= 1000 * NSEC_PER_SEC &&
	      now_ns(CLOCK_REALTIME) - real0 < 1010 * NSEC_PER_SEC,
	      "clock_settime(REALTIME) moves REALTIME, gettimeofday and time with it");
	check(now_ns(CLOCK_MONOTONIC) - mono0 < 10 * NSEC_PER_SEC, "...and not MONOTONIC");

	/* A child sleeps until 500 s from now on REALTIME; the clock is then set
	 * past that, so it must wake (at once, if it was not yet asleep). */
	struct timespec deadline = ts_of(now_ns(CLOCK_REALTIME) + 500 * NSEC_PER_SEC);
	pid_t pid = fork();
	if (pid == 0)
		_exit(sys(SYS_clock_nanosleep, CLOCK_REALTIME, TIMER_ABSTIME, (long)&deadline, 0) == 0 &&
		      now_ns(CLOCK_REALTIME) >= ns_of(&deadline) ? 0 : 1);
	struct timespec wait = { 0, 100 * MS };
	nanosleep(&wait, NULL);
	struct timespec jump = ts_of(now_ns(CLOCK_REALTIME) + 1000 * NSEC_PER_SEC);
	sys(SYS_clock_settime, CLOCK_REALTIME, (long)&jump, 0, 0);
	int status;
	waitpid(pid, &status, 0);
	check(WIFEXITED(status) && WEXITSTATUS(status) == 0,
	      "setting REALTIME past an ABSTIME sleeper's deadline wakes it");

	struct timespec back = ts_of(real0 + (now_ns(CLOCK_MONOTONIC) - mono0));
	sys(SYS_clock_settime, CLOCK_REALTIME, (long)&back, 0, 0);
	check(now_ns(CLOCK_REALTIME) - real0 < 10 * NSEC_PER_SEC, "REALTIME set back");
}

/* The tools of tests/system/test_clock.py's check that the clock keeps
 * the host's time while the console is busy (issue 7, bug 13). */
static int tool(const char *what, const char *arg)
{
	char line[80];

	if (strcmp(what, "now") == 0) {
		printf("MONOTONIC %lld\n", (long long)now_ns(CLOCK_MONOTONIC));
		return 0;
	}
	memset(line, '.', sizeof(line) - 1);
	line[sizeof(line) - 1] = '\n';
	for (long i = arg ? atol(arg) : 0; i > 0; i--)
		if (write(1, line, sizeof(line)) != sizeof(line))
			return 1;
	return 0;
}

int main(int argc, char **argv)
{
	if (argc > 1 && (strcmp(argv[1], "now") == 0 || strcmp(argv[1], "print") == 0))
		return tool(argv[1], argv[2]);
	long host_seconds = argc > 1 ? atol(argv[1]) : 0;
	int64_t started_ns = now_ns(CLOCK_MONOTONIC);

	every_clock_reads_and_has_a_resolution();
	bad_ids_and_pointers();
	bad_times();
	clocks_never_go_back();
	realtime_is_the_date(host_seconds, started_ns);
	sleeps_are_never_short();
	cpu_time_is_ours();
	signals_interrupt_sleeps();
	settime_moves_realtime_and_its_sleepers();
	printf("clocktest: %d failed\n", failures);
	return failures ? 1 : 0;
}
