/*
 * Dirty pages and their write-back (Linux: mm/page-writeback.c, the
 * write-back half of mm/filemap.c).
 *
 * A page-cache page newer than the disk is PG_dirty and tagged DIRTY in
 * its mapping, and its inode is on its super block's dirty list
 * (fs/fs-writeback.c), so write-back finds the dirty inodes and, in each,
 * the dirty pages without looking at clean ones. Writing a page:
 *
 *   lock_page, clear_page_dirty_for_io  (PG_dirty off; mappings made
 *                                        read-only, so a new write
 *                                        through them dirties it again)
 *   a_ops->writepage: set_page_writeback (WRITEBACK tag), unlock_page,
 *                     submit the I/O
 *   completion (interrupt): end_page_writeback, and on an error
 *                     mapping_set_error
 *
 * fsync waits for the WRITEBACK-tagged pages and then reports the errors
 * recorded in the mapping's errseq_t that this open file has not seen.
 */
#include "fs/file.h"
#include "fs/fs.h"
#include "fs/writeback.h"
#include "kernel/errno.h"
#include "kernel/x86.h"
#include "mm/buddy.h"
#include "mm/filemap.h"
#include "mm/pagemap.h"
#include "mm/rmap.h"
#include "mm/vmstat.h"

/* The vm.dirty_* sysctls (kernel/sysctl.c), Linux's defaults. */
int dirty_background_ratio = 10;
int vm_dirty_ratio = 20;
int dirty_writeback_interval = 5 * 100;
int dirty_expire_interval = 30 * 100;

/* ---- dirty pages ------------------------------------------------- */

static void tag_page(struct page *page, xa_mark_t tag, bool set)
{
	struct address_space *mapping = page->mapping;
	bool was_on = irq_save();

	if (set)
		xa_set_mark(&mapping->i_pages, page->index, tag);
	else
		xa_clear_mark(&mapping->i_pages, page->index, tag);
	irq_restore(was_on);
}

int __set_page_dirty_nobuffers(struct page *page)
{
	struct address_space *mapping = page_mapping(page);

	if (page_test_and_set(page, PG_dirty))
		return 0;
	if (!mapping)
		return 1; /* truncated meanwhile: nobody will write it */
	tag_page(page, PAGECACHE_TAG_DIRTY, true);
	inc_node_page_state(NR_FILE_DIRTY);
	if (mapping->host)
		__mark_inode_dirty(mapping->host, I_DIRTY_PAGES);
	return 1;
}

int __set_page_dirty_no_writeback(struct page *page)
{
	return !page_test_and_set(page, PG_dirty);
}

int set_page_dirty(struct page *page)
{
	struct address_space *mapping = page_mapping(page);

	if (mapping && mapping->a_ops->set_page_dirty)
		return mapping->a_ops->set_page_dirty(page);
	if (mapping)
		return __set_page_dirty_nobuffers(page);
	return !page_test_and_set(page, PG_dirty); /* anonymous: no mapping to tell */
}

/* Whether clearing PG_dirty must also untag and uncount the page. */
static bool accounts_dirty(const struct page *page)
{
	struct address_space *mapping = page_mapping(page);

	return mapping && (!mapping->a_ops->set_page_dirty ||
			   mapping->a_ops->set_page_dirty == __set_page_dirty_nobuffers);
}

void cancel_dirty_page(struct page *page)
{
	if (page_test_and_clear(page, PG_dirty) && accounts_dirty(page)) {
		tag_page(page, PAGECACHE_TAG_DIRTY, false);
		dec_node_page_state(NR_FILE_DIRTY);
	}
}

bool clear_page_dirty_for_io(struct page *page)
{
	/* Writes through a mapping from now on must fault and dirty the
	 * page again; those that already happened are in what we write. */
	page_mkclean(page);
	if (!page_test_and_clear(page, PG_dirty))
		return false;
	if (accounts_dirty(page))
		dec_node_page_state(NR_FILE_DIRTY);
	/* The DIRTY tag goes in set_page_writeback, as in Linux: until then
	 * the page still counts as needing write-back. */
	return true;
}

/* An inode is on its super block's s_inodes_wb while any of its pages is
 * under write-back (Linux: sb_mark_inode_writeback and
 * sb_clear_inode_writeback), so that sync can wait also for the writes
 * somebody else - the flusher, reclaim - started (fs/fs-writeback.c:
 * wait_sb_inodes). Interrupts are off: the end comes from the disk's. */
static void sb_mark_inode_writeback(struct address_space *mapping)
{
	struct inode *inode = mapping->host;

	if (inode && inode->i_sb && list_empty(&inode->i_wb_list))
		list_add_tail(&inode->i_wb_list, &inode->i_sb->s_inodes_wb);
}

static void sb_clear_inode_writeback(struct address_space *mapping)
{
	struct inode *inode = mapping->host;

	if (inode && !xa_marked(&mapping->i_pages, PAGECACHE_TAG_WRITEBACK))
		list_del(&inode->i_wb_list);
}

void set_page_writeback(struct page *page)
{
	struct address_space *mapping = page->mapping;
	bool was_on = irq_save();

	page_set(page, PG_writeback);
	if (mapping) {
		sb_mark_inode_writeback(mapping);
		xa_set_mark(&mapping->i_pages, page->index, PAGECACHE_TAG_WRITEBACK);
		if (!page_test(page, PG_dirty))
			xa_clear_mark(&mapping->i_pages, page->index, PAGECACHE_TAG_DIRTY);
		xa_clear_mark(&mapping->i_pages, page->index, PAGECACHE_TAG_TOWRITE);
	}
	irq_restore(was_on);
	inc_node_page_state(NR_WRITEBACK);
}

void end_page_writeback(struct page *page)
{
	struct address_space *mapping = page->mapping;
	bool was_on = irq_save();

	page_clear(page, PG_writeback);
	if (mapping) {
		xa_clear_mark(&mapping->i_pages, page->index, PAGECACHE_TAG_WRITEBACK);
		sb_clear_inode_writeback(mapping);
	}
	irq_restore(was_on);
	dec_node_page_state(NR_WRITEBACK);
	wake_up_page(page);
}

void wait_on_page_writeback(struct page *page)
{
	wait_on_page_bit(page, PG_writeback);
}

/* ---- errors ------------------------------------------------------ */

void mapping_set_error(struct address_space *mapping, int err)
{
	if (!err)
		return;
	errseq_set(&mapping->wb_err, err);
	if (mapping->host && mapping->host->i_sb)
		errseq_set(&mapping->host->i_sb->s_wb_err, err); /* for syncfs */
	__atomic_fetch_or(&mapping->flags, 1UL << (err == -ENOSPC ? AS_ENOSPC : AS_EIO),
			  __ATOMIC_RELAXED);
}

static bool test_and_clear_flag(struct address_space *mapping, int bit)
{
	return __atomic_fetch_and(&mapping->flags, ~(1UL << bit), __ATOMIC_RELAXED) & (1UL << bit);
}

int filemap_check_errors(struct address_space *mapping)
{
	int err = 0;

	if (test_and_clear_flag(mapping, AS_ENOSPC))
		err = -ENOSPC;
	if (test_and_clear_flag(mapping, AS_EIO))
		err = -EIO;
	return err;
}

int file_check_and_advance_wb_err(struct file *file)
{
	struct address_space *mapping = file->f_mapping;
	int err = 0;

	if (errseq_check(&mapping->wb_err, file->f_wb_err))
		err = errseq_check_and_advance(&mapping->wb_err, &file->f_wb_err);
	/* As Linux: the errseq report replaces the flags, which would
	 * otherwise report the same error to the next caller of the old
	 * interface. */
	test_and_clear_flag(mapping, AS_EIO);
	test_and_clear_flag(mapping, AS_ENOSPC);
	return err;
}

/* ---- writing ----------------------------------------------------- */

/* WB_SYNC_ALL writes the pages dirty now, not those dirtied while it
 * runs (which could go on for ever): it tags them TOWRITE first. */
static void tag_pages_for_writeback(struct address_space *mapping, unsigned long index,
				    unsigned long end)
{
	for (;;) {
		bool was_on = irq_save();
		bool found = xa_find(&mapping->i_pages, &index, end, PAGECACHE_TAG_DIRTY);

		if (found)
			xa_set_mark(&mapping->i_pages, index, PAGECACHE_TAG_TOWRITE);
		irq_restore(was_on);
		if (!found || index == end)
			return;
		index++;
	}
}

static unsigned long byte_to_index(loff_t pos)
{
	return (unsigned long)(pos >> PAGE_SHIFT);
}

/*
 * A poisoned page that stayed in its cache (memory_failure could not
 * drop it: a file system holds the metadata block) is never written:
 * the disk keeps its older, good copy rather than data that may be
 * corrupt. The write is lost, and said so: EIO, as a failed write.
 */
void cancel_poisoned_write(struct page *page)
{
	cancel_dirty_page(page);
	tag_page(page, PAGECACHE_TAG_TOWRITE, false);
	mapping_set_error(page->mapping, -EIO);
}

int write_cache_pages(struct address_space *mapping, struct writeback_control *wbc,
		      writepage_t writepage, void *data)
{
	unsigned long index = byte_to_index(wbc->range_start);
	unsigned long end = byte_to_index(wbc->range_end);
	xa_mark_t tag = PAGECACHE_TAG_DIRTY;
	struct page *page;
	int ret = 0;

	if (wbc->sync_mode == WB_SYNC_ALL) {
		tag_pages_for_writeback(mapping, index, end);
		tag = PAGECACHE_TAG_TOWRITE;
	}
	while ((page = pagecache_next_page(mapping, &index, end, tag))) {
		int err;

		lock_page(page);
		if (page->mapping != mapping || !page_test(page, PG_dirty))
			goto skip; /* truncated, or someone else wrote it */
		if (page_test(page, PG_writeback)) {
			if (wbc->sync_mode == WB_SYNC_NONE)
				goto skip;
			wait_on_page_writeback(page);
		}
		if (page_test(page, PG_hwpoison)) {
			cancel_poisoned_write(page);
			goto skip;
		}
		if (!clear_page_dirty_for_io(page))
			goto skip;
		err = writepage(page, wbc, data); /* unlocks the page */
		put_page(page);
		if (err && wbc->sync_mode == WB_SYNC_NONE)
			return err;
		if (err && !ret)
			ret = err; /* WB_SYNC_ALL goes on: every page must be tried */
		if (--wbc->nr_to_write <= 0 && wbc->sync_mode == WB_SYNC_NONE)
			return ret;
		continue;
skip:
		unlock_page(page);
		put_page(page);
	}
	return ret;
}

/* write_cache_pages' writepage for a_ops->writepage (Linux: __writepage). */
static int writepage_a_ops(struct page *page, struct writeback_control *wbc, void *data)
{
	struct address_space *mapping = data;
	int err = mapping->a_ops->writepage(page, wbc);

	mapping_set_error(mapping, err);
	return err;
}

int do_writepages(struct address_space *mapping, struct writeback_control *wbc)
{
	if (!mapping->a_ops || !mapping->a_ops->writepage)
		return 0; /* memory only: nothing to write to */
	return write_cache_pages(mapping, wbc, writepage_a_ops, mapping);
}

int filemap_fdatawrite_range(struct address_space *mapping, loff_t start, loff_t end)
{
	struct writeback_control wbc = {
		.sync_mode = WB_SYNC_ALL,
		.nr_to_write = INT64_MAX,
		.range_start = start,
		.range_end = end,
	};

	if (!xa_marked(&mapping->i_pages, PAGECACHE_TAG_DIRTY))
		return 0;
	return do_writepages(mapping, &wbc);
}

int filemap_fdatawrite(struct address_space *mapping)
{
	return filemap_fdatawrite_range(mapping, 0, INT64_MAX);
}

static void fdatawait_range(struct address_space *mapping, loff_t start, loff_t end)
{
	unsigned long index = byte_to_index(start);
	struct page *page;

	while ((page = pagecache_next_page(mapping, &index, byte_to_index(end),
					   PAGECACHE_TAG_WRITEBACK))) {
		wait_on_page_writeback(page);
		put_page(page);
	}
}

void filemap_fdatawait_keep_errors(struct address_space *mapping)
{
	fdatawait_range(mapping, 0, INT64_MAX);
}

int filemap_fdatawait_range(struct address_space *mapping, loff_t start, loff_t end)
{
	fdatawait_range(mapping, start, end);
	return filemap_check_errors(mapping);
}

int filemap_write_and_wait_range(struct address_space *mapping, loff_t start, loff_t end)
{
	int err = filemap_fdatawrite_range(mapping, start, end);
	int err2;

	/* -EIO: the device is gone; waiting would find nothing more
	 * (Linux's reasoning too). */
	if (err == -EIO) {
		filemap_check_errors(mapping);
		return err;
	}
	err2 = filemap_fdatawait_range(mapping, start, end);
	return err ? err : err2;
}

int filemap_write_and_wait(struct address_space *mapping)
{
	return filemap_write_and_wait_range(mapping, 0, INT64_MAX);
}

int file_write_and_wait_range(struct file *file, loff_t start, loff_t end)
{
	struct address_space *mapping = file->f_mapping;
	int err = filemap_fdatawrite_range(mapping, start, end);
	int err2;

	if (err != -EIO)
		fdatawait_range(mapping, start, end);
	err2 = file_check_and_advance_wb_err(file);
	return err ? err : err2;
}

/* ---- dirty limits ------------------------------------------------- */

/* Pages that could hold dirty data: free ones and the page cache
 * (Linux: global_dirtyable_memory). */
static unsigned long dirtyable_pages(void)
{
	return nr_free_pages() + global_node_page_state(NR_FILE_PAGES);
}

/* Pages a writer above vm.dirty_ratio writes of its own file before it
 * goes on. */
#define THROTTLE_PAGES 16

void balance_dirty_pages_ratelimited(struct address_space *mapping)
{
	unsigned long dirty = global_node_page_state(NR_FILE_DIRTY) +
			      global_node_page_state(NR_WRITEBACK);
	unsigned long avail = dirtyable_pages();
	struct writeback_control wbc = {
		.sync_mode = WB_SYNC_NONE,
		.nr_to_write = THROTTLE_PAGES,
		.range_start = 0,
		.range_end = INT64_MAX,
	};

	if (dirty * 100 <= avail * (unsigned long)dirty_background_ratio)
		return;
	wakeup_flusher_threads();
	if (dirty * 100 > avail * (unsigned long)vm_dirty_ratio)
		do_writepages(mapping, &wbc);
}
