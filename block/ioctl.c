/*
 * The ioctls of a block device file (Linux: block/ioctl.c), with
 * Linux's numbers (include/uapi/linux/fs.h) and answers: the sizes
 * (BLKGETSIZE64 in bytes, BLKGETSIZE in 512-byte sectors, BLKSSZGET the
 * logical sector size), BLKROGET, BLKRAGET (readahead, in sectors) and
 * BLKFLSBUF (write the dirty blocks, drop the clean ones from the
 * cache). A bad pointer is -EFAULT, an unknown command -ENOTTY.
 */
#include "block/blkdev.h"
#include "fs/buffer_head.h"
#include "fs/file.h"
#include "kernel/errno.h"
#include "kernel/uaccess.h"
#include "mm/layout.h"
#include "mm/pagemap.h"

/* _IO(0x12, n) and _IOR(0x12, 114, size_t). */
#define BLKROGET     0x125e
#define BLKGETSIZE   0x1260
#define BLKFLSBUF    0x1261
#define BLKRAGET     0x1263
#define BLKSSZGET    0x1268
#define BLKGETSIZE64 0x80081272

static long put_int(unsigned long arg, int val)
{
	return copy_to_user(arg, &val, sizeof(val));
}

static long put_u64(unsigned long arg, uint64_t val)
{
	return copy_to_user(arg, &val, sizeof(val));
}

/* Linux's blkdev_flushbuf: what is dirty goes to the disk, and what is
 * cached and not in use is dropped, so the next read comes from the
 * disk. (Linux syncs a mounted file system's files first, too.) */
static long blkdev_flushbuf(struct block_device *bdev)
{
	sync_blockdev(bdev);
	invalidate_mapping_pages(bdev->bd_inode->i_mapping, 0, ~0UL);
	return 0;
}

long blkdev_ioctl(struct file *f, unsigned int cmd, unsigned long arg)
{
	struct block_device *bdev = f->private_data;

	switch (cmd) {
	case BLKGETSIZE64:
		return put_u64(arg, (uint64_t)bdev_nr_bytes(bdev));
	case BLKGETSIZE: /* an unsigned long, which holds any size on x86-64 */
		return put_u64(arg, bdev->bd_nr_sectors);
	case BLKSSZGET:
		return put_int(arg, SECTOR_SIZE);
	case BLKROGET:
		return put_int(arg, bdev->bd_read_only);
	case BLKRAGET:
		if (!arg)
			return -EINVAL; /* Linux's answer for NULL, not -EFAULT */
		return put_u64(arg, READAHEAD_PAGES * PAGE_SIZE / SECTOR_SIZE);
	case BLKFLSBUF:
		return blkdev_flushbuf(bdev);
	default:
		return -ENOTTY;
	}
}
