/*
 * LRU lists and the last reference to a page (Linux: mm/swap.c). Reclaim,
 * which takes pages off the inactive lists, is mm/vmscan.c.
 */
#include "mm/swap.h"
#include "mm/buddy.h"
#include "mm/hugetlb.h"
#include "mm/vmscan.h"

struct lruvec lruvec;
unsigned long vm_event_states[NR_VM_EVENT_ITEMS];

void lruvec_init(void)
{
	for (int lru = 0; lru < NR_LRU_LISTS; lru++) {
		INIT_LIST_HEAD(&lruvec.lists[lru]);
		lruvec.nr_pages[lru] = 0;
	}
}

void lru_cache_add(struct page *page)
{
	enum lru_list lru = page_lru(page);

	page_set(page, PG_lru);
	list_add(&page->lru, &lruvec.lists[lru]);
	lruvec.nr_pages[lru] += compound_nr(page); /* a huge page's head stands for all */
}

void del_page_from_lru_list(struct page *page)
{
	enum lru_list lru = page_lru(page);

	list_del(&page->lru);
	lruvec.nr_pages[lru] -= compound_nr(page);
	page_clear(page, PG_lru);
	page_clear(page, PG_active);
}

void activate_page(struct page *page)
{
	if (!page_test(page, PG_lru) || page_test(page, PG_active) ||
	    page_test(page, PG_unevictable))
		return;
	del_page_from_lru_list(page);
	page_set(page, PG_active);
	lru_cache_add(page);
	count_vm_event(PGACTIVATE);
}

void deactivate_page(struct page *page)
{
	if (!page_test(page, PG_lru) || !page_test(page, PG_active) ||
	    page_test(page, PG_unevictable))
		return;
	del_page_from_lru_list(page); /* clears PG_active */
	page_clear(page, PG_referenced);
	lru_cache_add(page);
	count_vm_event(PGDEACTIVATE);
}

/* The last reference is gone: the page leaves its LRU list (Linux:
 * __page_cache_release) and goes back to the allocator. */
void page_remove_anon(struct page *page)
{
	/* First off its LRU list: which list it is on depends on the
	 * PG_swapbacked about to be cleared. */
	if (page_test(page, PG_lru))
		del_page_from_lru_list(page);
	page_clear(page, PG_anon);
	page_clear(page, PG_swapbacked);
	page_clear(page, PG_mlocked);
	page->mapping = NULL;
	page->index = 0;
}

void put_page(struct page *page)
{
	struct page *head = compound_head(page);

	if (head->refcount > 1) {
		head->refcount--;
		return;
	}
	/* The last reference ends an anonymous page's life, whoever held
	 * it - a reclaim or a fault that waited on it while its process
	 * unmapped it (Linux: free_pages_prepare clears the anon mapping). */
	if (page_test(head, PG_anon) && head->mapcount == 0)
		page_remove_anon(head);
	if (page_test(head, PG_lru))
		del_page_from_lru_list(head);
	/* A tmpfs page's PG_swapbacked chose its LRU list; it ends here. */
	page_clear(head, PG_swapbacked);
	if (PageHuge(head)) {
		free_huge_page(head); /* back to the pool (Linux: its compound_dtor) */
		return;
	}
	free_pages(head, compound_order(head));
}
