/*
 * The swap cache (Linux: mm/swap_state.c): mm/swap_state.h says what it
 * is for. Its pages are found by entry - type picks the address_space,
 * offset is the index - so a fault on a swap PTE finds a page that is
 * still in memory (being written out, or read in for another process)
 * instead of reading the slot again, and processes that shared a page
 * before it was swapped share it again after.
 *
 * Linux indexes each address_space with its xarray. Here the index is
 * a plain array of page pointers, one per slot, made at swapon: reclaim
 * adds pages to the cache exactly when no memory is free, and this
 * kernel keeps no reserve for reclaim's own allocations (Linux's
 * PF_MEMALLOC watermark), so the swap-out path must not allocate.
 */
#include "mm/swap_state.h"
#include "kernel/errno.h"
#include "kernel/proc.h"
#include "mm/buddy.h"
#include "mm/filemap.h"
#include "mm/rmap.h"
#include "mm/slab.h"
#include "mm/swap.h"

struct address_space swapper_spaces[MAX_SWAPFILES];
/* The index of each: slot -> page, NULL for none (see above). */
static struct page **swapper_index[MAX_SWAPFILES];
unsigned long total_swapcache_pages;

int init_swap_address_space(unsigned int type, unsigned long nr_slots)
{
	swapper_index[type] = kzalloc(nr_slots * sizeof(struct page *));
	swapper_spaces[type].nrpages = 0;
	return swapper_index[type] ? 0 : -ENOMEM;
}

void exit_swap_address_space(unsigned int type)
{
	kfree(swapper_index[type]);
	swapper_index[type] = NULL;
}

static struct page **swap_cache_slot(swp_entry_t entry)
{
	return &swapper_index[swp_type(entry)][swp_offset(entry)];
}
struct list_head swap_mmlist = LIST_HEAD_INIT(swap_mmlist);

static struct address_space *swap_address_space(swp_entry_t entry)
{
	return &swapper_spaces[swp_type(entry)];
}

int add_to_swap_cache(struct page *page, swp_entry_t entry)
{
	struct address_space *space = swap_address_space(entry);

	if (*swap_cache_slot(entry))
		return -EEXIST;
	*swap_cache_slot(entry) = page;
	get_page(page); /* the cache's */
	page_set(page, PG_swapcache);
	page->private = entry.val;
	space->nrpages++;
	total_swapcache_pages++;
	/* A page kept after its last process went (being written, say)
	 * still points at its anon_vma: keep that alive too. */
	if (page_test(page, PG_anon))
		get_anon_vma(page->mapping);
	return 0;
}

/* The page's write to its slot failed: the slot must not be used again
 * (its data is not the page's), and no PTE may still count on it. */
static bool write_failed(const struct page *page)
{
	return page_test(page, PG_error) && page_test(page, PG_uptodate);
}

void delete_from_swap_cache(struct page *page)
{
	swp_entry_t entry = page_swap_entry(page);
	struct address_space *space = swap_address_space(entry);

	*swap_cache_slot(entry) = NULL;
	space->nrpages--;
	total_swapcache_pages--;
	if (write_failed(page) && __swap_count(entry) == 0)
		swap_mark_bad(entry);
	else
		put_swap_page(entry);
	page_clear(page, PG_swapcache);
	page_clear(page, PG_error);
	page->private = 0;
	if (page_test(page, PG_anon))
		put_anon_vma(page->mapping);
	put_page(page); /* the cache's: never the last (the caller holds one) */
}

struct page *lookup_swap_cache(swp_entry_t entry)
{
	struct page *page = *swap_cache_slot(entry);

	if (page)
		get_page(page);
	return page;
}

bool add_to_swap(struct page *page)
{
	swp_entry_t entry = get_swap_page();

	if (!entry.val)
		return false;
	if (add_to_swap_cache(page, entry)) {
		put_swap_page(entry);
		return false;
	}
	page_set(page, PG_dirty);
	page_set(page, PG_uptodate); /* (anonymous pages never needed to say so) */
	return true;
}

bool try_to_free_swap(struct page *page)
{
	if (!page_test(page, PG_swapcache) || page_test(page, PG_writeback) ||
	    __swap_count(page_swap_entry(page)))
		return false;
	delete_from_swap_cache(page);
	page_set(page, PG_dirty); /* the only copy is the page now */
	return true;
}

bool free_swap_cache(struct page *page)
{
	bool freed = false;

	if (trylock_page(page)) {
		freed = try_to_free_swap(page);
		unlock_page(page);
	}
	return freed;
}

void free_swap_and_cache(swp_entry_t entry)
{
	if (swap_free(entry) != SWAP_HAS_CACHE)
		return; /* other PTEs still count it, or no page is cached */
	struct page *page = lookup_swap_cache(entry);
	if (!page)
		return; /* being added (a read-around): reclaim drops it later */
	if (page->mapcount == 0)
		free_swap_cache(page);
	put_page(page);
}

void page_add_anon_rmap_swapcache(struct page *page, struct vm_area_struct *vma,
				  unsigned long addr)
{
	struct anon_vma *old = page_test(page, PG_anon) ? page->mapping : NULL;

	page_set(page, PG_anon);
	page->mapping = vma->anon_vma;
	page->index = linear_page_index(vma, addr);
	/* The cache's hold on the anon_vma follows the page. */
	get_anon_vma(vma->anon_vma);
	if (old)
		put_anon_vma(old);
}

/* ---- reading in -------------------------------------------------------- */

/*
 * The page for entry in the cache, or a new one put there, locked, for
 * the caller to read (*new_page). NULL if no memory, or if no PTE counts
 * the slot any more.
 */
static struct page *read_swap_cache_async(swp_entry_t entry, bool *new_page)
{
	*new_page = false;
	for (;;) {
		struct page *page = lookup_swap_cache(entry);

		if (page)
			return page;
		page = alloc_page(); /* may sleep in reclaim: look again after */
		if (!page)
			return NULL;
		int err = swapcache_prepare(entry);
		if (err == -EEXIST) {
			/* Someone else is adding it (sleeping for memory in
			 * add_to_swap_cache): let them finish. */
			put_page(page);
			yield();
			continue;
		}
		if (err) {
			put_page(page);
			return NULL;
		}
		trylock_page(page); /* nobody else knows the page: never fails */
		page_set(page, PG_swapbacked); /* the anon LRU lists */
		if (add_to_swap_cache(page, entry)) {
			put_swap_page(entry);
			unlock_page(page);
			put_page(page);
			return NULL;
		}
		lru_cache_add(page);
		*new_page = true;
		return page;
	}
}

/* Slots read at once around a faulting one: 2^page_cluster, Linux's
 * vm.page-cluster 3. */
#define SWAP_RA_ORDER 3

/* A PTE still counts offset of si (and the slot is not bad). */
static bool slot_in_use(const struct swap_info_struct *si, unsigned long offset)
{
	unsigned char map = si->swap_map[offset];

	return offset > 0 && offset < si->max && map != SWAP_MAP_BAD && (map & ~SWAP_HAS_CACHE);
}

struct page *swapin_readahead(swp_entry_t entry)
{
	struct swap_info_struct *si = swp_swap_info(entry);
	unsigned long target = swp_offset(entry);
	unsigned long start = target & ~((1UL << SWAP_RA_ORDER) - 1);
	struct page *found = NULL;

	if (!si)
		return NULL;
	for (unsigned long offset = start; offset < start + (1UL << SWAP_RA_ORDER); offset++) {
		bool new_page;
		struct page *page;

		if (offset != target && !slot_in_use(si, offset))
			continue;
		page = read_swap_cache_async(swp_entry(si->type, offset), &new_page);
		if (!page)
			continue;
		if (new_page)
			swap_readpage(page);
		if (offset == target)
			found = page;
		else
			put_page(page); /* the cache keeps it */
	}
	return found;
}

/* ---- the address spaces with swap entries ----------------------------- */

void swap_mmlist_add(struct mm_struct *mm)
{
	if (list_empty(&mm->mmlist))
		list_add_tail(&mm->mmlist, &swap_mmlist);
}

void swap_mmlist_del(struct mm_struct *mm)
{
	if (!list_empty(&mm->mmlist)) {
		list_del(&mm->mmlist);
		INIT_LIST_HEAD(&mm->mmlist);
	}
}
