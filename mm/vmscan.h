/*
 * Page reclaim (Linux: mm/vmscan.c): when free memory runs low, the
 * pages used least recently give their frames back. Clean file pages
 * are dropped - the disk has their contents, a later access reads them
 * in again; dirty ones are written first and dropped on a later pass,
 * once clean. Anonymous pages need swap (mm/swapfile.h). kswapd does it
 * in the background between the low and high watermarks
 * (mm/watermark.c); an allocation below min does it itself.
 */
#ifndef MM_VMSCAN_H
#define MM_VMSCAN_H

#include "mm/buddy.h"

struct address_space;

/* Pages reclaim takes off a list at a time (Linux's batch). */
#define SWAP_CLUSTER_MAX 32UL

/* Linux's: how often an allocation reclaims and tries again before it
 * calls the OOM killer, and how many fruitless kswapd runs make kswapd
 * leave the memory to direct reclaim. */
#define MAX_RECLAIM_RETRIES 16

/* vm.swappiness: how much reclaim prefers anonymous pages (swap) to file
 * pages, 0-200; 100 is even (Linux's default 60). */
extern int vm_swappiness;

/* May this caller reclaim for itself, now (not from an interrupt, not
 * with interrupts off, not reclaim itself: PF_MEMALLOC)? */
bool may_direct_reclaim(gfp_t gfp_mask);

/*
 * Direct reclaim, for an allocation of 2^order frames with gfp_mask that
 * found none free (mm/buddy.c): how many pages it freed. 0 at once if the
 * caller may not sleep (no __GFP_DIRECT_RECLAIM, interrupts off - an
 * interrupt handler, the #MC path, a section the interrupts must not
 * see half done) or is reclaim itself (PF_MEMALLOC).
 */
unsigned long try_to_free_pages(gfp_t gfp_mask, unsigned int order);

/* Pages reclaim could free if it took all it may: the file lists, and
 * the anonymous ones once there is swap (Linux: zone_reclaimable_pages). */
unsigned long zone_reclaimable_pages(void);

/* The allocator found free memory under the low watermark: have kswapd
 * reclaim up to the high one in the background (Linux: wakeup_kswapd).
 * Cheap, and safe from an interrupt. */
void wakeup_kswapd(unsigned int order);
/* Start the kswapd0 thread (boot, once there are kernel threads). */
void kswapd_run(void);

/* Take a page off its LRU list for the caller, with a reference of the
 * caller's (Linux: isolate_lru_page): 0, or -EBUSY if it is on none. */
int isolate_lru_page(struct page *page);
/* Reclaim the isolated pages on page_list now, whatever their age
 * (Linux: reclaim_pages, for MADV_PAGEOUT): the ones that cannot go back
 * to their lists. Returns how many were freed. */
unsigned long reclaim_pages(struct list_head *page_list);

/*
 * Take a locked page out of mapping if it is clean, not under
 * write-back, unmapped, and held only by the cache and the caller (whose
 * reference stays): 1 if it left, 0 if not. Reclaim and drop_caches
 * (mm/truncate.c: invalidate_inode_page) both drop pages this way.
 */
int remove_mapping(struct address_space *mapping, struct page *page);

/* What /proc/meminfo calls MemAvailable (Linux: si_mem_available): free
 * memory and the part of the page cache reclaim could give back, less
 * what the allocator keeps in reserve; in pages. */
unsigned long si_mem_available(void);

/* Reclaim's and swap's counters, Linux's vm_event_item names
 * (/proc/vmstat); kept in mm/swap.c. */
enum vm_event_item {
	PSWPIN,         /* pages read from swap (mm/page_io.c) */
	PSWPOUT,        /* pages written to swap */
	ALLOCSTALL,     /* allocations that had to reclaim (Linux: allocstall_normal) */
	PGACTIVATE,     /* pages moved to an active list */
	PGDEACTIVATE,   /* pages moved to an inactive list */
	PGMAJFAULT,     /* faults that had to read: swap-ins found in no cache (mm/swap_fault.c) */
	PGREFILL,       /* active pages looked at to refill the inactive list */
	PGSTEAL_KSWAPD, /* pages freed by kswapd */
	PGSTEAL_DIRECT, /* pages freed by direct reclaim */
	PGSCAN_KSWAPD,  /* inactive pages kswapd looked at */
	PGSCAN_DIRECT,  /* inactive pages direct reclaim looked at */
	PGSCAN_ANON,
	PGSCAN_FILE,
	PGSTEAL_ANON,
	PGSTEAL_FILE,
	KSWAPD_LOW_WMARK_HIT_QUICKLY,  /* kswapd woken again during its short nap */
	KSWAPD_HIGH_WMARK_HIT_QUICKLY, /* memory under high again when the nap ended */
	PAGEOUTRUN,     /* kswapd's reclaim runs (balance_pgdat) */
	DROP_PAGECACHE, /* writes of 1 (or 3) to vm.drop_caches */
	DROP_SLAB,      /* writes of 2 (or 3) */
	OOM_KILL,       /* processes the OOM killer killed (mm/oom_kill.c) */
	THP_FAULT_ALLOC,    /* huge pages a fault mapped (mm/huge_memory.c) */
	THP_FAULT_FALLBACK, /* faults that wanted one and got none */
	THP_SPLIT_PAGE,     /* huge pages split into 512 */
	THP_SPLIT_PMD,      /* PMD mappings split into 512 PTEs */
	THP_COLLAPSE_ALLOC, /* huge pages khugepaged or MADV_COLLAPSE made (mm/khugepaged.c) */
	THP_COLLAPSE_ALLOC_FAILED, /* collapses without a huge page to make */
	THP_FILE_ALLOC,     /* file huge pages collapse_file made */
	THP_FILE_MAPPED,    /* PMD mappings of file huge pages (do_set_pmd, collapse) */
	NR_VM_EVENT_ITEMS,
};

extern unsigned long vm_event_states[NR_VM_EVENT_ITEMS];

static inline void count_vm_events(enum vm_event_item item, unsigned long delta)
{
	vm_event_states[item] += delta;
}

static inline void count_vm_event(enum vm_event_item item)
{
	count_vm_events(item, 1);
}

#endif
