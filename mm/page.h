/*
 * struct page: one per physical page frame, in one array (mem_map) indexed
 * by page frame number (PFN = physical address / 4096). Everything the
 * kernel knows about a frame lives here: what it is used for (flags), who
 * holds it (refcount, mapcount), and list links for whichever list it is on.
 */
#ifndef MM_PAGE_H
#define MM_PAGE_H

#include "lib/list.h"
#include "lib/types.h"
#include "mm/layout.h"

/* Page flag bits, Linux's names. mm/page_flags.c has the printed names. */
enum pageflags {
	PG_reserved,    /* never handed out: firmware, kernel image, holes */
	PG_buddy,       /* free: first frame of a block on a buddy free list */
	PG_slab,        /* holds slab objects (mm/slab.c) */
	PG_head,        /* first frame of a kmalloc() taken whole from the buddy allocator (order in private) */
	PG_lru,         /* on an LRU list (reclaim, later) */
	PG_active,      /* on the active LRU list */
	PG_referenced,  /* recently accessed */
	PG_dirty,       /* contents differ from the backing store */
	PG_uptodate,    /* contents are valid */
	PG_locked,      /* someone is doing I/O or changing its state */
	PG_writeback,   /* being written to disk */
	PG_swapcache,   /* in the swap cache */
	PG_swapbacked,  /* backed by swap (anonymous or shmem) */
	PG_anon,        /* anonymous memory of a process */
	PG_mlocked,     /* locked in memory by mlock() */
	PG_unevictable, /* cannot be reclaimed */
	PG_pgtable,     /* a page table */
	PG_hwpoison,    /* hardware says the contents are corrupt */
	NR_PAGEFLAGS,
};

struct kmem_cache;

struct page {
	unsigned long flags;
	int refcount;       /* users of the page; 0 = free */
	int mapcount;       /* page-table entries mapping it (user pages) */
	struct list_head lru; /* buddy free list, slab list or LRU list */
	void *mapping;      /* user pages: the anon_vma (mm/rmap.h) */
	unsigned long index; /* user pages: the virtual page number */
	/* Buddy order while PG_buddy, allocation order while PG_head. */
	unsigned long private;
	/* Slab pages (PG_slab) only: */
	struct kmem_cache *slab_cache;
	void *freelist;     /* first free object in this slab */
	unsigned int inuse; /* objects handed out from this slab */
};

extern struct page *mem_map;
extern unsigned long max_pfn; /* PFNs 0 .. max_pfn-1 have a struct page */

static inline struct page *pfn_to_page(unsigned long pfn)
{
	return &mem_map[pfn];
}

static inline unsigned long page_to_pfn(const struct page *page)
{
	return (unsigned long)(page - mem_map);
}

static inline bool pfn_valid(unsigned long pfn)
{
	return pfn < max_pfn;
}

static inline void *page_address(const struct page *page)
{
	return __va((phys_addr_t)page_to_pfn(page) << PAGE_SHIFT);
}

static inline struct page *virt_to_page(const void *addr)
{
	return pfn_to_page(__pa(addr) >> PAGE_SHIFT);
}

static inline bool page_test(const struct page *page, enum pageflags bit)
{
	return page->flags & (1UL << bit);
}

static inline void page_set(struct page *page, enum pageflags bit)
{
	page->flags |= 1UL << bit;
}

static inline void page_clear(struct page *page, enum pageflags bit)
{
	page->flags &= ~(1UL << bit);
}

/* Set the bit and say whether it was already set (one step, so that two
 * reports of the same frame cannot both think they were first). */
static inline bool page_test_and_set(struct page *page, enum pageflags bit)
{
	bool was = page_test(page, bit);

	page_set(page, bit);
	return was;
}

/* "buddy,reserved,..." into buf; returns buf. */
char *format_page_flags(char *buf, size_t size, unsigned long flags);

#endif
