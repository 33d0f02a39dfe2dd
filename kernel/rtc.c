/*
 * The MC146818 real-time clock in the PC's CMOS: a battery-backed clock
 * that keeps the date while the machine is off. We read it once at boot
 * to know what time it is (QEMU's clock starts at the host's time, in
 * UTC); from then on the TSC keeps time (kernel/timekeeping.c).
 *
 * Its registers hold BCD or binary and a 12- or 24-hour clock, as status
 * register B says, and they change once a second: while the "update in
 * progress" flag is set they may be half-updated, and even outside it a
 * read of six registers can straddle an update. So we wait for the flag
 * to clear and read until two reads in a row agree (Linux does the same
 * in drivers/rtc/rtc-mc146818-lib.c).
 */
#include "kernel/rtc.h"
#include "kernel/x86.h"

#define CMOS_INDEX 0x70
#define CMOS_DATA 0x71
#define CMOS_NMI_OFF 0x80 /* index bit 7 keeps NMIs masked, as firmware leaves it */
#define RTC_SECONDS 0x00
#define RTC_MINUTES 0x02
#define RTC_HOURS 0x04
#define RTC_DAY_OF_MONTH 0x07
#define RTC_MONTH 0x08
#define RTC_YEAR 0x09
#define RTC_REG_A 0x0a
#define RTC_REG_B 0x0b
#define RTC_UIP 0x80 /* status A: an update is in progress */
#define RTC_PM 0x80  /* the hours register, 12-hour mode: afternoon */
#define UIP_WAIT_LOOPS 1000000 /* an update lasts ~2 ms: this is far longer */

static uint8_t cmos_read(uint8_t reg)
{
	outb(CMOS_INDEX, CMOS_NMI_OFF | reg);
	return inb(CMOS_DATA);
}

static void cmos_read_regs(struct cmos_regs *r)
{
	for (int i = 0; i < UIP_WAIT_LOOPS && (cmos_read(RTC_REG_A) & RTC_UIP); i++)
		;
	r->sec = cmos_read(RTC_SECONDS);
	r->min = cmos_read(RTC_MINUTES);
	r->hour = cmos_read(RTC_HOURS);
	r->mday = cmos_read(RTC_DAY_OF_MONTH);
	r->mon = cmos_read(RTC_MONTH);
	r->year = cmos_read(RTC_YEAR);
	r->status_b = cmos_read(RTC_REG_B);
}

void rtc_read_time(struct rtc_time *tm)
{
	struct cmos_regs a, b;

	cmos_read_regs(&b);
	do {
		a = b;
		cmos_read_regs(&b);
	} while (a.sec != b.sec || a.min != b.min || a.hour != b.hour || a.mday != b.mday ||
		 a.mon != b.mon || a.year != b.year);
	if (!cmos_decode(&b, tm))
		*tm = (struct rtc_time){ .tm_mday = 1, .tm_year = 70 }; /* 1970: no date */
}

static int bcd2bin(uint8_t v)
{
	return (v >> 4) * 10 + (v & 0x0f);
}

bool cmos_decode(const struct cmos_regs *r, struct rtc_time *tm)
{
	bool binary = r->status_b & RTC_DM_BINARY;
	int hour = binary ? r->hour & ~RTC_PM : bcd2bin(r->hour & ~RTC_PM);

	/* 12-hour mode: 12 AM is midnight, 12 PM is noon. */
	if (!(r->status_b & RTC_24H))
		hour = hour % 12 + (r->hour & RTC_PM ? 12 : 0);
	*tm = (struct rtc_time){
		.tm_sec = binary ? r->sec : bcd2bin(r->sec),
		.tm_min = binary ? r->min : bcd2bin(r->min),
		.tm_hour = hour,
		.tm_mday = binary ? r->mday : bcd2bin(r->mday),
		.tm_mon = (binary ? r->mon : bcd2bin(r->mon)) - 1,
		.tm_year = binary ? r->year : bcd2bin(r->year),
	};
	/* Two digits of year: 70-99 are 19xx, 00-69 are 20xx (as Linux,
	 * without the ACPI century register). */
	if (tm->tm_year < 70)
		tm->tm_year += 100;
	return tm->tm_sec <= 59 && tm->tm_min <= 59 && tm->tm_hour <= 23 && tm->tm_mday >= 1 &&
	       tm->tm_mday <= 31 && tm->tm_mon >= 0 && tm->tm_mon <= 11;
}

/* Gauss's method, as Linux's mktime64: count from March, so that the
 * leap day is the last day of the year. */
int64_t rtc_tm_to_time64(const struct rtc_time *tm)
{
	int64_t mon = tm->tm_mon + 1, year = tm->tm_year + 1900;

	mon -= 2;
	if (mon <= 0) {
		mon += 12; /* puts February last */
		year -= 1;
	}
	int64_t days = year / 4 - year / 100 + year / 400 + 367 * mon / 12 + tm->tm_mday +
		       year * 365 - 719499;
	return ((days * 24 + tm->tm_hour) * 60 + tm->tm_min) * 60 + tm->tm_sec;
}
