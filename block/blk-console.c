/*
 * The console's `blk` command: list the disks, read and write sectors,
 * flush, and make sectors fail (block/blk-fault.c). Reading prints a
 * CRC-32 of the data (zlib's), so that a test can compare it with the
 * host's view of the image; writing fills sectors with one byte value.
 */
#include "block/blkdev.h"
#include "kernel/monitor.h"
#include "kernel/printk.h"
#include "kernel/x86.h"
#include "lib/crc32.h"
#include "lib/string.h"
#include "mm/buddy.h"

#define BLK_IO_MAX_SECTORS (BIO_MAX_VECS * (PAGE_SIZE >> SECTOR_SHIFT)) /* one bio */

struct blk_subcommand {
	const char *name;
	const char *args;
	int nargs_min, nargs_max; /* after the device's name */
	int (*run)(struct block_device *bdev, char **argv, int argc);
};

/* A bio over count sectors of fresh pages, page by page. */
static bool bio_alloc_pages(struct bio *bio, unsigned int count)
{
	for (unsigned int done = 0; done < count; ) {
		unsigned int n = MIN(count - done, (unsigned int)(PAGE_SIZE >> SECTOR_SHIFT));
		struct page *page = alloc_page();
		if (!page)
			return false;
		bio_add_page(bio, page, n << SECTOR_SHIFT, 0);
		done += n;
	}
	return true;
}

static void bio_free_pages(struct bio *bio)
{
	for (unsigned int i = 0; i < bio->bi_vcnt; i++)
		free_page(bio->bi_io_vec[i].bv_page);
}

/* Sector and count from argv, checked against what one bio holds. */
static bool parse_range(char **argv, int argc, uint64_t *sector, uint64_t *count)
{
	*count = 1;
	if (!monitor_number("blk", argv[0], sector) || (argc > 1 && !monitor_number("blk", argv[1], count)))
		return false;
	if (*count == 0 || *count > BLK_IO_MAX_SECTORS) {
		kprintf("blk: COUNT must be 1 to %lu sectors\n", (unsigned long)BLK_IO_MAX_SECTORS);
		return false;
	}
	return true;
}

/* Read or write count sectors from sector (a write fills them with
 * fill), and say how it went. */
static int do_io(struct block_device *bdev, unsigned int opf, uint64_t sector, uint64_t count,
		 int fill)
{
	bool read = (opf & REQ_OP_MASK) == REQ_OP_READ;
	struct bio bio;
	int err = -1;

	bio_init(&bio, bdev, sector, opf);
	if (!bio_alloc_pages(&bio, (unsigned int)count)) {
		kprintf("blk: out of memory\n");
		goto out;
	}
	for (unsigned int i = 0; fill >= 0 && i < bio.bi_vcnt; i++)
		memset(page_address(bio.bi_io_vec[i].bv_page), fill, PAGE_SIZE);
	if (submit_bio_wait(&bio)) {
		kprintf("blk: %s: %s of %llu sectors at %llu failed: I/O error\n", bdev->bd_name,
			read ? "read" : "write", (unsigned long long)count,
			(unsigned long long)sector);
		goto out;
	}
	uint32_t crc = ~0u;
	for (unsigned int i = 0; i < bio.bi_vcnt; i++)
		crc = crc32_le(crc, page_address(bio.bi_io_vec[i].bv_page), bio.bi_io_vec[i].bv_len);
	kprintf("%s: %s %llu sectors at %llu: crc32 %08x\n", bdev->bd_name,
		read ? "read" : "wrote", (unsigned long long)count,
		(unsigned long long)sector, ~crc);
	err = 0;
out:
	bio_free_pages(&bio);
	return err;
}

static int blk_read(struct block_device *bdev, char **argv, int argc)
{
	uint64_t sector, count;

	if (!parse_range(argv, argc, &sector, &count))
		return -1;
	return do_io(bdev, REQ_OP_READ, sector, count, -1);
}

static int blk_write(struct block_device *bdev, char **argv, int argc)
{
	uint64_t sector, count, byte;
	bool fua = argc > 3;

	if (!parse_range(argv, 2, &sector, &count) || !monitor_number("blk", argv[2], &byte))
		return -1;
	if (byte > 0xff) {
		kprintf("blk: BYTE must be 0 to 255\n");
		return -1;
	}
	if (fua && strcmp(argv[3], "fua") != 0) {
		kprintf("blk: '%s' is not fua\n", argv[3]);
		return -1;
	}
	return do_io(bdev, REQ_OP_WRITE | (fua ? REQ_FUA : 0), sector, count, (int)byte);
}

static int blk_flush(struct block_device *bdev, char **argv, int argc)
{
	(void)argv, (void)argc;
	if (blkdev_issue_flush(bdev)) {
		kprintf("blk: %s: flush failed: I/O error\n", bdev->bd_name);
		return -1;
	}
	kprintf("%s: flushed\n", bdev->bd_name);
	return 0;
}

static const struct {
	const char *name;
	unsigned int ops;
} fault_ops[] = {
	{ "read", BLK_FAULT_READ },
	{ "write", BLK_FAULT_WRITE },
	{ "both", BLK_FAULT_READ | BLK_FAULT_WRITE },
};

static int blk_fail(struct block_device *bdev, char **argv, int argc)
{
	uint64_t sector, count;
	unsigned int ops = 0;

	if (!monitor_number("blk", argv[0], &sector) || !monitor_number("blk", argv[1], &count))
		return -1;
	for (size_t i = 0; i < ARRAY_SIZE(fault_ops); i++)
		if (strcmp(argc > 2 ? argv[2] : "both", fault_ops[i].name) == 0)
			ops = fault_ops[i].ops;
	if (!ops) {
		kprintf("blk: '%s' is not read, write or both\n", argv[2]);
		return -1;
	}
	if (count == 0 || sector >= bdev->bd_nr_sectors || count > bdev->bd_nr_sectors - sector) {
		kprintf("blk: %s has sectors 0 to %llu: %llu+%llu is not within them\n", bdev->bd_name,
			(unsigned long long)bdev->bd_nr_sectors - 1, (unsigned long long)sector,
			(unsigned long long)count);
		return -1;
	}
	bool was_on = irq_save();
	bdev->bd_fault = (struct blk_fault){ .start = sector, .count = count, .ops = ops };
	irq_restore(was_on);
	kprintf("%s: sectors %llu-%llu fail (%s) until 'blk heal %s'\n", bdev->bd_name,
		(unsigned long long)sector, (unsigned long long)(sector + count - 1),
		argc > 2 ? argv[2] : "both", bdev->bd_name);
	return 0;
}

static int blk_heal(struct block_device *bdev, char **argv, int argc)
{
	(void)argv, (void)argc;
	bool was_on = irq_save();
	bdev->bd_fault = (struct blk_fault){ 0 };
	irq_restore(was_on);
	kprintf("%s: no sectors fail\n", bdev->bd_name);
	return 0;
}

static const struct blk_subcommand subcommands[] = {
	{ "read", "DEV SECTOR [COUNT]", 1, 2, blk_read },
	{ "write", "DEV SECTOR COUNT BYTE [fua]", 3, 4, blk_write },
	{ "flush", "DEV", 0, 0, blk_flush },
	{ "fail", "DEV SECTOR COUNT [read|write|both]", 2, 3, blk_fail },
	{ "heal", "DEV", 0, 0, blk_heal },
};

static void usage(void)
{
	kprintf("usage: blk (list the disks)\n");
	for (size_t i = 0; i < ARRAY_SIZE(subcommands); i++)
		kprintf("       blk %s %s\n", subcommands[i].name, subcommands[i].args);
}

int cmd_blk(int argc, char **argv)
{
	if (argc == 1)
		return monitor_show(blkdev_show, NULL);
	if (strcmp(argv[1], "help") == 0) {
		usage();
		return 0;
	}
	for (size_t i = 0; i < ARRAY_SIZE(subcommands); i++) {
		const struct blk_subcommand *sc = &subcommands[i];
		if (strcmp(argv[1], sc->name) != 0)
			continue;
		int nargs = argc - 3; /* after "blk NAME DEV" */
		if (nargs < sc->nargs_min || nargs > sc->nargs_max) {
			kprintf("usage: blk %s %s\n", sc->name, sc->args);
			return -1;
		}
		struct block_device *bdev = blkdev_lookup(argv[2]);
		if (!bdev) {
			kprintf("blk: no device '%s' (type 'blk' for the list)\n", argv[2]);
			return -1;
		}
		return sc->run(bdev, argv + 3, nargs);
	}
	kprintf("blk: unknown subcommand '%s'\n", argv[1]);
	usage();
	return -1;
}
