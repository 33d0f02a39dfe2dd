/*
 * Poisoned swap-cache pages on the host (mm/memory-failure.c's
 * me_swapcache_dirty and me_swapcache_clean, mm/hwpoison-kill.c's
 * unmapping to swap entries, mm/swap_fault.c's check, mm/page_io.c's
 * refusal): what becomes of the page, its slot and its PTEs, and who is
 * told. The states' lines are in test_memory_failure.c's table.
 */
#include <stdio.h>
#include <string.h>

#include "kernel/errno.h"
#include "mm/memory-failure.h"
#include "mm/swap_fault.h"
#include "tests/unit/fake_victim.h"
#include "tests/unit/host_kernel.h"

/* The swap map's byte for entry: 0 once the slot is free. */
static unsigned char swap_map_byte(swp_entry_t entry)
{
	return swap_info[swp_type(entry)]->swap_map[swp_offset(entry)];
}

/* The PTE at VICTIM_ADDR is page's swap entry, which one PTE counts. */
static bool left_swap_entry(struct page *page, swp_entry_t entry)
{
	uint64_t pte = *walk_pte(victim_mm.mm.pgd, VICTIM_ADDR, false);

	return is_swap_pte(pte) && pte_to_swp_entry(pte).val == entry.val &&
	       __swap_count(entry) == 1 && page->mapcount == 0;
}

/*
 * Swapped in, then written: its data is only in the page. The PTE gets
 * the page's swap entry back (not a hwpoison entry); the page stays in
 * the swap cache, neither dirty nor uptodate, off the LRU lists, held by
 * the cache and memory_failure; the mapper is told (early kill). Its
 * next access finds it there: SIGBUS (-EHWPOISON), the PTE unchanged.
 * Unmapping the entry (exit, munmap) frees the slot and the cache's
 * hold; memory_failure still holds the frame.
 */
static void test_dirty_swapcache_page_is_kept(void)
{
	struct page *page = dirty_swapcache_frame();
	swp_entry_t entry = page_swap_entry(page);
	unsigned long pfn = page_to_pfn(page);
	char want[96];

	victim.flags = PF_MCE_PROCESS | PF_MCE_EARLY;
	signals_clear();
	host_console_clear();
	CHECK(memory_failure(pfn, MF_SW_SIMULATED) == 0);
	snprintf(want, sizeof(want), "Memory failure: %#lx: keeping poisoned page in swap cache\n", pfn);
	CHECK(strstr(host_console, want) != NULL);
	CHECK(left_swap_entry(page, entry));
	CHECK(lookup_swap_cache(entry) == page && page->refcount == 3);
	put_page(page);
	CHECK(!page_test(page, PG_dirty) && !page_test(page, PG_uptodate) && !page_test(page, PG_lru));
	CHECK(last_signal.count == 1 && last_signal.code == BUS_MCEERR_AO &&
	      last_signal.addr == VICTIM_ADDR);

	uint64_t *pte = walk_pte(victim_mm.mm.pgd, VICTIM_ADDR, false), orig = *pte;
	CHECK(do_swap_page(&victim_vma, VICTIM_ADDR + 8, pte, false) == -EHWPOISON);
	CHECK(*pte == orig && page->refcount == 2 && page->mapcount == 0);

	*pte = 0;
	free_swap_and_cache(entry);
	CHECK(swap_map_byte(entry) == 0);
	CHECK(page->refcount == 1 && page_test(page, PG_hwpoison));
	victim.flags = 0;
}

/*
 * Swapped in by a read: its slot has the same data. The page leaves the
 * swap cache and the LRU lists; the PTE is the slot's swap entry again,
 * so the next access reads the good copy. Nobody is told, even in early
 * mode: nothing was lost.
 */
static void test_clean_swapcache_page_is_dropped(void)
{
	struct page *page = clean_swapcache_frame();
	swp_entry_t entry = page_swap_entry(page);

	victim.flags = PF_MCE_PROCESS | PF_MCE_EARLY;
	signals_clear();
	host_console_clear();
	CHECK(memory_failure(page_to_pfn(page), MF_SW_SIMULATED) == 0);
	CHECK(strstr(host_console, "keeping poisoned page in swap cache\n") != NULL);
	CHECK(left_swap_entry(page, entry) && last_signal.count == 0);
	CHECK(!page_test(page, PG_swapcache) && !swap_has_cache(entry) && lookup_swap_cache(entry) == NULL);
	CHECK(!page_test(page, PG_lru) && page->refcount == 1);
	*walk_pte(victim_mm.mm.pgd, VICTIM_ADDR, false) = 0;
	CHECK(swap_free(entry) == 0); /* the PTE's count was the last */
	victim.flags = 0;
}

/*
 * Reclaim gave a page shared by two mappings (a parent and its forked
 * child) a slot and unmapped it, and the write has not happened yet: a
 * dirty swap-cache page nobody maps, whose slot two PTEs count. The
 * reverse map names nobody (no line, no signal), yet both owners get
 * SIGBUS at their next access, through the swap cache.
 */
static void test_unmapped_dirty_swapcache_page_reaches_every_owner(void)
{
	struct page *page = alloc_page();
	unsigned long second = VICTIM_ADDR + PAGE_SIZE;

	page_add_new_anon_rmap(page, &victim_vma, VICTIM_ADDR);
	lru_cache_add(page);
	lock_page(page);
	CHECK(add_to_swap(page)); /* dirty: the slot holds nothing yet */
	unlock_page(page);
	swp_entry_t entry = page_swap_entry(page);
	CHECK(swap_duplicate(entry) == 0 && swap_duplicate(entry) == 0);
	*walk_pte(victim_mm.mm.pgd, VICTIM_ADDR, true) = swp_entry_to_pte(entry);
	*walk_pte(victim_mm.mm.pgd, second, true) = swp_entry_to_pte(entry);
	put_page(page); /* reclaim lets go: the cache holds it */

	victim.flags = PF_MCE_PROCESS | PF_MCE_EARLY;
	signals_clear();
	host_console_clear();
	CHECK(memory_failure(page_to_pfn(page), MF_SW_SIMULATED) == 0);
	CHECK(strstr(host_console, "dirty swapcache page: Delayed") != NULL);
	CHECK(strstr(host_console, "keeping poisoned page") == NULL && last_signal.count == 0);
	CHECK(do_swap_page(&victim_vma, VICTIM_ADDR, walk_pte(victim_mm.mm.pgd, VICTIM_ADDR, false),
			   false) == -EHWPOISON);
	CHECK(do_swap_page(&victim_vma, second, walk_pte(victim_mm.mm.pgd, second, false), true) ==
	      -EHWPOISON);
	CHECK(__swap_count(entry) == 2 && page->mapcount == 0);
	*walk_pte(victim_mm.mm.pgd, second, false) = 0;
	swap_free(entry);
	victim.flags = 0;
}

/* A page read around a fault, in the swap cache and on the LRU list but
 * mapped by nobody yet: it leaves the cache, and memory_failure's last
 * reference frees it into poison's keeping. */
static void test_read_around_page_is_dropped(void)
{
	struct page *page = alloc_page();

	page_set(page, PG_swapbacked);
	lock_page(page);
	CHECK(add_to_swap(page));
	unlock_page(page);
	page_clear(page, PG_dirty);
	lru_cache_add(page);
	put_page(page); /* the cache's reference is the only one */
	swp_entry_t entry = page_swap_entry(page);
	host_console_clear();
	CHECK(memory_failure(page_to_pfn(page), MF_SW_SIMULATED) == 0);
	CHECK(strstr(host_console, "clean swapcache page: Recovered") != NULL);
	CHECK(strstr(host_console, "keeping poisoned page") == NULL); /* nobody maps it */
	CHECK(swap_map_byte(entry) == 0 && PageHWPoisonTakenOff(page));
}

/* swap_writepage never writes a poisoned page to its slot. */
static void test_poisoned_page_is_never_written_to_swap(void)
{
	struct page *page = dirty_swapcache_frame();

	page_set(page, PG_hwpoison);
	lock_page(page);
	swap_writepage(page);
	CHECK(!page_test(page, PG_locked) && !page_test(page, PG_writeback));
	page_clear(page, PG_hwpoison);
}

int main(void)
{
	host_memory_init();
	host_memory_give(1, HOST_PAGES);
	kmalloc_init();
	victim_init();

	RUN(test_dirty_swapcache_page_is_kept);
	RUN(test_clean_swapcache_page_is_dropped);
	RUN(test_unmapped_dirty_swapcache_page_reaches_every_owner);
	RUN(test_read_around_page_is_dropped);
	RUN(test_poisoned_page_is_never_written_to_swap);
	return finish("unit memory-failure swap");
}
