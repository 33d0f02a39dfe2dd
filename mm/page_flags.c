#include "mm/kernel-page-flags.h"
#include "mm/huge_mm.h"
#include "mm/hugetlb.h"
#include "mm/page.h"
#include "lib/format.h"

static const char *const names[NR_PAGEFLAGS] = {
	[PG_reserved] = "reserved",
	[PG_buddy] = "buddy",
	[PG_slab] = "slab",
	[PG_head] = "head",
	[PG_lru] = "lru",
	[PG_active] = "active",
	[PG_referenced] = "referenced",
	[PG_dirty] = "dirty",
	[PG_uptodate] = "uptodate",
	[PG_locked] = "locked",
	[PG_writeback] = "writeback",
	[PG_swapcache] = "swapcache",
	[PG_swapbacked] = "swapbacked",
	[PG_anon] = "anon",
	[PG_mlocked] = "mlocked",
	[PG_unevictable] = "unevictable",
	[PG_pgtable] = "pgtable",
	[PG_hwpoison] = "hwpoison",
	[PG_error] = "error",
	[PG_latent] = "latent",
};

char *format_page_flags(char *buf, size_t size, unsigned long flags)
{
	size_t len = 0;

	buf[0] = '\0';
	for (int bit = 0; bit < NR_PAGEFLAGS && len < size; bit++) {
		if (!(flags & (1UL << bit)))
			continue;
		len += (size_t)snprintf(buf + len, size - len, "%s%s",
					len ? "," : "", names[bit]);
	}
	return buf;
}

/* The KPF_* bits (mm/kernel-page-flags.h) a page's flags and state give
 * (Linux: stable_page_flags, fs/proc/page.c): what /proc/kpageflags shows
 * and what the hwpoison filter compares. */
static uint64_t kpf_copy_bit(unsigned long flags, int kpf, enum pageflags pg)
{
	return (uint64_t)((flags >> pg) & 1) << kpf;
}

/* The page flags that have a KPF_* bit of the same meaning. */
static const struct {
	int kpf;
	enum pageflags pg;
} same_bits[] = {
	{ KPF_LOCKED, PG_locked },         { KPF_SLAB, PG_slab },
	{ KPF_DIRTY, PG_dirty },           { KPF_UPTODATE, PG_uptodate },
	{ KPF_WRITEBACK, PG_writeback },   { KPF_LRU, PG_lru },
	{ KPF_REFERENCED, PG_referenced }, { KPF_ACTIVE, PG_active },
	{ KPF_SWAPCACHE, PG_swapcache },   { KPF_SWAPBACKED, PG_swapbacked },
	{ KPF_UNEVICTABLE, PG_unevictable }, { KPF_MLOCKED, PG_mlocked },
	{ KPF_HWPOISON, PG_hwpoison },     { KPF_RESERVED, PG_reserved },
	{ KPF_BUDDY, PG_buddy },           { KPF_PGTABLE, PG_pgtable },
	{ KPF_ANON, PG_anon },
};

uint64_t stable_page_flags(const struct page *page)
{
	uint64_t u = 0;

	if (!page)
		return 1ULL << KPF_NOPAGE;
	const struct page *head = compound_head(page);
	/* A huge page's frames are what its head is, but for poison, which
	 * is each frame's own (Linux: the PF_HEAD and PF_ANY policies). */
	unsigned long flags = page->flags;
	if (PageTransHuge(head)) {
		flags = (head->flags & ~(1UL << PG_hwpoison)) | (page->flags & (1UL << PG_hwpoison));
		u |= 1ULL << KPF_THP;
	}
	for (size_t i = 0; i < ARRAY_SIZE(same_bits); i++)
		u |= kpf_copy_bit(flags, same_bits[i].kpf, same_bits[i].pg);
	if (page_mapcount(page) > 0)
		u |= 1ULL << KPF_MMAP;
	if (page_test(page, PG_head))
		u |= 1ULL << KPF_COMPOUND_HEAD;
	else if (PageTail(page))
		u |= 1ULL << KPF_COMPOUND_TAIL;
	if (PageHuge(page)) /* every frame of a hugetlb page, as Linux */
		u |= 1ULL << KPF_HUGE;
	/* A tail frame of a slab page belongs to the slab too. */
	if (PageTail(page) && page_test(head, PG_slab))
		u |= 1ULL << KPF_SLAB;
	return u;
}
