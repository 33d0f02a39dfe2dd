/*
 * `selftest blk`: the request queue under load. It reads the first 512
 * KiB of vda twice: once as 4 large bios, one after the other, and once
 * as 64 bios submitted all at once, each made of 16 single-sector pieces
 * (18 descriptors a bio, so the ring holds only a few and the rest wait
 * on bd_queue). Both must give the same bytes, and some bios must have
 * waited. Nothing is written.
 */
#include "block/blk-selftest.h"
#include "block/blkdev.h"
#include "kernel/printk.h"
#include "kernel/waitqueue.h"
#include "kernel/x86.h"
#include "lib/string.h"
#include "mm/buddy.h"

#define SECTORS_PER_PAGE ((int)(PAGE_SIZE >> SECTOR_SHIFT))
#define NR_SMALL_BIOS 64
#define NR_SECTORS (NR_SMALL_BIOS * BIO_MAX_VECS)
#define NR_PAGES (NR_SECTORS / SECTORS_PER_PAGE)

struct burst {
	int left; /* bios not ended yet */
	int failed;
	struct wait_queue_head wq;
};

static void burst_end_io(struct bio *bio)
{
	struct burst *b = bio->bi_private;

	if (bio->bi_status)
		b->failed++;
	if (--b->left == 0)
		wake_up(&b->wq);
}

static bool alloc_buffer(struct page **pages)
{
	for (int i = 0; i < NR_PAGES; i++) {
		pages[i] = alloc_page();
		if (!pages[i])
			return false;
		memset(page_address(pages[i]), 0x5a, PAGE_SIZE); /* not what the disk holds */
	}
	return true;
}

static void free_buffer(struct page **pages)
{
	for (int i = 0; i < NR_PAGES && pages[i]; i++)
		free_page(pages[i]);
}

/* One page per piece, BIO_MAX_VECS pages per bio, one bio at a time. */
static int read_big(struct block_device *bdev, struct page **pages)
{
	for (int first = 0; first < NR_PAGES; first += BIO_MAX_VECS) {
		struct bio bio;
		bio_init(&bio, bdev, (uint64_t)first * SECTORS_PER_PAGE, REQ_OP_READ);
		for (int i = first; i < first + BIO_MAX_VECS; i++)
			bio_add_page(&bio, pages[i], PAGE_SIZE, 0);
		if (submit_bio_wait(&bio))
			return -1;
	}
	return 0;
}

/* Sector s goes to the same place as in read_big, one sector a piece.
 * Every bio is submitted before any is waited for, with interrupts off:
 * the device may well finish a bio before the next is submitted, and its
 * interrupt would make room in the ring at once. */
static int read_small(struct block_device *bdev, struct page **pages, struct bio *bios,
		      unsigned int *most_queued)
{
	struct burst b = { .left = NR_SMALL_BIOS };

	init_waitqueue_head(&b.wq);
	bool was_on = irq_save();
	for (int i = 0; i < NR_SMALL_BIOS; i++) {
		struct bio *bio = &bios[i];
		bio_init(bio, bdev, (uint64_t)i * BIO_MAX_VECS, REQ_OP_READ);
		bio->bi_end_io = burst_end_io;
		bio->bi_private = &b;
		for (int s = i * BIO_MAX_VECS; s < (i + 1) * BIO_MAX_VECS; s++)
			bio_add_page(bio, pages[s / SECTORS_PER_PAGE], SECTOR_SIZE,
				     (s % SECTORS_PER_PAGE) * SECTOR_SIZE);
		submit_bio(bio);
		*most_queued = MAX(*most_queued, bdev->bd_nr_queued);
	}
	while (b.left > 0)
		sleep_on(&b.wq);
	irq_restore(was_on);
	return b.failed ? -1 : 0;
}

static int compare(struct page **a, struct page **b)
{
	for (int i = 0; i < NR_PAGES; i++)
		if (memcmp(page_address(a[i]), page_address(b[i]), PAGE_SIZE) != 0) {
			pr_info("selftest blk: page %d of the two reads differs\n", i);
			return -1;
		}
	return 0;
}

int selftest_blk(void)
{
	static struct page *big[NR_PAGES], *small[NR_PAGES];
	static struct bio bios[NR_SMALL_BIOS];
	struct block_device *bdev = blkdev_lookup("vda");
	unsigned int most_queued = 0;
	int err = -1;

	if (!bdev || bdev->bd_nr_sectors < NR_SECTORS) {
		pr_info("selftest blk: needs a disk vda of %d sectors or more\n", NR_SECTORS);
		return -1;
	}
	memset(big, 0, sizeof(big));
	memset(small, 0, sizeof(small));
	if (!alloc_buffer(big) || !alloc_buffer(small))
		pr_info("selftest blk: out of memory\n");
	else if (read_big(bdev, big) || read_small(bdev, small, bios, &most_queued))
		pr_info("selftest blk: a read failed\n");
	else if (compare(big, small) == 0)
		err = 0;
	pr_info("selftest blk: %d bios at once, at most %u waited in the queue\n", NR_SMALL_BIOS,
		most_queued);
	if (!err && most_queued == 0) {
		pr_info("selftest blk: no bio waited: the queue was not tested\n");
		err = -1;
	}
	free_buffer(big);
	free_buffer(small);
	return err;
}
