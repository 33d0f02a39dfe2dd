/* The CMOS clock's registers in each of their modes, and the date in
 * seconds (kernel/rtc.c), checked against the C library's timegm. */
#include <time.h>

#include "kernel/rtc.h"
#include "tests/unit/test.h"

static int64_t host_timegm(int year, int mon, int mday, int hour, int min, int sec)
{
	struct tm tm = { .tm_year = year - 1900, .tm_mon = mon - 1, .tm_mday = mday,
			 .tm_hour = hour, .tm_min = min, .tm_sec = sec };
	return (int64_t)timegm(&tm);
}

static void test_rtc_tm_to_time64_matches_timegm(void)
{
	static const int dates[][3] = { { 1970, 1, 1 }, { 2000, 2, 29 }, { 2000, 3, 1 },
					{ 2024, 12, 31 }, { 2026, 12, 1 }, { 2069, 6, 15 },
					{ 2100, 2, 28 }, { 2100, 3, 1 } };
	for (size_t i = 0; i < sizeof(dates) / sizeof(dates[0]); i++) {
		struct rtc_time tm = { 59, 58, 23, dates[i][2], dates[i][1] - 1, dates[i][0] - 1900 };
		CHECK(rtc_tm_to_time64(&tm) ==
		      host_timegm(dates[i][0], dates[i][1], dates[i][2], 23, 58, 59));
	}
}

static void test_cmos_decode_every_mode(void)
{
	struct rtc_time tm;
	/* 2026-12-01 16:36:08: BCD 24-hour (QEMU's default), binary, 12-hour. */
	struct cmos_regs bcd24 = { 0x08, 0x36, 0x16, 0x01, 0x12, 0x26, RTC_24H };
	struct cmos_regs bin24 = { 8, 36, 16, 1, 12, 26, RTC_24H | RTC_DM_BINARY };
	struct cmos_regs bcd12 = { 0x08, 0x36, 0x80 | 0x04, 0x01, 0x12, 0x26, 0 };
	struct cmos_regs bin12 = { 8, 36, 0x80 | 4, 1, 12, 26, RTC_DM_BINARY };
	const struct cmos_regs *modes[] = { &bcd24, &bin24, &bcd12, &bin12 };

	for (size_t i = 0; i < 4; i++) {
		CHECK(cmos_decode(modes[i], &tm));
		CHECK(rtc_tm_to_time64(&tm) == host_timegm(2026, 12, 1, 16, 36, 8));
	}
	struct cmos_regs midnight = { 0, 0, 0x12, 1, 1, 0x99, 0 };   /* 12 AM */
	CHECK(cmos_decode(&midnight, &tm) && tm.tm_hour == 0 && tm.tm_year == 99);
	struct cmos_regs noon = { 0, 0, 0x80 | 0x12, 1, 1, 0x00, 0 }; /* 12 PM, year 2000 */
	CHECK(cmos_decode(&noon, &tm) && tm.tm_hour == 12 && tm.tm_year == 100);
	struct cmos_regs garbage = { 0x61, 0, 0, 0, 0x13, 0, RTC_24H };
	CHECK(!cmos_decode(&garbage, &tm));
}

int main(void)
{
	RUN(test_rtc_tm_to_time64_matches_timegm);
	RUN(test_cmos_decode_every_mode);
	return finish("unit rtc");
}
