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
	PG_head,        /* first frame of a compound page (its tails point here) */
	PG_lru,         /* on an LRU list (mm/swap.c) */
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
	PG_error,       /* the last I/O on this page-cache page failed */
	/* Not Linux's: the emulated memory controller (mce/latent.c) says
	 * this frame's contents are bad, and nobody has noticed yet. */
	PG_latent,
	NR_PAGEFLAGS,
};

struct kmem_cache;

/*
 * A frame leads one of several lives, and each life needs different
 * fields, so (as in Linux) they share five words in a union. Which one is
 * live is told by the flags - PG_buddy, PG_slab, PG_anon or a page-cache
 * mapping - or, for a tail frame, by bit 0 of the first word.
 *
 * A compound page is a block of 2^order frames that the kernel treats as
 * one page (kmalloc_large, kernel stacks, later huge pages): its first
 * frame is the head (PG_head, holds the refcount), the others are tails.
 * A tail's first word is the head's address with bit 0 set. Bit 0 of that
 * word is never set otherwise - in every other life it is lru.next or
 * slab_list.next, a pointer to an aligned list_head - so compound_head()
 * works from any frame without looking at the flags.
 */
struct page {
	unsigned long flags; /* PG_* bits: changed by whoever holds the page */
	union {
		/* Free block (PG_buddy, mm/buddy.c) or user page (anonymous,
		 * later page cache). */
		struct {
			/* PG_buddy: on a free list; PG_lru: on an LRU list (mm/swap.c) */
			struct list_head lru;
			/* PG_anon: the struct anon_vma; otherwise a page-cache page's
			 * struct address_space, or NULL (mm/rmap.h) */
			void *mapping;
			/* page number within mapping: the virtual page number for
			 * anonymous memory, the file page for page cache */
			unsigned long index;
			/* PG_buddy: the free block's order; PG_swapcache: its swap
			 * entry (swp_entry_t.val) */
			unsigned long private;
		};
		/* PG_slab: a slab of mm/slab.c. */
		struct {
			struct list_head slab_list;    /* the cache's partial or full list */
			struct kmem_cache *slab_cache; /* the cache that owns it */
			void *freelist;                /* first free object in it */
			unsigned int inuse;            /* objects handed out from it */
		};
		/* Tail frame of a compound page (set by prep_compound_page). */
		struct {
			unsigned long compound_head;  /* the head's address | 1 */
			unsigned char compound_order; /* first tail only: the page's order */
			/* first tail only: whose compound page it is - 0 the
			 * kernel's, HUGETLB_PAGE_DTOR the hugetlb pool's */
			unsigned char compound_dtor;
			/* first tail only: page-directory entries mapping the
			 * whole compound page (a transparent huge page,
			 * mm/huge_memory.c); its frames' own mapcounts count PTEs */
			int compound_mapcount;
		};
	};
	int refcount; /* references; 0 = free (or a tail: the head counts) */
	int mapcount; /* page-table entries mapping it (user pages) */
};

/* Linux's struct page is 64 bytes; a larger one would cost memory in
 * every frame. */
_Static_assert(sizeof(struct page) <= 64, "struct page grew");

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

/* The frame's physical address: what a device doing DMA is given. */
static inline phys_addr_t page_to_phys(const struct page *page)
{
	return (phys_addr_t)page_to_pfn(page) << PAGE_SHIFT;
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

/* Each change is one instruction: the disk's completion interrupt clears
 * PG_writeback and PG_locked of page-cache pages, and an interrupt comes
 * before or after an instruction, never in its middle, so it cannot undo
 * a change the interrupted code was making to the same word. One CPU
 * needs no lock prefix (which costs a great deal under QEMU's TCG). */
static inline void page_set(struct page *page, enum pageflags bit)
{
	__asm__ volatile("orq %1, %0" : "+m"(page->flags) : "r"(1UL << bit) : "cc");
}

static inline void page_clear(struct page *page, enum pageflags bit)
{
	__asm__ volatile("andq %1, %0" : "+m"(page->flags) : "r"(~(1UL << bit)) : "cc");
}

/* Set the bit and say whether it was already set (one step, so that two
 * reports of the same frame cannot both think they were first). */
static inline bool page_test_and_set(struct page *page, enum pageflags bit)
{
	bool old;

	__asm__ volatile("btsq %2, %0\n\tsetc %1"
			 : "+m"(page->flags), "=q"(old) : "r"((unsigned long)bit) : "cc");
	return old;
}

static inline bool page_test_and_clear(struct page *page, enum pageflags bit)
{
	bool old;

	__asm__ volatile("btrq %2, %0\n\tsetc %1"
			 : "+m"(page->flags), "=q"(old) : "r"((unsigned long)bit) : "cc");
	return old;
}

static inline bool PageTail(const struct page *page)
{
	return page->compound_head & 1;
}

/* The head of the compound page that holds page; page itself if it is
 * not part of one. */
static inline struct page *compound_head(const struct page *page)
{
	if (PageTail(page))
		return (struct page *)(page->compound_head - 1);
	return (struct page *)page;
}

/* 2^order frames in the compound page headed by head; 0 for a single page. */
static inline unsigned int compound_order(const struct page *head)
{
	if (!page_test(head, PG_head))
		return 0;
	return head[1].compound_order;
}

/* Frames in the compound page headed by head (Linux: compound_nr). */
static inline unsigned long compound_nr(const struct page *head)
{
	return 1UL << compound_order(head);
}

/* PMD mappings of the compound page headed by head; 0 for any other page. */
static inline int compound_mapcount(const struct page *head)
{
	return page_test(head, PG_head) ? head[1].compound_mapcount : 0;
}

/* Page-table entries mapping this frame: its own PTEs and the PMDs that
 * map its whole compound page (Linux: page_mapcount). */
static inline int page_mapcount(const struct page *page)
{
	return page->mapcount + compound_mapcount(compound_head(page));
}

/* "buddy,reserved,..." into buf; returns buf. */
char *format_page_flags(char *buf, size_t size, unsigned long flags);

#endif
