/*
 * What ext2 needs from the VFS, the buffer cache and the page cache that
 * main does not declare yet, with Linux 6.1's names (fs/buffer.c,
 * fs/block_dev.c, mm/filemap.c, mm/truncate.c, fs/fs-writeback.c). The
 * declarations go when their owners' headers carry them.
 */
#ifndef FS_EXT2_VFS_GLUE_H
#define FS_EXT2_VFS_GLUE_H

#include "fs/fs.h"
#include "kernel/errno.h"
#include "lib/types.h"

struct block_device;
struct iov_iter;
struct page;

#ifndef ESTALE
#define ESTALE 116 /* not in kernel/errno.h yet */
#endif
#define EFSCORRUPTED EUCLEAN /* Linux's name for "the disk says nonsense" */

/* The buffer cache (fs/buffer.c): a block of the file system's device as
 * a page of the device's page cache (4 KiB blocks: one block, one page). */
struct page *sb_bread(struct super_block *sb, uint64_t block); /* NULL: I/O error */
void mark_buffer_dirty(struct page *page);
void brelse(struct page *page);
int sync_dirty_buffer(struct page *page);
/* Forget cached device blocks that were freed, so that a stale dirty one
 * is never written over the block's next owner. */
void clean_bdev_aliases(struct block_device *bdev, uint64_t block, uint64_t len);
/* Write every dirty block of the device and wait. */
int sync_blockdev(struct block_device *bdev);
int64_t bdev_nr_bytes(struct block_device *bdev);

/* File data through the page cache (fs/buffer.c, mm/filemap.c). */
typedef int(get_block_t)(struct inode *inode, uint64_t iblock, uint64_t *pblock, bool create);
int block_read_full_page(struct page *page, get_block_t *get_block);
int block_write_full_page(struct page *page, get_block_t *get_block,
			  struct writeback_control *wbc);
int block_write_begin(struct address_space *mapping, loff_t pos, unsigned int len,
		      struct page **pagep, get_block_t *get_block);
int generic_write_end(struct file *file, struct address_space *mapping, loff_t pos,
		      unsigned int len, unsigned int copied, struct page *page);
/* Zero the rest of the block holding byte from, on the disk (truncate). */
int block_truncate_page(struct address_space *mapping, loff_t from, get_block_t *get_block);
long generic_file_read_iter(struct file *f, struct iov_iter *to, loff_t *pos);
long generic_file_write_iter(struct file *f, struct iov_iter *from, loff_t *pos);
int generic_file_mmap(struct file *f, struct vm_area_struct *vma);
int generic_error_remove_page(struct address_space *mapping, struct page *page);
/* For block file systems: data pages, then the inode, then a cache flush
 * (fs/buffer.c). */
int generic_file_fsync(struct file *file, loff_t start, loff_t end, int datasync);
int blkdev_issue_flush(struct block_device *bdev);
void truncate_setsize(struct inode *inode, loff_t newsize);
void truncate_inode_pages_final(struct address_space *mapping);

#endif
