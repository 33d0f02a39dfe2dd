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
struct iov_iter;
struct page;
struct vm_area_struct;

typedef int64_t loff_t; /* also in fs/fs.h */

/* How a write-back pass goes (Linux: struct writeback_control). */
enum writeback_sync_modes {
	WB_SYNC_NONE, /* do what is easy: skip pages that are locked or busy */
	WB_SYNC_ALL,  /* fsync, sync: write and wait for every dirty page */
};

struct writeback_control {
	long nr_to_write;              /* pages left to write in this pass */
	int64_t range_start, range_end; /* bytes, inclusive */
	enum writeback_sync_modes sync_mode;
	bool for_reclaim;              /* asked by reclaim (mm/vmscan.c: pageout) */
};

/* What the file system does for the page cache. Return 0 or -errno. */
struct address_space_operations {
	/* Start reading a locked, not uptodate page in; unlock it when done
	 * (SetPageUptodate first if it worked, SetPageError if not). */
	int (*readpage)(struct file *file, struct page *page);
	/* Start reading nr new, locked pages at consecutive indices, each
	 * as readpage would (Linux's readahead takes a readahead_control
	 * instead of the array). May be NULL: readpage for each. */
	void (*readahead)(struct file *file, struct page **pages, unsigned int nr);
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
	/* The disk block behind file block `block`, 0 for a hole (Linux:
	 * bmap): swapon maps a swap file once with it. May be NULL. */
	uint64_t (*bmap)(struct address_space *mapping, uint64_t block);
	/* Dirty a page (write(), a write fault): NULL is
	 * __set_page_dirty_nobuffers, which tags it for write-back. Memory
	 * file systems, which never write, use __set_page_dirty_no_writeback.
	 * Returns whether the page was clean before. */
	int (*set_page_dirty)(struct page *page);
};

/* flags bits */
#define AS_EIO 0        /* a write-back failed (for the old fsync check) */
#define AS_ENOSPC 1     /* a write-back found no space */
#define AS_UNEVICTABLE 2 /* ramfs/tmpfs without swap: reclaim leaves it */

struct address_space {
	struct inode *host;          /* the owner */
	struct xarray i_pages;       /* index -> struct page; DIRTY/WRITEBACK marks */
	unsigned long nrpages;       /* pages in i_pages (a huge page counts 512) */
	unsigned long nr_thps;       /* huge pages among them (mm/khugepaged.c) */
	const struct address_space_operations *a_ops;
	unsigned long flags;         /* AS_* */
	errseq_t wb_err;             /* the last write-back error (lib/errseq.h) */
	struct list_head i_mmap;     /* areas mapping it, through vm_area_struct.shared */
};

#define PAGECACHE_TAG_DIRTY XA_MARK_0
#define PAGECACHE_TAG_WRITEBACK XA_MARK_1
#define PAGECACHE_TAG_TOWRITE XA_MARK_2 /* a WB_SYNC_ALL pass's list (write_cache_pages) */

/*
 * The index (i_pages) and the tags change in process context with
 * interrupts off, because the disk's completion interrupt clears the
 * WRITEBACK tag (end_page_writeback). The page cache holds one reference
 * to each of its pages; every lookup below returns one more, for the
 * caller to put_page().
 */

/* An empty mapping (inode initialisation: fs/inode.c). */
void address_space_init_once(struct address_space *mapping);

/* pagecache_get_page's fgp_flags (Linux's FGP_*). */
#define FGP_ACCESSED 1u /* note the use for the LRU (PG_referenced) */
#define FGP_LOCK 2u     /* return it locked (and still in this mapping) */
#define FGP_CREAT 4u    /* none there: add a new zeroed, not uptodate page */

/* The page at index with a reference, or NULL (none there, or FGP_CREAT
 * without memory). */
struct page *pagecache_get_page(struct address_space *mapping, unsigned long index,
				unsigned int fgp_flags);

static inline struct page *find_get_page(struct address_space *mapping, unsigned long index)
{
	return pagecache_get_page(mapping, index, 0);
}

static inline struct page *find_lock_page(struct address_space *mapping, unsigned long index)
{
	return pagecache_get_page(mapping, index, FGP_LOCK);
}

static inline struct page *find_or_create_page(struct address_space *mapping,
					       unsigned long index)
{
	return pagecache_get_page(mapping, index, FGP_LOCK | FGP_ACCESSED | FGP_CREAT);
}

/* The page a write is about to fill, locked (Linux 6.1:
 * grab_cache_page_write_begin). Not marked accessed: a page written once
 * is no more worth keeping than one read once, and reclaim should write
 * it back and drop it rather than give it a second round. */
static inline struct page *grab_cache_page_write_begin(struct address_space *mapping,
						       unsigned long index)
{
	return pagecache_get_page(mapping, index, FGP_LOCK | FGP_CREAT);
}

/* The first page from *index to end that passes filter (XA_PRESENT, or
 * a PAGECACHE_TAG_*), with a reference; *index moves past it. Walks a
 * range of the cache without a list of its pages. */
struct page *pagecache_next_page(struct address_space *mapping, unsigned long *index,
				 unsigned long end, unsigned int filter);

/* Put a new page into the cache at index and on the file LRU, locked,
 * the cache holding its own reference: 0, -EEXIST (another page is
 * there) or -ENOMEM. */
int add_to_page_cache_lru(struct page *page, struct address_space *mapping, unsigned long index);
/* Put new, a copy of the locked page old, in old's place in its cache,
 * with old's state (uptodate, dirty, ...); old leaves the cache and its
 * LRU list (soft offline). The caller holds both and moved the mappings. */
void replace_page_cache_page(struct page *old, struct page *new);
/* Take a locked page out of its mapping (the caller still holds its
 * own reference and the lock). A frame of a file's huge page takes the
 * whole huge page out: its data is on the disk (it is never dirty). */
void delete_from_page_cache(struct page *page);

/* The page at index, read in through a_ops->readpage if it is not
 * uptodate, with a reference and not locked; ERR_PTR(-EIO) if the read
 * failed, ERR_PTR(-ENOMEM). */
struct page *read_mapping_page(struct address_space *mapping, unsigned long index,
			       struct file *file);

/* PG_referenced: used again, worth keeping (Linux: mark_page_accessed). */
void mark_page_accessed(struct page *page);

/* ---- the file operations' helpers (mm/filemap.c) ------------------- */

/* Pages read ahead after a miss: 128 KiB, Linux's default. Pages on
 * consecutive blocks go to the disk as one request (a_ops->readahead),
 * and under TCG a request costs far more than its bytes. BLKRAGET
 * reports it. */
#define READAHEAD_PAGES 32

/* read() through the page cache, up to i_size, with readahead. */
long generic_file_read_iter(struct file *file, struct iov_iter *to, loff_t *pos);
/* Copy from i to the file at pos through write_begin/write_end: the
 * bytes written (fewer on a fault or error), or -errno if none were. */
long generic_perform_write(struct file *file, struct iov_iter *i, loff_t pos);
/* write(): inode_lock, O_APPEND, the size limit, generic_perform_write,
 * advancing *pos. */
long generic_file_write_iter(struct file *file, struct iov_iter *from, loff_t *pos);
/* mmap(): the area's faults come from the page cache (filemap_fault). */
int generic_file_mmap(struct file *file, struct vm_area_struct *vma);
extern const struct vm_operations_struct generic_file_vm_ops;
/* page_mkwrite for file areas: dirty the page (0), or -EIO if it was
 * truncated meanwhile. */
int filemap_page_mkwrite(struct vm_area_struct *vma, struct page *page);

/* ---- dirty pages and write-back (mm/page-writeback.c) -------------- */

/* Dirty a page through its mapping's a_ops (tagging it, and marking its
 * inode I_DIRTY_PAGES): whether it was clean before. */
int set_page_dirty(struct page *page);
int __set_page_dirty_nobuffers(struct page *page);
/* set_page_dirty for memory file systems: PG_dirty only, never written. */
int __set_page_dirty_no_writeback(struct page *page);
/* The page leaves the cache dirty (truncate): its data is dropped. */
void cancel_dirty_page(struct page *page);
/* Before writing a locked page: write-protect its mappings and clear
 * PG_dirty; whether it was dirty (and so needs writing). */
bool clear_page_dirty_for_io(struct page *page);
/* Around the write of a page: the WRITEBACK tag and PG_writeback.
 * end_page_writeback may be called from the completion interrupt. */
void set_page_writeback(struct page *page);
void end_page_writeback(struct page *page);
void wait_on_page_writeback(struct page *page);

/* A write-back of the mapping failed with err: record it for fsync
 * (errseq) and for the old flags check. */
void mapping_set_error(struct address_space *mapping, int err);
/* -EIO or -ENOSPC from the AS_ flags (clearing them), or 0. */
int filemap_check_errors(struct address_space *mapping);
/* The write-back error this open file has not yet been told of (once). */
int file_check_and_advance_wb_err(struct file *file);

/* A locked dirty page is poisoned: it is not written; its data is lost
 * (EIO for fsync). */
void cancel_poisoned_write(struct page *page);
/* Write one page for write_cache_pages; it unlocks the page. */
typedef int (*writepage_t)(struct page *page, struct writeback_control *wbc, void *data);
/* Write the mapping's dirty pages in wbc's range with writepage: 0 or
 * the first error. */
int write_cache_pages(struct address_space *mapping, struct writeback_control *wbc,
		      writepage_t writepage, void *data);
/* Write dirty pages through a_ops->writepage (nothing without one). */
int do_writepages(struct address_space *mapping, struct writeback_control *wbc);
/* Start writing (WB_SYNC_ALL) the dirty pages of bytes start..end. */
int filemap_fdatawrite_range(struct address_space *mapping, loff_t start, loff_t end);
int filemap_fdatawrite(struct address_space *mapping);
/* Wait for the pages of bytes start..end under write-back; then
 * filemap_check_errors. */
int filemap_fdatawait_range(struct address_space *mapping, loff_t start, loff_t end);
/* Wait for every page under write-back, leaving the errors for fsync
 * (sync, syncfs). */
void filemap_fdatawait_keep_errors(struct address_space *mapping);
int filemap_write_and_wait_range(struct address_space *mapping, loff_t start, loff_t end);
int filemap_write_and_wait(struct address_space *mapping);
/* What fsync does for data: write and wait for bytes start..end, then
 * the write-back error this file has not seen (errseq). */
int file_write_and_wait_range(struct file *file, loff_t start, loff_t end);

/* ---- taking pages out (mm/truncate.c) ------------------------------ */

/* Remove the pages of bytes lstart..lend (lend -1: to the end) and zero
 * the part of a partial page in the range; mapped ones are unmapped,
 * dirty ones dropped. Waits for pages under write-back. */
void truncate_inode_pages_range(struct address_space *mapping, loff_t lstart, loff_t lend);
void truncate_inode_pages(struct address_space *mapping, loff_t lstart);
/* Take every mapping of a page-cache page away, whatever was written
 * through it (Linux: unmap_mapping_page); a huge page's PMDs too. */
void unmap_mapping_page(struct page *page);
/* The inode is being evicted: every page goes. */
void truncate_inode_pages_final(struct address_space *mapping);
/* The file is now newsize long: drop the cache beyond it. */
void truncate_pagecache(struct inode *inode, loff_t newsize);
/* i_size = newsize, then truncate_pagecache (a file system's setattr). */
void truncate_setsize(struct inode *inode, loff_t newsize);
/* Drop the clean, unmapped, unlocked pages of indices start..end
 * (drop_caches): how many went. */
unsigned long invalidate_mapping_pages(struct address_space *mapping, unsigned long start,
				       unsigned long end);
/* Drop one locked page the caller holds if it is clean, not under
 * write-back, unmapped and used by nobody else (Linux's, for
 * drop_caches and memory_failure): 1 if it left its mapping, else 0. */
int invalidate_inode_page(struct page *page);
/* memory_failure: take a poisoned page out of a regular file's cache
 * (unmapping it): 0, -EIO (not a regular file's, or truncated meanwhile)
 * or -EINVAL (no mapping). */
int generic_error_remove_page(struct address_space *mapping, struct page *page);

/* ---- memory file systems (fs/simple_aops.c) ------------------------ */

/* Page cache only, never written back: ramfs-like file systems (tmpfs,
 * mm/shmem.c, shares simple_write_end). */
extern const struct address_space_operations simple_aops;
int simple_readpage(struct file *file, struct page *page);
int simple_write_begin(struct file *file, struct address_space *mapping, loff_t pos,
		       unsigned int len, struct page **pagep);
int simple_write_end(struct file *file, struct address_space *mapping, loff_t pos,
		     unsigned int len, unsigned int copied, struct page *page);

#endif
