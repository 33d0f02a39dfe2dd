/*
 * Blocks of a block file system through the page cache (Linux:
 * fs/buffer.c, fs/mpage.c), for 4 KiB blocks: one block, one page (see
 * fs/buffer_head.h). Metadata lives in the block device's cache
 * (sb_bread); a file's data in the file's own, mapped to disk blocks
 * by the file system's get_block.
 */
#include "block/blkdev.h"
#include "fs/buffer_head.h"
#include "fs/file.h"
#include "fs/writeback.h"
#include "kernel/errno.h"
#include "lib/err.h"
#include "lib/string.h"
#include "mm/buddy.h"
#include "mm/filemap.h"
#include "mm/pagemap.h"

/* ---- metadata ----------------------------------------------------- */

struct page *sb_bread(struct super_block *sb, uint64_t block)
{
	struct inode *bd_inode = bdget(sb->s_bdev);
	struct page *page;

	if (!bd_inode || sb->s_blocksize != PAGE_SIZE)
		return NULL;
	page = read_mapping_page(bd_inode->i_mapping, (unsigned long)block, NULL);
	return IS_ERR(page) ? NULL : page;
}

void mark_buffer_dirty(struct page *page)
{
	set_page_dirty(page);
}

void brelse(struct page *page)
{
	if (page)
		put_page(page);
}

int sync_dirty_buffer(struct page *page)
{
	struct address_space *mapping = page->mapping;
	struct writeback_control wbc = { .sync_mode = WB_SYNC_ALL, .nr_to_write = 1 };

	lock_page(page);
	wait_on_page_writeback(page);
	if (page_test(page, PG_hwpoison) && page_test(page, PG_dirty)) {
		cancel_poisoned_write(page);
		unlock_page(page);
		return -EIO;
	}
	if (!clear_page_dirty_for_io(page)) {
		unlock_page(page);
		return 0;
	}
	mapping->a_ops->writepage(page, &wbc); /* unlocks */
	wait_on_page_writeback(page);
	return page_test(page, PG_error) ? -EIO : 0;
}

/* ---- data blocks -------------------------------------------------- */

static struct block_device *bdev_of(const struct inode *inode)
{
	return inode->i_sb->s_bdev;
}

/* Pages wholly past the end of the file. */
static bool beyond_eof(const struct inode *inode, unsigned long index)
{
	return (loff_t)index >= (i_size_read(inode) + (loff_t)PAGE_SIZE - 1) >> PAGE_SHIFT;
}

/* A page of zeros, uptodate: a hole, or past the end. */
static int zero_page_uptodate(struct page *page)
{
	memset(page_address(page), 0, PAGE_SIZE);
	page_set(page, PG_uptodate);
	unlock_page(page);
	return 0;
}

int block_read_full_page(struct page *page, get_block_t *get_block)
{
	struct address_space *mapping = page->mapping;
	struct inode *inode = mapping->host;
	uint64_t pblock;
	int err;

	if (beyond_eof(inode, page->index))
		return zero_page_uptodate(page);
	err = get_block(inode, page->index, &pblock, false);
	if (err) {
		page_set(page, PG_error);
		unlock_page(page);
		return err;
	}
	if (!pblock)
		return zero_page_uptodate(page);
	submit_page_read(bdev_of(inode), pblock, page);
	return 0;
}

void mpage_readahead(struct page **pages, unsigned int nr, get_block_t *get_block)
{
	struct address_space *mapping = pages[0]->mapping;
	struct inode *inode = mapping->host;
	uint64_t first = 0;   /* the disk block of the run's first page */
	unsigned int run = 0; /* pages[i - run .. i) are on first, first + 1, ... */

	for (unsigned int i = 0; i < nr; i++) {
		struct page *page = pages[i];
		uint64_t pblock = 0;
		int err = beyond_eof(inode, page->index) ? 0 :
			  get_block(inode, page->index, &pblock, false);
		bool extends = !err && pblock && pblock == first + run && run < BIO_MAX_VECS;

		if (run && !extends) {
			submit_pages_read(bdev_of(inode), first, pages + i - run, run);
			run = 0;
		}
		if (err) {
			page_set(page, PG_error);
			unlock_page(page);
		} else if (!pblock) {
			zero_page_uptodate(page);
		} else {
			if (!run)
				first = pblock;
			run++;
		}
	}
	if (run)
		submit_pages_read(bdev_of(inode), first, pages + nr - run, run);
}

int block_write_full_page(struct page *page, get_block_t *get_block,
			  struct writeback_control *wbc)
{
	struct address_space *mapping = page->mapping;
	struct inode *inode = mapping->host;
	loff_t isize = i_size_read(inode);
	uint64_t pblock;
	int err;

	(void)wbc;
	if (beyond_eof(inode, page->index)) { /* truncated while dirty: nothing to write */
		unlock_page(page);
		return 0;
	}
	/* The tail past i_size may hold what a mapping wrote there: it must
	 * reach the disk as zeros (and reads back as zeros). */
	if ((loff_t)page->index == isize >> PAGE_SHIFT)
		memset((char *)page_address(page) + (isize & (PAGE_SIZE - 1)), 0,
		       PAGE_SIZE - (size_t)(isize & (PAGE_SIZE - 1)));
	err = get_block(inode, page->index, &pblock, true); /* a hole written through mmap */
	if (!err && !pblock)
		err = -EIO;
	if (err) {
		page_set(page, PG_error);
		unlock_page(page);
		return err; /* do_writepages records it (mapping_set_error) */
	}
	set_page_writeback(page);
	unlock_page(page);
	submit_page_write(bdev_of(inode), pblock, page);
	return 0;
}

/* Read block pblock into the locked page and wait, keeping the lock. */
static int read_block_sync(struct block_device *bdev, uint64_t pblock, struct page *page)
{
	struct bio bio;

	bio_init(&bio, bdev, pblock * (PAGE_SIZE >> SECTOR_SHIFT), REQ_OP_READ);
	bio_add_page(&bio, page, PAGE_SIZE, 0);
	if (submit_bio_wait(&bio))
		return -EIO;
	page_set(page, PG_uptodate);
	return 0;
}

/* Make a locked page that is not uptodate ready for a write of len bytes
 * at offset: read what the write leaves, or zeros for a hole. */
static int prepare_partial_page(struct inode *inode, struct page *page, unsigned int offset,
				unsigned int len, get_block_t *get_block)
{
	uint64_t pblock = 0;
	int err;

	if (offset == 0 && len == PAGE_SIZE) {
		memset(page_address(page), 0, PAGE_SIZE); /* a short copy leaves zeros */
		return 0;
	}
	if (!beyond_eof(inode, page->index)) {
		err = get_block(inode, page->index, &pblock, false);
		if (err)
			return err;
	}
	if (pblock)
		return read_block_sync(bdev_of(inode), pblock, page);
	memset(page_address(page), 0, PAGE_SIZE);
	return 0;
}

int block_write_begin(struct address_space *mapping, loff_t pos, unsigned int len,
		      struct page **pagep, get_block_t *get_block)
{
	unsigned long index = (unsigned long)(pos >> PAGE_SHIFT);
	struct inode *inode = mapping->host;
	struct page *page = grab_cache_page_write_begin(mapping, index);
	uint64_t pblock;
	int err = 0;

	if (!page)
		return -ENOMEM;
	if (!page_test(page, PG_uptodate))
		err = prepare_partial_page(inode, page, (unsigned int)(pos & (PAGE_SIZE - 1)), len,
					   get_block);
	if (!err)
		err = get_block(inode, index, &pblock, true);
	if (err) {
		unlock_page(page);
		put_page(page);
		return err;
	}
	*pagep = page;
	return 0;
}

int block_truncate_page(struct address_space *mapping, loff_t from, get_block_t *get_block)
{
	unsigned int offset = (unsigned int)(from & (PAGE_SIZE - 1));
	unsigned long index = (unsigned long)(from >> PAGE_SHIFT);
	struct inode *inode = mapping->host;
	struct page *page;
	uint64_t pblock;
	int err;

	if (!offset)
		return 0;
	err = get_block(inode, index, &pblock, false);
	if (err || !pblock)
		return err; /* a hole holds nothing to zero */
	page = find_or_create_page(mapping, index);
	if (!page)
		return -ENOMEM;
	if (!page_test(page, PG_uptodate))
		err = read_block_sync(bdev_of(inode), pblock, page);
	if (!err) {
		memset((char *)page_address(page) + offset, 0, PAGE_SIZE - offset);
		set_page_dirty(page);
	}
	unlock_page(page);
	put_page(page);
	return err;
}

int generic_write_end(struct file *file, struct address_space *mapping, loff_t pos,
		      unsigned int len, unsigned int copied, struct page *page)
{
	struct inode *inode = mapping->host;
	loff_t old_size = i_size_read(inode);

	copied = (unsigned int)simple_write_end(file, mapping, pos, len, copied, page);
	if (i_size_read(inode) != old_size)
		mark_inode_dirty(inode); /* the new size must reach the disk */
	return (int)copied;
}

int generic_file_fsync(struct file *file, loff_t start, loff_t end, int datasync)
{
	struct inode *inode = file->f_mapping->host;
	int err = file_write_and_wait_range(file, start, end);
	int ret = 0;

	if (err)
		return err;
	inode_lock(inode);
	if ((inode->i_state & I_DIRTY_INODE) &&
	    !(datasync && !(inode->i_state & I_DIRTY_DATASYNC)))
		ret = sync_inode_metadata(inode, 1);
	inode_unlock(inode);
	/* Again: the inode's write may have failed a data page meanwhile. */
	err = file_check_and_advance_wb_err(file);
	if (!ret)
		ret = err;
	if (!ret)
		ret = blkdev_issue_flush(inode->i_sb->s_bdev);
	return ret;
}
