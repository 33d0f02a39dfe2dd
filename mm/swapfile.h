/*
 * Swap devices and their slots (Linux: include/linux/swap.h,
 * mm/swapfile.c). A swap device - a disk, or a file on ext2 - is an array
 * of page-sized slots. Slot 0 holds the header mkswap wrote; every other
 * slot can hold one page that reclaim took out of memory.
 *
 * The swap map says, for each slot, how many page-table entries hold the
 * slot's swap entry (the "count": each swapped-out PTE of each process
 * sharing the page after fork is one) and whether the swap cache
 * (mm/swap_state.c) holds a page for it (SWAP_HAS_CACHE). A slot is free
 * when its map byte is 0. docs/reclaim-and-swap.md tells the whole path.
 */
#ifndef MM_SWAPFILE_H
#define MM_SWAPFILE_H

#include "lib/list.h"
#include "lib/types.h"
#include "mm/pgtable.h"

struct block_device;
struct file;
struct seq_file;

/* The swap map's values (Linux's). */
#define SWAP_HAS_CACHE 0x40 /* the swap cache holds a page for this slot */
#define SWAP_MAP_BAD 0x3f   /* never used: the header, a bad page, a failed write */
#define SWAP_MAP_MAX 0x3e   /* the most PTEs one slot may count (Linux chains
			     * continuation pages beyond; here fork fails) */

/* swapon()'s flags (Linux's). */
#define SWAP_FLAG_PREFER 0x8000    /* the priority is in the low bits */
#define SWAP_FLAG_PRIO_MASK 0x7fff
#define SWAP_FLAG_DISCARD 0x10000
#define SWAP_FLAG_DISCARD_ONCE 0x20000
#define SWAP_FLAG_DISCARD_PAGES 0x40000
#define SWAP_FLAGS_VALID (SWAP_FLAG_PRIO_MASK | SWAP_FLAG_PREFER | SWAP_FLAG_DISCARD | \
			  SWAP_FLAG_DISCARD_ONCE | SWAP_FLAG_DISCARD_PAGES)

/* swap_info_struct.flags (Linux's). */
#define SWP_USED 0x1    /* the entry of swap_info[] is taken */
#define SWP_WRITEOK 0x2 /* slots may be handed out (off during swapoff) */

/* A run of slots at consecutive sectors (Linux: struct swap_extent). A
 * disk has one; a file one per run of contiguous blocks. */
struct swap_extent {
	unsigned long start_page; /* the first slot of the run */
	unsigned long nr_pages;
	uint64_t start_sector;    /* where it starts on the disk */
};

struct swap_info_struct {
	unsigned long flags;          /* SWP_*: swapon, swapoff */
	short prio;                   /* higher is used first */
	unsigned int type;            /* its index in swap_info[]: the entry's type */
	struct list_head avail_list;  /* on swap_avail_head while SWP_WRITEOK */
	unsigned char *swap_map;      /* max bytes: count | SWAP_HAS_CACHE, or SWAP_MAP_BAD */
	unsigned int max;             /* slots, the header's included */
	unsigned int pages;           /* usable slots: not the header, not bad */
	unsigned int inuse_pages;     /* slots whose map byte is not 0 (bad ones excluded) */
	unsigned int lowest_bit, highest_bit; /* every free slot lies in between */
	unsigned int cluster_next;    /* where the next search for a free slot starts */
	struct swap_extent *extents;  /* slot -> sector, sorted by start_page */
	unsigned int nr_extents;
	struct block_device *bdev;    /* the disk the slots are on */
	struct file *swap_file;       /* what swapon opened (a disk or a file) */
	char *path;                   /* its name, for /proc/swaps and swapoff */
	unsigned char uuid[16];       /* mkswap's, as read from the header */
	char label[17];
};

extern struct swap_info_struct *swap_info[MAX_SWAPFILES];
extern unsigned int nr_swapfiles; /* entries of swap_info[] ever used */

/* Slots free on devices open for writing (Linux's nr_swap_pages): reclaim
 * may swap anonymous pages out only while this is above 0. */
long get_nr_swap_pages(void);
/* Usable slots on every device (SwapTotal). */
extern long total_swap_pages;

/* More than half the swap is used: a page swapped back in gives its slot
 * up at once rather than keep a copy there (Linux: vm_swap_full). */
static inline bool vm_swap_full(void)
{
	return get_nr_swap_pages() * 2 < total_swap_pages;
}

/* The device of an entry that names a slot in use; NULL (and a log line,
 * as Linux's) for anything else. */
struct swap_info_struct *swp_swap_info(swp_entry_t entry);
/* An entry's type is a swap device's (not migration, not hwpoison). */
static inline bool is_swap_entry_type(swp_entry_t entry)
{
	return swp_type(entry) < MAX_SWAPFILES;
}

/* A free slot from the highest-priority device with one (equal
 * priorities take turns), its map byte SWAP_HAS_CACHE; val 0 if none. */
swp_entry_t get_swap_page(void);
/* One more PTE holds entry: 0, -ENOMEM if the count is at SWAP_MAP_MAX,
 * -EINVAL if the slot is free or bad. */
int swap_duplicate(swp_entry_t entry);
/* A PTE holding entry went away (or became the page again): the slot's
 * map byte left (0: the slot is free). */
unsigned char swap_free(swp_entry_t entry);
/* The swap cache is about to hold a page for entry (Linux:
 * swapcache_prepare): 0, -EEXIST if it holds one already, -ENOENT if no
 * PTE counts the slot any more. */
int swapcache_prepare(swp_entry_t entry);
/* The swap cache let go of entry's page (Linux: put_swap_page). */
void put_swap_page(swp_entry_t entry);
/* The cache let go of a page whose write to entry's slot failed: the slot
 * (which no PTE counts) is never handed out again. */
void swap_mark_bad(swp_entry_t entry);
/* PTEs counting entry (Linux: __swap_count). */
int __swap_count(swp_entry_t entry);
/* The swap cache holds a page for entry, or is about to. */
bool swap_has_cache(swp_entry_t entry);

/* For swapon/swapoff (mm/swapon.c): a free swap_info entry (-EPERM when
 * all MAX_SWAPFILES are taken, as Linux); open a set-up device for
 * allocation at prio (-1: the next default, -2, -3...) / close it. */
struct swap_info_struct *alloc_swap_info(void);
void free_swap_info(struct swap_info_struct *si);
void enable_swap_info(struct swap_info_struct *si, int prio);
void disable_swap_info(struct swap_info_struct *si);
/* Back to the devices in use, after a swapoff that failed. */
void reinsert_swap_info(struct swap_info_struct *si);

/* mm/swapon.c: /proc/swaps; and at boot, swapon for every disk whose
 * first page has mkswap's signature (a teaching-kernel convenience:
 * Linux leaves that to the init system and /etc/fstab). */
int swaps_show(struct seq_file *m);
void swapon_signed_disks(void);

/* The sector slot offset of si starts at (Linux: map_swap_page). */
uint64_t swap_slot_sector(const struct swap_info_struct *si, unsigned long offset);

#endif
