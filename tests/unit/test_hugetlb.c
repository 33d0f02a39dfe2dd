/*
 * The hugetlb pool's accounting (mm/hugetlb.c) on the host's synthetic
 * memory: growing and shrinking with vm.nr_hugepages, reservations,
 * surplus pages (and those vm.nr_overcommit_hugepages lets the pool add),
 * poison taking a page out of the pool, and the sysfs files.
 */
#include "kernel/errno.h"
#include "mm/buddy.h"
#include "lib/string.h"
#include "mm/hugetlb.h"
#include "tests/unit/host_kernel.h"
#include "tests/unit/test.h"

static struct hstate *h = &default_hstate;

static void setup(void)
{
	host_memory_init();
	host_memory_give(0, HOST_PAGES);
	*h = (struct hstate){ .hugepage_freelist = { &h->hugepage_freelist, &h->hugepage_freelist } };
}

static bool pool_is(unsigned long total, unsigned long free, unsigned long resv,
		    unsigned long surplus)
{
	return h->nr_huge_pages == total && h->free_huge_pages == free &&
	       h->resv_huge_pages == resv && h->surplus_huge_pages == surplus;
}

static void test_grow_and_shrink(void)
{
	setup();
	unsigned long before = nr_free_pages();
	set_max_huge_pages(4);
	CHECK(pool_is(4, 4, 0, 0));
	CHECK(nr_free_pages() == before - 4 * PAGES_PER_HUGE_PAGE);
	struct page *p = alloc_huge_page(false);
	CHECK(p && PageHuge(p) && PageHuge(p + 100) && p->refcount == 1);
	set_max_huge_pages(0); /* the page in use stays, as surplus */
	CHECK(pool_is(1, 0, 0, 1));
	put_page(p); /* surplus: it leaves the pool */
	CHECK(pool_is(0, 0, 0, 0));
	CHECK(nr_free_pages() == before);
	set_max_huge_pages(HOST_PAGES); /* more than there is: what the allocator has */
	CHECK(h->nr_huge_pages > 0 && h->nr_huge_pages < HOST_PAGES / PAGES_PER_HUGE_PAGE + 1);
	set_max_huge_pages(0);
	CHECK(pool_is(0, 0, 0, 0) && nr_free_pages() == before);
}

static void test_reservations(void)
{
	setup();
	set_max_huge_pages(4);
	CHECK(hugetlb_acct_memory(3) == 0 && pool_is(4, 4, 3, 0));
	CHECK(hugetlb_acct_memory(2) == -ENOMEM && pool_is(4, 4, 3, 0)); /* one is unpromised */
	struct page *a = alloc_huge_page(false);
	CHECK(a && pool_is(4, 3, 3, 0));
	CHECK(!alloc_huge_page(false)); /* every free page is promised */
	struct page *b = alloc_huge_page(true);
	CHECK(b && pool_is(4, 2, 2, 0));
	set_max_huge_pages(1); /* nothing promised or in use can go */
	CHECK(pool_is(4, 2, 2, 3));
	put_page(a);
	CHECK(pool_is(3, 2, 2, 2));
	CHECK(hugetlb_acct_memory(-2) == 0 && pool_is(1, 0, 0, 0)); /* unused surplus goes */
	put_page(b);
	CHECK(pool_is(1, 1, 0, 0));
}

static void test_poison_free_page(void)
{
	setup();
	set_max_huge_pages(2);
	unsigned long before = nr_free_pages();
	struct page *head = list_first_entry(&h->hugepage_freelist, struct page, lru);
	CHECK(dissolve_free_huge_page(head, head + 5));
	CHECK(pool_is(1, 1, 0, 0));
	CHECK(page_test(head + 5, PG_hwpoison) && !page_test(head, PG_hwpoison));
	CHECK(PageHWPoisonTakenOff(head + 5) && !PageHuge(head));
	CHECK(nr_free_pages() == before + PAGES_PER_HUGE_PAGE - 1); /* 511 frames back */
}

/* Poison takes a promised free page: the promises shrink with the pool,
 * and giving them back later does not wrap the count. */
static void test_poison_promised_page(void)
{
	setup();
	set_max_huge_pages(1);
	CHECK(hugetlb_acct_memory(1) == 0 && pool_is(1, 1, 1, 0));
	struct page *head = list_first_entry(&h->hugepage_freelist, struct page, lru);
	CHECK(dissolve_free_huge_page(head, head));
	CHECK(pool_is(0, 0, 0, 0));
	CHECK(!alloc_huge_page(true)); /* the promise cannot be kept: SIGBUS at the fault */
	CHECK(hugetlb_acct_memory(-1) == 0 && pool_is(0, 0, 0, 0));
}

static void test_poison_page_in_use(void)
{
	setup();
	set_max_huge_pages(2);
	struct page *head = alloc_huge_page(false);
	CHECK(hugetlb_set_page_hwpoison(head, head + 7));
	CHECK(!hugetlb_set_page_hwpoison(head, head + 8)); /* once */
	CHECK(page_test(head, PG_hwpoison) && pool_is(2, 1, 0, 0));
	put_page(head); /* freed: it leaves the pool, the bad frame kept off */
	CHECK(pool_is(1, 1, 0, 0));
	CHECK(PageHWPoisonTakenOff(head + 7) && page_test(head + 7, PG_hwpoison));
	CHECK(!page_test(head, PG_hwpoison) && head->refcount == 0);
}

/* An empty pool adds surplus pages for faults without a promise, up to
 * the overcommit limit; each goes back to the buddy allocator when freed. */
static void test_overcommit_faults(void)
{
	setup();
	unsigned long before = nr_free_pages();
	CHECK(!alloc_huge_page(false)); /* no overcommit: nothing */
	h->nr_overcommit_huge_pages = 2;
	struct page *a = alloc_huge_page(false), *b = alloc_huge_page(false);
	CHECK(a && b && PageHuge(a) && a->refcount == 1 && pool_is(2, 0, 0, 2));
	CHECK(nr_free_pages() == before - 2 * PAGES_PER_HUGE_PAGE);
	CHECK(!alloc_huge_page(false) && pool_is(2, 0, 0, 2)); /* the limit */
	h->nr_overcommit_huge_pages = 0; /* lowered: the pages in use stay */
	CHECK(pool_is(2, 0, 0, 2));
	set_max_huge_pages(1); /* one becomes a pool page again */
	CHECK(pool_is(2, 0, 0, 1));
	put_page(a); /* surplus: it leaves */
	put_page(b); /* the pool's: it stays */
	CHECK(pool_is(1, 1, 0, 0));
	set_max_huge_pages(0);
	CHECK(pool_is(0, 0, 0, 0) && nr_free_pages() == before);
}

/* A reservation the free pages cannot cover gets surplus pages for the
 * rest, all or none; giving the promises back frees them. */
static void test_overcommit_reservations(void)
{
	setup();
	unsigned long before = nr_free_pages();
	set_max_huge_pages(1);
	h->nr_overcommit_huge_pages = 2;
	CHECK(hugetlb_acct_memory(4) == -ENOMEM && pool_is(1, 1, 0, 0)); /* 1 + 2 < 4 */
	CHECK(nr_free_pages() == before - PAGES_PER_HUGE_PAGE);
	CHECK(hugetlb_acct_memory(3) == 0 && pool_is(3, 3, 3, 2));
	struct page *a = alloc_huge_page(true);
	CHECK(a && pool_is(3, 2, 2, 2));
	CHECK(hugetlb_acct_memory(-2) == 0 && pool_is(1, 0, 0, 0)); /* two surplus go */
	put_page(a); /* (the pool's page now) */
	CHECK(pool_is(1, 1, 0, 0));
	h->nr_overcommit_huge_pages = HOST_PAGES; /* more than there is memory for */
	CHECK(hugetlb_acct_memory(HOST_PAGES) == -ENOMEM && pool_is(1, 1, 0, 0));
	set_max_huge_pages(0);
	CHECK(nr_free_pages() == before);
}

static const struct kobj_attribute *hstate_attr(const char *name)
{
	for (size_t i = 0; i < nr_hstate_attrs; i++)
		if (!strcmp(hstate_attrs[i].name, name))
			return &hstate_attrs[i];
	return NULL;
}

static bool shows(const char *name, const char *text)
{
	char buf[32];
	long len = hstate_attr(name)->show(buf, sizeof(buf));

	return len == (long)strlen(text) && !memcmp(buf, text, (size_t)len);
}

/* /sys/kernel/mm/hugepages/hugepages-2048kB: the counts; nr_hugepages
 * and nr_overcommit_hugepages take a decimal number, nothing else. */
static void test_sysfs_files(void)
{
	setup();
	CHECK(hstate_attr("nr_hugepages")->store("3\n", 2) == 2 && pool_is(3, 3, 0, 0));
	CHECK(hugetlb_acct_memory(1) == 0);
	CHECK(shows("nr_hugepages", "3\n") && shows("free_hugepages", "3\n") &&
	      shows("resv_hugepages", "1\n") && shows("surplus_hugepages", "0\n"));
	CHECK(hstate_attr("nr_hugepages")->store("2x", 2) == -EINVAL && pool_is(3, 3, 1, 0));
	CHECK(hstate_attr("nr_hugepages")->store("-1", 2) == -EINVAL && pool_is(3, 3, 1, 0));
	CHECK(hstate_attr("nr_overcommit_hugepages")->store("5", 1) == 1 &&
	      shows("nr_overcommit_hugepages", "5\n"));
	CHECK(hstate_attr("nr_overcommit_hugepages")->store("", 0) == -EINVAL &&
	      h->nr_overcommit_huge_pages == 5);
	CHECK(!hstate_attr("free_hugepages")->store && !hstate_attr("resv_hugepages")->store &&
	      !hstate_attr("surplus_hugepages")->store);
	CHECK(hugetlb_acct_memory(-1) == 0);
	hstate_attr("nr_hugepages")->store("0", 1);
	CHECK(pool_is(0, 0, 0, 0));
}

int main(void)
{
	RUN(test_grow_and_shrink);
	RUN(test_reservations);
	RUN(test_poison_free_page);
	RUN(test_poison_promised_page);
	RUN(test_poison_page_in_use);
	RUN(test_overcommit_faults);
	RUN(test_overcommit_reservations);
	RUN(test_sysfs_files);
	return finish("hugetlb");
}
