/*
 * Writing dirty data back to the disks (Linux: include/linux/writeback.h):
 * the flusher thread, the sync calls, and the vm.dirty_* settings.
 */
#ifndef FS_WRITEBACK_H
#define FS_WRITEBACK_H

#include "fs/fs.h"

/* The vm.dirty_* sysctls (mm/page-writeback.c), Linux's defaults. */
extern int dirty_background_ratio;   /* % of memory dirty: the flusher starts */
extern int vm_dirty_ratio;           /* % dirty: writers write themselves */
extern int dirty_writeback_interval; /* centisecs between flusher runs; 0: none */
extern int dirty_expire_interval;    /* centisecs until dirty data is old enough */

/* Start the flusher thread, once: with the first disk's page cache
 * (fs/block_dev.c:bdget) - only disks have anything to write back, as
 * Linux's write-back exists per disk (its backing_dev_info). */
void writeback_init(void);
/* Ask the flusher to write everything old or not, now (sync, memory). */
void wakeup_flusher_threads(void);

/* Start writing every dirty inode of sb (WB_SYNC_NONE): syncfs's first
 * pass. */
void writeback_inodes_sb(struct super_block *sb);
/* Write every dirty inode of sb and wait for all of it (WB_SYNC_ALL). */
void sync_inodes_sb(struct super_block *sb);
/* Write inode's pages and attributes, waiting if sync: 0 or -errno. */
int write_inode_now(struct inode *inode, int sync);
/* Write only the attributes, if dirty (fsync after its data). */
int sync_inode_metadata(struct inode *inode, int wait);

/* Drop every clean, unmapped page-cache page (drop_caches 1): how many
 * (fs/drop_caches.c). */
unsigned long drop_pagecache(void);

/* A writer dirtied a page of mapping: above vm.dirty_ratio it writes
 * some of it itself, above vm.dirty_background_ratio the flusher is
 * woken (Linux: balance_dirty_pages_ratelimited, without its smooth
 * throttling). */
void balance_dirty_pages_ratelimited(struct address_space *mapping);

#endif
