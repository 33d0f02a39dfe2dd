/*
 * tmpfs pages on swap (mm/shmem_swap.c), for mm/shmem.c: the entries a
 * file keeps for its swapped-out pages, and moving pages between its
 * cache and the swap cache.
 */
#ifndef MM_SHMEM_SWAP_H
#define MM_SHMEM_SWAP_H

#include "mm/shmem.h"
#include "mm/swapfile.h"

struct page;
struct writeback_control;

/* A new inode's swap state: nothing swapped. */
void shmem_swap_init(struct shmem_inode_info *info);
/* The swap entry the file keeps for index; val 0 if none. */
swp_entry_t shmem_swap_entry(struct inode *inode, unsigned long index);
/* Bytes of indexes start..end-1 on swap (smaps; Linux:
 * shmem_partial_swap_usage). */
unsigned long shmem_partial_swap_usage(struct inode *inode, unsigned long start,
				       unsigned long end);
/* a_ops->writepage: reclaim moves the locked, unmapped page (PG_dirty
 * cleared) to a new slot through the swap cache; without a slot, or
 * asked by anyone but reclaim, it stays dirty in the cache. Unlocks; 0. */
int shmem_writepage(struct page *page, struct writeback_control *wbc);
/* Bring index's page back from entry into the file's cache: 0 and the
 * page locked with a reference in *pagep; -EAGAIN if the index changed
 * meanwhile (look again), -ENOMEM, -EIO if the slot could not be read
 * or memory_failure kept the page poisoned in the swap cache (then, and
 * ever after, the index holds a swap-in error entry). */
int shmem_swapin_page(struct inode *inode, unsigned long index, swp_entry_t entry,
		      struct page **pagep);
/* After truncate_inode_pages_range(lstart, lend) (lend -1: to the end),
 * the range's swapped pages: whole ones lose their slots, partial ones
 * are read back and zeroed (truncation, hole punching). */
void shmem_undo_swap(struct inode *inode, loff_t lstart, loff_t lend);
/* mm/shmem.c: index's page, locked, from the cache, from swap or new. */
int shmem_get_page(struct inode *inode, unsigned long index, struct page **pagep);
/* The inode goes: all its slots, and its index of them. */
void shmem_swap_evict(struct inode *inode);

#endif
