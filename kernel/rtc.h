/* The CMOS real-time clock (kernel/rtc.c): the date and time at boot. */
#ifndef KERNEL_RTC_H
#define KERNEL_RTC_H

#include "lib/types.h"

/* Linux's struct rtc_time (struct tm's fields): tm_mon 0-11, tm_year
 * counts from 1900. */
struct rtc_time {
	int tm_sec, tm_min, tm_hour, tm_mday, tm_mon, tm_year;
};

/* The clock's registers as read, and how they are encoded. */
struct cmos_regs {
	uint8_t sec, min, hour, mday, mon, year;
	uint8_t status_b; /* RTC_24H, RTC_DM_BINARY */
};

#define RTC_DM_BINARY 0x04 /* status B: values are binary, not BCD */
#define RTC_24H 0x02       /* status B: hours 0-23, not 1-12 with a PM bit */

/* Read the clock now (it may take up to a few milliseconds). */
void rtc_read_time(struct rtc_time *tm);
/* Decode registers in any of the clock's modes; false if they make no date. */
bool cmos_decode(const struct cmos_regs *r, struct rtc_time *tm);
/* Seconds since 1970-01-01 00:00:00 UTC (Linux's rtc_tm_to_time64). */
int64_t rtc_tm_to_time64(const struct rtc_time *tm);

#endif
