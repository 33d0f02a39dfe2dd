/*
 * The buddy allocator hands out physical memory in blocks of 2^order
 * contiguous frames, order 0 (4 KiB) to MAX_ORDER-1 (4 MiB). Each order has
 * a free list. A block's "buddy" is the neighbouring block of the same size
 * that it was split from; when both are free they merge back into one.
 */
#ifndef MM_BUDDY_H
#define MM_BUDDY_H

#include "mm/page.h"

#define MAX_ORDER 11

struct free_area {
	struct list_head free_list; /* first frames of free blocks (PG_buddy) */
	unsigned long nr_free;      /* blocks on the list */
};

/* The free-page levels that drive reclaim (Linux's enum zone_watermarks):
 * below low the allocator wakes kswapd, which reclaims until high; below
 * min an allocation reclaims itself (direct reclaim), and only the
 * reclaimers and atomic callers dip under it (mm/watermark.c). */
enum zone_watermarks {
	WMARK_MIN,
	WMARK_LOW,
	WMARK_HIGH,
	NR_WMARK,
};

struct zone {
	struct free_area free_area[MAX_ORDER];
	unsigned long free_pages;    /* frames on the free lists */
	unsigned long managed_pages; /* frames ever given to the allocator */
	unsigned long _watermark[NR_WMARK]; /* pages; set by setup_per_zone_wmarks */
};

extern struct zone zone;

static inline unsigned long min_wmark_pages(const struct zone *z)
{
	return z->_watermark[WMARK_MIN];
}

static inline unsigned long low_wmark_pages(const struct zone *z)
{
	return z->_watermark[WMARK_LOW];
}

static inline unsigned long high_wmark_pages(const struct zone *z)
{
	return z->_watermark[WMARK_HIGH];
}

void buddy_init(void);
/* Give the frames [start_pfn, end_pfn) to the allocator (boot time). */
void buddy_free_range(unsigned long start_pfn, unsigned long end_pfn);

/* How to allocate (Linux's gfp_t). */
typedef unsigned int gfp_t;
#define __GFP_COMP 0x1u           /* a compound page (mm/page.h) rather than 2^order single frames */
#define __GFP_IO 0x2u             /* reclaim may start disk I/O */
#define __GFP_FS 0x4u             /* reclaim may call into a file system (a_ops->writepage) */
#define __GFP_DIRECT_RECLAIM 0x8u /* the caller may have memory reclaimed for it */
#define __GFP_MEMALLOC 0x10u      /* every free frame, the reserve under min too (self tests) */
#define __GFP_MOVABLE 0x20u       /* a user page, anonymous or a file's (Linux's GFP_HIGHUSER_MOVABLE) */
#define __GFP_ZERO 0x40u          /* to be zeroed: every block is, but the OOM report names it */
/* What is free over the low watermark now, or nothing: no kswapd, no
 * reserve, no reclaim. A huge page on fault asks so (Linux's
 * GFP_TRANSHUGE_LIGHT; the flag's name is the one THP used before 4.4):
 * without compaction, reclaim would rarely free 512 contiguous frames,
 * and 4 KiB pages serve the fault as well. */
#define __GFP_NO_KSWAPD 0x80u
/*
 * Linux's combinations. Reclaim that may not write (no __GFP_IO or no
 * __GFP_FS) only drops clean pages, and never sleeps.
 * GFP_NOFS: called from inside a file system, with its locks held (a
 * metadata block read under ext2's locks): writing a page through the
 * file system would take them again.
 * GFP_NOIO: the kernel's own structures (slabs, page tables), allocated
 * in the middle of changes that a sleep would let other processes see
 * half done - and that were written for an allocator that never sleeps.
 * GFP_NOWAIT: what is free now, or nothing - never reclaims (Linux's,
 * and GFP_ATOMIC's way for interrupt handlers).
 */
#define GFP_NOWAIT 0u
#define GFP_NOIO __GFP_DIRECT_RECLAIM
#define GFP_NOFS (__GFP_DIRECT_RECLAIM | __GFP_IO)
#define GFP_KERNEL (__GFP_DIRECT_RECLAIM | __GFP_IO | __GFP_FS)
#define GFP_HIGHUSER_MOVABLE (GFP_KERNEL | __GFP_MOVABLE)

/* Linux's: above this order the OOM killer would not help (nothing
 * guarantees a kill frees that many contiguous frames). */
#define PAGE_ALLOC_COSTLY_ORDER 3

/* 2^order contiguous frames with refcount 1 (on the head if __GFP_COMP),
 * or NULL when none is free. Under the low watermark the allocator
 * wakes kswapd; under min a caller that may sleep first has memory
 * reclaimed (mm/vmscan.c: try_to_free_pages) and the allocation tried
 * again, and when reclaim cannot help, a GFP_KERNEL caller has the OOM
 * killer (mm/oom_kill.c) free memory by killing a process. */
struct page *alloc_pages(gfp_t gfp_mask, unsigned int order);
/* The smallest order whose block holds size bytes (Linux's get_order). */
static inline unsigned int get_order(size_t size)
{
	unsigned int order = 0;

	while ((PAGE_SIZE << order) < size)
		order++;
	return order;
}
static inline struct page *alloc_page(void)
{
	return alloc_pages(GFP_KERNEL, 0);
}
/* Frames marked PG_hwpoison in the block are never put back on the free
 * lists: they stay out, taken, for good. A page that still carries the
 * state of a use (mapped, anonymous, on an LRU list...) is reported as a
 * "Bad page state" and kept out too. A compound page is freed whole,
 * from its head, with its own order. */
void free_pages(struct page *page, unsigned int order);
void free_page(struct page *page);
/* Reference counting for shared frames; a tail frame counts on its head.
 * The last put_page() (mm/swap.c) takes the page off its LRU list and
 * frees it. */
void get_page(struct page *page);
void put_page(struct page *page);

/*
 * Take one particular free frame out of the allocator for good (hwpoison:
 * a corrupt free frame must never be handed out). The rest of its free
 * block goes back on the free lists. False if the frame is not free.
 */
bool take_page_off_buddy(struct page *page);

/* Poison took this frame off the free lists, or kept it off them when its
 * block was freed: nobody holds it. */
bool PageHWPoisonTakenOff(const struct page *page);
/* Return such a frame to the free lists; false if it is not one. */
bool put_page_back_buddy(struct page *page);

/* The first frame of the free block that holds page, or NULL if the page
 * is not free. */
struct page *buddy_free_block_of(const struct page *page);

unsigned long nr_free_pages(void);

#endif
