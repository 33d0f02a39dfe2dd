/*
 * Swap-page I/O (Linux: mm/page_io.c). A slot is one page at the sector
 * its device's extents give (mm/swapfile.c: swap_slot_sector); a page
 * goes there and back in one bio, straight to the disk - past any file
 * system, which for a swap file only said where its blocks are.
 *
 * Writes are asynchronous, like the page cache's: PG_writeback from
 * submission to completion, which ends it in the disk's interrupt. A
 * failed write loses nothing: the page becomes dirty again, keeps
 * PG_error and stays in memory; its slot is marked bad when the page
 * leaves the swap cache (mm/swap_state.c).
 */
#include "block/blkdev.h"
#include "kernel/errno.h"
#include "kernel/printk.h"
#include "lib/kdev_t.h"
#include "lib/ratelimit.h"
#include "mm/filemap.h"
#include "mm/swap_state.h"
#include "mm/vmscan.h"
#include "mm/vmstat.h"

/* Linux's pr_alert_ratelimited, word for word: "(major:minor:sector)". */
static void swap_io_error(const char *what, const struct bio *bio)
{
	static struct ratelimit_state rs =
		RATELIMIT_STATE_INIT(DEFAULT_RATELIMIT_INTERVAL, DEFAULT_RATELIMIT_BURST);

	if (__ratelimit(&rs))
		printk(KERN_ALERT "%s-error on swap-device (%u:%u:%llu)\n", what,
		       MAJOR(bio->bi_bdev->bd_dev), MINOR(bio->bi_bdev->bd_dev),
		       (unsigned long long)bio->bi_sector);
}

/* Interrupt context. */
static void end_swap_bio_write(struct bio *bio)
{
	struct page *page = bio->bi_io_vec[0].bv_page;

	if (bio->bi_status) {
		page_set(page, PG_error);
		page_set(page, PG_dirty); /* the slot does not have it: keep it */
		swap_io_error("Write", bio);
	}
	bio_put(bio);
	page_clear(page, PG_writeback);
	dec_node_page_state(NR_WRITEBACK);
	wake_up_page(page);
}

static void end_swap_bio_read(struct bio *bio)
{
	struct page *page = bio->bi_io_vec[0].bv_page;

	if (bio->bi_status) {
		page_set(page, PG_error);
		swap_io_error("Read", bio);
	} else {
		page_set(page, PG_uptodate);
	}
	bio_put(bio);
	unlock_page(page);
}

/* One bio for page at its slot. */
static struct bio *swap_bio(struct page *page, unsigned int op, void (*end_io)(struct bio *))
{
	swp_entry_t entry = page_swap_entry(page);
	struct swap_info_struct *si = swap_info[swp_type(entry)];
	struct bio *bio = bio_alloc(); /* may sleep: before the page's state changes */

	bio_init(bio, si->bdev, swap_slot_sector(si, swp_offset(entry)), op);
	bio_add_page(bio, page, PAGE_SIZE, 0);
	bio->bi_end_io = end_io;
	return bio;
}

void swap_writepage(struct page *page)
{
	/* A poisoned page's data is bad: it never goes to its slot, which
	 * keeps what it had (Linux keeps such a page off the LRU lists, so
	 * that reclaim never gets here with it; this is the last guard). */
	if (page_test(page, PG_hwpoison)) {
		unlock_page(page);
		return;
	}
	struct bio *bio = swap_bio(page, REQ_OP_WRITE, end_swap_bio_write);

	page_set(page, PG_writeback);
	inc_node_page_state(NR_WRITEBACK);
	count_vm_event(PSWPOUT); /* Linux counts at submission, too */
	unlock_page(page);
	submit_bio(bio);
}

void swap_readpage(struct page *page)
{
	struct bio *bio = swap_bio(page, REQ_OP_READ, end_swap_bio_read);

	page_clear(page, PG_error);
	count_vm_event(PSWPIN);
	submit_bio(bio);
}
