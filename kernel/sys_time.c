/* Time: the tick counter is the only clock (HZ ticks a second, since boot). */
#include "kernel/errno.h"
#include "kernel/proc.h"
#include "kernel/syscall.h"
#include "kernel/timer.h"
#include "kernel/uaccess.h"
#include "kernel/x86.h"

#define CLOCK_REALTIME 0
#define CLOCK_MONOTONIC 1
#define NSEC_PER_TICK (1000000000ULL / HZ)

struct timespec {
	int64_t tv_sec, tv_nsec;
};

long sys_clock_gettime(uint64_t clock, uint64_t tp)
{
	uint64_t ns = jiffies * NSEC_PER_TICK;
	struct timespec ts = { (int64_t)(ns / 1000000000), (int64_t)(ns % 1000000000) };

	if (clock != CLOCK_REALTIME && clock != CLOCK_MONOTONIC)
		return -EINVAL;
	return copy_to_user(tp, &ts, sizeof(ts));
}

long sys_gettimeofday(uint64_t tv, uint64_t tz)
{
	uint64_t us = jiffies * (NSEC_PER_TICK / 1000);
	int64_t val[2] = { (int64_t)(us / 1000000), (int64_t)(us % 1000000) };

	(void)tz;
	return tv ? copy_to_user(tv, val, sizeof(val)) : 0;
}

static struct wait_queue_head sleepers = WAIT_QUEUE_INIT(sleepers);
static struct timer_list wakeup_timer;

static void wake_sleepers(struct timer_list *t)
{
	(void)t;
	wake_up(&sleepers);
}

/* pause(): sleep until a signal is delivered. */
long sys_pause(void)
{
	static struct wait_queue_head never = WAIT_QUEUE_INIT(never);

	cli();
	while (!signal_pending(current))
		sleep_on(&never); /* only a signal (proc_wake) ends this */
	sti();
	return -ERESTARTNOHAND; /* EINTR after a handler; a stop does not end it */
}

static long nanosleep_restart(struct restart_block *rb);

/* Sleep until jiffy `until`. A signal ends the sleep: EINTR if a handler
 * runs, else (a stop and SIGCONT) it goes on to the same deadline. */
static long nanosleep_until(uint64_t until)
{
	while (jiffies < until) {
		if (signal_pending(current)) {
			current->restart_block = (struct restart_block){ nanosleep_restart, until };
			return -ERESTART_RESTARTBLOCK;
		}
		cli();
		wakeup_timer.function = wake_sleepers;
		if (!wakeup_timer.entry.next || wakeup_timer.expires > until || wakeup_timer.expires <= jiffies)
			mod_timer(&wakeup_timer, until);
		sleep_on(&sleepers);
		sti();
	}
	return 0;
}

static long nanosleep_restart(struct restart_block *rb)
{
	return nanosleep_until(rb->expires);
}

long sys_nanosleep(uint64_t req, uint64_t rem)
{
	struct timespec ts;

	(void)rem;
	if (copy_from_user(&ts, req, sizeof(ts)))
		return -EFAULT;
	if (ts.tv_sec < 0 || ts.tv_nsec < 0 || ts.tv_nsec >= 1000000000)
		return -EINVAL;
	return nanosleep_until(jiffies + (uint64_t)ts.tv_sec * HZ +
			       ((uint64_t)ts.tv_nsec + NSEC_PER_TICK - 1) / NSEC_PER_TICK);
}
