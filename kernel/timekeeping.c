/*
 * Timekeeping: every clock the kernel offers is the TSC clock
 * (kernel/tsc.c) plus an offset. There is no suspend, no NTP and no leap
 * second table here, so BOOTTIME and MONOTONIC_RAW equal MONOTONIC, and
 * TAI equals REALTIME (Linux's TAI offset is 0 too until adjtimex sets
 * it). The _COARSE clocks are the value at the last timer tick: cheaper
 * on Linux, where they need no clock read, and HZ-grained.
 */
#include "kernel/timekeeping.h"
#include "kernel/hrtimer.h"
#include "kernel/printk.h"
#include "kernel/rtc.h"
#include "kernel/tsc.h"
#include "kernel/x86.h"

static int64_t offs_real;      /* REALTIME - MONOTONIC: set at boot and by settime */
static uint64_t coarse_mono;   /* MONOTONIC at the last tick */

void timekeeping_init(void)
{
	struct rtc_time tm;

	rtc_read_time(&tm);
	int64_t secs = rtc_tm_to_time64(&tm);
	if (secs < 0)
		secs = 0; /* a date before 1970 cannot be REALTIME */
	offs_real = secs * (int64_t)NSEC_PER_SEC - (int64_t)ktime_get_ns();
	pr_info("rtc_cmos: setting system clock to %04d-%02d-%02dT%02d:%02d:%02d UTC (%ld)\n",
		tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
		secs);
}

void timekeeping_tick(void)
{
	coarse_mono = ktime_get_ns();
}

uint64_t ktime_get_ns(void)
{
	return tsc_read_ns();
}

uint64_t ktime_get_raw_ns(void)
{
	return tsc_read_ns();
}

uint64_t ktime_get_boottime_ns(void)
{
	return tsc_read_ns();
}

uint64_t ktime_get_real_ns(void)
{
	return tsc_read_ns() + (uint64_t)offs_real;
}

uint64_t ktime_get_clocktai_ns(void)
{
	return ktime_get_real_ns();
}

uint64_t ktime_get_coarse_ns(void)
{
	return coarse_mono;
}

uint64_t ktime_get_coarse_real_ns(void)
{
	return coarse_mono + (uint64_t)offs_real;
}

int64_t ktime_get_real_offset(void)
{
	return offs_real;
}

void do_settimeofday64(uint64_t real_ns)
{
	bool was_on = irq_save();

	offs_real = (int64_t)real_ns - (int64_t)ktime_get_ns();
	clock_was_set();
	irq_restore(was_on);
}
