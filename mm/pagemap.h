/*
 * A file's pages in memory: struct address_space, the page cache (Linux:
 * include/linux/fs.h, include/linux/pagemap.h).
 *
 * Every inode has one (inode->i_data); a block device's holds the file
 * system's metadata blocks (the buffer cache). Its pages are indexed by
 * their page number in the file (page->index) in i_pages, which also
 * tags the dirty and the under-write-back ones so write-back finds them
 * without looking at the clean. The areas that map the file are on
 * i_mmap, for the reverse map (mm/rmap.h).
 *
 * Page states (mm/page.h): PG_locked while it is read in or changed,
 * PG_uptodate once its contents are valid, PG_dirty when newer than the
 * disk, PG_writeback while it is being written.
 */
#ifndef MM_PAGEMAP_H
#define MM_PAGEMAP_H

#include "lib/errseq.h"
#include "lib/list.h"
#include "lib/types.h"
#include "lib/xarray.h"

struct address_space;
struct file;
struct inode;
struct page;

/* How a write-back pass goes (Linux: struct writeback_control). */
enum writeback_sync_modes {
	WB_SYNC_NONE, /* do what is easy: skip pages that are locked or busy */
	WB_SYNC_ALL,  /* fsync, sync: write and wait for every dirty page */
};

struct writeback_control {
	long nr_to_write;              /* pages left to write in this pass */
	int64_t range_start, range_end; /* bytes, inclusive */
	enum writeback_sync_modes sync_mode;
	bool for_reclaim;              /* asked by reclaim (a later issue) */
};

/* What the file system does for the page cache. Return 0 or -errno. */
struct address_space_operations {
	/* Start reading a locked, not uptodate page in; unlock it when done
	 * (SetPageUptodate first if it worked, SetPageError if not). */
	int (*readpage)(struct file *file, struct page *page);
	/* Write a locked dirty page out (clear_page_dirty_for_io was done):
	 * set_page_writeback, unlock, and end_page_writeback when the disk
	 * is done. An error goes to mapping_set_error. */
	int (*writepage)(struct page *page, struct writeback_control *wbc);
	/* Before write() copies len bytes at pos into the page cache: get
	 * the page locked (read in if the write does not cover it), blocks
	 * allocated, and return it in *pagep. */
	int (*write_begin)(struct file *file, struct address_space *mapping, int64_t pos,
			   unsigned int len, struct page **pagep);
	/* After the copy of copied bytes: dirty the page, grow i_size,
	 * unlock and release the page. Returns copied (or less). */
	int (*write_end)(struct file *file, struct address_space *mapping, int64_t pos,
			 unsigned int len, unsigned int copied, struct page *page);
	/* memory_failure: take a poisoned page out of the cache
	 * (generic_error_remove_page). NULL: the page stays. */
	int (*error_remove_page)(struct address_space *mapping, struct page *page);
	/* The page leaves the cache while dirty data is lost: forget what
	 * the file system knew about it. May be NULL. */
	void (*invalidatepage)(struct page *page, unsigned int offset, unsigned int length);
};

/* flags bits */
#define AS_EIO 0        /* a write-back failed (for the old fsync check) */
#define AS_ENOSPC 1     /* a write-back found no space */
#define AS_UNEVICTABLE 2 /* ramfs/tmpfs without swap: reclaim leaves it */

struct address_space {
	struct inode *host;          /* the owner */
	struct xarray i_pages;       /* index -> struct page; DIRTY/WRITEBACK marks */
	unsigned long nrpages;       /* pages in i_pages */
	const struct address_space_operations *a_ops;
	unsigned long flags;         /* AS_* */
	errseq_t wb_err;             /* the last write-back error (lib/errseq.h) */
	struct list_head i_mmap;     /* areas mapping it, through vm_area_struct.shared */
};

#define PAGECACHE_TAG_DIRTY XA_MARK_0
#define PAGECACHE_TAG_WRITEBACK XA_MARK_1
#define PAGECACHE_TAG_TOWRITE XA_MARK_2

#endif
