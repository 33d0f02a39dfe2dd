/*
 * The buddy allocator (mm/buddy.c) on a synthetic memory of HOST_PAGES
 * frames with holes, under AddressSanitizer and UBSan. After every step of
 * a long random sequence of allocations and frees, the free lists must
 * describe exactly the frames nobody holds, fully merged.
 */
#include <stdlib.h>
#include <string.h>

#include "mm/buddy.h"
#include "tests/unit/host_kernel.h"
#include "tests/unit/test.h"

#define MAX_HELD HOST_PAGES

struct block {
	struct page *page;
	unsigned int order;
};

static struct block held[MAX_HELD];
static int nr_held;
static unsigned long first_free_counts[MAX_ORDER];

/* RAM with a hole and ragged edges, like a real memory map. */
static void setup(void)
{
	host_memory_init();
	host_memory_give(1, 700);
	host_memory_give(705, HOST_PAGES - 3);
	nr_held = 0;
	for (int o = 0; o < MAX_ORDER; o++)
		first_free_counts[o] = zone.free_area[o].nr_free;
}

static unsigned long frames_held(void)
{
	unsigned long n = 0;

	for (int i = 0; i < nr_held; i++)
		n += 1UL << held[i].order;
	return n;
}

/*
 * Walk every free list: each block aligned, marked, counted, disjoint from
 * other free blocks and from held blocks, and not mergeable with its buddy.
 */
static void check_invariants(void)
{
	static unsigned char state[HOST_PAGES]; /* 0 unknown, 1 free, 2 held */
	unsigned long free_frames = 0;

	memset(state, 0, sizeof(state));
	for (int i = 0; i < nr_held; i++)
		for (unsigned long f = 0; f < (1UL << held[i].order); f++) {
			unsigned long pfn = page_to_pfn(held[i].page) + f;
			CHECK(state[pfn] == 0); /* no frame handed out twice */
			state[pfn] = 2;
		}
	for (unsigned int o = 0; o < MAX_ORDER; o++) {
		unsigned long count = 0;
		struct list_head *list = &zone.free_area[o].free_list;
		for (struct list_head *l = list->next; l != list; l = l->next) {
			struct page *page = list_entry(l, struct page, lru);
			unsigned long pfn = page_to_pfn(page);
			CHECK((pfn & ((1UL << o) - 1)) == 0);
			CHECK(page_test(page, PG_buddy) && page->private == o);
			for (unsigned long f = 0; f < (1UL << o); f++) {
				CHECK(state[pfn + f] == 0);
				CHECK(!page_test(&mem_map[pfn + f], PG_reserved));
				state[pfn + f] = 1;
			}
			unsigned long buddy = pfn ^ (1UL << o);
			if (o < MAX_ORDER - 1 && buddy < HOST_PAGES)
				CHECK(!(page_test(&mem_map[buddy], PG_buddy) &&
					mem_map[buddy].private == o));
			count++;
		}
		CHECK(count == zone.free_area[o].nr_free);
		free_frames += count << o;
	}
	CHECK(free_frames == nr_free_pages());
	CHECK(free_frames + frames_held() == zone.managed_pages);
}

static bool any_free_block_of_at_least(unsigned int order)
{
	for (unsigned int o = order; o < MAX_ORDER; o++)
		if (zone.free_area[o].nr_free)
			return true;
	return false;
}

static bool back_to_first_state(void)
{
	for (int o = 0; o < MAX_ORDER; o++)
		if (zone.free_area[o].nr_free != first_free_counts[o])
			return false;
	return nr_free_pages() == zone.managed_pages;
}

static void free_held(int i)
{
	free_pages(held[i].page, held[i].order);
	held[i] = held[--nr_held];
}

static void test_initial_state(void)
{
	setup();
	CHECK(zone.managed_pages == (700 - 1) + (HOST_PAGES - 3 - 705));
	CHECK(nr_free_pages() == zone.managed_pages);
	check_invariants();
}

static void test_random_alloc_free(void)
{
	setup();
	srand(12345);
	for (int step = 0; step < 6000 && !current_failed; step++) {
		if (nr_held < MAX_HELD && rand() % 100 < 60) {
			unsigned int order = (unsigned int)(rand() % 6);
			bool possible = any_free_block_of_at_least(order);
			struct page *page = alloc_pages(GFP_KERNEL, order);
			CHECK((page != NULL) == possible);
			if (page) {
				CHECK(page->refcount == 1);
				held[nr_held++] = (struct block){ page, order };
			}
		} else if (nr_held) {
			free_held(rand() % nr_held);
		}
		check_invariants();
	}
	while (nr_held)
		free_held(nr_held - 1);
	check_invariants();
	CHECK(back_to_first_state());
}

static void test_exhaust_then_free(void)
{
	struct page *page;

	setup();
	while ((page = alloc_page()))
		held[nr_held++] = (struct block){ page, 0 };
	CHECK(nr_free_pages() == 0);
	CHECK((unsigned long)nr_held == zone.managed_pages);
	check_invariants();
	while (nr_held)
		free_held(0);
	CHECK(back_to_first_state());
}

/* Frames taken off the lists count as held while the checks run. */
static void test_take_page_off_buddy(void)
{
	const unsigned long targets[] = { 1, 2, 699, 705, 1000, 1023, 1024, HOST_PAGES - 4 };
	struct page *page;
	int nr_taken = (int)(sizeof(targets) / sizeof(targets[0]));

	setup();
	unsigned long before = nr_free_pages();
	for (int i = 0; i < nr_taken; i++) {
		struct page *target = &mem_map[targets[i]];
		CHECK(take_page_off_buddy(target));
		CHECK(!take_page_off_buddy(target)); /* no longer free */
		CHECK(buddy_free_block_of(target) == NULL);
		held[nr_held++] = (struct block){ target, 0 };
		check_invariants();
	}
	CHECK(nr_free_pages() == before - (unsigned long)nr_taken);

	/* Allocate everything else: no taken frame may come back. */
	while ((page = alloc_page())) {
		for (int i = 0; i < nr_taken; i++)
			CHECK(page_to_pfn(page) != targets[i]);
		held[nr_held++] = (struct block){ page, 0 };
	}
	CHECK(nr_free_pages() == 0);
	check_invariants();
	while (nr_held > nr_taken)
		free_held(nr_held - 1);
	for (int i = 0; i < nr_taken; i++)
		put_page_back_buddy(&mem_map[targets[i]]);
	nr_held = 0;
	CHECK(back_to_first_state());
}

static void test_take_busy_or_reserved_page_fails(void)
{
	setup();
	struct page *page = alloc_page();
	unsigned long before = nr_free_pages();

	CHECK(!take_page_off_buddy(page));
	CHECK(!take_page_off_buddy(&mem_map[0]));   /* reserved */
	CHECK(!take_page_off_buddy(&mem_map[702])); /* in the hole */
	CHECK(nr_free_pages() == before);
	free_page(page);
	CHECK(back_to_first_state());
}

static struct page *victim;

static void free_victim_order0(void)
{
	free_page(victim);
}

static void free_victim_order1(void)
{
	free_pages(victim, 1);
}

static void test_bad_frees_panic(void)
{
	setup();
	victim = alloc_page();
	free_page(victim);
	CHECK(host_panics(free_victim_order0)); /* double free */
	CHECK(strstr(host_last_panic, "already free") != NULL);

	/* A double free after the frame merged into a larger block. */
	victim = alloc_pages(GFP_KERNEL, 3);
	struct page *rest = victim + 1;
	free_pages(victim, 3);
	victim = rest;
	CHECK(host_panics(free_victim_order0));
	CHECK(strstr(host_last_panic, "already free") != NULL);

	victim = alloc_page();
	victim->refcount = 2; /* someone else still holds it */
	CHECK(host_panics(free_victim_order0));
	CHECK(strstr(host_last_panic, "still in use (refcount 2)") != NULL);
	victim->refcount = 1;
	free_page(victim);

	victim = &mem_map[0];
	CHECK(host_panics(free_victim_order0)); /* reserved frame */
	CHECK(strstr(host_last_panic, "reserved") != NULL);

	victim = alloc_pages(GFP_KERNEL, 2) + 1;
	victim->refcount = 1; /* as if it were a block of its own */
	CHECK(host_panics(free_victim_order1)); /* misaligned block */
	CHECK(strstr(host_last_panic, "not aligned") != NULL);
	victim->refcount = 0;
	free_pages(victim - 1, 2);
	CHECK(back_to_first_state());
}

static void test_orders_and_alignment(void)
{
	setup();
	for (unsigned int o = 0; o < MAX_ORDER; o++) {
		struct page *page = alloc_pages(GFP_KERNEL, o);
		if (!any_free_block_of_at_least(o) && !page)
			continue;
		CHECK(page != NULL);
		if (!page)
			continue;
		CHECK((page_to_pfn(page) & ((1UL << o) - 1)) == 0);
		held[nr_held++] = (struct block){ page, o };
		check_invariants();
	}
	CHECK(alloc_pages(GFP_KERNEL, MAX_ORDER) == NULL); /* larger than the largest order */
	while (nr_held)
		free_held(0);
	CHECK(back_to_first_state());
}

/* Every frame of a compound page leads to its head; freeing the head
 * frees the whole block and leaves no tail marked. */
static void test_compound_pages(void)
{
	setup();
	struct page *head = alloc_pages(GFP_KERNEL | __GFP_COMP, 3);
	CHECK(head && page_test(head, PG_head) && compound_order(head) == 3);
	for (int i = 0; i < 8; i++)
		CHECK(compound_head(&head[i]) == head && PageTail(&head[i]) == (i > 0));
	get_page(&head[5]); /* a reference through a tail counts on the head */
	CHECK(head->refcount == 2 && head[5].refcount == 0);
	put_page(&head[5]);
	put_page(&head[2]); /* the last reference frees all eight frames */
	CHECK(back_to_first_state());
	for (int i = 0; i < 8; i++)
		CHECK(!PageTail(&head[i]) && !page_test(&head[i], PG_head));

	struct page *single = alloc_pages(GFP_KERNEL, 2); /* not compound */
	CHECK(!page_test(single, PG_head) && compound_head(&single[1]) == &single[1]);
	free_pages(single, 2);
	CHECK(back_to_first_state());
}

/* A page freed while it still looks used is reported, Linux's way, and
 * never handed out again. */
static void test_bad_page_state_keeps_the_page_out(void)
{
	static int some_anon_vma;

	setup();
	unsigned long before = nr_free_pages();
	struct page *page = alloc_page();
	page_set(page, PG_anon);
	page_set(page, PG_swapbacked);
	page->mapping = &some_anon_vma;
	host_console_clear();
	free_page(page);
	CHECK(strstr(host_console, "BUG: Bad page state in process swapper  pfn:") != NULL);
	CHECK(strstr(host_console, "page dumped because: PAGE_FLAGS_CHECK_AT_FREE flag(s) set") != NULL);
	CHECK(strstr(host_console, "flags: 0x3000(swapbacked,anon)") != NULL);
	CHECK(nr_free_pages() == before - 1);

	page = alloc_page();
	page->mapcount = 1;
	host_console_clear();
	free_page(page);
	CHECK(strstr(host_console, "page dumped because: nonzero mapcount") != NULL);
	CHECK(nr_free_pages() == before - 2);
}

int main(void)
{
	RUN(test_initial_state);
	RUN(test_random_alloc_free);
	RUN(test_exhaust_then_free);
	RUN(test_take_page_off_buddy);
	RUN(test_take_busy_or_reserved_page_fails);
	RUN(test_bad_frees_panic);
	RUN(test_orders_and_alignment);
	RUN(test_compound_pages);
	RUN(test_bad_page_state_keeps_the_page_out);
	return finish("unit buddy");
}
