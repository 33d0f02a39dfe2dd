/*
 * A block device's own page cache (Linux: fs/block_dev.c, now
 * block/bdev.c and block/fops.c). Each disk gets an inode on a pseudo
 * file system, "bdev"; its page cache holds the disk's blocks, a page
 * per 4 KiB, page index = block number. File systems read their
 * metadata through it (fs/buffer.c: sb_bread), so metadata is cached,
 * dirtied and written back like any file's pages.
 *
 * Page I/O is asynchronous: a bio goes to the disk, and its completion
 * - in the disk's interrupt - unlocks a read page or ends a page's
 * write-back. Nothing may be allocated or freed there (the allocators
 * run with interrupts on), so bios come from a fixed pool that the
 * completion only gives back to.
 */
#include "block/blkdev.h"
#include "fs/buffer_head.h"
#include "fs/internal.h"
#include "fs/stat.h"
#include "fs/writeback.h"
#include "kernel/errno.h"
#include "kernel/waitqueue.h"
#include "kernel/x86.h"
#include "mm/filemap.h"
#include "mm/pagemap.h"
#include "lib/err.h"

#define SECTORS_PER_PAGE (PAGE_SIZE >> SECTOR_SHIFT)

/* ---- the bio pool ------------------------------------------------- */

/* Enough for every page of a readahead and a few write-back passes in
 * flight; more would only queue in the block layer anyway. */
#define BIO_POOL_SIZE 64

static struct bio bio_pool[BIO_POOL_SIZE];
static struct bio *free_bios[BIO_POOL_SIZE];
static int nr_free_bios = -1; /* -1: the pool is not filled yet */
static struct wait_queue_head bio_freed = WAIT_QUEUE_INIT(bio_freed);

/* A bio from the pool, sleeping until one is free (process context). */
static struct bio *bio_pool_get(void)
{
	bool was_on = irq_save();
	struct bio *bio;

	if (nr_free_bios < 0)
		for (nr_free_bios = 0; nr_free_bios < BIO_POOL_SIZE; nr_free_bios++)
			free_bios[nr_free_bios] = &bio_pool[nr_free_bios];
	while (nr_free_bios == 0)
		sleep_on(&bio_freed);
	bio = free_bios[--nr_free_bios];
	irq_restore(was_on);
	return bio;
}

/* Any context (a completion handler). */
static void bio_pool_put(struct bio *bio)
{
	bool was_on = irq_save();

	free_bios[nr_free_bios++] = bio;
	irq_restore(was_on);
	wake_up(&bio_freed);
}

/* ---- page I/O ----------------------------------------------------- */

static void page_read_end_io(struct bio *bio)
{
	struct page *page = bio->bi_io_vec[0].bv_page;

	if (bio->bi_status)
		page_set(page, PG_error);
	else
		page_set(page, PG_uptodate);
	bio_pool_put(bio);
	unlock_page(page);
}

static void page_write_end_io(struct bio *bio)
{
	struct page *page = bio->bi_io_vec[0].bv_page;

	if (bio->bi_status) {
		page_set(page, PG_error);
		mapping_set_error(page->mapping, -EIO);
	}
	bio_pool_put(bio);
	end_page_writeback(page);
}

static void submit_page_io(struct block_device *bdev, uint64_t block, struct page *page,
			   unsigned int op, void (*end_io)(struct bio *))
{
	struct bio *bio = bio_pool_get();

	page_clear(page, PG_error);
	bio_init(bio, bdev, block * SECTORS_PER_PAGE, op);
	bio_add_page(bio, page, PAGE_SIZE, 0);
	bio->bi_end_io = end_io;
	submit_bio(bio);
}

void submit_page_read(struct block_device *bdev, uint64_t block, struct page *page)
{
	submit_page_io(bdev, block, page, REQ_OP_READ, page_read_end_io);
}

void submit_page_write(struct block_device *bdev, uint64_t block, struct page *page)
{
	submit_page_io(bdev, block, page, REQ_OP_WRITE, page_write_end_io);
}

/* ---- the block device's inode -------------------------------------- */

static int blkdev_readpage(struct file *file, struct page *page)
{
	struct address_space *mapping = page->mapping;
	struct inode *inode = mapping->host;

	(void)file;
	submit_page_read(inode->i_bdev, page->index, page);
	return 0;
}

static int blkdev_writepage(struct page *page, struct writeback_control *wbc)
{
	struct address_space *mapping = page->mapping;
	struct inode *inode = mapping->host;

	(void)wbc;
	set_page_writeback(page);
	unlock_page(page);
	submit_page_write(inode->i_bdev, page->index, page);
	return 0;
}

static const struct address_space_operations def_blk_aops = {
	.readpage = blkdev_readpage,
	.writepage = blkdev_writepage,
};

/* The pseudo file system every block device inode belongs to (Linux:
 * "bdev", mounted by bdev_cache_init): a super block like any other, so
 * that write-back and sync find the devices' dirty inodes too. */
static struct super_block *blockdev_superblock;

static int bd_fill_super(struct super_block *sb, void *data, int silent)
{
	struct inode *root = new_inode(sb);

	(void)data, (void)silent;
	if (!root)
		return -ENOMEM;
	root->i_mode = S_IFDIR | 0700;
	sb->s_root = d_make_root(root);
	return sb->s_root ? 0 : -ENOMEM;
}

static struct dentry *bd_mount(struct file_system_type *fs_type, unsigned int flags,
			       const char *dev_name, void *data)
{
	(void)dev_name;
	return mount_nodev(fs_type, flags, data, bd_fill_super);
}

static struct file_system_type bd_type = {
	.name = "bdev",
	.mount = bd_mount,
	.kill_sb = kill_anon_super,
};

static struct super_block *bdev_superblock(void)
{
	if (!blockdev_superblock) {
		struct vfsmount *mnt = vfs_kern_mount(&bd_type, 0, "bdev", NULL);

		if (IS_ERR(mnt))
			return NULL;
		blockdev_superblock = mnt->mnt_sb;
	}
	return blockdev_superblock;
}

struct inode *bdget(struct block_device *bdev)
{
	struct super_block *sb = bdev_superblock();
	struct inode *inode;

	if (bdev->bd_inode || !sb)
		return bdev->bd_inode;
	inode = new_inode(sb); /* its reference is the device's, for good */
	if (!inode)
		return NULL;
	inode->i_ino = bdev->bd_dev;
	inode->i_mode = S_IFBLK | 0600;
	inode->i_rdev = bdev->bd_dev;
	inode->i_size = (loff_t)(bdev->bd_nr_sectors << SECTOR_SHIFT);
	inode->i_bdev = bdev;
	inode->i_data.a_ops = &def_blk_aops;
	insert_inode_hash(inode); /* hashed: __mark_inode_dirty lists it */
	bdev->bd_inode = inode;
	writeback_init(); /* someone will have blocks to write */
	return inode;
}

int sync_blockdev(struct block_device *bdev)
{
	if (!bdev->bd_inode)
		return 0;
	return filemap_write_and_wait(bdev->bd_inode->i_mapping);
}

void clean_bdev_aliases(struct block_device *bdev, uint64_t block, uint64_t len)
{
	if (!bdev->bd_inode || !len)
		return;
	truncate_inode_pages_range(bdev->bd_inode->i_mapping, (loff_t)(block << PAGE_SHIFT),
				   (loff_t)((block + len) << PAGE_SHIFT) - 1);
}

unsigned long nr_blockdev_pages(void)
{
	unsigned long pages = 0;
	struct super_block *sb = blockdev_superblock;

	if (!sb)
		return 0;
	for (struct list_head *e = sb->s_inodes.next; e != &sb->s_inodes; e = e->next)
		pages += list_entry(e, struct inode, i_sb_list)->i_data.nrpages;
	return pages;
}
