/*
 * submit_bio and the request queue (Linux: block/blk-core.c, with blk-mq's
 * queueing reduced to one FIFO per device).
 *
 * A bio is checked (inside the device, not written to a read-only one,
 * not failed by `blk fail`), then offered to the driver. The driver has
 * room for only so many bios at once (a virtqueue of descriptors); the
 * others wait on bd_queue, in order, and blk_run_queue() starts them as
 * earlier ones finish. Interrupts are off while the queue changes: the
 * completion interrupt changes it too.
 */
#include "block/blkdev.h"
#include "kernel/errno.h"
#include "kernel/printk.h"
#include "kernel/proc.h"
#include "kernel/waitqueue.h"
#include "kernel/x86.h"
#include "lib/ratelimit.h"
#include "mm/layout.h"
#include "mm/page.h"

void bio_init(struct bio *bio, struct block_device *bdev, uint64_t sector, unsigned int opf)
{
	*bio = (struct bio){ .bi_bdev = bdev, .bi_sector = sector, .bi_opf = opf };
}

bool bio_add_page(struct bio *bio, struct page *page, unsigned int len, unsigned int offset)
{
	if (bio->bi_vcnt == BIO_MAX_VECS)
		return false;
	bio->bi_io_vec[bio->bi_vcnt++] = (struct bio_vec){ page, len, offset };
	return true;
}

unsigned int bio_sectors(const struct bio *bio)
{
	unsigned int bytes = 0;

	for (unsigned int i = 0; i < bio->bi_vcnt; i++)
		bytes += bio->bi_io_vec[i].bv_len;
	return bytes >> SECTOR_SHIFT;
}

unsigned int blk_bio_op(const struct bio *bio)
{
	return bio->bi_postflush ? REQ_OP_FLUSH : bio->bi_opf & REQ_OP_MASK;
}

static const char *blk_op_str(unsigned int op)
{
	static const char *const names[] = {
		[REQ_OP_READ] = "READ", [REQ_OP_WRITE] = "WRITE", [REQ_OP_FLUSH] = "FLUSH",
	};

	return op < ARRAY_SIZE(names) ? names[op] : "UNKNOWN";
}

/* Linux's blk_print_req_error, word for word. */
static void print_req_error(const struct bio *bio)
{
	static struct ratelimit_state rs =
		RATELIMIT_STATE_INIT(DEFAULT_RATELIMIT_INTERVAL, DEFAULT_RATELIMIT_BURST);
	unsigned int op = bio->bi_opf & REQ_OP_MASK;

	if (!__ratelimit(&rs))
		return;
	pr_err("I/O error, dev %s, sector %llu op 0x%x:(%s) flags 0x%x phys_seg %u prio class 0\n",
	       bio->bi_bdev->bd_name, (unsigned long long)bio->bi_sector, op, blk_op_str(op),
	       bio->bi_opf & ~REQ_OP_MASK, (unsigned int)bio->bi_vcnt);
}

/* Account for a finished bio and hand it back (interrupts off). */
static void bio_endio(struct bio *bio)
{
	struct blk_stats *st = &bio->bi_bdev->bd_stats;
	unsigned int op = bio->bi_opf & REQ_OP_MASK;

	if (bio->bi_status) {
		st->errors++;
	} else if (op == REQ_OP_READ) {
		st->reads++;
		st->read_sectors += bio_sectors(bio);
	} else if (op == REQ_OP_WRITE) {
		st->writes++;
		st->write_sectors += bio_sectors(bio);
		st->flushes += bio->bi_postflush; /* a REQ_FUA write's flush */
	} else {
		st->flushes++;
	}
	bio->bi_end_io(bio);
}

/* End a bio that never reached the device. */
static void bio_fail(struct bio *bio)
{
	bool was_on = irq_save();

	bio->bi_status = -EIO;
	bio_endio(bio);
	irq_restore(was_on);
}

/* Linux's bio_check_eod: the same two lines. */
static bool bio_beyond_end(const struct bio *bio)
{
	static struct ratelimit_state rs =
		RATELIMIT_STATE_INIT(DEFAULT_RATELIMIT_INTERVAL, DEFAULT_RATELIMIT_BURST);
	uint64_t max = bio->bi_bdev->bd_nr_sectors;
	unsigned int n = bio_sectors(bio);

	if (n == 0 || (n <= max && bio->bi_sector <= max - n))
		return false;
	if (__ratelimit(&rs))
		pr_info("%s: attempt to access beyond end of device\n"
			"%s: rw=%u, sector=%llu, nr_sectors = %u limit=%llu\n",
			current ? current->comm : "kernel", bio->bi_bdev->bd_name, bio->bi_opf,
			(unsigned long long)bio->bi_sector, n, (unsigned long long)max);
	return true;
}

/* Pieces must lie within their pages, in whole sectors; a flush has none,
 * a read or write has some. A bad bio is a kernel bug, said loudly. */
static bool bio_malformed(const struct bio *bio)
{
	unsigned int op = bio->bi_opf & REQ_OP_MASK;

	if (op > REQ_OP_FLUSH || bio->bi_vcnt > BIO_MAX_VECS || !bio->bi_end_io ||
	    (op == REQ_OP_FLUSH) != (bio->bi_vcnt == 0))
		return true;
	for (unsigned int i = 0; i < bio->bi_vcnt; i++) {
		const struct bio_vec *bv = &bio->bi_io_vec[i];
		if (!bv->bv_page || bv->bv_len == 0 || (bv->bv_len | bv->bv_offset) % SECTOR_SIZE ||
		    bv->bv_offset + bv->bv_len > PAGE_SIZE)
			return true;
	}
	return false;
}

/* The emulated memory controller (mce/latent.c): a write whose data lies
 * in an armed frame would have the disk read bad memory, which it
 * refuses - the write fails, as a transfer of poisoned data does. */
static bool bio_reads_bad_memory(const struct bio *bio)
{
	for (unsigned int i = 0; i < bio->bi_vcnt; i++) {
		const struct page *page = bio->bi_io_vec[i].bv_page;
		if (page_test(page, PG_latent)) {
			pr_err("latent: %s: a write from armed frame %#lx fails\n",
			       bio->bi_bdev->bd_name, page_to_pfn(page));
			return true;
		}
	}
	return false;
}

/* Offer bio to the driver; false if it has no room (interrupts off). */
static bool start_bio(struct block_device *bdev, struct bio *bio)
{
	bdev->bd_in_flight++;
	if (bdev->bd_ops->queue_bio(bdev, bio) == 0)
		return true;
	bdev->bd_in_flight--;
	return false;
}

/* Start bio now if nothing is waiting before it, else queue it. */
static void queue_or_start(struct block_device *bdev, struct bio *bio)
{
	bool was_on = irq_save();

	if (!list_empty(&bdev->bd_queue) || !start_bio(bdev, bio)) {
		list_add_tail(&bio->bi_queue, &bdev->bd_queue);
		bdev->bd_nr_queued++;
		bdev->bd_max_queued = MAX(bdev->bd_max_queued, bdev->bd_nr_queued);
	}
	irq_restore(was_on);
}

void submit_bio(struct bio *bio)
{
	struct block_device *bdev = bio->bi_bdev;
	unsigned int op = bio->bi_opf & REQ_OP_MASK;

	bio->bi_status = 0;
	bio->bi_postflush = false;
	if (bio_malformed(bio)) {
		pr_err("submit_bio: malformed bio for %s (op %#x, %u pieces)\n", bdev->bd_name,
		       bio->bi_opf, (unsigned int)bio->bi_vcnt);
		if (bio->bi_end_io)
			bio_fail(bio);
		return;
	}
	if (op == REQ_OP_FLUSH && !bdev->bd_write_cache) {
		bool was_on = irq_save();
		bio_endio(bio); /* nothing to flush: done (as Linux does) */
		irq_restore(was_on);
		return;
	}
	if (bio_beyond_end(bio)) {
		bio_fail(bio);
		return;
	}
	if (op == REQ_OP_WRITE && bdev->bd_read_only) {
		pr_warn("Trying to write to read-only block-device %s\n", bdev->bd_name);
		bio_fail(bio);
		return;
	}
	if (blk_should_fail(bdev, bio) || (op == REQ_OP_WRITE && bio_reads_bad_memory(bio))) {
		print_req_error(bio); /* as if the device had failed it */
		bio_fail(bio);
		return;
	}
	queue_or_start(bdev, bio);
}

void blk_run_queue(struct block_device *bdev)
{
	bool was_on = irq_save();

	while (!list_empty(&bdev->bd_queue)) {
		struct bio *bio = list_first_entry(&bdev->bd_queue, struct bio, bi_queue);
		if (!start_bio(bdev, bio))
			break;
		list_del(&bio->bi_queue);
		bdev->bd_nr_queued--;
	}
	irq_restore(was_on);
}

/* A REQ_FUA write is done only when its data is on stable storage: with
 * a write cache that takes a flush after the write (Linux's flush state
 * machine in block/blk-flush.c does the same). */
static bool needs_postflush(const struct bio *bio)
{
	return (bio->bi_opf & REQ_FUA) && !bio->bi_postflush && bio->bi_status == 0 &&
	       bio->bi_bdev->bd_write_cache;
}

void blk_complete_bio(struct bio *bio)
{
	struct block_device *bdev = bio->bi_bdev;

	bdev->bd_in_flight--;
	if (needs_postflush(bio)) {
		bio->bi_postflush = true;
		list_add_tail(&bio->bi_queue, &bdev->bd_queue);
		bdev->bd_nr_queued++;
		return; /* the driver's blk_run_queue() will start it */
	}
	if (bio->bi_status)
		print_req_error(bio);
	bio_endio(bio);
}

/* submit_bio_wait: the bio's end wakes the submitter (Linux uses a
 * struct completion). */
struct bio_wait {
	bool done;
	struct wait_queue_head wq;
};

static void submit_bio_wait_endio(struct bio *bio)
{
	struct bio_wait *w = bio->bi_private;

	w->done = true;
	wake_up(&w->wq);
}

int submit_bio_wait(struct bio *bio)
{
	struct bio_wait w = { .done = false };

	init_waitqueue_head(&w.wq);
	bio->bi_private = &w;
	bio->bi_end_io = submit_bio_wait_endio;
	submit_bio(bio);
	bool was_on = irq_save();
	while (!w.done)
		sleep_on(&w.wq);
	irq_restore(was_on);
	return bio->bi_status;
}

int blkdev_issue_flush(struct block_device *bdev)
{
	struct bio bio;

	bio_init(&bio, bdev, 0, REQ_OP_FLUSH);
	return submit_bio_wait(&bio);
}
