/*
 * Page reclaim (Linux: mm/vmscan.c). An allocation that finds no free
 * frame calls try_to_free_pages (mm/buddy.c), which takes the oldest
 * pages off the inactive file list - the tail: lru_cache_add puts new
 * pages at the head - a batch at a time, and for each page decides:
 *
 *   locked, under write-back, poisoned,   keep it: someone is busy with it,
 *   pinned, mlocked, no mapping           or it is not reclaim's to take
 *   mapped                                unmap it through the reverse map
 *   dirty                                 write it (a_ops->writepage) and
 *                                         rotate it: a later pass finds
 *                                         it clean
 *   clean                                 remove_mapping: out of its
 *                                         file's cache, back to the
 *                                         allocator
 *
 * The kernel is never preempted and the scan never sleeps, so while the
 * batch is off the lists (isolated) nobody else runs: no other code ever
 * sees a page in that state. Writing may sleep (the file system reads
 * indirect blocks, the disk's queue is full), so the dirty pages are
 * written only after the batch is back on the lists, unlocked and
 * unheld: memory_failure, truncation and the rest find them where they
 * expect, and reclaim holds one page lock at a time, as Linux does.
 *
 * The active list is only refilled from (shrink_active_list), as Linux
 * does when the inactive list is the shorter: nothing promotes a file
 * page to it yet - that is aging with the accessed bit, which comes with
 * kswapd, watermarks and swap (a later issue), as do anonymous pages.
 */
#include "mm/vmscan.h"
#include "fs/fs.h"
#include "fs/writeback.h"
#include "kernel/proc.h"
#include "kernel/x86.h"
#include "lib/string.h"
#include "mm/filemap.h"
#include "mm/pagemap.h"
#include "mm/rmap.h"
#include "mm/swap.h"
#include "mm/swap_state.h"
#include "mm/vmstat.h"

unsigned long vm_event_states[NR_VM_EVENT_ITEMS];

static void count_vm_events(enum vm_event_item item, unsigned long delta)
{
	vm_event_states[item] += delta;
}

/* How one call of try_to_free_pages goes (Linux: struct scan_control). */
struct scan_control {
	unsigned long nr_to_reclaim; /* stop once this many are freed */
	gfp_t gfp_mask;              /* the allocation's: may reclaim write pages? */
	int priority;                /* scan lru_size >> priority: DEF_PRIORITY down to 0 */
	unsigned long nr_reclaimed;
};

/* Linux's: the first pass looks at 1/4096 of the list, each next one
 * at twice as much, the last at all of it. */
#define DEF_PRIORITY 12

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

/* ---- dropping a page ------------------------------------------------ */

int remove_mapping(struct address_space *mapping, struct page *page)
{
	/* The disk's completion interrupt clears PG_writeback: with
	 * interrupts off the checks and the removal are one step (Linux
	 * freezes the refcount at 2 under the mapping's i_pages lock). */
	bool was_on = irq_save();
	bool busy = page->mapping != mapping || page->refcount != 2 || page->mapcount > 0 ||
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
	return page->refcount > 2 + page->mapcount;
}

/* Pages reclaim must leave where they are, whatever their state. */
static bool page_evictable(const struct page *page, const struct address_space *mapping)
{
	return !page_test(page, PG_mlocked) && !page_test(page, PG_unevictable) &&
	       !(mapping->flags & (1UL << AS_UNEVICTABLE));
}

/* What shrink_page decided. */
enum shrink_result {
	PAGE_KEEP,    /* back to the list as it is */
	PAGE_WRITE,   /* dirty: back to the list, to be written */
	PAGE_FREED,   /* out of its mapping: reclaim holds the last reference */
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
static enum shrink_result shrink_anon_page(struct page *page)
{
	bool cached = page_test(page, PG_swapcache);

	if (page_test(page, PG_mlocked) || page_test(page, PG_unevictable) ||
	    page->refcount > 1 + page->mapcount + cached)
		return PAGE_KEEP; /* locked in memory, or in use (pinned) */
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

/* One isolated, locked page. */
static enum shrink_result shrink_page(struct page *page)
{
	struct address_space *mapping = page_mapping(page);

	if (page_test(page, PG_writeback) || page_test(page, PG_hwpoison))
		return PAGE_KEEP; /* being written; or memory_failure's */
	if (page_test(page, PG_anon) || page_test(page, PG_swapcache))
		return shrink_anon_page(page);
	if (!mapping || !page_evictable(page, mapping) || page_is_pinned(page))
		return PAGE_KEEP;
	if (page->mapcount > 0 && !try_to_unmap(page))
		return PAGE_KEEP; /* some process is changing its address space */
	/* Without writepage - a memory file system's - a dirty page is its
	 * data's only copy. */
	if (page_test(page, PG_dirty))
		return mapping->a_ops->writepage ? PAGE_WRITE : PAGE_KEEP;
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
			result = shrink_page(page);
			unlock_page(page);
		}
		if (result == PAGE_FREED) {
			put_page(page); /* the last reference: the frame is free */
			nr_reclaimed++;
			continue;
		}
		if (result == PAGE_WRITE && dirty->nr < SWAP_CLUSTER_MAX)
			dirty->pages[dirty->nr++] = page;
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
		result = shrink_anon_page(page);
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

/* Reclaim a batch of up to nr_to_scan pages of inactive list lru (Linux:
 * shrink_inactive_list). */
static void shrink_inactive_list(unsigned long nr_to_scan, enum lru_list lru,
				 struct scan_control *sc)
{
	struct list_head page_list = LIST_HEAD_INIT(page_list);
	struct list_head kept = LIST_HEAD_INIT(kept);
	struct dirty_pages dirty = { .nr = 0 };
	unsigned long nr_taken = isolate_lru_pages(nr_to_scan, lru, &page_list);
	unsigned long nr_reclaimed = shrink_page_list(&page_list, &kept, &dirty);

	putback_lru_pages(&kept);
	nr_reclaimed += write_dirty_pages(&dirty, sc, nr_reclaimed);
	sc->nr_reclaimed += nr_reclaimed;
	count_vm_events(PGSCAN_DIRECT, nr_taken);
	count_vm_events(PGSTEAL_DIRECT, nr_reclaimed);
}

/* Move a batch of active file pages to the inactive list (Linux:
 * shrink_active_list, where a referenced executable page would stay
 * active: that needs the accessed bit, a later issue). */
static void shrink_active_list(unsigned long nr_to_scan)
{
	struct list_head l_hold = LIST_HEAD_INIT(l_hold);
	unsigned long nr_taken = isolate_lru_pages(nr_to_scan, LRU_ACTIVE_FILE, &l_hold);

	putback_lru_pages(&l_hold); /* isolation cleared PG_active: they go inactive */
	count_vm_events(PGREFILL, nr_taken);
}

/* Linux's inactive_is_low for the file lists below 1 GiB of memory
 * (inactive_ratio 1): the inactive list should not be the shorter. */
static bool inactive_is_low(void)
{
	return lruvec.nr_pages[LRU_INACTIVE_FILE] < lruvec.nr_pages[LRU_ACTIVE_FILE];
}

/* Anonymous pages can go only while a swap slot is free (Linux:
 * can_reclaim_anon_pages). */
static bool can_reclaim_anon_pages(void)
{
	return get_nr_swap_pages() > 0;
}

/* One pass at sc->priority (Linux: shrink_lruvec): the inactive file and
 * - with swap - anon lists, a batch of each in turn. */
static void shrink_lruvec(struct scan_control *sc)
{
	unsigned long nr_file = lruvec.nr_pages[LRU_INACTIVE_FILE] >> sc->priority;
	unsigned long nr_anon = can_reclaim_anon_pages() ?
				lruvec.nr_pages[LRU_INACTIVE_ANON] >> sc->priority : 0;

	if (inactive_is_low())
		shrink_active_list(SWAP_CLUSTER_MAX);
	while ((nr_file || nr_anon) && sc->nr_reclaimed < sc->nr_to_reclaim) {
		unsigned long file = MIN(nr_file, SWAP_CLUSTER_MAX);
		unsigned long anon = MIN(nr_anon, SWAP_CLUSTER_MAX);

		if (file)
			shrink_inactive_list(file, LRU_INACTIVE_FILE, sc);
		if (anon)
			shrink_inactive_list(anon, LRU_INACTIVE_ANON, sc);
		nr_file -= file;
		nr_anon -= anon;
	}
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
static bool may_direct_reclaim(gfp_t gfp_mask)
{
	return (gfp_mask & __GFP_DIRECT_RECLAIM) && current && !(current->flags & PF_MEMALLOC) &&
	       !irqs_disabled();
}

unsigned long try_to_free_pages(gfp_t gfp_mask, unsigned int order)
{
	struct scan_control sc = {
		.nr_to_reclaim = MAX(SWAP_CLUSTER_MAX, 1UL << order),
		.gfp_mask = gfp_mask,
	};

	if (!may_direct_reclaim(gfp_mask))
		return 0;
	count_vm_events(ALLOCSTALL, 1);
	current->flags |= PF_MEMALLOC;
	for (sc.priority = DEF_PRIORITY; sc.priority >= 0; sc.priority--) {
		shrink_lruvec(&sc);
		if (sc.nr_reclaimed >= sc.nr_to_reclaim)
			break;
	}
	current->flags &= ~PF_MEMALLOC;
	return sc.nr_reclaimed;
}

/* ---- what is available ---------------------------------------------- */

/* The largest r with r * r <= x, a bit at a time (Linux: int_sqrt). */
static unsigned long int_sqrt(unsigned long x)
{
	unsigned long m = 1UL << 62, y = 0;

	while (m > x)
		m >>= 2;
	while (m) {
		unsigned long b = y + m;

		y >>= 1;
		if (x >= b) {
			x -= b;
			y += m;
		}
		m >>= 2;
	}
	return y;
}

/*
 * Linux's watermarks: min_free_kbytes = sqrt(16 * memory in KiB), at
 * least 128 KiB (init_per_zone_wmark_min); low and high are one and two
 * steps above min, a step being a quarter of min or 0.1% of memory
 * (watermark_scale_factor 10), whichever is more. Nothing holds these
 * pages back yet - kswapd and the watermarks come with swap - but
 * MemAvailable leaves them out, as Linux's does.
 */
static unsigned long min_wmark_pages(void)
{
	unsigned long kbytes = int_sqrt(zone.managed_pages * (PAGE_SIZE >> 10) * 16);

	return MAX(kbytes, 128UL) >> (PAGE_SHIFT - 10);
}

static unsigned long wmark_step(void)
{
	return MAX(min_wmark_pages() / 4, zone.managed_pages * 10 / 10000);
}

unsigned long si_mem_available(void)
{
	unsigned long wmark_low = min_wmark_pages() + wmark_step();
	unsigned long totalreserve = min_wmark_pages() + 2 * wmark_step(); /* high */
	unsigned long pagecache = lruvec.nr_pages[LRU_ACTIVE_FILE] +
				  lruvec.nr_pages[LRU_INACTIVE_FILE];
	long available = (long)nr_free_pages() - (long)totalreserve;

	/* Not all the page cache can be freed: some is in use (Linux keeps
	 * half of it, or the low watermark, whichever is less). */
	available += (long)(pagecache - MIN(pagecache / 2, wmark_low));
	return available < 0 ? 0 : (unsigned long)available;
}
