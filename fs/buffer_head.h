/*
 * Block devices' page cache and the block helpers of file systems
 * (Linux: include/linux/buffer_head.h, fs/buffer.c, fs/block_dev.c).
 *
 * Antidote's file systems use 4 KiB blocks, one page each, so there are
 * no buffer_heads: a metadata block *is* a page of the block device's
 * page cache (the "buffer cache"), at index = block number, and a file's
 * data block is the page-cache page of the file at index = its block in
 * the file. Where Linux hands out a buffer_head, these functions hand
 * out that page.
 */
#ifndef FS_BUFFER_HEAD_H
#define FS_BUFFER_HEAD_H

#include "fs/fs.h"

struct block_device;
struct page;

/* ---- the block device's inode (fs/block_dev.c) --------------------- */

/* The inode whose page cache holds bdev's blocks (bdev->bd_inode), made
 * on first use; it lives as long as the device. NULL when memory is
 * short. */
struct inode *bdget(struct block_device *bdev);
/* Write the device's dirty pages and wait: 0 or -EIO. */
int sync_blockdev(struct block_device *bdev);
/* Blocks block..block+len-1 were freed: drop them from the device's
 * cache, dirty or not, so that a stale copy is never written over what
 * the blocks hold next, nor read back as metadata (Linux only cleans
 * them). */
void clean_bdev_aliases(struct block_device *bdev, uint64_t block, uint64_t len);
/* Pages in the block devices' caches (meminfo's Buffers). */
unsigned long nr_blockdev_pages(void);

/* Open bdev for a mount or a device file (Linux: blkdev_get_by_dev):
 * 0, -ENOMEM, or -EBUSY if holder (non-NULL: the open is exclusive) is
 * not the one that has it exclusively already. blkdev_put with the same
 * holder undoes it; the last put writes the device's dirty pages and
 * empties its cache. */
int blkdev_get(struct block_device *bdev, void *holder);
void blkdev_put(struct block_device *bdev, void *holder);
/* What opening a block device inode (S_IFBLK) gives the file. */
extern const struct file_operations def_blk_fops;
/* Its ioctls (block/ioctl.c): BLKGETSIZE64 ... */
long blkdev_ioctl(struct file *f, unsigned int cmd, unsigned long arg);

/* Page I/O for a_ops, 8 sectors a page, asynchronous: a read unlocks the
 * page when done (uptodate, or PG_error); a write needs
 * set_page_writeback and ends it (PG_error and mapping_set_error on a
 * failure). Process context. */
void submit_page_read(struct block_device *bdev, uint64_t block, struct page *page);
void submit_page_write(struct block_device *bdev, uint64_t block, struct page *page);
/* The same read for nr (at most BIO_MAX_VECS) pages at consecutive
 * blocks from block on, in one bio: one request to the disk. */
void submit_pages_read(struct block_device *bdev, uint64_t block, struct page **pages,
		       unsigned int nr);

/* ---- metadata blocks (fs/buffer.c) --------------------------------- */

/* Block `block` of sb's device, read in if needed: the page, uptodate,
 * with a reference, not locked; NULL if it could not be read (as
 * Linux's sb_bread) or memory is short. Needs s_blocksize == PAGE_SIZE. */
struct page *sb_bread(struct super_block *sb, uint64_t block);
/* The block's contents changed: write-back will write it. */
void mark_buffer_dirty(struct page *page);
/* Done with a block from sb_bread (NULL is allowed). */
void brelse(struct page *page);
/* Write the block now if it is dirty, and wait: 0 or -EIO. */
int sync_dirty_buffer(struct page *page);

/* ---- data blocks of a file system's files (fs/buffer.c) ------------ */

/* Map block iblock of inode's file to a block of the device in *pblock:
 * 0 with *pblock 0 for a hole (create: allocate it instead, 0 or
 * -ENOSPC/-EIO). */
typedef int(get_block_t)(struct inode *inode, uint64_t iblock, uint64_t *pblock, bool create);

/* a_ops->readpage: a hole or a page beyond the end reads as zeros. */
int block_read_full_page(struct page *page, get_block_t *get_block);
/* a_ops->readahead (Linux: mpage_readahead): block_read_full_page for
 * each page, but pages on consecutive blocks share one bio. */
void mpage_readahead(struct page **pages, unsigned int nr, get_block_t *get_block);
/* a_ops->writepage: allocates a block for a hole (written through
 * mmap), zeroes what lies past i_size. */
int block_write_full_page(struct page *page, get_block_t *get_block,
			  struct writeback_control *wbc);
/* a_ops->write_begin: the page locked, its block allocated (so that a
 * full disk fails the write() with -ENOSPC), read in first if the write
 * covers only part of it. */
int block_write_begin(struct address_space *mapping, loff_t pos, unsigned int len,
		      struct page **pagep, get_block_t *get_block);
/* file_operations.fsync of a block file system (Linux's, fs/libfs.c):
 * the data of start..end, then the inode unless datasync and only times
 * changed, then the disk's write cache; 0, or the write-back error this
 * open file has not seen yet. */
int generic_file_fsync(struct file *file, loff_t start, loff_t end, int datasync);
/* Truncation to from: zero the rest of the block that holds byte from,
 * in the cache and (dirty) on the disk; nothing for a hole or a block
 * boundary. 0 or -errno. */
int block_truncate_page(struct address_space *mapping, loff_t from, get_block_t *get_block);
/* a_ops->write_end: dirty the page, grow i_size (marking the inode
 * dirty), unlock and release it. */
int generic_write_end(struct file *file, struct address_space *mapping, loff_t pos,
		      unsigned int len, unsigned int copied, struct page *page);

#endif
