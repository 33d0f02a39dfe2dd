/*
 * The block layer (Linux: block/): disks as arrays of 512-byte sectors,
 * and the bio, one request to read or write some of them.
 *
 * A file system (or the console's `blk` command) fills in a bio - which
 * device, which sector, which pages - and calls submit_bio(). The block
 * layer checks it, and hands it to the device's driver, or queues it
 * while the driver has no room (the request queue, block/blk-core.c). The
 * driver's interrupt handler ends it with blk_complete_bio(), which calls
 * the submitter's bi_end_io. docs/block.md tells the whole path.
 */
#ifndef BLOCK_BLKDEV_H
#define BLOCK_BLKDEV_H

#include "lib/kdev_t.h"
#include "lib/list.h"
#include "lib/types.h"

struct page;
struct inode;
struct seq_file;

#define SECTOR_SHIFT 9
#define SECTOR_SIZE (1u << SECTOR_SHIFT)

/* bi_opf: the operation in the low 8 bits (Linux's REQ_OP_MASK), flags
 * above. */
#define REQ_OP_READ  0
#define REQ_OP_WRITE 1
#define REQ_OP_FLUSH 2         /* write cache flush; bi_vcnt == 0 */
#define REQ_OP_MASK  0xffu
#define REQ_FUA      (1u << 8) /* forced unit access: done as write, then flush */

#define BIO_MAX_VECS 16

/* MKDEV, MAJOR, MINOR: lib/kdev_t.h. */

/* One piece of a bio's data: bv_len bytes at bv_offset in bv_page
 * (within the page; a multiple of the sector size). */
struct bio_vec {
	struct page *bv_page;
	unsigned int bv_len, bv_offset;
};

struct bio {
	struct block_device *bi_bdev;
	uint64_t bi_sector;          /* first 512-byte sector */
	unsigned int bi_opf;         /* REQ_OP_* | flags */
	int bi_status;               /* 0, or -EIO when the device failed it */
	unsigned short bi_vcnt;
	struct bio_vec bi_io_vec[BIO_MAX_VECS];
	/* Called once, with interrupts off: from the completion interrupt,
	 * or from submit_bio when the bio fails at once. It must not sleep. */
	void (*bi_end_io)(struct bio *bio);
	void *bi_private;            /* the submitter's */
	/* The block layer's: */
	struct list_head bi_queue;   /* on bd_queue while it waits for the driver */
	bool bi_postflush;           /* a REQ_FUA write's data is done; now its flush */
};

/* What the driver does. */
struct block_device_operations {
	/* Start bio on the device (interrupts off). -EBUSY: no room now; the
	 * block layer keeps the bio queued and tries again after the driver
	 * calls blk_run_queue(). The operation is blk_bio_op(bio). */
	int (*queue_bio)(struct block_device *bdev, struct bio *bio);
};

/* Fault injection (block/blk-fault.c, console `blk fail`). */
#define BLK_FAULT_READ  (1u << REQ_OP_READ)
#define BLK_FAULT_WRITE (1u << REQ_OP_WRITE)

struct blk_fault {
	uint64_t start, count; /* the failing sectors; count 0: none */
	unsigned int ops;      /* BLK_FAULT_* */
};

/* Completed bios (Linux's /proc/diskstats counts much the same). */
struct blk_stats {
	uint64_t reads, writes, flushes;
	uint64_t read_sectors, write_sectors;
	uint64_t errors; /* bios ended with an error, for any reason */
};

struct block_device {
	char bd_name[16];            /* "vda", "vdb", ... (Linux's virtio names) */
	uint32_t bd_dev;             /* MKDEV(major, minor) */
	uint64_t bd_nr_sectors;
	bool bd_read_only;           /* the device refuses writes */
	bool bd_write_cache;         /* volatile write cache: flushes mean something */
	struct inode *bd_inode;      /* set by the VFS (its page cache is the buffer cache) */
	/* The VFS's (fs/block_dev.c: bd_claim): who has the device
	 * exclusively - a mounted file system's type, or an O_EXCL open
	 * file - and how many claims it holds. */
	void *bd_holder;
	unsigned int bd_holders;
	unsigned int bd_openers;     /* opens and mounts (blkdev_get) */
	/* The driver's: */
	const struct block_device_operations *bd_ops;
	void *bd_private;
	/* The block layer's (changed with interrupts off): */
	struct list_head bd_queue;   /* bios waiting for room in the driver, FIFO */
	unsigned int bd_nr_queued;   /* bios on bd_queue */
	unsigned int bd_in_flight;   /* bios the driver has started */
	unsigned int bd_max_queued;  /* the most bd_queue ever held */
	struct blk_stats bd_stats;
	struct blk_fault bd_fault;
};

/* The device's size in bytes (Linux: bdev_nr_bytes). */
static inline int64_t bdev_nr_bytes(const struct block_device *bdev)
{
	return (int64_t)(bdev->bd_nr_sectors << SECTOR_SHIFT);
}

/* A bio from fs/block_dev.c's fixed pool, sleeping until one is free
 * (process context); bio_put gives it back from any context, the
 * completion interrupt included (nothing is allocated or freed there). */
struct bio *bio_alloc(void);
void bio_put(struct bio *bio);

/* Asynchronous; safe to call with interrupts on, from process context. */
void submit_bio(struct bio *bio);
/* Submit and sleep until done; returns bi_status. Process context. */
int submit_bio_wait(struct bio *bio);
/* Empty the device's write cache: 0 or -EIO. */
int blkdev_issue_flush(struct block_device *bdev);

/* Put a page into a bio; false if the bio is full. */
bool bio_add_page(struct bio *bio, struct page *page, unsigned int len, unsigned int offset);
/* Set up a bio for op on bdev at sector, with no data yet. */
void bio_init(struct bio *bio, struct block_device *bdev, uint64_t sector, unsigned int opf);
unsigned int bio_sectors(const struct bio *bio);
/* The operation the driver is to do now (a FUA write's flush is FLUSH). */
unsigned int blk_bio_op(const struct bio *bio);

/* For drivers: the device is ready (registers it for lookups). */
void add_disk(struct block_device *bdev);
/* For drivers: the device finished bio (bi_status set): accounts for
 * it and calls bi_end_io. Interrupt context. */
void blk_complete_bio(struct bio *bio);
/* For drivers: there is room again; start queued bios. */
void blk_run_queue(struct block_device *bdev);

struct block_device *blkdev_lookup(const char *name); /* "vda" or NULL */
struct block_device *blkdev_by_dev(uint32_t dev);
/* Call fn on every registered device, in registration order. */
void blkdev_for_each(void (*fn)(struct block_device *bdev, void *arg), void *arg);
/* The report of the `blk` console command. */
int blkdev_show(struct seq_file *m);

/* The console command `blk` (block/blk-console.c). */
int cmd_blk(int argc, char **argv);

/* Fault injection (block/blk-fault.c). */
bool blk_should_fail(const struct block_device *bdev, const struct bio *bio);

#endif
