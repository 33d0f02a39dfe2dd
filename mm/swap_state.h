/*
 * The swap cache and swap-page I/O (Linux: mm/swap_state.c, mm/page_io.c,
 * declared in include/linux/swap.h). While a page moves between memory
 * and a swap slot - being written out, or read in and not yet mapped by
 * every process that swapped it - it is in the swap cache: an
 * address_space per swap device (swapper_spaces[type]), indexed by slot.
 * Such a page has PG_swapcache and its entry in page->private. The swap
 * map counts the cache's hold on the slot (SWAP_HAS_CACHE) apart from the
 * PTEs', and the cache holds one reference to the page.
 *
 * PG_dirty on a swap-cache page says the slot does not hold its data
 * (yet: a write is needed before the page may go); clean, the slot has
 * it and the page can be dropped and read again - the two states
 * memory_failure tells apart.
 */
#ifndef MM_SWAP_STATE_H
#define MM_SWAP_STATE_H

#include "mm/pagemap.h"
#include "mm/swapfile.h"

struct vm_area_struct;
struct mm_struct;

extern struct address_space swapper_spaces[MAX_SWAPFILES];
/* Pages in the swap cache (meminfo's SwapCached). */
extern unsigned long total_swapcache_pages;

static inline swp_entry_t page_swap_entry(const struct page *page)
{
	return (swp_entry_t){ page->private };
}

/* The cache's index for a device of nr_slots slots, at swapon (Linux's
 * names): 0 or -ENOMEM; and its end, at swapoff. */
int init_swap_address_space(unsigned int type, unsigned long nr_slots);
void exit_swap_address_space(unsigned int type);
/* Put a locked page into the cache for entry, whose slot the caller
 * reserved (get_swap_page, swapcache_prepare): 0, or -EEXIST. */
int add_to_swap_cache(struct page *page, swp_entry_t entry);
/* Take a locked page out of the cache; the slot loses the cache's hold
 * (and is marked bad if the page's write to it failed). Drops the
 * cache's reference: the caller must hold its own. */
void delete_from_swap_cache(struct page *page);
/* The cache's page for entry, with a reference; NULL if none. */
struct page *lookup_swap_cache(swp_entry_t entry);
/* Give a locked anonymous page a slot and put it in the cache, dirty
 * (the slot holds nothing yet): false if no slot or no memory. */
bool add_to_swap(struct page *page);
/* A locked swap-cache page nobody else needs the slot for (no PTE counts
 * it, no write in flight) leaves the cache, its data now only in memory
 * (dirty): whether it left. */
bool try_to_free_swap(struct page *page);
/* The same for an unlocked page, if its lock is free now. */
bool free_swap_cache(struct page *page);
/* A PTE holding entry goes away (munmap, exit, MADV_DONTNEED): with the
 * last one, the cache's page goes too, unless something is using it. */
void free_swap_and_cache(swp_entry_t entry);
/* The page for entry, from the cache or read in, with the pages of the
 * slots around it (Linux: swap_cluster_readahead); NULL if no memory.
 * The returned page may still be being read: lock it to wait. */
struct page *swapin_readahead(swp_entry_t entry);
/* A swap-cache page becomes one of vma's anonymous pages at addr. */
void page_add_anon_rmap_swapcache(struct page *page, struct vm_area_struct *vma,
				  unsigned long addr);
/* The address spaces that have (had) swap entries, for swapoff (Linux:
 * init_mm.mmlist). */
void swap_mmlist_add(struct mm_struct *mm);
void swap_mmlist_del(struct mm_struct *mm);
extern struct list_head swap_mmlist;

/* mm/page_io.c: write a locked swap-cache page to its slot (PG_dirty
 * already cleared): it is unlocked and under write-back until the disk
 * is done. A failed write leaves it dirty with PG_error, still in the
 * cache. */
void swap_writepage(struct page *page);
/* Start reading a locked, new swap-cache page; unlocked when done,
 * PG_uptodate if it worked, PG_error if not. */
void swap_readpage(struct page *page);

#endif
