/*
 * Page reclaim (Linux: mm/vmscan.c). Every user page is on an LRU list
 * (mm/swap.h); reclaim takes the oldest pages off the inactive lists -
 * the tail: lru_cache_add puts new pages at the head - a batch at a
 * time, and for each page decides:
 *
 *   locked, under write-back, poisoned,   keep it: someone is busy with it,
 *   pinned, mlocked, no mapping           or it is not reclaim's to take
 *   used since reclaim last looked        keep it, or - used twice, or
 *   (page_check_references)               program text - make it active
 *   mapped                                unmap it through the reverse map
 *   dirty                                 write it (a_ops->writepage) and
 *                                         rotate it: a later pass finds
 *                                         it clean
 *   clean                                 remove_mapping: out of its
 *                                         file's cache, back to the
 *                                         allocator
 *
 * Aging: whether a page was used is the accessed bit of the PTEs that
 * map it (page_referenced, through the reverse map) and PG_referenced,
 * which read() sets (mark_page_accessed). The active lists are refilled
 * from when the inactive one grows short (inactive_is_low):
 * shrink_active_list moves their oldest pages to the inactive list,
 * clearing the accessed bits, so a page gets a second chance there.
 * get_scan_count decides how much of each list a pass looks at: the
 * file lists only while there is no swap, else by vm.swappiness.
 *
 * Who reclaims: kswapd, a kernel thread the allocator wakes when free
 * memory falls under the low watermark, until it is above the high one
 * (balance_pgdat); and an allocation that finds free memory under min
 * (try_to_free_pages, "direct reclaim").
 *
 * The kernel is never preempted and the scan never sleeps, so while the
 * batch is off the lists (isolated) nobody else runs: no other code ever
 * sees a page in that state. Writing may sleep (the file system reads
 * indirect blocks, the disk's queue is full), so the dirty pages are
 * written only after the batch is back on the lists, unlocked and
 * unheld: memory_failure, truncation and the rest find them where they
 * expect, and reclaim holds one page lock at a time, as Linux does.
 */
#include "mm/vmscan.h"
#include "mm/internal.h"
#include "fs/fs.h"
#include "fs/writeback.h"
#include "kernel/errno.h"
#include "kernel/proc.h"
#include "kernel/timer.h"
#include "kernel/x86.h"
#include "lib/int_sqrt.h"
#include "lib/string.h"
#include "mm/filemap.h"
#include "mm/huge_mm.h"
#include "mm/pagemap.h"
#include "mm/rmap.h"
#include "mm/swap.h"
#include "mm/swap_state.h"
#include "mm/swapfile.h"
#include "mm/vmstat.h"
#include "mm/watermark.h"

int vm_swappiness = 60;

static bool current_is_kswapd(void)
{
	return current && (current->flags & PF_KSWAPD);
}

/* ---- taking pages off the lists ------------------------------------ */

/*
 * Move up to nr_to_scan pages from the tail (the oldest end) of list lru
 * to dst, each with a reference of reclaim's own (Linux:
 * isolate_lru_pages). Off its list a page has no PG_lru: put_page and
 * the others leave the list alone.
 */
static unsigned long isolate_lru_pages(unsigned long nr_to_scan, enum lru_list lru,
				       struct list_head *dst)
{
	struct list_head *src = &lruvec.lists[lru];
	unsigned long nr_taken = 0;

	while (nr_taken < nr_to_scan && !list_empty(src)) {
		struct page *page = list_entry(src->prev, struct page, lru);

		del_page_from_lru_list(page);
		get_page(page);
		list_add_tail(&page->lru, dst); /* dst too is oldest first */
		nr_taken++;
	}
	return nr_taken;
}

/* The pages reclaim kept go back to the head of the inactive list, and
 * reclaim lets go of them (Linux: move_pages_to_lru). */
static void putback_lru_pages(struct list_head *pages)
{
	while (!list_empty(pages)) {
		struct page *page = list_first_entry(pages, struct page, lru);

		list_del(&page->lru);
		lru_cache_add(page);
		put_page(page);
	}
}

int isolate_lru_page(struct page *page)
{
	if (!page_test(page, PG_lru))
		return -EBUSY;
	get_page(page);
	del_page_from_lru_list(page);
	return 0;
}

/* ---- dropping a page ------------------------------------------------ */

int remove_mapping(struct address_space *mapping, struct page *page)
{
	page = compound_head(page); /* a file's huge page leaves whole */
	/* The disk's completion interrupt clears PG_writeback: with
	 * interrupts off the checks and the removal are one step (Linux
	 * freezes the refcount at 2 under the mapping's i_pages lock). */
	bool was_on = irq_save();
	bool busy = page->mapping != mapping || page->refcount != 2 || page_mapcount(page) > 0 ||
		    page_test(page, PG_dirty) || page_test(page, PG_writeback);

	if (!busy)
		delete_from_page_cache(page); /* drops the cache's reference */
	irq_restore(was_on);
	return !busy;
}

/*
 * Someone besides the cache, the page's mappings and reclaim holds the
 * page: a file system using a metadata block, a read copying from it, a
 * process in the middle of a copy-on-write. Its contents are in use:
 * leave it mapped and cached (Linux finds out later, when the refcount
 * will not freeze; finding out first spares the unmapping).
 */
static bool page_is_pinned(const struct page *page)
{
	return page->refcount > 2 + page_mapcount(page);
}

/* Pages reclaim must leave where they are, whatever their state. */
static bool page_evictable(const struct page *page, const struct address_space *mapping)
{
	return !page_test(page, PG_mlocked) && !page_test(page, PG_unevictable) &&
	       !(mapping->flags & (1UL << AS_UNEVICTABLE));
}

/* What the page's recent use says (Linux: enum page_references). */
enum page_references {
	PAGEREF_RECLAIM,       /* unused: take it */
	PAGEREF_RECLAIM_CLEAN, /* read once: take it if clean, no write for it */
	PAGEREF_KEEP,          /* used once through a mapping: one more round */
	PAGEREF_ACTIVATE,      /* used again, or program text: make it active */
};

/*
 * Linux's page_check_references: a mapped page used once since the last
 * look gets PG_referenced and another round on the inactive list; used
 * again (PG_referenced already set, or through several mappings), or
 * executable text used at all, it goes to the active list. An unmapped
 * page read once (PG_referenced from read()) is reclaimed if clean.
 */
static enum page_references page_check_references(struct page *page)
{
	unsigned long vm_flags;
	int referenced_ptes = page_referenced(page, &vm_flags);
	bool referenced_page = page_test(page, PG_referenced);

	page_clear(page, PG_referenced);
	if (vm_flags & VM_LOCKED)
		return PAGEREF_ACTIVATE;
	if (referenced_ptes == -1)
		return PAGEREF_KEEP;
	if (referenced_ptes) {
		page_set(page, PG_referenced);
		if (referenced_page || referenced_ptes > 1)
			return PAGEREF_ACTIVATE;
		if ((vm_flags & VM_EXEC) && page_is_file_lru(page))
			return PAGEREF_ACTIVATE;
		return PAGEREF_KEEP;
	}
	if (referenced_page && page_is_file_lru(page))
		return PAGEREF_RECLAIM_CLEAN;
	return PAGEREF_RECLAIM;
}

/* What shrink_page decided. */
enum shrink_result {
	PAGE_KEEP,     /* back to the list as it is */
	PAGE_ACTIVATE, /* back to the active list: it is in use */
	PAGE_WRITE,    /* dirty: back to the list, to be written */
	PAGE_FREED,    /* out of its mapping: reclaim holds the last reference */
};

/*
 * An anonymous page, or a swap-cache page read around a fault: its
 * place on disk is a swap slot (Linux: shrink_page_list's PageAnon
 * branch). A page without one gets one (add_to_swap: in the swap cache,
 * dirty); its PTEs become the slot's swap entry (try_to_unmap); a dirty
 * one is written (PAGE_WRITE: mm/page_io.c), and a later pass finds it
 * clean and drops it from the swap cache. A page whose write failed
 * stays while any PTE counts on its slot; with none, it leaves the slot
 * (marked bad) and is swapped out again like a new one.
 */
static enum shrink_result shrink_anon_page(struct page *page, struct list_head *page_list)
{
	bool cached = page_test(page, PG_swapcache);

	if (page_test(page, PG_mlocked) || page_test(page, PG_unevictable))
		return PAGE_KEEP; /* locked in memory */
	/* Swap holds 4 KiB pages: a huge page is split, and its other 511
	 * pages join this batch (Linux: split_folio_to_list). */
	if (PageTransHuge(page) && split_huge_page_to_list(page, page_list))
		return PAGE_KEEP;
	if (page->refcount > 1 + page->mapcount + cached)
		return PAGE_KEEP; /* in use (pinned) */
	if (cached && page_test(page, PG_error) && page_test(page, PG_uptodate)) {
		if (!try_to_free_swap(page))
			return PAGE_KEEP;
		cached = false;
	}
	if (!cached && page->mapcount == 0) {
		page_remove_anon(page); /* nobody's data any more */
		return PAGE_FREED;
	}
	if (!cached && !add_to_swap(page))
		return PAGE_KEEP; /* no slot free */
	if (page->mapcount > 0 && !try_to_unmap(page))
		return PAGE_KEEP;
	if (page_test(page, PG_dirty))
		return PAGE_WRITE;
	if (page->refcount != 2)
		return PAGE_KEEP; /* someone took it meanwhile (a fault waiting for it) */
	delete_from_swap_cache(page);
	if (page_test(page, PG_anon))
		page_remove_anon(page);
	return PAGE_FREED;
}

/* One isolated, locked page of the batch page_list. */
static enum shrink_result shrink_page(struct page *page, struct list_head *page_list)
{
	struct address_space *mapping = page_mapping(page);
	enum page_references references;

	if (page_test(page, PG_writeback) || page_test(page, PG_hwpoison))
		return PAGE_KEEP; /* being written; or memory_failure's */
	references = page_check_references(page);
	if (references == PAGEREF_ACTIVATE)
		return PAGE_ACTIVATE;
	if (references == PAGEREF_KEEP)
		return PAGE_KEEP;
	if (page_test(page, PG_anon) || page_test(page, PG_swapcache))
		return shrink_anon_page(page, page_list);
	if (!mapping || !page_evictable(page, mapping) || page_is_pinned(page))
		return PAGE_KEEP;
	/* A file's huge page too goes as 512 small ones (Linux would drop it
	 * whole; here a huge page is only ever PMD-mapped, mm/huge_mm.h). */
	if (PageTransHuge(page) && split_huge_page_to_list(page, page_list))
		return PAGE_KEEP;
	if (page->mapcount > 0 && !try_to_unmap(page))
		return PAGE_KEEP; /* some process is changing its address space */
	/* Without writepage - a memory file system's - a dirty page is its
	 * data's only copy. */
	if (page_test(page, PG_dirty)) {
		if (references == PAGEREF_RECLAIM_CLEAN)
			return PAGE_KEEP;
		return mapping->a_ops->writepage ? PAGE_WRITE : PAGE_KEEP;
	}
	return remove_mapping(mapping, page) ? PAGE_FREED : PAGE_KEEP;
}

/* The dirty pages of one batch, to be written once it is back. */
struct dirty_pages {
	struct page *pages[SWAP_CLUSTER_MAX];
	unsigned int nr;
};

/*
 * Decide for each page of the isolated batch on page_list (Linux:
 * shrink_page_list): the freed ones go back to the allocator, the rest
 * to `kept`, the dirty ones also noted in `dirty`. Never sleeps: only
 * trylock_page, so a page someone else has locked is simply kept.
 * Returns how many were freed.
 */
static unsigned long shrink_page_list(struct list_head *page_list, struct list_head *kept,
				      struct dirty_pages *dirty)
{
	unsigned long nr_reclaimed = 0;

	while (!list_empty(page_list)) {
		struct page *page = list_first_entry(page_list, struct page, lru);
		enum shrink_result result = PAGE_KEEP;

		list_del(&page->lru);
		if (trylock_page(page)) {
			result = shrink_page(page, page_list);
			unlock_page(page);
		}
		if (result == PAGE_FREED) {
			put_page(page); /* the last reference: the frame is free */
			nr_reclaimed++;
			continue;
		}
		if (result == PAGE_WRITE && dirty->nr < SWAP_CLUSTER_MAX)
			dirty->pages[dirty->nr++] = page;
		if (result == PAGE_ACTIVATE) {
			page_set(page, PG_active); /* putback_lru_pages: the active list */
			count_vm_event(PGACTIVATE);
		}
		list_add_tail(&page->lru, kept);
	}
	return nr_reclaimed;
}

/* ---- writing a dirty page ------------------------------------------ */

/* May this reclaim write pages through their file systems (Linux:
 * may_enter_fs)? Not from inside one (GFP_NOFS), nor for a caller that
 * may not sleep for I/O (GFP_NOIO): such reclaim only drops clean pages. */
static bool may_enter_fs(const struct scan_control *sc)
{
	return (sc->gfp_mask & (__GFP_IO | __GFP_FS)) == (__GFP_IO | __GFP_FS);
}

/*
 * A page of the batch, which reclaim let go of when the batch went back
 * (Linux finds pages again the same way: get_page_unless_zero, then a
 * look at what the page is now). A struct page never goes away, and
 * nothing runs between the look and the get_page: a page freed since
 * has refcount 0, one that left its cache has no mapping.
 */
static bool get_page_if_cached(struct page *page)
{
	if (page->refcount == 0 || PageTail(page) ||
	    (!page_mapping(page) && !page_test(page, PG_swapcache)))
		return false;
	get_page(page);
	return true;
}

/* A locked swap-cache page to its slot (the swap branch of Linux's
 * pageout), if it is still unmapped, dirty and not known to fail. */
static bool pageout_anon(struct page *page)
{
	if (page->mapcount > 0 || !page_test(page, PG_lru) || page_test(page, PG_writeback) ||
	    page_test(page, PG_hwpoison) || page_test(page, PG_error) ||
	    !page_test_and_clear(page, PG_dirty)) {
		unlock_page(page);
		return false;
	}
	swap_writepage(page); /* unlocks */
	inc_node_page_state(NR_VMSCAN_WRITE);
	return page_test(page, PG_writeback);
}

/*
 * Start writing one dirty page back, as write-back would (Linux:
 * pageout): true if it is now under write-back. It was back on its list
 * while earlier pages were written (which may sleep), so what happened
 * to it since - written by the flusher, truncated, poisoned - is looked
 * at again under its lock.
 */
static bool pageout(struct page *page)
{
	struct address_space *mapping = page_mapping(page);
	struct writeback_control wbc = {
		.sync_mode = WB_SYNC_NONE,
		.nr_to_write = SWAP_CLUSTER_MAX,
		.range_start = 0,
		.range_end = INT64_MAX,
		.for_reclaim = true,
	};

	if (!trylock_page(page))
		return false;
	if (page_test(page, PG_swapcache))
		return pageout_anon(page);
	if (!mapping || page->mapping != mapping || !mapping->a_ops->writepage ||
	    !page_test(page, PG_lru) || page_test(page, PG_writeback) ||
	    page_test(page, PG_hwpoison) || !clear_page_dirty_for_io(page)) {
		unlock_page(page);
		return false;
	}
	mapping_set_error(mapping, mapping->a_ops->writepage(page, &wbc)); /* unlocks */
	inc_node_page_state(NR_VMSCAN_WRITE);
	return page_test(page, PG_writeback);
}

/*
 * The batch is back on the list, where memory_failure, truncation and
 * readers expect its pages, unlocked and held by nobody but their
 * owners; now its dirty pages are written one by one (writing may
 * sleep), or, from inside a file system, left to the flusher thread.
 * With nothing freed by the batch, wait for the first of the writes to
 * finish: the next pass can then drop that page, where without waiting
 * it would find every page still busy and give up (Linux:
 * reclaim_throttle on write-back).
 */
/*
 * A swap-cache page reclaim just wrote, held: once the write is done it
 * is freed at once, rather than found clean on some later pass (Linux
 * gets the same by rotating it to the inactive list's tail, PG_reclaim,
 * and by throttling direct reclaim on write-back). Whether it was.
 */
static bool free_written_swap_page(struct page *page)
{
	enum shrink_result result = PAGE_KEEP;

	wait_on_page_writeback(page);
	if (!trylock_page(page))
		return false;
	if (page_test(page, PG_lru) && page_test(page, PG_swapcache)) {
		del_page_from_lru_list(page); /* isolated again: ours to decide */
		result = shrink_anon_page(page, NULL); /* (in the swap cache: never huge) */
		if (result != PAGE_FREED)
			lru_cache_add(page);
	}
	unlock_page(page);
	put_page(page); /* ours: the last one if it was freed */
	return result == PAGE_FREED;
}

/* Returns how many swap-cache pages it wrote and freed. */
static unsigned long write_dirty_pages(const struct dirty_pages *dirty,
				       const struct scan_control *sc, unsigned long nr_reclaimed)
{
	struct page *first = NULL, *swapped[SWAP_CLUSTER_MAX];
	unsigned int nr_swapped = 0;
	unsigned long nr_freed = 0;

	if (!dirty->nr)
		return 0;
	if (!may_enter_fs(sc)) {
		wakeup_flusher_threads();
		return 0;
	}
	for (unsigned int i = 0; i < dirty->nr; i++) {
		struct page *page = dirty->pages[i];

		if (!get_page_if_cached(page))
			continue;
		if (pageout(page) && !first)
			first = page;
		if (page_test(page, PG_swapcache))
			swapped[nr_swapped++] = page; /* still held */
		else
			put_page(page);
	}
	for (unsigned int i = 0; i < nr_swapped; i++)
		nr_freed += free_written_swap_page(swapped[i]);
	/* Without a reference: if the page is freed meanwhile, its
	 * PG_writeback is simply clear. */
	if (first && !nr_reclaimed && !nr_freed)
		wait_on_page_writeback(first);
	return nr_freed;
}

/* ---- the lists ------------------------------------------------------ */

static bool is_file_lru(enum lru_list lru)
{
	return lru == LRU_INACTIVE_FILE || lru == LRU_ACTIVE_FILE;
}

static bool is_active_lru(enum lru_list lru)
{
	return lru == LRU_ACTIVE_ANON || lru == LRU_ACTIVE_FILE;
}

/* Reclaim a batch of up to nr_to_scan pages of an inactive list (Linux:
 * shrink_inactive_list): how many it freed. */
static unsigned long shrink_inactive_list(unsigned long nr_to_scan, enum lru_list lru,
					  struct scan_control *sc)
{
	struct list_head page_list = LIST_HEAD_INIT(page_list);
	struct list_head kept = LIST_HEAD_INIT(kept);
	struct dirty_pages dirty = { .nr = 0 };
	unsigned long nr_taken = isolate_lru_pages(nr_to_scan, lru, &page_list);
	unsigned long nr_reclaimed = shrink_page_list(&page_list, &kept, &dirty);
	bool kswapd = current_is_kswapd();

	putback_lru_pages(&kept);
	nr_reclaimed += write_dirty_pages(&dirty, sc, nr_reclaimed);
	sc->nr_scanned += nr_taken;
	count_vm_events(kswapd ? PGSCAN_KSWAPD : PGSCAN_DIRECT, nr_taken);
	count_vm_events(kswapd ? PGSTEAL_KSWAPD : PGSTEAL_DIRECT, nr_reclaimed);
	count_vm_events(is_file_lru(lru) ? PGSCAN_FILE : PGSCAN_ANON, nr_taken);
	count_vm_events(is_file_lru(lru) ? PGSTEAL_FILE : PGSTEAL_ANON, nr_reclaimed);
	return nr_reclaimed;
}

/*
 * Move a batch of the oldest active pages to the inactive list (Linux:
 * shrink_active_list). Each one's accessed bits are cleared on the way
 * (page_referenced), so that on the inactive list only a use from now on
 * counts. As Linux does, only program text that was used stays active:
 * other pages in use get their second chance on the inactive list,
 * where page_check_references activates them again if they are used.
 */
static void shrink_active_list(unsigned long nr_to_scan, enum lru_list lru)
{
	struct list_head l_hold = LIST_HEAD_INIT(l_hold);
	unsigned long nr_taken = isolate_lru_pages(nr_to_scan, lru, &l_hold);
	unsigned long nr_deactivated = 0;

	while (!list_empty(&l_hold)) {
		struct page *page = list_first_entry(&l_hold, struct page, lru);
		unsigned long vm_flags;

		list_del(&page->lru);
		if (page_referenced(page, &vm_flags) != 0 && (vm_flags & VM_EXEC) &&
		    is_file_lru(lru))
			page_set(page, PG_active); /* program text in use: stays */
		else
			nr_deactivated++;  /* isolation cleared PG_active */
		lru_cache_add(page);
		put_page(page);
	}
	count_vm_events(PGREFILL, nr_taken);
	count_vm_events(PGDEACTIVATE, nr_deactivated);
}

/*
 * Linux's inactive_is_low: the inactive list should hold at least
 * 1/inactive_ratio of the pages of its kind, inactive_ratio being
 * sqrt(10 * GiB of them) - 1 below 1 GiB: the inactive list is not to
 * be the shorter.
 */
static bool inactive_is_low(enum lru_list inactive_lru)
{
	unsigned long inactive = lruvec.nr_pages[inactive_lru];
	unsigned long active = lruvec.nr_pages[inactive_lru + 1];
	unsigned long gb = (inactive + active) >> (30 - PAGE_SHIFT);
	unsigned long inactive_ratio = gb ? int_sqrt(10 * gb) : 1;

	return inactive * inactive_ratio < active;
}

/* Anonymous pages can go only while a swap slot is free (Linux:
 * can_reclaim_anon_pages). */
static bool can_reclaim_anon_pages(void)
{
	return get_nr_swap_pages() > 0;
}

unsigned long zone_reclaimable_pages(void)
{
	const unsigned long *lru = lruvec.nr_pages;
	unsigned long pages = lru[LRU_INACTIVE_FILE] + lru[LRU_ACTIVE_FILE];

	if (can_reclaim_anon_pages())
		pages += lru[LRU_INACTIVE_ANON] + lru[LRU_ACTIVE_ANON];
	return pages;
}

/* How much of each list to look at (Linux: get_scan_count). */
enum scan_balance {
	SCAN_EQUAL, /* the last priority: everything, anon and file alike */
	SCAN_FRACT, /* in proportion to vm.swappiness */
	SCAN_FILE,  /* no swap: the file lists only */
};

/*
 * nr[lru]: the pages of each list one pass looks at, size >> priority,
 * shared between anon and file as swappiness : 200 - swappiness. (Linux
 * also weighs in what reclaiming each kind has lately cost in I/O - its
 * anon_cost and file_cost; with those at 0 its formula gives exactly
 * this.)
 */
static void get_scan_count(const struct scan_control *sc, unsigned long nr[NR_LRU_LISTS])
{
	enum scan_balance scan_balance = SCAN_FRACT;
	unsigned long fraction[2] = { (unsigned long)vm_swappiness,
				      200 - (unsigned long)vm_swappiness };
	unsigned long denominator = 200;

	if (!sc->may_swap || !can_reclaim_anon_pages())
		scan_balance = SCAN_FILE;
	else if (!sc->priority && vm_swappiness)
		scan_balance = SCAN_EQUAL;
	for (int lru = 0; lru < NR_LRU_LISTS; lru++) {
		bool file = is_file_lru(lru);
		unsigned long scan = lruvec.nr_pages[lru] >> sc->priority;

		if (scan_balance == SCAN_FILE)
			scan = file ? scan : 0;
		else if (scan_balance == SCAN_FRACT)
			scan = (scan * fraction[file] + denominator - 1) / denominator;
		nr[lru] = scan;
	}
}

/* One batch of one list (Linux: shrink_list): an active list only
 * refills its inactive one, when that is short. */
static unsigned long shrink_list(enum lru_list lru, unsigned long nr_to_scan,
				 struct scan_control *sc)
{
	if (!is_active_lru(lru))
		return shrink_inactive_list(nr_to_scan, lru, sc);
	if (sc->may_deactivate & (is_file_lru(lru) ? DEACTIVATE_FILE : DEACTIVATE_ANON))
		shrink_active_list(nr_to_scan, lru);
	else
		sc->skipped_deactivate = true;
	return 0;
}

/* One pass at sc->priority over the lists (Linux: shrink_lruvec), a
 * batch of each in turn until each has had its share or enough is free.
 * Between batches nothing is isolated: another task may run. */
static void shrink_lruvec(struct scan_control *sc)
{
	unsigned long nr[NR_LRU_LISTS];

	get_scan_count(sc, nr);
	while (nr[LRU_INACTIVE_ANON] || nr[LRU_ACTIVE_FILE] || nr[LRU_INACTIVE_FILE]) {
		for (int lru = 0; lru < NR_LRU_LISTS; lru++) {
			unsigned long batch = MIN(nr[lru], SWAP_CLUSTER_MAX);

			if (!batch)
				continue;
			nr[lru] -= batch;
			sc->nr_reclaimed += shrink_list(lru, batch, sc);
		}
		if (sc->nr_reclaimed >= sc->nr_to_reclaim)
			break;
		cond_resched();
	}
	/* Anonymous pages age even when the pass found enough elsewhere. */
	if (can_reclaim_anon_pages() && inactive_is_low(LRU_INACTIVE_ANON))
		shrink_active_list(SWAP_CLUSTER_MAX, LRU_ACTIVE_ANON);
}

int kswapd_failures;

void shrink_node(struct scan_control *sc)
{
	unsigned long before = sc->nr_reclaimed;

	sc->may_deactivate = 0;
	if (sc->force_deactivate || inactive_is_low(LRU_INACTIVE_ANON))
		sc->may_deactivate |= DEACTIVATE_ANON;
	if (sc->force_deactivate || inactive_is_low(LRU_INACTIVE_FILE))
		sc->may_deactivate |= DEACTIVATE_FILE;
	shrink_lruvec(sc);
	if (sc->nr_reclaimed > before)
		kswapd_failures = 0;
}

/* ---- direct reclaim -------------------------------------------------- */

/*
 * Reclaim sleeps (page locks, the disk), takes pages out of any file's
 * cache and unmaps them from any process: none of that may happen
 * inside an interrupt handler or the #MC handler (interrupts are off
 * there, as in every section an interrupt must not see half done - the
 * page cache's index, the allocator's lists), for a caller that said it
 * cannot wait, or inside reclaim itself: its own allocations (a file
 * system reading an indirect block to write a page) take what is free
 * or fail, rather than reclaim again (PF_MEMALLOC).
 */
bool may_direct_reclaim(gfp_t gfp_mask)
{
	return (gfp_mask & __GFP_DIRECT_RECLAIM) && current && !(current->flags & PF_MEMALLOC) &&
	       !irqs_disabled();
}

/* Passes from DEF_PRIORITY down until enough is freed (Linux:
 * do_try_to_free_pages); a run that freed nothing because the active
 * lists were left alone goes again, refilling the inactive ones
 * whatever their length. */
static void do_try_to_free_pages(struct scan_control *sc)
{
	for (;;) {
		for (sc->priority = DEF_PRIORITY; sc->priority >= 0; sc->priority--) {
			shrink_node(sc);
			if (sc->nr_reclaimed >= sc->nr_to_reclaim)
				return;
		}
		if (sc->nr_reclaimed || !sc->skipped_deactivate || sc->force_deactivate)
			return;
		sc->force_deactivate = true;
	}
}

unsigned long try_to_free_pages(gfp_t gfp_mask, unsigned int order)
{
	struct scan_control sc = {
		.nr_to_reclaim = MAX(SWAP_CLUSTER_MAX, 1UL << order),
		.gfp_mask = gfp_mask,
		.may_swap = true,
	};

	if (!may_direct_reclaim(gfp_mask))
		return 0;
	count_vm_event(ALLOCSTALL);
	current->flags |= PF_MEMALLOC;
	do_try_to_free_pages(&sc);
	current->flags &= ~PF_MEMALLOC;
	return sc.nr_reclaimed;
}

/* ---- reclaiming chosen pages (MADV_PAGEOUT) --------------------------- */

unsigned long reclaim_pages(struct list_head *page_list)
{
	struct scan_control sc = { .gfp_mask = GFP_KERNEL, .may_swap = true };
	unsigned int noreclaim = current->flags & PF_MEMALLOC;
	unsigned long nr_reclaimed = 0;

	current->flags |= PF_MEMALLOC; /* Linux: memalloc_noreclaim_save */
	while (!list_empty(page_list)) {
		struct list_head batch = LIST_HEAD_INIT(batch), kept = LIST_HEAD_INIT(kept);
		struct dirty_pages dirty = { .nr = 0 };
		unsigned long freed;

		for (unsigned long n = 0; n < SWAP_CLUSTER_MAX && !list_empty(page_list); n++) {
			struct list_head *l = page_list->next;

			/* A huge page (MADV_PAGEOUT of all of it): its 512 pages
			 * take their turns in the batches (shrink_anon_page would
			 * split it into this one, and write only a batch's worth). */
			if (PageTransHuge(list_entry(l, struct page, lru)))
				split_huge_page_to_list(list_entry(l, struct page, lru), page_list);
			list_del(l);
			list_add_tail(l, &batch);
		}
		freed = shrink_page_list(&batch, &kept, &dirty);
		putback_lru_pages(&kept);
		write_dirty_pages(&dirty, &sc, freed);
		nr_reclaimed += freed;
	}
	current->flags = (current->flags & ~PF_MEMALLOC) | noreclaim;
	return nr_reclaimed;
}

/* ---- what is available ---------------------------------------------- */

unsigned long si_mem_available(void)
{
	unsigned long wmark_low = low_wmark_pages(&zone);
	unsigned long totalreserve = high_wmark_pages(&zone); /* Linux: totalreserve_pages */
	unsigned long pagecache = lruvec.nr_pages[LRU_ACTIVE_FILE] +
				  lruvec.nr_pages[LRU_INACTIVE_FILE];
	long available = (long)nr_free_pages() - (long)totalreserve;

	/* Not all the page cache can be freed: some is in use (Linux keeps
	 * half of it, or the low watermark, whichever is less). */
	available += (long)(pagecache - MIN(pagecache / 2, wmark_low));
	return available < 0 ? 0 : (unsigned long)available;
}
