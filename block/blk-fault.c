/*
 * Fault injection: make bios that touch some sectors fail with -EIO, as
 * Linux's dm-error and dm-flakey targets do, so that tests can watch a
 * file system meet a failing disk. The range is set by the console's
 * `blk fail DEV SECTOR COUNT [read|write|both]` (block/blk-console.c) and
 * cleared by `blk heal DEV`. A failed bio never reaches the device: a
 * failed write leaves the old data on the disk.
 */
#include "block/blkdev.h"

bool blk_should_fail(const struct block_device *bdev, const struct bio *bio)
{
	const struct blk_fault *f = &bdev->bd_fault;
	unsigned int op = bio->bi_opf & REQ_OP_MASK;
	uint64_t end = bio->bi_sector + bio_sectors(bio); /* exclusive */

	if (f->count == 0 || op > REQ_OP_WRITE || !(f->ops & (1u << op)))
		return false;
	return bio->bi_sector < f->start + f->count && f->start < end;
}
