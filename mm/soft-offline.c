/*
 * Soft offline (Linux: soft_offline_page, in mm/memory-failure.c): a page that is still good but
 * suspect - e.g. it keeps having corrected errors - is retired before it
 * goes bad: its contents move to a fresh page, every mapping follows
 * (through the reverse map), and nobody is told, because nothing is lost.
 */
#include "mm/memory-failure.h"
#include "kernel/errno.h"
#include "kernel/printk.h"
#include "kernel/copy_mc.h"
#include "mm/buddy.h"
#include "mm/huge_mm.h"
#include "mm/filemap.h"
#include "mm/pagemap.h"
#include "mm/pgtable.h"
#include "mm/rmap.h"
#include "mm/swap.h"


/* Move one mapping of old to new. */
static void move_mapping(struct vm_area_struct *vma, unsigned long addr, uint64_t *pte, void *arg)
{
	struct page *new = arg;
	struct page *old = pfn_to_page((*pte & PTE_ADDR_MASK) >> PAGE_SHIFT);

	*pte = (*pte & ~PTE_ADDR_MASK) | ((uint64_t)page_to_pfn(new) << PAGE_SHIFT);
	flush_tlb_page(vma->vm_mm, addr);
	new->mapcount++;
	get_page(new);
	old->mapcount--;
	put_page(old);
}

/* Copy old to new with copy_mc: a suspect page may be bad already. If
 * it is, the move is off (new goes back); the #MC handler has given old
 * to memory_failure, which does what a bad page needs. */
static bool copy_failed(struct page *old, struct page *new, unsigned long pfn)
{
	if (!copy_mc_to_kernel(page_address(new), page_address(old), PAGE_SIZE))
		return false;
	put_page(new);
	pr_info("soft offline: %#lx: the page went bad before it could be moved\n", pfn);
	return true;
}

/* The old frame is retired: poisoned and counted, without a "Memory
 * failure:" line, since nothing was lost. */
static void retire_frame(struct page *old, unsigned long pfn, struct page *new)
{
	page_set(old, PG_hwpoison);
	soft_offline_retired(pfn, false);
	pr_info("soft offline: %#lx: contents moved to %#lx\n", pfn, page_to_pfn(new));
}

/* A page-cache page moves to a new frame in its cache, every mapping with
 * it (Linux migrates it: migrate_pages); clean or dirty, its state goes
 * along, and the old frame, off its cache and mappings, is freed into
 * poison's keeping by its last put_page. */
static int soft_offline_file_page(struct page *old, unsigned long pfn)
{
	struct page *new;

	get_page(old); /* first: reclaim, finding memory for new, must not take it */
	new = alloc_page();
	if (!new) {
		put_page(old);
		return -ENOMEM;
	}
	lock_page(old);
	wait_on_page_writeback(old);
	if (!page_mapping(old)) { /* truncated meanwhile: nothing to move */
		unlock_page(old);
		put_page(old);
		put_page(new);
		return -EBUSY;
	}
	if (copy_failed(old, new, pfn)) {
		unlock_page(old);
		put_page(old);
		return -EIO;
	}
	struct rmap_walk_control rwc = { .rmap_one = move_mapping, .arg = new };
	rmap_walk(old, &rwc);
	page_set(old, PG_hwpoison); /* before it can be freed */
	replace_page_cache_page(old, new);
	retire_frame(old, pfn, new);
	unlock_page(old);
	put_page(old);
	return 0;
}

int soft_offline_page(unsigned long pfn)
{
	struct page *old = pfn_to_page(pfn);

	if (page_test(old, PG_hwpoison)) {
		pr_info("soft offline: %#lx: page already poisoned\n", pfn);
		return 0;
	}
	if (take_page_off_buddy(old)) {
		page_set(old, PG_hwpoison);
		soft_offline_retired(pfn, true);
		return 0;
	}
	if (PageTransHuge(compound_head(old)) && try_to_split_thp_page(old, "soft offline"))
		return -EBUSY;
	if (page_mapping(old) && page_test(old, PG_lru))
		return soft_offline_file_page(old, pfn);
	if (!page_test(old, PG_anon))
		return -EBUSY; /* kernel memory cannot be moved */
	struct page *new = alloc_page();
	if (!new)
		return -ENOMEM;
	if (copy_failed(old, new, pfn))
		return -EIO;
	new->flags |= old->flags & ((1UL << PG_anon) | (1UL << PG_swapbacked) |
				    (1UL << PG_dirty) | (1UL << PG_mlocked));
	new->mapping = old->mapping;
	new->index = old->index;
	lru_cache_add(new);
	keep_user_page(old); /* the retired frame stays ours, off the LRU lists */
	if (page_test(old, PG_lru))
		del_page_from_lru_list(old);
	struct rmap_walk_control rwc = { .rmap_one = move_mapping, .arg = new };
	rmap_walk(old, &rwc);
	put_page(new); /* alloc_page()'s reference: the mappings hold it now */
	retire_frame(old, pfn, new);
	return 0;
}

