/* The watermarks (mm/watermark.c): Linux 6.1's min_free_kbytes default,
 * low and high from it and vm.watermark_scale_factor, the allocator's
 * check, and the /proc/sys handler that recomputes them. */
#include <string.h>

#include "kernel/errno.h"
#include "kernel/sysctl.h"
#include "mm/watermark.h"
#include "tests/unit/host_kernel.h"
#include "tests/unit/test.h"

static void test_min_free_kbytes_default(void)
{
	/* sqrt(16 * KiB): Linux's comment's table. */
	CHECK(calculate_min_free_kbytes(16 * 1024) == 512);
	CHECK(calculate_min_free_kbytes(64 * 1024) == 1024);
	CHECK(calculate_min_free_kbytes(1024 * 1024) == 4096);
	CHECK(calculate_min_free_kbytes(59596) == 976); /* the 64 MiB test machine */
	CHECK(calculate_min_free_kbytes(512) == 128);   /* at least 128 */
	CHECK(calculate_min_free_kbytes(1UL << 34) == 262144); /* at most 256 MiB */
}

static void test_low_and_high_are_steps_above_min(void)
{
	struct zone z = { .managed_pages = 14899 };

	/* A step is min / 4, or scale_factor / 10000 of memory if more. */
	__setup_per_zone_wmarks(&z, 976, 10);
	CHECK(min_wmark_pages(&z) == 244 && low_wmark_pages(&z) == 305 &&
	      high_wmark_pages(&z) == 366);
	__setup_per_zone_wmarks(&z, 976, 100);
	CHECK(min_wmark_pages(&z) == 244 && low_wmark_pages(&z) == 244 + 148 &&
	      high_wmark_pages(&z) == 244 + 2 * 148);
	__setup_per_zone_wmarks(&z, 0, 10);
	CHECK(min_wmark_pages(&z) == 0 && low_wmark_pages(&z) == 14 && high_wmark_pages(&z) == 28);
}

static void test_zone_watermark_ok(void)
{
	struct zone z = { .free_pages = 300 };

	CHECK(zone_watermark_ok(&z, 0, 244, ALLOC_WMARK_MIN));
	CHECK(!zone_watermark_ok(&z, 0, 300, ALLOC_WMARK_MIN)); /* must stay above it */
	CHECK(!zone_watermark_ok(&z, 6, 244, ALLOC_WMARK_MIN)); /* 64 pages would leave 236 */
	z.free_pages = 100;
	CHECK(!zone_watermark_ok(&z, 0, 244, ALLOC_HARDER));
	/* An atomic caller: half of min, then a quarter less: 244 -> 122 -> 92. */
	CHECK(zone_watermark_ok(&z, 0, 244, ALLOC_HARDER | ALLOC_HIGH));
	z.free_pages = 92;
	CHECK(!zone_watermark_ok(&z, 0, 244, ALLOC_HARDER | ALLOC_HIGH));
}

static const int zero;
static const struct ctl_table min_free = { "vm.min_free_kbytes", &min_free_kbytes, sizeof(int),
					   0644, min_free_kbytes_sysctl_handler, &zero, NULL, "" };

static int write_text(const char *text)
{
	char buf[32];
	size_t len = strlen(text);
	int64_t pos = 0;

	memcpy(buf, text, len + 1);
	return min_free.proc_handler(&min_free, 1, buf, &len, &pos);
}

/* A write recomputes the watermarks, and boot's default then leaves the
 * user's value alone. */
static void test_the_sysctl_recomputes(void)
{
	host_memory_init();
	host_memory_give(1, HOST_PAGES);
	init_per_zone_wmark_min();
	unsigned long boot_min = min_wmark_pages(&zone);
	CHECK(boot_min == calculate_min_free_kbytes(zone.managed_pages * 4) / 4);
	CHECK(write_text("4096") == 0 && min_free_kbytes == 4096 && min_wmark_pages(&zone) == 1024);
	CHECK(low_wmark_pages(&zone) == 1024 + 256 && high_wmark_pages(&zone) == 1024 + 512);
	CHECK(write_text("-1") == -EINVAL && min_wmark_pages(&zone) == 1024);
	CHECK(write_text("1k") == -EINVAL && min_free_kbytes == 4096);
	init_per_zone_wmark_min(); /* as at boot: the user's 4096 stays */
	CHECK(min_free_kbytes == 4096 && min_wmark_pages(&zone) == 1024);
	CHECK(strstr(host_console, "min_free_kbytes is not updated to") != NULL);
}

int main(void)
{
	RUN(test_min_free_kbytes_default);
	RUN(test_low_and_high_are_steps_above_min);
	RUN(test_zone_watermark_ok);
	RUN(test_the_sysctl_recomputes);
	return finish("unit watermark");
}
