/*
 * The kernel's clocks, in nanoseconds (kernel/timekeeping.c), with
 * Linux's names. MONOTONIC counts from boot and never jumps; REALTIME is
 * the date, MONOTONIC plus an offset that clock_settime may change.
 */
#ifndef KERNEL_TIMEKEEPING_H
#define KERNEL_TIMEKEEPING_H

#include "lib/types.h"

#define KTIME_MAX INT64_MAX /* "never": saturated arithmetic stops here */

/* Saturating, so that a sleep of many centuries is "forever". */
static inline uint64_t ktime_add_safe(uint64_t a, uint64_t b)
{
	return a > KTIME_MAX - b ? KTIME_MAX : a + b;
}

/* Read the RTC: REALTIME starts at the date it says. */
void timekeeping_init(void);
/* From the periodic tick: the _COARSE clocks move on. */
void timekeeping_tick(void);

/* A user struct timespec as ns: 0, -EFAULT, or -EINVAL if it is not a
 * valid one (kernel/sys_time.c). */
long get_timespec_ns(uint64_t uaddr, uint64_t *ns);
uint64_t ktime_get_ns(void);          /* CLOCK_MONOTONIC */
uint64_t ktime_get_raw_ns(void);      /* CLOCK_MONOTONIC_RAW: no adjustments */
uint64_t ktime_get_boottime_ns(void); /* CLOCK_BOOTTIME: and time suspended */
uint64_t ktime_get_real_ns(void);     /* CLOCK_REALTIME: ns since 1970 UTC */
uint64_t ktime_get_clocktai_ns(void); /* CLOCK_TAI */
uint64_t ktime_get_coarse_ns(void);   /* as of the last tick */
uint64_t ktime_get_coarse_real_ns(void);
/* REALTIME - MONOTONIC: what to add to a MONOTONIC time to get the date. */
int64_t ktime_get_real_offset(void);
/* Set REALTIME (clock_settime); timers on it are moved accordingly. */
void do_settimeofday64(uint64_t real_ns);

#endif
