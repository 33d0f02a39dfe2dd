/*
 * Watermarks (Linux: mm/page_alloc.c, init_per_zone_wmark_min and
 * __setup_per_zone_wmarks, with Linux 6.1's numbers).
 *
 * min is what the allocator keeps back for those who must not fail or
 * wait: reclaim's own allocations, atomic callers, an OOM victim on its
 * way out. Above it are low and high, each a step further, the step
 * being a quarter of min or watermark_scale_factor/10000 of memory,
 * whichever is more:
 *
 *   free > low        allocations just take pages
 *   min < free <= low the allocator wakes kswapd (mm/vmscan.c), which
 *                     reclaims in the background until free > high
 *   free <= min       an allocation that may sleep reclaims itself
 *                     (direct reclaim), then, failing, the OOM killer
 */
#include "mm/watermark.h"
#include "kernel/printk.h"
#include "kernel/sysctl.h"
#include "lib/int_sqrt.h"

int min_free_kbytes = 1024;
int watermark_scale_factor = 10;
static int user_min_free_kbytes = -1; /* set by a write: boot leaves it alone */

/* Linux's comment: "min_free_kbytes is the square root of lowmem in KiB
 * times 16": 16 MiB gets 512 KiB, 64 MiB 1 MiB, 1 GiB 4 MiB. */
unsigned long calculate_min_free_kbytes(unsigned long lowmem_kbytes)
{
	unsigned long kbytes = int_sqrt(lowmem_kbytes * 16);

	if (kbytes < 128)
		return 128;
	return kbytes > 262144 ? 262144 : kbytes;
}

void __setup_per_zone_wmarks(struct zone *z, int min_kbytes, int scale_factor)
{
	unsigned long min = (unsigned long)min_kbytes >> (PAGE_SHIFT - 10);
	unsigned long by_scale = z->managed_pages * (unsigned long)scale_factor / 10000;
	unsigned long step = MAX(min / 4, by_scale);

	z->_watermark[WMARK_MIN] = min;
	z->_watermark[WMARK_LOW] = min + step;
	z->_watermark[WMARK_HIGH] = min + 2 * step;
}

static void setup_per_zone_wmarks(void)
{
	__setup_per_zone_wmarks(&zone, min_free_kbytes, watermark_scale_factor);
}

void init_per_zone_wmark_min(void)
{
	unsigned long kbytes = calculate_min_free_kbytes(zone.managed_pages * (PAGE_SIZE >> 10));

	if ((long)kbytes > user_min_free_kbytes)
		min_free_kbytes = (int)kbytes;
	else
		pr_warn("min_free_kbytes is not updated to %lu because user defined value %d is preferred\n",
			kbytes, user_min_free_kbytes);
	setup_per_zone_wmarks();
}

bool zone_watermark_ok(const struct zone *z, unsigned int order, unsigned long mark,
		       unsigned int alloc_flags)
{
	long min = (long)mark, free = (long)z->free_pages - ((1L << order) - 1);

	if (alloc_flags & ALLOC_HIGH)
		min -= min / 2;
	if (alloc_flags & ALLOC_HARDER)
		min -= min / 4;
	return free > min;
}

int min_free_kbytes_sysctl_handler(const struct ctl_table *table, int write, char *buffer,
				   size_t *lenp, int64_t *ppos)
{
	int err = proc_dointvec_minmax(table, write, buffer, lenp, ppos);

	if (err || !write)
		return err;
	user_min_free_kbytes = min_free_kbytes;
	setup_per_zone_wmarks();
	return 0;
}

int watermark_scale_factor_sysctl_handler(const struct ctl_table *table, int write, char *buffer,
					  size_t *lenp, int64_t *ppos)
{
	int err = proc_dointvec_minmax(table, write, buffer, lenp, ppos);

	if (!err && write)
		setup_per_zone_wmarks();
	return err;
}
