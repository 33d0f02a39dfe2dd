/*
 * Page reclaim (Linux: mm/vmscan.c): when an allocation finds no free
 * frame, the page cache gives some back. Clean file pages are dropped -
 * the disk has their contents, a later access reads them in again;
 * dirty ones are written first and dropped on a later pass, once clean.
 * Anonymous pages have nowhere to go until there is swap.
 */
#ifndef MM_VMSCAN_H
#define MM_VMSCAN_H

#include "mm/buddy.h"

struct address_space;

/* Pages reclaim takes off a list at a time (Linux's batch). */
#define SWAP_CLUSTER_MAX 32UL

/*
 * Direct reclaim, for an allocation of 2^order frames with gfp_mask that
 * found none free (mm/buddy.c): how many pages it freed. 0 at once if the
 * caller may not sleep (no __GFP_DIRECT_RECLAIM, interrupts off - an
 * interrupt handler, the #MC path, a section the interrupts must not
 * see half done) or is reclaim itself (PF_MEMALLOC).
 */
unsigned long try_to_free_pages(gfp_t gfp_mask, unsigned int order);

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

/* Reclaim's counters, Linux's vm_event_item names (/proc/vmstat). */
enum vm_event_item {
	ALLOCSTALL,     /* allocations that had to reclaim (Linux: allocstall_normal) */
	PGREFILL,       /* active pages looked at to refill the inactive list */
	PGSTEAL_KSWAPD, /* pages freed by kswapd (none: a later issue) */
	PGSTEAL_DIRECT, /* pages freed by direct reclaim */
	PGSCAN_KSWAPD,
	PGSCAN_DIRECT,  /* inactive pages direct reclaim looked at */
	NR_VM_EVENT_ITEMS,
};

extern unsigned long vm_event_states[NR_VM_EVENT_ITEMS];

#endif
