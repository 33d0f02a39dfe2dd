/*
 * ext2 regular files (Linux: fs/ext2/file.c and the address_space
 * operations of fs/ext2/inode.c). Reads and writes go through the page
 * cache; the cache asks ext2_get_block which disk block backs each page.
 */
#include "fs/ext2/ext2.h"

#include "fs/file.h"

static int ext2_readpage(struct file *file, struct page *page)
{
	(void)file;
	return block_read_full_page(page, ext2_get_block);
}

static void ext2_readahead(struct file *file, struct page **pages, unsigned int nr)
{
	(void)file;
	mpage_readahead(pages, nr, ext2_get_block);
}

static int ext2_writepage(struct page *page, struct writeback_control *wbc)
{
	return block_write_full_page(page, ext2_get_block, wbc);
}

static int ext2_write_begin(struct file *file, struct address_space *mapping, int64_t pos,
			    unsigned int len, struct page **pagep)
{
	(void)file;
	return block_write_begin(mapping, pos, len, pagep, ext2_get_block);
}

static uint64_t ext2_bmap(struct address_space *mapping, uint64_t block)
{
	uint64_t pblock = 0;

	return ext2_get_block(mapping->host, block, &pblock, false) ? 0 : pblock;
}

const struct address_space_operations ext2_aops = {
	.readpage = ext2_readpage,
	.readahead = ext2_readahead,
	.writepage = ext2_writepage,
	.write_begin = ext2_write_begin,
	.write_end = generic_write_end,
	.error_remove_page = generic_error_remove_page,
	.bmap = ext2_bmap,
};

/* fsync and fdatasync (Linux: ext2_fsync): the file's pages, its inode
 * and a cache flush as for any block file system; then the metadata its
 * blocks hang on - indirect blocks, bitmaps, directory blocks - which
 * live in the device's cache, and a flush after them. */
int ext2_fsync(struct file *file, loff_t start, loff_t end, int datasync)
{
	struct super_block *sb = file->f_inode->i_sb;
	int err = generic_file_fsync(file, start, end, datasync);

	if (!err)
		err = sync_blockdev(sb->s_bdev);
	if (!err)
		err = blkdev_issue_flush(sb->s_bdev);
	if (err == -EIO)
		ext2_error(sb, __func__, "detected IO error when writing metadata buffers");
	return err;
}

const struct file_operations ext2_file_operations = {
	.read = generic_file_read_iter,
	.write = generic_file_write_iter,
	.llseek = generic_file_llseek,
	.mmap = generic_file_mmap,
	.fsync = ext2_fsync,
};

const struct inode_operations ext2_file_inode_operations = {
	.setattr = ext2_setattr,
};
