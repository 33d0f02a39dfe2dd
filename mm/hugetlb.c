/*
 * The pool of huge pages and its counts (Linux: mm/hugetlb.c's hstate
 * half). Pages come from the buddy allocator as order-9 compound pages
 * when vm.nr_hugepages grows, and go back when it shrinks. Mappings
 * reserve pages when they are made (mmap, shmget), so that a later fault
 * finds one (Linux's promise: ENOMEM at mmap time, never SIGBUS at fault
 * time): resv_huge_pages of the free pages are promised.
 *
 *   HugePages_Total  nr_huge_pages        Free  free_huge_pages
 *   HugePages_Rsvd   resv_huge_pages      Surp  surplus_huge_pages
 *
 * A surplus page is one beyond what vm.nr_hugepages asks for: one in use
 * when it was lowered under the pages in use, or one taken from the
 * buddy allocator when the pool ran short, up to
 * vm.nr_overcommit_hugepages of them (for a reservation, or a fault
 * without one). It leaves the pool when freed.
 */
#include "mm/hugetlb.h"
#include "fs/seq_file.h"
#include "fs/sysfs.h"
#include "kernel/errno.h"
#include "kernel/printk.h"
#include "kernel/sysctl.h"
#include "lib/parse.h"
#include "lib/string.h"
#include "mm/buddy.h"

struct hstate default_hstate = {
	.hugepage_freelist = { &default_hstate.hugepage_freelist, &default_hstate.hugepage_freelist },
};

static void enqueue_huge_page(struct hstate *h, struct page *head)
{
	list_add(&head->lru, &h->hugepage_freelist);
	h->free_huge_pages++;
}

static struct page *dequeue_huge_page(struct hstate *h)
{
	if (list_empty(&h->hugepage_freelist))
		return NULL;
	struct page *head = list_first_entry(&h->hugepage_freelist, struct page, lru);
	list_del(&head->lru);
	h->free_huge_pages--;
	return head;
}

/* A new pool page from the buddy allocator (Linux: alloc_fresh_huge_page),
 * counted in the pool but on no list yet, with no references. Reclaim
 * may run for it, but not the OOM killer (the allocator never kills for
 * an order this large). */
static struct page *alloc_fresh_huge_page(struct hstate *h)
{
	struct page *head = alloc_pages(GFP_KERNEL | __GFP_COMP, HUGETLB_PAGE_ORDER);

	if (!head)
		return NULL;
	head[1].compound_dtor = HUGETLB_PAGE_DTOR;
	head->refcount = 0;
	head->private = 0;
	h->nr_huge_pages++;
	return head;
}

/* Give a page that left the pool back to the buddy allocator (Linux:
 * update_and_free_page). A poisoned page's mark moves from the head to
 * the bad frame (Linux: hugetlb_clear_page_hwpoison): the allocator
 * keeps that frame out and takes the other 511. */
static void update_and_free_page(struct hstate *h, struct page *head)
{
	unsigned long raw = head->private >> HPG_HWP_RAW_SHIFT;

	h->nr_huge_pages--;
	if (raw) {
		page_clear(head, PG_hwpoison);
		page_set(&head[raw - 1], PG_hwpoison);
	}
	head->private = 0;
	head[1].compound_dtor = 0;
	head->refcount = 1;
	free_pages(head, HUGETLB_PAGE_ORDER);
}

/* The pool without its surplus pages: what vm.nr_hugepages shows. */
static unsigned long persistent_huge_pages(const struct hstate *h)
{
	return h->nr_huge_pages - h->surplus_huge_pages;
}

/* Linux's order: surplus pages become ordinary ones again, fresh pages
 * are allocated; when shrinking, free pages nobody was promised go (never
 * below what is in use or reserved), and the rest over the count become
 * surplus. */
void set_max_huge_pages(unsigned long count)
{
	struct hstate *h = &default_hstate;

	while (h->surplus_huge_pages && count > persistent_huge_pages(h))
		h->surplus_huge_pages--;
	while (count > persistent_huge_pages(h)) {
		struct page *head = alloc_fresh_huge_page(h);
		if (!head)
			break;
		enqueue_huge_page(h, head);
	}
	unsigned long min_count = h->resv_huge_pages + h->nr_huge_pages - h->free_huge_pages;
	min_count = MAX(count, min_count);
	while (min_count < persistent_huge_pages(h)) {
		struct page *head = dequeue_huge_page(h);
		if (!head)
			break;
		update_and_free_page(h, head);
	}
	while (count < persistent_huge_pages(h) && h->surplus_huge_pages < h->nr_huge_pages)
		h->surplus_huge_pages++;
}

/* A page beyond the pool's size (Linux: alloc_surplus_huge_page), while
 * the surplus is under vm.nr_overcommit_hugepages: in use, on no list.
 * It leaves the pool when freed (free_huge_page). */
static struct page *alloc_surplus_huge_page(struct hstate *h)
{
	if (h->surplus_huge_pages >= h->nr_overcommit_huge_pages)
		return NULL;
	struct page *head = alloc_fresh_huge_page(h);
	if (!head)
		return NULL;
	/* The allocation may have slept, and others taken the surplus
	 * allowed meanwhile (or it was lowered). */
	if (h->surplus_huge_pages >= h->nr_overcommit_huge_pages) {
		update_and_free_page(h, head);
		return NULL;
	}
	h->surplus_huge_pages++;
	return head;
}

struct page *alloc_huge_page(bool reserved)
{
	struct hstate *h = &default_hstate;
	struct page *head = NULL;

	/* Unreserved, only a free page nobody was promised will do. */
	if (reserved || h->free_huge_pages > h->resv_huge_pages)
		head = dequeue_huge_page(h);
	if (!head)
		head = alloc_surplus_huge_page(h);
	if (!head)
		return NULL;
	if (reserved && h->resv_huge_pages) /* (see return_unused_surplus_pages) */
		h->resv_huge_pages--;
	head->refcount = 1;
	/* The pool's pages were zeroed once, by the buddy allocator: the
	 * next user must not see the last one's data. */
	memset(page_address(head), 0, HPAGE_SIZE);
	return head;
}

void free_huge_page(struct page *head)
{
	struct hstate *h = &default_hstate;

	head->mapping = NULL;
	head->index = 0;
	head->flags &= 1UL << PG_head | 1UL << PG_hwpoison;
	if (page_test(head, PG_hwpoison)) {
		update_and_free_page(h, head); /* the pool is one page smaller */
		return;
	}
	if (h->surplus_huge_pages) {
		h->surplus_huge_pages--;
		update_and_free_page(h, head);
		return;
	}
	head->refcount = 0;
	head->private = 0;
	enqueue_huge_page(h, head);
}

/* Enough free pages for delta more promises: the free ones nobody was
 * promised, then surplus pages (Linux: gather_surplus_pages). They are
 * kept aside until there are enough, so that nobody takes them
 * meanwhile (an allocation may sleep); those not needed in the end go
 * back - all of them, with -ENOMEM and nothing changed, if there cannot
 * be enough. */
static int gather_surplus_pages(struct hstate *h, unsigned long delta)
{
	struct list_head surplus_list = { &surplus_list, &surplus_list };
	unsigned long allocated = 0;
	struct page *head;
	int err = 0;

	while (h->resv_huge_pages + delta > h->free_huge_pages + allocated) {
		head = alloc_surplus_huge_page(h);
		if (!head) {
			err = -ENOMEM;
			break;
		}
		list_add(&head->lru, &surplus_list);
		allocated++;
	}
	if (!err)
		h->resv_huge_pages += delta;
	while (!list_empty(&surplus_list)) {
		head = list_first_entry(&surplus_list, struct page, lru);
		list_del(&head->lru);
		if (!err && h->free_huge_pages < h->resv_huge_pages) {
			enqueue_huge_page(h, head);
		} else {
			h->surplus_huge_pages--;
			update_and_free_page(h, head);
		}
	}
	return err;
}

/* Promises given back: as many surplus pages, free now, leave the pool
 * (Linux: return_unused_surplus_pages). */
static void return_unused_surplus_pages(struct hstate *h, unsigned long unused)
{
	/* (Poison may have taken promised pages already: dissolve_free_huge_page.) */
	h->resv_huge_pages -= MIN(h->resv_huge_pages, unused);
	for (unsigned long n = MIN(unused, h->surplus_huge_pages); n; n--) {
		struct page *head = dequeue_huge_page(h);
		if (!head)
			break;
		h->surplus_huge_pages--;
		update_and_free_page(h, head);
	}
}

int hugetlb_acct_memory(long delta)
{
	struct hstate *h = &default_hstate;

	if (delta > 0)
		return gather_surplus_pages(h, (unsigned long)delta);
	return_unused_surplus_pages(h, (unsigned long)-delta);
	return 0;
}

bool dissolve_free_huge_page(struct page *head, struct page *raw)
{
	struct hstate *h = &default_hstate;

	if (head->refcount != 0)
		return false;
	list_del(&head->lru);
	h->free_huge_pages--;
	/* A reserved page has to be found again: the promise moves to
	 * another free page, or - if none is left - it cannot be kept
	 * (Linux then takes a surplus page; the count says what is left). */
	if (h->resv_huge_pages > h->free_huge_pages)
		h->resv_huge_pages = h->free_huge_pages;
	page_set(head, PG_hwpoison);
	head->private = (unsigned long)(raw - head + 1) << HPG_HWP_RAW_SHIFT;
	update_and_free_page(h, head);
	return true;
}

bool hugetlb_set_page_hwpoison(struct page *head, struct page *raw)
{
	if (page_test_and_set(head, PG_hwpoison))
		return false;
	head->private = (unsigned long)(raw - head + 1) << HPG_HWP_RAW_SHIFT;
	return true; /* it leaves the pool when it is freed (free_huge_page) */
}

/* A pool count as an int setting (Linux: proc_hugetlb_doulongvec_minmax,
 * an unsigned long). */
static int hugetlb_dointvec(const struct ctl_table *table, int write, char *buffer, size_t *lenp,
			    int64_t *ppos, unsigned long *count)
{
	int value = (int)MIN(*count, (unsigned long)INT32_MAX);
	struct ctl_table t = *table;

	t.data = &value;
	int err = proc_dointvec_minmax(&t, write, buffer, lenp, ppos);
	if (!err && write)
		*count = (unsigned long)value;
	return err;
}

/* vm.nr_hugepages: reads what the pool holds (without surplus pages, as
 * Linux shows), a write resizes it. */
int hugetlb_sysctl_handler(const struct ctl_table *table, int write, char *buffer, size_t *lenp,
			   int64_t *ppos)
{
	unsigned long count = persistent_huge_pages(&default_hstate);

	/* sysctl.vm.nr_hugepages= on the command line comes before the
	 * buddy allocator exists: refused (Linux has hugepages= for it). */
	if (write && !zone.managed_pages)
		return -EINVAL;
	int err = hugetlb_dointvec(table, write, buffer, lenp, ppos, &count);
	if (!err && write)
		set_max_huge_pages(count);
	return err;
}

/* vm.nr_overcommit_hugepages: the most surplus pages the pool may add
 * when it runs short; lowering it frees none (they go when unused). */
int hugetlb_overcommit_handler(const struct ctl_table *table, int write, char *buffer,
			       size_t *lenp, int64_t *ppos)
{
	return hugetlb_dointvec(table, write, buffer, lenp, ppos,
				&default_hstate.nr_overcommit_huge_pages);
}

void hugetlb_report_meminfo(struct seq_file *m)
{
	const struct hstate *h = &default_hstate;

	seq_printf(m, "HugePages_Total:   %5lu\nHugePages_Free:    %5lu\n", h->nr_huge_pages,
		   h->free_huge_pages);
	seq_printf(m, "HugePages_Rsvd:    %5lu\nHugePages_Surp:    %5lu\n", h->resv_huge_pages,
		   h->surplus_huge_pages);
	seq_printf(m, "Hugepagesize:   %8lu kB\n", HPAGE_SIZE >> 10);
	seq_printf(m, "Hugetlb:        %8lu kB\n", h->nr_huge_pages * (HPAGE_SIZE >> 10));
}

/* ---- /sys/kernel/mm/hugepages/hugepages-2048kB (fs/sysfs.c) ---------- */

/* All the pool's pages, surplus too (unlike vm.nr_hugepages: Linux's
 * nr_hugepages_show). */
static long nr_hugepages_show(char *buf, size_t size)
{
	return sysfs_emit(buf, size, "%lu\n", default_hstate.nr_huge_pages);
}

/* A count written in decimal (Linux: kstrtoul(buf, 10)) goes to set. */
static long store_count(const char *buf, size_t count, void (*set)(unsigned long n))
{
	uint64_t n;
	int err = kstrtoull(buf, 10, &n);

	if (err)
		return err;
	set((unsigned long)n);
	return (long)count;
}

/* As vm.nr_hugepages. */
static long nr_hugepages_store(const char *buf, size_t count)
{
	return store_count(buf, count, set_max_huge_pages);
}

static long nr_overcommit_hugepages_show(char *buf, size_t size)
{
	return sysfs_emit(buf, size, "%lu\n", default_hstate.nr_overcommit_huge_pages);
}

static void set_overcommit(unsigned long n)
{
	default_hstate.nr_overcommit_huge_pages = n;
}

static long nr_overcommit_hugepages_store(const char *buf, size_t count)
{
	return store_count(buf, count, set_overcommit);
}

static long free_hugepages_show(char *buf, size_t size)
{
	return sysfs_emit(buf, size, "%lu\n", default_hstate.free_huge_pages);
}

static long resv_hugepages_show(char *buf, size_t size)
{
	return sysfs_emit(buf, size, "%lu\n", default_hstate.resv_huge_pages);
}

static long surplus_hugepages_show(char *buf, size_t size)
{
	return sysfs_emit(buf, size, "%lu\n", default_hstate.surplus_huge_pages);
}

/* Linux's order (hstate_attrs), without the NUMA nr_hugepages_mempolicy. */
const struct kobj_attribute hstate_attrs[] = {
	{ "nr_hugepages", nr_hugepages_show, nr_hugepages_store },
	{ "nr_overcommit_hugepages", nr_overcommit_hugepages_show, nr_overcommit_hugepages_store },
	{ "free_hugepages", free_hugepages_show, NULL },
	{ "resv_hugepages", resv_hugepages_show, NULL },
	{ "surplus_hugepages", surplus_hugepages_show, NULL },
};
const size_t nr_hstate_attrs = ARRAY_SIZE(hstate_attrs);
