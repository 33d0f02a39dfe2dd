/*
 * Swapping tmpfs and shared memory out and in (Linux: mm/shmem.c's
 * shmem_writepage, shmem_swapin_folio, shmem_unuse). A shmem page has no
 * disk behind it, so reclaim gives it a swap slot instead:
 *
 *   shmem_writepage     the unmapped, dirty page leaves its file's cache
 *                       for the swap cache; the file's index keeps the
 *                       slot's entry (swap_entries), which counts as one
 *                       user of the slot, as a swapped PTE does;
 *                       swap_writepage writes it, and reclaim drops it
 *                       from the swap cache once it is clean
 *   shmem_swapin_page   a read, write or fault finds the entry: the page
 *                       comes from the swap cache or its slot, back into
 *                       the file's cache, dirty; the slot is freed. A
 *                       page that cannot come back leaves a swap-in
 *                       error entry in the slot's place
 *   shmem_undo_swap     truncation, hole punching and the file's end
 *                       free the slots of the range (free_swap_and_cache)
 *   shmem_unuse         swapoff walks shmem_swaplist - only the files
 *                       that have swapped pages - and swaps their pages in
 *
 * Linux keeps the entry in the page cache's own xarray, in the page's
 * place (xa_mk_value). Here each file has a second xarray for them, so
 * that the page-cache code (mm/filemap.c, mm/truncate.c) never meets an
 * entry that is not a page; tmpfs looks in both.
 */
#include "mm/shmem_swap.h"
#include "kernel/errno.h"
#include "kernel/proc.h"
#include "lib/string.h"
#include "mm/filemap.h"
#include "mm/pagemap.h"
#include "mm/swap.h"
#include "mm/swap_state.h"
#include "mm/vmscan.h"
#include "mm/vmstat.h"

/* The files with swapped pages (Linux: shmem_swaplist). */
static struct list_head shmem_swaplist = LIST_HEAD_INIT(shmem_swaplist);

static void *entry_to_xa(swp_entry_t entry)
{
	return (void *)(uintptr_t)entry.val; /* never 0: slot 0 is the header */
}

swp_entry_t shmem_swap_entry(struct inode *inode, unsigned long index)
{
	return (swp_entry_t){ (uint64_t)(uintptr_t)xa_load(&SHMEM_I(inode)->swap_entries, index) };
}

unsigned long shmem_partial_swap_usage(struct inode *inode, unsigned long start,
				       unsigned long end)
{
	unsigned long index = start, swapped = 0;

	while (index < end && xa_find(&SHMEM_I(inode)->swap_entries, &index, end - 1, XA_PRESENT)) {
		swapped++;
		index++;
	}
	return swapped << PAGE_SHIFT;
}

/* The index's entry goes; the slot's count is the caller's to drop. */
static void shmem_forget_entry(struct shmem_inode_info *info, unsigned long index)
{
	xa_erase(&info->swap_entries, index);
	if (--info->swapped == 0)
		list_del(&info->swaplist); /* (which re-initialises it) */
}

/* Linux 6.1's swap-in error entry: no slot behind it. */
static bool is_swapin_error(swp_entry_t entry)
{
	return swp_type(entry) == SWP_SWAPIN_ERROR;
}

int shmem_writepage(struct page *page, struct writeback_control *wbc)
{
	struct inode *inode = ((struct address_space *)page->mapping)->host;
	struct shmem_inode_info *info = SHMEM_I(inode);
	unsigned long index = page->index;
	swp_entry_t entry = { 0 };

	/* Only reclaim moves a page to swap: write-back and sync have no
	 * disk to write a tmpfs page to (Linux: the same test). Mapped, it
	 * would be seen through its PTEs after leaving the cache. */
	if (!wbc->for_reclaim || page->mapcount > 0 || page_test(page, PG_hwpoison))
		goto redirty;
	entry = get_swap_page();
	if (!entry.val)
		goto redirty;
	/* May allocate tree nodes (reclaim may dip into the reserves): a
	 * page that cannot be indexed stays where it was. */
	if (xa_store(&info->swap_entries, index, entry_to_xa(entry)))
		goto redirty;
	if (add_to_swap_cache(page, entry)) {
		xa_erase(&info->swap_entries, index);
		goto redirty;
	}
	swap_duplicate(entry); /* the index's count (Linux: swap_shmem_alloc) */
	if (info->swapped++ == 0)
		list_add_tail(&info->swaplist, &shmem_swaplist);
	delete_from_page_cache(page); /* Shmem goes down; the swap cache holds it now */
	page_set(page, PG_uptodate);
	swap_writepage(page); /* unlocks */
	return 0;
redirty:
	if (entry.val)
		put_swap_page(entry);
	page_set(page, PG_dirty);
	unlock_page(page);
	return 0;
}

/*
 * The locked swap-cache page of entry is not uptodate: its slot could
 * not be read, or memory_failure kept it poisoned there
 * (me_swapcache_dirty). Its data is lost, so, as Linux 6.1's
 * shmem_set_folio_swapin_error, a swap-in error entry takes the slot's
 * place in the index - every later read, write or fault of it is EIO
 * (SIGBUS for a fault) until truncation removes it - and the slot and
 * the page are let go: swapoff need not wait for them, and a read that
 * works later cannot bring back a page the process was told is gone.
 */
static void shmem_set_swapin_error(struct inode *inode, unsigned long index, struct page *page,
				   swp_entry_t entry)
{
	swp_entry_t error = swp_entry(SWP_SWAPIN_ERROR, page_to_pfn(page));

	/* (Replacing an entry allocates nothing.) */
	(void)xa_store(&SHMEM_I(inode)->swap_entries, index, entry_to_xa(error));
	delete_from_swap_cache(page); /* the cache's count ... */
	swap_free(entry);             /* ... and the index's: the slot is free */
}

/* The locked swap-cache page of entry takes index's place in inode's
 * cache again: dirty, its slot freed. */
static int shmem_add_swapped_page(struct inode *inode, unsigned long index, struct page *page,
				  swp_entry_t entry)
{
	struct address_space *mapping = inode->i_mapping;

	if (isolate_lru_page(page))
		return -EAGAIN; /* someone has it off the lists: look again */
	int err = add_to_page_cache_lru(page, mapping, index); /* back on the list */
	if (err) {
		/* It failed before anyone could see the page, and left it
		 * unlocked and off the lists: our lock and its list again. */
		page_set(page, PG_locked);
		lru_cache_add(page);
	}
	put_page(page); /* isolate_lru_page's */
	if (err)
		return err == -EEXIST ? -EAGAIN : err;
	inc_node_page_state(NR_SHMEM); /* (delete_from_page_cache counts it out) */
	if (shmem_swap_entry(inode, index).val != entry.val) {
		/* Truncated while the cache's insertion slept: the swap
		 * cache keeps the page until reclaim drops it. */
		delete_from_page_cache(page);
		return -EAGAIN;
	}
	shmem_forget_entry(SHMEM_I(inode), index);
	swap_free(entry);             /* the index's count ... */
	delete_from_swap_cache(page); /* ... and the cache's: the slot is free */
	page_set(page, PG_dirty);     /* its only copy is in memory now */
	return 0;
}

int shmem_swapin_page(struct inode *inode, unsigned long index, swp_entry_t entry,
		      struct page **pagep)
{
	struct page *page;
	int err;

	if (is_swapin_error(entry))
		return -EIO;
	page = lookup_swap_cache(entry);
	if (!page)
		page = swapin_readahead(entry);
	if (!page)
		return shmem_swap_entry(inode, index).val == entry.val ? -ENOMEM : -EAGAIN;
	lock_page(page); /* waits for the read */
	wait_on_page_writeback(page);
	if (!page_test(page, PG_swapcache) || page->private != entry.val ||
	    shmem_swap_entry(inode, index).val != entry.val)
		err = -EAGAIN; /* swapped in or truncated meanwhile */
	else if (!page_test(page, PG_uptodate)) {
		shmem_set_swapin_error(inode, index, page, entry);
		err = -EIO;
	} else if (page_test(page, PG_hwpoison)) {
		err = -EHWPOISON; /* poisoned, but memory_failure could not take it */
	}
	else
		err = shmem_add_swapped_page(inode, index, page, entry);
	if (err) {
		unlock_page(page);
		put_page(page);
		if (err == -EAGAIN)
			yield(); /* let whoever holds it off the lists finish */
		return err;
	}
	*pagep = page; /* locked, with our reference */
	return 0;
}

/* Free the slots of indexes start..end-1. */
static void shmem_truncate_swap(struct inode *inode, unsigned long start, unsigned long end)
{
	struct shmem_inode_info *info = SHMEM_I(inode);
	unsigned long index = start;
	void *xa;

	while (info->swapped && index < end &&
	       (xa = xa_find(&info->swap_entries, &index, end - 1, XA_PRESENT))) {
		swp_entry_t entry = { (uint64_t)(uintptr_t)xa };

		shmem_forget_entry(info, index);
		if (!is_swapin_error(entry))
			free_swap_and_cache(entry);
		index++;
	}
}

/* Zero bytes from..to of index's page if it has data, in the cache or
 * on swap (read back for it): truncation's partial pages (Linux:
 * shmem_get_partial_folio). A cached one truncation zeroed already; it
 * is zeroed again, since it may have come back from swap meanwhile. */
static void shmem_zero_partial(struct inode *inode, unsigned long index, unsigned int from,
			       unsigned int to)
{
	struct page *page = find_get_page(inode->i_mapping, index);

	if (page)
		put_page(page);
	else if (!shmem_swap_entry(inode, index).val)
		return; /* a hole */
	if (shmem_get_page(inode, index, &page))
		return; /* lost with its slot: nothing to zero */
	memset((char *)page_address(page) + from, 0, to - from);
	page_set(page, PG_dirty);
	unlock_page(page);
	put_page(page);
}

/* After truncate_inode_pages_range(lstart, lend) (lend -1: the end),
 * the same for the range's swapped pages: the slots of whole pages are
 * freed, the cut part of a partial page is zeroed (Linux:
 * shmem_undo_range). */
void shmem_undo_swap(struct inode *inode, loff_t lstart, loff_t lend)
{
	unsigned long first = (unsigned long)(lstart >> PAGE_SHIFT);
	unsigned long last = lend == -1 ? ~0UL - 1 : (unsigned long)(lend >> PAGE_SHIFT);
	unsigned int head = (unsigned int)(lstart & (PAGE_SIZE - 1)); /* first's bytes kept */
	unsigned int tail = lend == -1 ? PAGE_SIZE : (unsigned int)(lend & (PAGE_SIZE - 1)) + 1;
	/* (tail: last's bytes cut) */

	if (first == last && (head || tail < PAGE_SIZE)) {
		shmem_zero_partial(inode, first, head, tail); /* inside one page */
		return;
	}
	if (head)
		shmem_zero_partial(inode, first, head, PAGE_SIZE);
	if (tail < PAGE_SIZE)
		shmem_zero_partial(inode, last, 0, tail);
	shmem_truncate_swap(inode, first + (head != 0), last + (tail == PAGE_SIZE));
}

void shmem_swap_evict(struct inode *inode)
{
	shmem_truncate_swap(inode, 0, ~0UL);
	xa_destroy(&SHMEM_I(inode)->swap_entries);
}

void shmem_swap_init(struct shmem_inode_info *info)
{
	info->swapped = 0;
	xa_init(&info->swap_entries);
	INIT_LIST_HEAD(&info->swaplist);
}

/* Swap in every page of inode on device type: 0 or an error. */
static int shmem_unuse_inode(struct inode *inode, unsigned int type)
{
	unsigned long index = 0;
	void *xa;

	while ((xa = xa_find(&SHMEM_I(inode)->swap_entries, &index, ~0UL, XA_PRESENT))) {
		swp_entry_t entry = { (uint64_t)(uintptr_t)xa };
		struct page *page;

		if (swp_type(entry) != type) {
			index++;
			continue;
		}
		int err = shmem_swapin_page(inode, index, entry, &page);
		if (err == -EAGAIN)
			continue; /* look at the same index again */
		if (err == -EIO) {
			index++; /* a swap-in error entry now: the slot is free */
			continue;
		}
		if (err == -EHWPOISON) {
			index++; /* stays on its slot: swapoff fails with -EBUSY */
			continue;
		}
		if (err)
			return err;
		unlock_page(page);
		put_page(page);
		index++;
	}
	return 0;
}

int shmem_unuse(unsigned int type)
{
	struct list_head done = LIST_HEAD_INIT(done);
	int err = 0;

	/* Each file is moved to `done` before its swap-ins sleep: whatever
	 * happens to the list meanwhile (files leave it as their last page
	 * comes back or they are truncated; new ones join, with slots of
	 * other devices), the walk never holds a stale place in it. */
	while (!err && !list_empty(&shmem_swaplist)) {
		struct shmem_inode_info *info =
			list_entry(shmem_swaplist.next, struct shmem_inode_info, swaplist);
		struct inode *inode = &info->vfs_inode;

		list_del(&info->swaplist);
		list_add_tail(&info->swaplist, &done);
		ihold(inode); /* not evicted while we sleep in its swap-ins */
		err = shmem_unuse_inode(inode, type);
		iput(inode);
	}
	list_splice_init(&done, &shmem_swaplist);
	return err;
}
