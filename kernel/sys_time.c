/*
 * The time system calls, with Linux's numbers, structures and errors.
 * Each clock id is a row of `clocks` (Linux's k_clock table in
 * kernel/time/posix-timers.c): how to read it, whether it is tick-grained,
 * whether one can sleep on it (and on which hrtimer clock), whether it
 * can be set. Unknown ids fail with EINVAL - among them Linux's clocks of
 * other processes (negative ids) and the alarm clocks.
 */
#include "kernel/errno.h"
#include "kernel/hrtimer.h"
#include "kernel/proc.h"
#include "kernel/syscall.h"
#include "kernel/timekeeping.h"
#include "kernel/timer.h"
#include "kernel/tsc.h"
#include "kernel/uaccess.h"
#include "kernel/x86.h"

#define CLOCK_REALTIME 0
#define CLOCK_MONOTONIC 1
#define CLOCK_PROCESS_CPUTIME_ID 2
#define CLOCK_THREAD_CPUTIME_ID 3
#define CLOCK_MONOTONIC_RAW 4
#define CLOCK_REALTIME_COARSE 5
#define CLOCK_MONOTONIC_COARSE 6
#define CLOCK_BOOTTIME 7
#define CLOCK_TAI 11
#define TIMER_ABSTIME 1
#define KTIME_SEC_MAX (KTIME_MAX / (int64_t)NSEC_PER_SEC)
#define TIME_UPTIME_SEC_MAX (30LL * 365 * 24 * 3600) /* settime leaves this much room */

struct k_clock {
	uint64_t (*get)(void);
	bool coarse;                 /* read at the last tick: HZ resolution */
	bool cputime;                /* a CPU-time clock: 1 ns resolution, always */
	bool nsleep;                 /* clock_nanosleep can sleep on it... */
	enum hrtimer_base_type base; /* ...with an hrtimer on this clock */
	bool settable;
};

/* The CPU time of the calling thread, and of its whole process. */
static uint64_t thread_cputime_ns(void)
{
	return task_sched_runtime(current);
}

static uint64_t process_cputime_ns(void)
{
	return thread_group_sched_runtime(current);
}

static const struct k_clock clocks[] = {
	[CLOCK_REALTIME] = { .get = ktime_get_real_ns, .nsleep = true,
			     .base = HRTIMER_BASE_REALTIME, .settable = true },
	[CLOCK_MONOTONIC] = { .get = ktime_get_ns, .nsleep = true, .base = HRTIMER_BASE_MONOTONIC },
	[CLOCK_PROCESS_CPUTIME_ID] = { .get = process_cputime_ns, .cputime = true },
	[CLOCK_THREAD_CPUTIME_ID] = { .get = thread_cputime_ns, .cputime = true },
	[CLOCK_MONOTONIC_RAW] = { .get = ktime_get_raw_ns },
	[CLOCK_REALTIME_COARSE] = { .get = ktime_get_coarse_real_ns, .coarse = true },
	[CLOCK_MONOTONIC_COARSE] = { .get = ktime_get_coarse_ns, .coarse = true },
	[CLOCK_BOOTTIME] = { .get = ktime_get_boottime_ns, .nsleep = true,
			     .base = HRTIMER_BASE_MONOTONIC },
	[CLOCK_TAI] = { .get = ktime_get_clocktai_ns, .nsleep = true, .base = HRTIMER_BASE_REALTIME },
};

struct timespec {
	int64_t tv_sec, tv_nsec;
};

struct timeval {
	int64_t tv_sec, tv_usec;
};

struct timezone {
	int tz_minuteswest, tz_dsttime; /* always 0: the clock is UTC */
};

static const struct k_clock *clockid_to_kclock(uint64_t id)
{
	if (id >= ARRAY_SIZE(clocks) || !clocks[id].get)
		return NULL;
	return &clocks[id];
}

static bool timespec_valid(const struct timespec *ts)
{
	return ts->tv_sec >= 0 && ts->tv_nsec >= 0 && ts->tv_nsec < (int64_t)NSEC_PER_SEC;
}

/* A valid timespec in ns; times beyond the year 2262 become KTIME_MAX. */
static uint64_t timespec_to_ns(const struct timespec *ts)
{
	if (ts->tv_sec >= KTIME_SEC_MAX)
		return KTIME_MAX;
	return (uint64_t)ts->tv_sec * NSEC_PER_SEC + (uint64_t)ts->tv_nsec;
}

static struct timespec ns_to_timespec(uint64_t ns)
{
	return (struct timespec){ (int64_t)(ns / NSEC_PER_SEC), (int64_t)(ns % NSEC_PER_SEC) };
}

long get_timespec_ns(uint64_t uaddr, uint64_t *ns)
{
	struct timespec ts;

	if (copy_from_user(&ts, uaddr, sizeof(ts)))
		return -EFAULT;
	if (!timespec_valid(&ts))
		return -EINVAL;
	*ns = timespec_to_ns(&ts);
	return 0;
}

static long put_timespec(uint64_t uaddr, uint64_t ns)
{
	struct timespec ts = ns_to_timespec(ns);

	return copy_to_user(uaddr, &ts, sizeof(ts));
}

long sys_clock_gettime(uint64_t clock, uint64_t tp)
{
	const struct k_clock *kc = clockid_to_kclock(clock);

	if (!kc)
		return -EINVAL;
	return put_timespec(tp, kc->get());
}

long sys_clock_getres(uint64_t clock, uint64_t tp)
{
	const struct k_clock *kc = clockid_to_kclock(clock);

	if (!kc)
		return -EINVAL;
	if (!tp)
		return 0; /* only asking whether the clock exists */
	if (kc->cputime)
		return put_timespec(tp, 1);
	return put_timespec(tp, kc->coarse ? TICK_NSEC : hrtimer_resolution());
}

/* Only REALTIME can be set (and with it TAI), not before the boot: the
 * date would precede the machine's own monotonic time. Every process
 * is root here, so there is no EPERM. */
long sys_clock_settime(uint64_t clock, uint64_t tp)
{
	const struct k_clock *kc = clockid_to_kclock(clock);
	struct timespec ts;

	if (!kc || !kc->settable)
		return -EINVAL;
	if (copy_from_user(&ts, tp, sizeof(ts)))
		return -EFAULT;
	if (!timespec_valid(&ts) || ts.tv_sec >= KTIME_SEC_MAX - TIME_UPTIME_SEC_MAX)
		return -EINVAL;
	uint64_t ns = timespec_to_ns(&ts);
	if (ns < ktime_get_ns())
		return -EINVAL;
	do_settimeofday64(ns);
	return 0;
}

long sys_gettimeofday(uint64_t tv, uint64_t tz)
{
	if (tv) {
		uint64_t ns = ktime_get_real_ns();
		struct timeval val = { (int64_t)(ns / NSEC_PER_SEC),
				       (int64_t)(ns % NSEC_PER_SEC / NSEC_PER_USEC) };
		if (copy_to_user(tv, &val, sizeof(val)))
			return -EFAULT;
	}
	if (tz) {
		struct timezone zone = { 0, 0 };
		if (copy_to_user(tz, &zone, sizeof(zone)))
			return -EFAULT;
	}
	return 0;
}

/* time(2) reads the coarse clock, as Linux's does: it may lag
 * gettimeofday's seconds by a tick. */
long sys_time(uint64_t tloc)
{
	int64_t secs = (int64_t)(ktime_get_coarse_real_ns() / NSEC_PER_SEC);

	if (tloc && copy_to_user(tloc, &secs, sizeof(secs)))
		return -EFAULT;
	return secs;
}

/* pause(): sleep until a signal is delivered. */
long sys_pause(void)
{
	wait_for_signal();
	return -ERESTARTNOHAND; /* EINTR after a handler; a stop does not end it */
}

/*
 * Sleep until kc reads `deadline` or a signal comes. The clock, not the
 * timer, says when we are done: a REALTIME clock set back while we slept
 * sends us back to sleep. Returns 0, or -EINTR with the time left in
 * *left.
 */
static long do_nanosleep(const struct k_clock *kc, uint64_t deadline, uint64_t *left)
{
	struct hrtimer_sleeper sl;
	long ret;

	hrtimer_init_sleeper(&sl, kc->base);
	cli();
	for (;;) {
		uint64_t now = kc->get();
		if (now >= deadline) {
			ret = 0;
			break;
		}
		if (signal_pending(current)) {
			*left = deadline - now;
			ret = -EINTR;
			break;
		}
		hrtimer_start(&sl.timer, deadline);
		sleep_on(&sl.wq);
	}
	hrtimer_cancel(&sl.timer);
	sti();
	return ret;
}

static long nanosleep_restart(struct restart_block *rb);

/*
 * Sleep until `deadline` on clock `id` (Linux's hrtimer_nanosleep). A
 * signal ends the sleep: EINTR if a handler runs; else (a stop and
 * SIGCONT) it goes on to the same deadline - an absolute sleep by running
 * again as it was, a relative one through restart_syscall. A relative
 * sleep tells rem the time that was left, each time.
 */
static long nanosleep_to(uint64_t id, uint64_t deadline, bool abs, uint64_t rem)
{
	uint64_t left;

	if (do_nanosleep(&clocks[id], deadline, &left) == 0)
		return 0;
	if (abs)
		return -ERESTARTNOHAND;
	if (rem && put_timespec(rem, left))
		return -EFAULT;
	current->restart_block = (struct restart_block){
		.fn = nanosleep_restart, .expires = deadline, .clockid = id, .rmtp = rem
	};
	return -ERESTART_RESTARTBLOCK;
}

static long nanosleep_restart(struct restart_block *rb)
{
	return nanosleep_to(rb->clockid, rb->expires, false, rb->rmtp);
}

static long nanosleep_common(uint64_t id, bool abs, uint64_t req, uint64_t rem)
{
	uint64_t ns;
	long err = get_timespec_ns(req, &ns);

	if (err)
		return err;
	return nanosleep_to(id, abs ? ns : ktime_add_safe(clocks[id].get(), ns), abs, rem);
}

long sys_nanosleep(uint64_t req, uint64_t rem)
{
	return nanosleep_common(CLOCK_MONOTONIC, false, req, rem);
}

long sys_clock_nanosleep(uint64_t clock, uint64_t flags, uint64_t req, uint64_t rem)
{
	const struct k_clock *kc = clockid_to_kclock(clock);

	if (!kc)
		return -EINVAL;
	if (!kc->nsleep)
		return -EOPNOTSUPP;
	return nanosleep_common(clock, flags & TIMER_ABSTIME, req, rem);
}
