/*
 * The page cache of files that live in memory only, as
 * Linux's ram_aops (fs/libfs.c: simple_write_begin, simple_write_end):
 * every page of such a file is its only copy, so it is never written
 * back and never dropped. A page that was never written reads as zeros.
 * (tmpfs, mm/shmem.c, has its own, which counts its pages; it shares
 * simple_write_end.)
 */
#include "fs/fs.h"
#include "kernel/errno.h"
#include "lib/string.h"
#include "mm/buddy.h"
#include "mm/filemap.h"
#include "mm/pagemap.h"

/* A hole: the page stays as allocated, zeroed. */
int simple_readpage(struct file *file, struct page *page)
{
	(void)file;
	memset(page_address(page), 0, PAGE_SIZE);
	page_set(page, PG_uptodate);
	unlock_page(page);
	return 0;
}

int simple_write_begin(struct file *file, struct address_space *mapping, loff_t pos,
		       unsigned int len, struct page **pagep)
{
	struct page *page = grab_cache_page_write_begin(mapping, (unsigned long)(pos >> PAGE_SHIFT));

	(void)file;
	(void)len;
	if (!page)
		return -ENOMEM;
	*pagep = page; /* a new page is zeroed: what the write leaves is a hole */
	return 0;
}

int simple_write_end(struct file *file, struct address_space *mapping, loff_t pos,
		     unsigned int len, unsigned int copied, struct page *page)
{
	struct inode *inode = mapping->host;

	(void)file;
	(void)len;
	page_set(page, PG_uptodate);
	if (pos + copied > i_size_read(inode))
		i_size_write(inode, pos + copied);
	set_page_dirty(page);
	unlock_page(page);
	put_page(page);
	return (int)copied;
}

const struct address_space_operations simple_aops = {
	.readpage = simple_readpage,
	.write_begin = simple_write_begin,
	.write_end = simple_write_end,
	.set_page_dirty = __set_page_dirty_no_writeback,
};
