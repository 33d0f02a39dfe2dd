/* The swap map and slot allocation (mm/swapfile.c): counts, the swap
 * cache's hold, bad slots, priorities and their round robin, and the
 * free-slot accounting that SwapFree and reclaim's gate read. Devices
 * are set up as swapon would after reading a header (mm/swapon.c). */
#include "kernel/errno.h"
#include "lib/err.h"
#include "mm/slab.h"
#include "mm/swapfile.h"
#include "tests/unit/host_kernel.h"
#include "tests/unit/test.h"

/* A device of `slots` slots (the header's included), bad ones listed. */
static struct swap_info_struct *make_device(unsigned int slots, int prio,
					    const unsigned int *bad, unsigned int nr_bad)
{
	struct swap_info_struct *si = alloc_swap_info();

	si->swap_map = kzalloc(slots);
	si->max = slots;
	si->pages = slots - 1 - nr_bad;
	si->swap_map[0] = SWAP_MAP_BAD;
	for (unsigned int i = 0; i < nr_bad; i++)
		si->swap_map[bad[i]] = SWAP_MAP_BAD;
	si->lowest_bit = si->cluster_next = 1;
	si->highest_bit = slots - 1;
	enable_swap_info(si, prio);
	return si;
}

static void remove_device(struct swap_info_struct *si)
{
	disable_swap_info(si);
	free_swap_info(si);
}

static void test_slots_in_order_skipping_bad_ones(void)
{
	const unsigned int bad[] = { 2 };
	struct swap_info_struct *si = make_device(5, -1, bad, 1);

	CHECK(get_nr_swap_pages() == 3 && total_swap_pages == 3);
	swp_entry_t a = get_swap_page(), b = get_swap_page(), c = get_swap_page();
	CHECK(swp_type(a) == si->type && swp_offset(a) == 1);
	CHECK(swp_offset(b) == 3 && swp_offset(c) == 4); /* not 0, not the bad 2 */
	CHECK(get_swap_page().val == 0);                  /* full */
	CHECK(get_nr_swap_pages() == 0 && si->inuse_pages == 3);
	put_swap_page(b);                                 /* the cache let go: free */
	CHECK(get_nr_swap_pages() == 1);
	CHECK(swp_offset(get_swap_page()) == 3);
	put_swap_page(a);
	put_swap_page(b);
	put_swap_page(c);
	CHECK(get_nr_swap_pages() == 3);
	remove_device(si);
	CHECK(get_nr_swap_pages() == 0 && total_swap_pages == 0);
}

static void test_ptes_and_the_cache_count_apart(void)
{
	struct swap_info_struct *si = make_device(4, -1, NULL, 0);
	swp_entry_t e = get_swap_page();

	CHECK(swap_duplicate(e) == 0 && swap_duplicate(e) == 0); /* two PTEs (fork) */
	CHECK(__swap_count(e) == 2 && swap_has_cache(e));
	CHECK(swapcache_prepare(e) == -EEXIST);
	put_swap_page(e);                 /* out of the cache: the PTEs keep it */
	CHECK(si->inuse_pages == 1 && !swap_has_cache(e));
	CHECK(swapcache_prepare(e) == 0); /* read in again */
	put_swap_page(e);
	CHECK(swap_free(e) == 1);
	CHECK(swap_free(e) == 0);         /* the last PTE: the slot is free */
	CHECK(si->inuse_pages == 0 && get_nr_swap_pages() == 3);
	CHECK(swapcache_prepare(e) == -ENOENT);
	CHECK(swap_duplicate(e) == -EINVAL);
	remove_device(si);
}

static void test_count_limit(void)
{
	struct swap_info_struct *si = make_device(3, -1, NULL, 0);
	swp_entry_t e = get_swap_page();

	for (int i = 0; i < SWAP_MAP_MAX; i++)
		CHECK(swap_duplicate(e) == 0);
	CHECK(swap_duplicate(e) == -ENOMEM);
	for (int i = 0; i < SWAP_MAP_MAX; i++)
		swap_free(e);
	put_swap_page(e);
	CHECK(si->inuse_pages == 0);
	remove_device(si);
}

static void test_failed_slot_is_marked_bad(void)
{
	struct swap_info_struct *si = make_device(4, -1, NULL, 0);
	swp_entry_t e = get_swap_page();

	swap_mark_bad(e);
	CHECK(si->swap_map[swp_offset(e)] == SWAP_MAP_BAD);
	CHECK(si->pages == 2 && si->inuse_pages == 0 && total_swap_pages == 2);
	CHECK(get_nr_swap_pages() == 2);
	CHECK(swp_offset(get_swap_page()) == 2 && swp_offset(get_swap_page()) == 3);
	CHECK(get_swap_page().val == 0); /* never handed out again */
	remove_device(si);
}

static void test_priorities_and_round_robin(void)
{
	struct swap_info_struct *low = make_device(10, -1, NULL, 0);  /* -2 */
	struct swap_info_struct *a = make_device(10, 5, NULL, 0);
	struct swap_info_struct *b = make_device(10, 5, NULL, 0);

	CHECK(low->prio == -2 && a->prio == 5 && b->prio == 5);
	/* Equal priorities take turns, the higher before the lower. */
	CHECK(swp_type(get_swap_page()) == a->type);
	CHECK(swp_type(get_swap_page()) == b->type);
	CHECK(swp_type(get_swap_page()) == a->type);
	CHECK(swp_type(get_swap_page()) == b->type);
	for (int i = 0; i < 14; i++)
		CHECK(swp_type(get_swap_page()) != low->type);
	CHECK(swp_type(get_swap_page()) == low->type); /* both full: the lower one */
	remove_device(a);
	remove_device(b);
	remove_device(low);
}

static void test_default_priorities_close_up(void)
{
	struct swap_info_struct *first = make_device(4, -1, NULL, 0);
	struct swap_info_struct *second = make_device(4, -1, NULL, 0);
	struct swap_info_struct *third = make_device(4, -1, NULL, 0);

	CHECK(first->prio == -2 && second->prio == -3 && third->prio == -4);
	remove_device(second);
	CHECK(first->prio == -2 && third->prio == -3); /* as Linux's swapoff */
	struct swap_info_struct *fourth = make_device(4, -1, NULL, 0);
	CHECK(fourth->prio == -4);
	remove_device(first);
	remove_device(third);
	remove_device(fourth);
}

static void test_entries_of_no_device(void)
{
	CHECK(swp_swap_info(swp_entry(SWP_HWPOISON, 5)) == NULL);
	CHECK(swp_swap_info(swp_entry(7, 5)) == NULL); /* never swapon'd */
}

int main(void)
{
	struct mm_struct mm;

	host_mm_init(&mm);
	RUN(test_slots_in_order_skipping_bad_ones);
	RUN(test_ptes_and_the_cache_count_apart);
	RUN(test_count_limit);
	RUN(test_failed_slot_is_marked_bad);
	RUN(test_priorities_and_round_robin);
	RUN(test_default_priorities_close_up);
	RUN(test_entries_of_no_device);
	return finish("swapfile");
}
