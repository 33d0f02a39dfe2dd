/*
 * The hwpoison filters (Linux: hwpoison_filter in mm/memory-failure.c):
 * with corrupt-filter-enable set, injected errors (corrupt-pfn, and
 * madvise(MADV_HWPOISON) and real errors too, as in Linux) hit only the
 * pages that pass every filter the test set up, so that a stress test
 * can aim at one file system's pages, or pages in one state, on a busy
 * machine:
 *   dev major/minor  the page's file lives on that device (~0: any);
 *   flags mask/value the page's /proc/kpageflags bits under the mask
 *                    equal the value (mask 0: any);
 *   memcg            the page is charged to the memory cgroup with that
 *                    inode number (0: any). Antidote has only the root
 *                    cgroup, inode 1, which every page is charged to.
 * The knobs are files in /sys/kernel/debug/hwpoison (mm/hwpoison-inject.c).
 */
#include "kernel/errno.h"
#include "fs/fs.h"
#include "mm/kernel-page-flags.h"
#include "mm/memory-failure.h"
#include "mm/page.h"

#define ROOT_MEM_CGROUP_INO 1

uint32_t hwpoison_filter_enable;
uint32_t hwpoison_filter_dev_major = ~0U;
uint32_t hwpoison_filter_dev_minor = ~0U;
uint64_t hwpoison_filter_flags_mask;
uint64_t hwpoison_filter_flags_value;
uint64_t hwpoison_filter_memcg;

/* A page-cache page's mapping (anonymous pages have none). */
static const struct address_space *page_mapping(const struct page *p)
{
	const struct page *head = compound_head(p);

	return page_test(head, PG_anon) ? NULL : head->mapping;
}

static int hwpoison_filter_dev(const struct page *p)
{
	if (hwpoison_filter_dev_major == ~0U && hwpoison_filter_dev_minor == ~0U)
		return 0;
	const struct address_space *mapping = page_mapping(p);
	if (!mapping || !mapping->host)
		return -EINVAL;
	dev_t dev = mapping->host->i_sb->s_dev;
	if (hwpoison_filter_dev_major != ~0U && hwpoison_filter_dev_major != MAJOR(dev))
		return -EINVAL;
	if (hwpoison_filter_dev_minor != ~0U && hwpoison_filter_dev_minor != MINOR(dev))
		return -EINVAL;
	return 0;
}

static int hwpoison_filter_flags(const struct page *p)
{
	if (!hwpoison_filter_flags_mask)
		return 0;
	if ((stable_page_flags(p) & hwpoison_filter_flags_mask) == hwpoison_filter_flags_value)
		return 0;
	return -EINVAL;
}

static int hwpoison_filter_task(const struct page *p)
{
	(void)p;
	if (!hwpoison_filter_memcg || hwpoison_filter_memcg == ROOT_MEM_CGROUP_INO)
		return 0;
	return -EINVAL;
}

int hwpoison_filter(const struct page *p)
{
	if (!hwpoison_filter_enable)
		return 0;
	if (hwpoison_filter_dev(p) || hwpoison_filter_flags(p) || hwpoison_filter_task(p))
		return -EINVAL;
	return 0;
}
