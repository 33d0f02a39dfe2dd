/* lib/ratelimit.c: Linux's burst and interval, and the "callbacks
 * suppressed" line. */
#include <string.h>

#include "lib/ratelimit.h"
#include "tests/unit/host_kernel.h"
#include "tests/unit/test.h"

static int allowed(struct ratelimit_state *rs, int calls)
{
	int n = 0;

	for (int i = 0; i < calls; i++)
		n += ___ratelimit(rs, "show_signal_msg");
	return n;
}

static void test_burst_then_suppressed(void)
{
	struct ratelimit_state rs = RATELIMIT_STATE_INIT(DEFAULT_RATELIMIT_INTERVAL,
							 DEFAULT_RATELIMIT_BURST);

	jiffies = 1000;
	host_console_clear();
	CHECK(allowed(&rs, 1000) == 10);
	CHECK(host_console[0] == '\0'); /* said nothing yet */
	jiffies += DEFAULT_RATELIMIT_INTERVAL; /* the interval has not ended */
	CHECK(allowed(&rs, 1) == 0);
	jiffies += 1;
	CHECK(allowed(&rs, 20) == 10);
	CHECK(strstr(host_console, "show_signal_msg: 991 callbacks suppressed\n") != NULL);
	host_console_clear();
	jiffies += DEFAULT_RATELIMIT_INTERVAL + 1;
	CHECK(allowed(&rs, 1) == 1);
	CHECK(strstr(host_console, "show_signal_msg: 10 callbacks suppressed\n") != NULL);
}

static void test_quiet_stretch_prints_no_count(void)
{
	struct ratelimit_state rs = RATELIMIT_STATE_INIT(5, 2);

	jiffies = 50;
	host_console_clear();
	CHECK(allowed(&rs, 2) == 2);
	jiffies += 6;
	CHECK(allowed(&rs, 2) == 2);
	CHECK(host_console[0] == '\0'); /* nothing was suppressed */
}

static void test_no_interval_no_limit(void)
{
	struct ratelimit_state rs = RATELIMIT_STATE_INIT(0, 1);

	CHECK(allowed(&rs, 100) == 100);
}

int main(void)
{
	RUN(test_burst_then_suppressed);
	RUN(test_quiet_stretch_prints_no_count);
	RUN(test_no_interval_no_limit);
	return finish("unit ratelimit");
}
