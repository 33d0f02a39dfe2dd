/*
 * The LRU lists (Linux: include/linux/mm_inline.h, mm/swap.c). Every user
 * page is on one of them, so that reclaim (mm/vmscan.c) can find the
 * pages that have not been used for the longest time without looking at
 * every process. Anonymous and file pages are kept apart - they cost
 * different things to reclaim (a swap write against a re-read or a
 * drop) - and each kind has an active list (recently used) and an
 * inactive one (the candidates).
 */
#ifndef MM_SWAP_H
#define MM_SWAP_H

#include "mm/page.h"

/* Linux's order: inactive before active, anon before file. */
enum lru_list {
	LRU_INACTIVE_ANON,
	LRU_ACTIVE_ANON,
	LRU_INACTIVE_FILE,
	LRU_ACTIVE_FILE,
	NR_LRU_LISTS,
};

/* One node, one zone, no memory cgroups: one set of lists. */
struct lruvec {
	struct list_head lists[NR_LRU_LISTS]; /* struct page, through page->lru */
	unsigned long nr_pages[NR_LRU_LISTS];
};

extern struct lruvec lruvec;

void lruvec_init(void);

/* Anonymous and shmem pages are swap-backed; the rest is page cache. */
static inline bool page_is_file_lru(const struct page *page)
{
	return !page_test(page, PG_swapbacked);
}

/* Which list a page belongs on, from PG_swapbacked and PG_active (inline,
 * as Linux's mm_inline.h: every fault asks). */
static inline enum lru_list page_lru(const struct page *page)
{
	enum lru_list lru = page_is_file_lru(page) ? LRU_INACTIVE_FILE : LRU_INACTIVE_ANON;

	return page_test(page, PG_active) ? lru + 1 : lru;
}

/* A new user page joins the inactive list of its kind (PG_lru); it is
 * promoted when it proves to be used. */
void lru_cache_add(struct page *page);
/* Take a page off its LRU list (PG_lru and PG_active cleared). */
void del_page_from_lru_list(struct page *page);
/* An inactive page on its LRU list moves to the head of the active one
 * (Linux: folio_activate; mark_page_accessed's second touch). */
void activate_page(struct page *page);
/* An active page moves to the head of the inactive list, unreferenced
 * (Linux: deactivate_page, for MADV_COLD). */
void deactivate_page(struct page *page);

/* The page stops being anyone's anonymous page (its last user let go),
 * and leaves its LRU list. */
void page_remove_anon(struct page *page);

#endif
