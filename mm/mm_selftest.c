/*
 * Allocator self tests. They run inside the kernel on the real memory map,
 * complementing the host unit tests (tests/unit), which run the same
 * allocator code on a synthetic one under AddressSanitizer.
 */
#include "mm/mm_selftest.h"
#include "kernel/printk.h"
#include "lib/string.h"
#include "mm/buddy.h"
#include "mm/slab.h"

#define FILL_MAGIC 0x5eed5eed00000000UL
#define SLAB_OBJECTS 2000

struct free_snapshot {
	unsigned long nr_free[MAX_ORDER];
	unsigned long free_pages;
};

static uint64_t rng_state;

/* xorshift64: deterministic, so a failure repeats on the next run. */
static uint64_t next_random(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state;
}

static void take_snapshot(struct free_snapshot *s)
{
	for (int o = 0; o < MAX_ORDER; o++)
		s->nr_free[o] = zone.free_area[o].nr_free;
	s->free_pages = nr_free_pages();
}

static bool free_lists_match(const struct free_snapshot *s)
{
	for (int o = 0; o < MAX_ORDER; o++)
		if (s->nr_free[o] != zone.free_area[o].nr_free)
			return false;
	return s->free_pages == nr_free_pages();
}

static int fail(const char *test, const char *why, unsigned long pfn)
{
	kprintf("selftest %s: %s (pfn %#lx)\n", test, why, pfn);
	return -1;
}

/* A block we were just given must be aligned, ours alone, and usable. */
static int check_new_block(struct page *page, unsigned int order)
{
	unsigned long pfn = page_to_pfn(page);

	if (pfn & ((1UL << order) - 1))
		return fail("buddy", "block not aligned to its order", pfn);
	if (page->refcount != 1)
		return fail("buddy", "new block has refcount != 1", pfn);
	for (unsigned long i = 0; i < (1UL << order); i++) {
		const struct page *p = pfn_to_page(pfn + i);
		if (p->flags & ((1UL << PG_reserved) | (1UL << PG_buddy) | (1UL << PG_hwpoison)))
			return fail("buddy", "handed out a reserved, free or poisoned frame", pfn + i);
	}
	return 0;
}

/* Stamp each frame with its own number: if two blocks overlapped, one
 * stamp would overwrite the other and verify_stamps() would notice. */
static void stamp(struct page *page, unsigned int order)
{
	for (unsigned long i = 0; i < (1UL << order); i++) {
		uint64_t *words = page_address(page + i);
		words[0] = words[511] = FILL_MAGIC | (page_to_pfn(page) + i);
	}
}

static int verify_stamps(struct list_head *held)
{
	for (struct list_head *l = held->next; l != held; l = l->next) {
		struct page *page = list_entry(l, struct page, lru);
		for (unsigned long i = 0; i < (1UL << page->private); i++) {
			const uint64_t *words = page_address(page + i);
			uint64_t want = FILL_MAGIC | (page_to_pfn(page) + i);
			if (words[0] != want || words[511] != want)
				return fail("buddy", "frame handed out twice", page_to_pfn(page) + i);
		}
	}
	return 0;
}

/* Allocate every free frame in blocks of random order 0-3, keeping them on
 * `held` (their order in page->private). Returns frames taken, or -1. */
static long hold_all_memory(struct list_head *held)
{
	long frames = 0;

	for (;;) {
		unsigned int order = next_random() % 4;
		/* Only what is free - reclaim would add the page cache's
		 * frames - but all of it, the reserve under min too. */
		struct page *page = alloc_pages(GFP_NOWAIT | __GFP_MEMALLOC, order);
		while (!page && order > 0)
			page = alloc_pages(GFP_NOWAIT | __GFP_MEMALLOC, --order);
		if (!page)
			return frames;
		if (check_new_block(page, order))
			return -1;
		stamp(page, order);
		page->private = order;
		list_add_tail(&page->lru, held);
		frames += 1L << order;
	}
}

/* Free every other block, then the rest, so merging happens in many
 * different orders. */
static void release_all(struct list_head *held)
{
	for (int pass = 0; pass < 2; pass++) {
		struct list_head *l = held->next;
		for (int i = 0; l != held; i++) {
			struct page *page = list_entry(l, struct page, lru);
			l = l->next;
			if (pass == 0 && i % 2 == 0)
				continue;
			list_del(&page->lru);
			free_pages(page, (unsigned int)page->private);
		}
	}
}

int selftest_buddy(void)
{
	struct free_snapshot before;
	struct list_head held;
	long frames;

	rng_state = 0x2545f4914f6cdd1dULL;
	INIT_LIST_HEAD(&held);
	take_snapshot(&before);
	frames = hold_all_memory(&held);
	if (frames < 0 || verify_stamps(&held)) {
		release_all(&held);
		return -1;
	}
	unsigned long left = nr_free_pages();
	release_all(&held);
	kprintf("selftest buddy: allocated %ld of %lu free frames, %lu left over\n",
		frames, before.free_pages, left);
	if (left != 0 || (unsigned long)frames != before.free_pages)
		return fail("buddy", "could not allocate every free frame", 0);
	if (!free_lists_match(&before))
		return fail("buddy", "free lists differ after freeing everything", 0);
	kprintf("selftest buddy: freed everything; free lists merged back as before\n");
	return 0;
}

/* A frame inside the largest free block, so that taking it splits. */
static struct page *pick_free_frame(void)
{
	for (int o = MAX_ORDER - 1; o >= 0; o--) {
		struct list_head *list = &zone.free_area[o].free_list;
		if (!list_empty(list))
			return list_first_entry(list, struct page, lru) + (1UL << o) / 2 + (o > 1);
	}
	return NULL;
}

static bool held_contains(struct list_head *held, const struct page *target)
{
	for (struct list_head *l = held->next; l != held; l = l->next) {
		const struct page *page = list_entry(l, struct page, lru);
		if (target >= page && target < page + (1UL << page->private))
			return true;
	}
	return false;
}

int selftest_take_off_buddy(void)
{
	struct free_snapshot before;
	struct list_head held;
	struct page *target = pick_free_frame();

	rng_state = 0x9e3779b97f4a7c15ULL;
	INIT_LIST_HEAD(&held);
	take_snapshot(&before);
	if (!target)
		return fail("offline", "no free memory", 0);
	unsigned long pfn = page_to_pfn(target);
	if (!take_page_off_buddy(target))
		return fail("offline", "a free frame could not be taken", pfn);
	if (nr_free_pages() != before.free_pages - 1)
		return fail("offline", "free count did not drop by one", pfn);
	if (take_page_off_buddy(target))
		return fail("offline", "the same frame was taken twice", pfn);

	long frames = hold_all_memory(&held);
	bool handed_out = held_contains(&held, target);
	release_all(&held);
	if (frames < 0 || handed_out)
		return fail("offline", "a frame taken off the lists was allocated", pfn);
	kprintf("selftest offline: took pfn %#lx; allocating all %ld other free frames never returned it\n",
		pfn, frames);

	put_page_back_buddy(target);
	if (!free_lists_match(&before))
		return fail("offline", "free lists differ after returning the frame", pfn);
	kprintf("selftest offline: returned pfn %#lx; free lists merged back as before\n", pfn);
	return 0;
}

static void fill_object(unsigned char *obj, size_t size, unsigned seed)
{
	for (size_t i = 0; i < size; i++)
		obj[i] = (unsigned char)(seed + i);
}

static bool object_intact(const unsigned char *obj, size_t size, unsigned seed)
{
	for (size_t i = 0; i < size; i++)
		if (obj[i] != (unsigned char)(seed + i))
			return false;
	return true;
}

int selftest_slab(void)
{
	static unsigned char *objs[SLAB_OBJECTS];
	static size_t sizes[SLAB_OBJECTS];
	unsigned long free_before = nr_free_pages(), slab_before = slab_pages();

	rng_state = 0x1234567887654321ULL;
	for (unsigned i = 0; i < SLAB_OBJECTS; i++) {
		/* Mostly small objects, every 100th one larger than a page. */
		sizes[i] = i % 100 == 99 ? 4096 + next_random() % 20000 : 1 + next_random() % 2048;
		objs[i] = kmalloc(sizes[i]);
		if (!objs[i])
			return fail("slab", "kmalloc failed", i);
		fill_object(objs[i], sizes[i], i);
	}
	kprintf("selftest slab: %d objects allocated, %lu slab pages in use\n",
		SLAB_OBJECTS, slab_pages());
	for (unsigned i = 0; i < SLAB_OBJECTS; i++)
		if (!object_intact(objs[i], sizes[i], i))
			return fail("slab", "object overwritten (objects overlap)", i);
	/* Free in a scattered order: 7 and 2000 share no factor. */
	for (unsigned i = 0, k = 0; i < SLAB_OBJECTS; i++, k = (k + 7) % SLAB_OBJECTS)
		kfree(objs[k]);
	if (slab_pages() != slab_before || nr_free_pages() != free_before)
		return fail("slab", "memory not returned after freeing everything", 0);
	kprintf("selftest slab: all freed; slab and free page counts back to before\n");
	return 0;
}
