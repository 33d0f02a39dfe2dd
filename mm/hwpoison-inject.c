/*
 * /sys/kernel/debug/hwpoison (Linux: mm/hwpoison-inject.c): poison a
 * frame by number, as if the hardware had reported it, or undo that -
 * the console's `hwpoison corrupt-pfn` and `unpoison-pfn` as files, with
 * Linux's results (a write returns memory_failure's or unpoison_memory's
 * error) - and the filters that aim injections (mm/hwpoison-filter.c).
 */
#include "fs/debugfs/debugfs.h"
#include "fs/stat.h"
#include "kernel/errno.h"
#include "kernel/printk.h"
#include "mce/mce.h"
#include "mm/buddy.h"
#include "mm/khugepaged.h"
#include "mm/memory-failure.h"
#include "mm/page.h"

/*
 * With the filters on, only pages memory_failure can tell the owner of
 * are candidates - user pages on the LRU lists, and free pages - and
 * only those the filters let through; the others are skipped silently
 * (the write succeeds, as in Linux).
 */
static int hwpoison_inject(void *data, uint64_t val)
{
	unsigned long pfn = (unsigned long)val;

	(void)data;
	if (!pfn_valid(pfn))
		return -ENXIO;
	struct page *p = pfn_to_page(pfn);
	struct page *hpage = compound_head(p);
	if (hwpoison_filter_enable) {
		if (!page_test(hpage, PG_lru) && !buddy_free_block_of(p))
			return 0;
		if (hwpoison_filter(hpage))
			return 0;
	}
	pr_info("Injecting memory failure at pfn %#lx\n", pfn);
	int err = memory_failure(pfn, MF_SW_SIMULATED);
	return err == -EOPNOTSUPP ? 0 : err;
}

static int hwpoison_unpoison(void *data, uint64_t val)
{
	(void)data;
	return unpoison_memory((unsigned long)val);
}

/* latent-pfn: arm the frame in the emulated memory controller (not
 * Linux's: mce/latent.c). */
static int hwpoison_latent(void *data, uint64_t val)
{
	(void)data;
	if (val >= (1ULL << 40))
		return -EINVAL;
	return latent_arm((unsigned long)val);
}

/* collapse-copy-mc: 1, khugepaged copies with copy_mc; 0, with memcpy
 * (the experiment that shows why: mm/khugepaged.c). */
static int collapse_copy_mc_get(void *data, uint64_t *val)
{
	(void)data;
	*val = (uint64_t)collapse_copy_mc;
	return 0;
}

static int collapse_copy_mc_set(void *data, uint64_t val)
{
	(void)data;
	if (val > 1)
		return -EINVAL;
	collapse_copy_mc = (int)val;
	return 0;
}

static const struct debugfs_attr copy_mc_fops = { collapse_copy_mc_get, collapse_copy_mc_set,
						  "%llu\n" };
static const struct debugfs_attr latent_fops = { NULL, hwpoison_latent, "%lli\n" };
static const struct debugfs_attr hwpoison_fops = { NULL, hwpoison_inject, "%lli\n" };
static const struct debugfs_attr unpoison_fops = { NULL, hwpoison_unpoison, "%lli\n" };

void hwpoison_inject_init(void)
{
	struct dentry *dir = debugfs_create_dir("hwpoison", NULL);

	if (!dir) {
		pr_err("hwpoison: cannot make /sys/kernel/debug/hwpoison\n");
		return;
	}
	debugfs_create_attr("corrupt-pfn", 0200, dir, NULL, &hwpoison_fops);
	debugfs_create_attr("unpoison-pfn", 0200, dir, NULL, &unpoison_fops);
	debugfs_create_attr("latent-pfn", 0200, dir, NULL, &latent_fops);
	debugfs_create_attr("collapse-copy-mc", 0600, dir, NULL, &copy_mc_fops);
	debugfs_create_u32("corrupt-filter-enable", 0600, dir, &hwpoison_filter_enable);
	debugfs_create_u32("corrupt-filter-dev-major", 0600, dir, &hwpoison_filter_dev_major);
	debugfs_create_u32("corrupt-filter-dev-minor", 0600, dir, &hwpoison_filter_dev_minor);
	debugfs_create_u64("corrupt-filter-flags-mask", 0600, dir, &hwpoison_filter_flags_mask);
	debugfs_create_u64("corrupt-filter-flags-value", 0600, dir, &hwpoison_filter_flags_value);
	debugfs_create_u64("corrupt-filter-memcg", 0600, dir, &hwpoison_filter_memcg);
}
