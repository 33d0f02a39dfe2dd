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
#include "fs/file.h"
#include "fs/iov_iter.h"
#include "fs/internal.h"
#include "fs/stat.h"
#include "fs/writeback.h"
#include "kernel/errno.h"
#include "kernel/waitqueue.h"
#include "kernel/x86.h"
#include "mm/buddy.h"
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
struct bio *bio_alloc(void)
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
void bio_put(struct bio *bio)
{
	bool was_on = irq_save();

	free_bios[nr_free_bios++] = bio;
	irq_restore(was_on);
	wake_up(&bio_freed);
}

/* ---- page I/O ----------------------------------------------------- */

/* Every page of the bio is done (interrupt context). */
static void page_read_end_io(struct bio *bio)
{
	for (unsigned short i = 0; i < bio->bi_vcnt; i++) {
		struct page *page = bio->bi_io_vec[i].bv_page;

		page_set(page, bio->bi_status ? PG_error : PG_uptodate);
		unlock_page(page);
	}
	bio_put(bio);
}

static void page_write_end_io(struct bio *bio)
{
	struct page *page = bio->bi_io_vec[0].bv_page;

	if (bio->bi_status) {
		page_set(page, PG_error);
		mapping_set_error(page->mapping, -EIO);
	}
	bio_put(bio);
	end_page_writeback(page);
}

/* The bytes of block (a page) that the disk has: a disk whose size is
 * not a multiple of 4 KiB ends inside its last page, whose rest is
 * never moved (and stays zero). */
static unsigned int block_bytes(const struct block_device *bdev, uint64_t block)
{
	uint64_t sectors_left = bdev->bd_nr_sectors - block * SECTORS_PER_PAGE;

	return sectors_left < SECTORS_PER_PAGE ? (unsigned int)(sectors_left << SECTOR_SHIFT)
					       : PAGE_SIZE;
}

/* One bio for nr pages at consecutive blocks from block on. */
static void submit_pages_io(struct block_device *bdev, uint64_t block, struct page **pages,
			    unsigned int nr, unsigned int op, void (*end_io)(struct bio *))
{
	struct bio *bio = bio_alloc();

	bio_init(bio, bdev, block * SECTORS_PER_PAGE, op);
	for (unsigned int i = 0; i < nr; i++) {
		page_clear(pages[i], PG_error);
		bio_add_page(bio, pages[i], block_bytes(bdev, block + i), 0);
	}
	bio->bi_end_io = end_io;
	submit_bio(bio);
}

void submit_pages_read(struct block_device *bdev, uint64_t block, struct page **pages,
		       unsigned int nr)
{
	submit_pages_io(bdev, block, pages, nr, REQ_OP_READ, page_read_end_io);
}

void submit_page_read(struct block_device *bdev, uint64_t block, struct page *page)
{
	submit_pages_read(bdev, block, &page, 1);
}

void submit_page_write(struct block_device *bdev, uint64_t block, struct page *page)
{
	submit_pages_io(bdev, block, &page, 1, REQ_OP_WRITE, page_write_end_io);
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

/* Readahead: the device's pages are its blocks, so consecutive pages
 * are one bio, up to BIO_MAX_VECS pages each. */
static void blkdev_readahead(struct file *file, struct page **pages, unsigned int nr)
{
	struct address_space *mapping = pages[0]->mapping;
	struct block_device *bdev = mapping->host->i_bdev;

	(void)file;
	for (unsigned int i = 0; i < nr; i += BIO_MAX_VECS)
		submit_pages_read(bdev, pages[i]->index, pages + i, MIN(nr - i, BIO_MAX_VECS));
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

/* A write into the device's cache (write() on /dev/vdb): the page
 * locked, read in first unless the write covers all of it - every page
 * of a disk holds data, there are no holes. */
static int blkdev_write_begin(struct file *file, struct address_space *mapping, loff_t pos,
			      unsigned int len, struct page **pagep)
{
	unsigned long index = (unsigned long)(pos >> PAGE_SHIFT);
	struct page *page;

	if ((pos & (PAGE_SIZE - 1)) == 0 && len == PAGE_SIZE) {
		page = find_or_create_page(mapping, index);
		if (!page)
			return -ENOMEM;
		*pagep = page;
		return 0;
	}
	for (;;) {
		page = read_mapping_page(mapping, index, file);
		if (IS_ERR(page))
			return (int)PTR_ERR(page);
		lock_page(page);
		if (page->mapping == mapping) /* not dropped meanwhile */
			break;
		unlock_page(page);
		put_page(page);
	}
	*pagep = page;
	return 0;
}

/* Linux's block_write_end: a short copy into a page that was not read
 * in counts for nothing (the page keeps no half-written contents). */
static int blkdev_write_end(struct file *file, struct address_space *mapping, loff_t pos,
			    unsigned int len, unsigned int copied, struct page *page)
{
	if (copied < len && !page_test(page, PG_uptodate)) {
		unlock_page(page);
		put_page(page);
		return 0;
	}
	return simple_write_end(file, mapping, pos, len, copied, page);
}

static const struct address_space_operations def_blk_aops = {
	.readpage = blkdev_readpage,
	.readahead = blkdev_readahead,
	.writepage = blkdev_writepage,
	.write_begin = blkdev_write_begin,
	.write_end = blkdev_write_end,
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

/* ---- opening the device (Linux: blkdev_get_by_dev, blkdev_put) ------ */

int blkdev_get(struct block_device *bdev, void *holder)
{
	if (holder && bdev->bd_holder && bdev->bd_holder != holder)
		return -EBUSY; /* mounted, or open with O_EXCL */
	if (!bdget(bdev))
		return -ENOMEM;
	if (holder) {
		bdev->bd_holder = holder;
		bdev->bd_holders++;
	}
	bdev->bd_openers++;
	return 0;
}

void blkdev_put(struct block_device *bdev, void *holder)
{
	if (holder && --bdev->bd_holders == 0)
		bdev->bd_holder = NULL;
	if (--bdev->bd_openers)
		return;
	/* The last user is gone: as Linux (blkdev_flush_mapping), its
	 * writes reach the disk now and the cache is dropped, so the next
	 * opener reads what the disk holds. */
	sync_blockdev(bdev);
	truncate_inode_pages(bdev->bd_inode->i_mapping, 0);
}

/* ---- the device file: /dev/vda (Linux: block/fops.c def_blk_fops) --- */

static struct block_device *I_BDEV(const struct file *f)
{
	return f->private_data;
}

/* The holder of an O_EXCL open is the open file itself, so a second
 * O_EXCL open fails too, as on Linux. */
static void *open_holder(struct file *f)
{
	return (f->f_flags & O_EXCL) ? f : NULL;
}

static int blkdev_open(struct inode *inode, struct file *f)
{
	struct block_device *bdev = blkdev_by_dev(inode->i_rdev);
	int err;

	if (!bdev)
		return -ENXIO;
	err = blkdev_get(bdev, open_holder(f));
	if (err)
		return err;
	f->private_data = bdev;
	/* Reads and writes go through the device's own cache - the one
	 * that holds a mounted file system's metadata - not the cache of
	 * the /dev node's inode. */
	f->f_mapping = bdev->bd_inode->i_mapping;
	f->f_wb_err = errseq_sample(&f->f_mapping->wb_err);
	return 0;
}

static void blkdev_release(struct inode *inode, struct file *f)
{
	(void)inode;
	blkdev_put(I_BDEV(f), open_holder(f));
}

/* Reads stop at the end of the device (0 there), as Linux's. */
static long blkdev_read_iter(struct file *f, struct iov_iter *to, loff_t *pos)
{
	loff_t size = bdev_nr_bytes(I_BDEV(f));

	if (*pos >= size)
		return 0;
	if ((loff_t)iov_iter_count(to) > size - *pos)
		to->count = (size_t)(size - *pos);
	return generic_file_read_iter(f, to, pos);
}

/* Writes go to the cache and reach the disk by write-back or fsync; at
 * the end of the device there is no space (Linux: blkdev_write_iter). */
static long blkdev_write_iter(struct file *f, struct iov_iter *from, loff_t *pos)
{
	struct block_device *bdev = I_BDEV(f);
	loff_t size = bdev_nr_bytes(bdev);
	long written;

	if (bdev->bd_read_only)
		return -EPERM;
	if (IS_SWAPFILE(bdev->bd_inode))
		return -ETXTBSY; /* swap's now (mm/swapon.c) */
	if (!iov_iter_count(from))
		return 0;
	if (*pos >= size)
		return -ENOSPC;
	if ((loff_t)iov_iter_count(from) > size - *pos)
		from->count = (size_t)(size - *pos);
	written = generic_perform_write(f, from, *pos);
	if (written > 0)
		*pos += written;
	return written;
}

/* Linux's fixed_size_llseek for a device stops at its end: further is
 * -EINVAL (generic_file_llseek_size's maxsize). */
static loff_t blkdev_llseek(struct file *f, loff_t offset, int whence)
{
	loff_t size = bdev_nr_bytes(I_BDEV(f));
	loff_t old = f->f_pos;
	loff_t pos = fixed_size_llseek(f, offset, whence, size);

	if (pos > size) {
		f->f_pos = old;
		return -EINVAL;
	}
	return pos;
}

static int blkdev_fsync(struct file *f, loff_t start, loff_t end, int datasync)
{
	int err = file_write_and_wait_range(f, start, end);

	(void)datasync;
	return err ? err : blkdev_issue_flush(I_BDEV(f));
}

const struct file_operations def_blk_fops = {
	.open = blkdev_open,
	.release = blkdev_release,
	.read = blkdev_read_iter,
	.write = blkdev_write_iter,
	.llseek = blkdev_llseek,
	.mmap = generic_file_mmap,
	.fsync = blkdev_fsync,
	.unlocked_ioctl = blkdev_ioctl,
};
