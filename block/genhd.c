/*
 * The registered block devices (Linux: block/genhd.c): a small table that
 * drivers add to at boot, looked up by name or device number, and the
 * report of the `blk` console command.
 */
#include "block/blkdev.h"
#include "fs/seq_file.h"
#include "kernel/panic.h"
#include "kernel/x86.h"
#include "lib/string.h"

#define MAX_BLKDEVS 8

static struct block_device *blkdevs[MAX_BLKDEVS];
static int nr_blkdevs;

void add_disk(struct block_device *bdev)
{
	if (nr_blkdevs == MAX_BLKDEVS)
		panic("add_disk: more than %d block devices", MAX_BLKDEVS);
	INIT_LIST_HEAD(&bdev->bd_queue);
	blkdevs[nr_blkdevs++] = bdev;
}

struct block_device *blkdev_lookup(const char *name)
{
	for (int i = 0; i < nr_blkdevs; i++)
		if (strcmp(blkdevs[i]->bd_name, name) == 0)
			return blkdevs[i];
	return NULL;
}

struct block_device *blkdev_by_dev(uint32_t dev)
{
	for (int i = 0; i < nr_blkdevs; i++)
		if (blkdevs[i]->bd_dev == dev)
			return blkdevs[i];
	return NULL;
}

void blkdev_for_each(void (*fn)(struct block_device *bdev, void *arg), void *arg)
{
	for (int i = 0; i < nr_blkdevs; i++)
		fn(blkdevs[i], arg);
}

static void show_one(struct block_device *bdev, void *arg)
{
	struct seq_file *m = arg;
	bool was_on = irq_save(); /* one consistent set of counters */
	struct blk_stats st = bdev->bd_stats;
	struct blk_fault fault = bdev->bd_fault;
	unsigned int in_flight = bdev->bd_in_flight, queued = bdev->bd_nr_queued;

	irq_restore(was_on);
	seq_printf(m, "%-5s %3u:%-3u %10llu %5llu %-2s %8llu %8llu %10llu %10llu %7llu %6llu %4u %4u",
		   bdev->bd_name, MAJOR(bdev->bd_dev), MINOR(bdev->bd_dev),
		   (unsigned long long)bdev->bd_nr_sectors,
		   (unsigned long long)(bdev->bd_nr_sectors >> (20 - SECTOR_SHIFT)),
		   bdev->bd_read_only ? "ro" : "rw", (unsigned long long)st.reads,
		   (unsigned long long)st.writes, (unsigned long long)st.read_sectors,
		   (unsigned long long)st.write_sectors, (unsigned long long)st.flushes,
		   (unsigned long long)st.errors,
		   in_flight, queued);
	if (fault.count)
		seq_printf(m, "  failing %llu+%llu %s", (unsigned long long)fault.start,
			   (unsigned long long)fault.count,
			   fault.ops == (BLK_FAULT_READ | BLK_FAULT_WRITE) ? "both" :
			   fault.ops == BLK_FAULT_READ ? "read" : "write");
	seq_putc(m, '\n');
}

int blkdev_show(struct seq_file *m)
{
	if (nr_blkdevs == 0) {
		seq_puts(m, "no block devices\n");
		return 0;
	}
	seq_printf(m, "%-5s %7s %10s %5s %-2s %8s %8s %10s %10s %7s %6s %4s %4s\n", "name",
		   "maj:min", "sectors", "MiB", "", "reads", "writes", "rd_sect", "wr_sect",
		   "flushes", "errors", "busy", "wait");
	blkdev_for_each(show_one, m);
	return 0;
}
