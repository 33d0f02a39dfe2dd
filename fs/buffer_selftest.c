/*
 * `selftest bcache`: the block device's page cache (fs/block_dev.c) on
 * vda, checked against what the disk itself holds (read with a bio of
 * its own, past the cache):
 *
 *  - block 0 through the cache has ext2's magic number;
 *  - a dirtied block reaches the disk by sync_blockdev, and the page is
 *    clean afterwards;
 *  - an injected write error makes sync_blockdev fail with EIO and is
 *    recorded in the mapping's errseq; an injected read error makes the
 *    read fail and sb_bread return NULL;
 *  - with vm.dirty_expire_centisecs=100 and dirty_writeback_centisecs=50
 *    the flusher writes a dirty block without being asked;
 *  - sync_filesystem of the devices' pseudo file system writes it too;
 *  - clean_bdev_aliases drops a dirty block from the cache unwritten.
 *
 * The block it writes gets its old contents back at the end, and the
 * sysctls their old values.
 */
#include "fs/buffer_selftest.h"
#include "block/blkdev.h"
#include "fs/buffer_head.h"
#include "fs/writeback.h"
#include "kernel/errno.h"
#include "kernel/hrtimer.h"
#include "kernel/printk.h"
#include "kernel/timekeeping.h"
#include "kernel/x86.h"
#include "lib/err.h"
#include "lib/string.h"
#include "mm/buddy.h"
#include "mm/filemap.h"
#include "mm/pagemap.h"

#define TEST_BLOCK 15000 /* near the end of make's 64 MiB image */
#define EXT2_MAGIC_OFFSET (1024 + 56)

#define CHECK(cond)                                                            \
	do {                                                                   \
		if (!(cond)) {                                                 \
			printk("bcache: failed: %s (line %d)\n", #cond, __LINE__); \
			return -1;                                             \
		}                                                              \
	} while (0)

/* Sleep ms milliseconds (the flusher runs meanwhile). */
static void sleep_ms(uint64_t ms)
{
	struct hrtimer_sleeper sl;
	uint64_t deadline = ktime_get_ns() + ms * 1000000;

	hrtimer_init_sleeper(&sl, HRTIMER_BASE_MONOTONIC);
	cli();
	while (ktime_get_ns() < deadline) {
		hrtimer_start(&sl.timer, deadline);
		sleep_on(&sl.wq);
	}
	hrtimer_cancel(&sl.timer);
	sti();
}

/* The disk's own copy of block, past the cache. */
static int read_disk(struct block_device *bdev, uint64_t block, struct page *page)
{
	struct bio bio;

	bio_init(&bio, bdev, block * (PAGE_SIZE >> SECTOR_SHIFT), REQ_OP_READ);
	bio_add_page(&bio, page, PAGE_SIZE, 0);
	return submit_bio_wait(&bio);
}

static bool disk_holds(struct block_device *bdev, struct page *raw, unsigned char byte)
{
	const unsigned char *b = page_address(raw);

	if (read_disk(bdev, TEST_BLOCK, raw))
		return false;
	for (size_t i = 0; i < PAGE_SIZE; i++)
		if (b[i] != byte)
			return false;
	return true;
}

static int check_read(struct inode *bd)
{
	struct page *page = read_mapping_page(bd->i_mapping, 0, NULL);
	const unsigned char *b;
	bool magic;

	CHECK(!IS_ERR(page));
	b = page_address(page);
	magic = b[EXT2_MAGIC_OFFSET] == 0x53 && b[EXT2_MAGIC_OFFSET + 1] == 0xef;
	put_page(page);
	CHECK(magic);
	return 0;
}

static int check_sync(struct block_device *bdev, struct page *page, struct page *raw)
{
	memset(page_address(page), 0x5a, PAGE_SIZE);
	set_page_dirty(page);
	CHECK(bdev->bd_inode->i_state & I_DIRTY_PAGES);
	CHECK(sync_blockdev(bdev) == 0);
	CHECK(!page_test(page, PG_dirty) && !page_test(page, PG_writeback));
	CHECK(disk_holds(bdev, raw, 0x5a));
	return 0;
}

static int check_errors(struct block_device *bdev, struct page *page)
{
	struct address_space *mapping = bdev->bd_inode->i_mapping;
	struct super_block sb = { .s_bdev = bdev, .s_blocksize = PAGE_SIZE };
	errseq_t since = errseq_sample(&mapping->wb_err);
	int err;

	bdev->bd_fault = (struct blk_fault){ TEST_BLOCK * 8, 8, BLK_FAULT_WRITE };
	memset(page_address(page), 0x33, PAGE_SIZE);
	set_page_dirty(page);
	err = sync_blockdev(bdev);
	bdev->bd_fault.count = 0;
	CHECK(err == -EIO);
	CHECK(errseq_check(&mapping->wb_err, since) == -EIO);
	CHECK(page_test(page, PG_error));

	bdev->bd_fault = (struct blk_fault){ (TEST_BLOCK + 1) * 8, 8, BLK_FAULT_READ };
	err = PTR_ERR(read_mapping_page(mapping, TEST_BLOCK + 1, NULL));
	page = sb_bread(&sb, TEST_BLOCK + 1);
	bdev->bd_fault.count = 0;
	CHECK(err == -EIO);
	CHECK(page == NULL);
	return 0;
}

static int check_flusher(struct block_device *bdev, struct page *page, struct page *raw)
{
	/* Clean, so that the dirtying below starts the inode's clock. */
	CHECK(write_inode_now(bdev->bd_inode, 1) == 0);
	CHECK(!(bdev->bd_inode->i_state & I_DIRTY));
	memset(page_address(page), 0x77, PAGE_SIZE);
	set_page_dirty(page);
	/* Nobody asks: the flusher's timer (armed for up to the old 5 s
	 * interval, then every 0.5 s) finds it old after 1 s. */
	for (int tenth = 0; tenth < 100 && page_test(page, PG_dirty); tenth++)
		sleep_ms(100);
	CHECK(!page_test(page, PG_dirty));
	wait_on_page_writeback(page);
	CHECK(disk_holds(bdev, raw, 0x77));
	return 0;
}

/* sync(2)'s path: the "bdev" super block's dirty inodes are written. */
static int check_sync_filesystem(struct block_device *bdev, struct page *page, struct page *raw)
{
	memset(page_address(page), 0x22, PAGE_SIZE);
	set_page_dirty(page);
	CHECK(sync_filesystem(bdev->bd_inode->i_sb) == 0);
	CHECK(!page_test(page, PG_dirty) && !(bdev->bd_inode->i_state & I_DIRTY));
	CHECK(disk_holds(bdev, raw, 0x22));
	return 0;
}

/* sync also waits for a write somebody else started (the flusher,
 * reclaim): its page is no longer dirty, but not on the disk yet. Here
 * the write is one that set_page_writeback began and a timer ends, as the
 * disk's interrupt would, 50 ms later: sync must not return before. */
static struct page *in_flight;
static struct hrtimer in_flight_timer; /* not on the stack: a failed check may return first */

static void end_in_flight(struct hrtimer *timer)
{
	(void)timer;
	end_page_writeback(in_flight);
}

static int check_sync_waits(struct block_device *bdev, struct page *page)
{
	struct inode *inode = bdev->bd_inode;

	in_flight = page;
	hrtimer_init(&in_flight_timer, HRTIMER_BASE_MONOTONIC, end_in_flight);
	lock_page(page);
	set_page_writeback(page);
	unlock_page(page);
	CHECK(!list_empty(&inode->i_wb_list));
	hrtimer_start(&in_flight_timer, ktime_get_ns() + 50 * 1000 * 1000);
	CHECK(sync_filesystem(inode->i_sb) == 0);
	CHECK(!page_test(page, PG_writeback) && list_empty(&inode->i_wb_list));
	return 0;
}

/* A freed block's dirty copy goes without reaching the disk. */
static int check_aliases(struct block_device *bdev, struct page *page, struct page *raw)
{
	struct page *again;

	memset(page_address(page), 0x11, PAGE_SIZE);
	set_page_dirty(page);
	clean_bdev_aliases(bdev, TEST_BLOCK, 1);
	CHECK(!page_test(page, PG_dirty) && page->mapping == NULL);
	again = find_get_page(bdev->bd_inode->i_mapping, TEST_BLOCK);
	CHECK(again == NULL);
	CHECK(sync_blockdev(bdev) == 0);
	CHECK(disk_holds(bdev, raw, 0x22));
	return 0;
}

static int run(struct block_device *bdev, struct page *page, struct page *raw)
{
	int expire = dirty_expire_interval, interval = dirty_writeback_interval;
	int err;

	if (check_sync(bdev, page, raw) || check_errors(bdev, page))
		return -1;
	dirty_expire_interval = 100;
	dirty_writeback_interval = 50;
	err = check_flusher(bdev, page, raw);
	dirty_expire_interval = expire;
	dirty_writeback_interval = interval;
	if (err || check_sync_waits(bdev, page) || check_sync_filesystem(bdev, page, raw))
		return -1;
	return check_aliases(bdev, page, raw);
}

int selftest_bcache(void)
{
	struct block_device *bdev = blkdev_lookup("vda");
	struct inode *bd = bdev ? bdget(bdev) : NULL;
	struct page *page, *raw, *saved;
	int err;

	if (!bd) {
		printk("bcache: no disk vda\n");
		return -1;
	}
	if (check_read(bd))
		return -1;
	page = read_mapping_page(bd->i_mapping, TEST_BLOCK, NULL);
	if (IS_ERR(page))
		return -1;
	raw = alloc_page();
	saved = alloc_page();
	if (!raw || !saved)
		return -1;
	memcpy(page_address(saved), page_address(page), PAGE_SIZE);
	err = run(bdev, page, raw);
	put_page(page);
	page = read_mapping_page(bd->i_mapping, TEST_BLOCK, NULL); /* the cache's page now */
	if (IS_ERR(page))
		return -1;
	memcpy(page_address(page), page_address(saved), PAGE_SIZE);
	set_page_dirty(page);
	if (sync_blockdev(bdev))
		err = -1;
	put_page(page);
	put_page(raw);
	put_page(saved);
	return err;
}
