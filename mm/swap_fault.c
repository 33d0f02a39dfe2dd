/*
 * Swap-in on a page fault (Linux: mm/memory.c do_swap_page). The PTE
 * holds a swap entry: the page is in the swap cache (still being written
 * out, or read in for a process that shared it), or on its slot, from
 * which swapin_readahead reads it with its neighbours. Once the page is
 * read and locked, the PTE is looked at again: while the fault slept a
 * sibling thread may have faulted it in already.
 *
 * The page comes back read-only unless the fault writes and nobody else
 * can see it (no other PTE counts the slot, no other mapping): then it
 * leaves the swap cache at once (its slot would be stale after the
 * write) and is simply this process's page again. A shared one stays
 * read-only, so that the first write copies it (mm/fault.c: do_wp_page).
 */
#include "mm/swap_fault.h"
#include "kernel/errno.h"
#include "mm/filemap.h"
#include "mm/pgtable.h"
#include "mm/rmap.h"
#include "mm/swap_state.h"
#include "mm/vmscan.h"

/* The page is this mapping's alone (Linux: the exclusive check before
 * do_swap_page's try_to_free_swap). */
static bool swap_page_exclusive(const struct page *page)
{
	return page->mapcount == 1 && __swap_count(page_swap_entry(page)) == 0;
}

/* Map the locked swap-cache page at pte in place of entry. */
static void map_swap_page(struct vm_area_struct *vma, unsigned long addr, uint64_t *pte,
			  struct page *page, swp_entry_t entry, bool write)
{
	page_add_anon_rmap_swapcache(page, vma, addr & PAGE_MASK);
	set_user_pte(vma->vm_mm, pte, page, vma->vm_flags & ~VM_WRITE);
	swap_free(entry); /* the PTE's count; the cache's hold stays */
	if (!swap_page_exclusive(page))
		return;
	/* A slot whose write failed is given up as soon as it can be; so
	 * is any when swap runs short. */
	if (write || vm_swap_full() || page_test(page, PG_error))
		try_to_free_swap(page);
	if (write && (vma->vm_flags & VM_WRITE))
		*pte |= PTE_WRITE | PTE_DIRTY;
}

int do_swap_page(struct vm_area_struct *vma, unsigned long addr, uint64_t *pte, bool write)
{
	uint64_t orig = *pte;
	swp_entry_t entry = pte_to_swp_entry(orig);
	struct page *page;

	if (is_swapin_error_entry(orig))
		return -EIO; /* swapoff could not bring it in: SIGBUS (VM_FAULT_SIGBUS) */
	if (!swp_swap_info(entry))
		return -EIO; /* Linux: print_bad_pte, VM_FAULT_SIGBUS */
	if (anon_vma_prepare(vma))
		return -ENOMEM;
	page = lookup_swap_cache(entry);
	if (!page) {
		page = swapin_readahead(entry);
		count_vm_event(PGMAJFAULT); /* Linux: VM_FAULT_MAJOR */
	}
	if (!page)
		return *pte == orig ? -ENOMEM : 0;
	lock_page(page); /* waits for the read */
	if (*pte != orig || !page_test(page, PG_swapcache) || page->private != entry.val) {
		unlock_page(page); /* faulted in meanwhile, or a new slot: look again */
		put_page(page);
		return 0;
	}
	/* LAB 7: BEGIN */
	if (page_test(page, PG_hwpoison)) {
		/* A poisoned dirty page memory_failure kept in the swap cache
		 * for its owners (me_swapcache_dirty; a clean one has left
		 * it): SIGBUS BUS_MCEERR_AR, although the PTE is an ordinary
		 * swap entry (Linux: do_swap_page's PageHWPoison check). */
		unlock_page(page);
		put_page(page);
		return -EHWPOISON;
	}
	/* LAB 7: END */
	if (!page_test(page, PG_uptodate)) {
		/* The slot could not be read: as Linux, SIGBUS (BUS_ADRERR)
		 * for this access, and for the next, until a read works. */
		unlock_page(page);
		put_page(page);
		return -EIO;
	}
	map_swap_page(vma, addr, pte, page, entry, write); /* takes our reference */
	unlock_page(page);
	return 0;
}
