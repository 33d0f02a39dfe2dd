/*
 * Super blocks (Linux: fs/super.c): one per mounted file system. A file
 * system's mount operation makes one with the helpers here, and the last
 * umount takes it down: dentries, then inodes, then the file system's own
 * state (put_super).
 */
#include "fs/fs.h"
#include "fs/internal.h"
#include "fs/stat.h"
#include "block/blkdev.h"
#include "fs/buffer_head.h"
#include "fs/writeback.h"
#include "kernel/errno.h"
#include "kernel/printk.h"
#include "lib/err.h"
#include "lib/string.h"
#include "mm/slab.h"

static struct list_head super_blocks = LIST_HEAD_INIT(super_blocks);

/* Anonymous device numbers 0:1, 0:2, ... for file systems without a
 * device, so that st_dev tells them apart. */
static unsigned int next_anon_minor = 1;

static struct super_block *alloc_super(struct file_system_type *type, unsigned int flags)
{
	struct super_block *sb = kzalloc(sizeof(*sb));

	if (!sb)
		return NULL;
	sb->s_type = type;
	sb->s_flags = flags & SB_RDONLY;
	sb->s_blocksize = 4096;
	sb->s_blocksize_bits = 12;
	sb->s_maxbytes = INT64_MAX;
	sb->s_active = 1;
	INIT_LIST_HEAD(&sb->s_inodes);
	INIT_LIST_HEAD(&sb->s_dirty_inodes);
	INIT_LIST_HEAD(&sb->s_inodes_wb);
	mutex_init(&sb->s_umount);
	strlcpy(sb->s_id, type->name, sizeof(sb->s_id));
	list_add_tail(&sb->s_list, &super_blocks);
	return sb;
}

static void destroy_super(struct super_block *sb)
{
	list_del(&sb->s_list);
	kfree(sb);
}

/* fill_super failed or the last mount went: take everything down. */
static void generic_shutdown_super(struct super_block *sb)
{
	if (sb->s_root) {
		struct dentry *root = sb->s_root;
		sb->s_root = NULL;
		shrink_dcache_sb(sb);
		dput(root);
		shrink_dcache_sb(sb);
	}
	int busy = evict_inodes(sb);
	if (busy)
		pr_err("VFS: Busy inodes after unmount of %s (%s)\n", sb->s_id, sb->s_type->name);
	if (sb->s_op && sb->s_op->put_super)
		sb->s_op->put_super(sb);
}

void kill_anon_super(struct super_block *sb)
{
	generic_shutdown_super(sb);
	destroy_super(sb);
}

/* Pinned dentries: the file systems whose dentries are the only record
 * of their files (tmpfs, debugfs) hold an extra reference on each
 * positive one; drop those, leaves first (Linux: d_genocide). */
static void d_genocide(struct dentry *d)
{
	for (struct list_head *e = d->d_subdirs.next; e != &d->d_subdirs;) {
		struct dentry *child = list_entry(e, struct dentry, d_child);
		e = e->next;
		d_genocide(child);
	}
	if (d->d_inode && !list_empty(&d->d_hash) && d->d_parent != d) {
		d_drop(d);
		dput(d);
	}
}

void kill_litter_super(struct super_block *sb)
{
	if (sb->s_root)
		d_genocide(sb->s_root);
	kill_anon_super(sb);
}

void deactivate_super(struct super_block *sb)
{
	if (--sb->s_active > 0)
		return;
	sync_filesystem(sb); /* nothing written may be lost at umount */
	sb->s_type->kill_sb(sb);
}

static struct dentry *fill_new_super(struct super_block *sb, void *data,
				     int (*fill_super)(struct super_block *, void *, int))
{
	int err = fill_super(sb, data, 0);

	if (err) {
		generic_shutdown_super(sb);
		destroy_super(sb);
		return ERR_PTR(err);
	}
	return dget(sb->s_root);
}

struct dentry *mount_nodev(struct file_system_type *fs_type, unsigned int flags, void *data,
			   int (*fill_super)(struct super_block *sb, void *data, int silent))
{
	struct super_block *sb = alloc_super(fs_type, flags);

	if (!sb)
		return ERR_PTR(-ENOMEM);
	sb->s_dev = MKDEV(0, next_anon_minor++);
	return fill_new_super(sb, data, fill_super);
}

struct dentry *mount_single(struct file_system_type *fs_type, unsigned int flags, void *data,
			    int (*fill_super)(struct super_block *sb, void *data, int silent))
{
	for (struct list_head *e = super_blocks.next; e != &super_blocks; e = e->next) {
		struct super_block *sb = list_entry(e, struct super_block, s_list);
		if (sb->s_type == fs_type && sb->s_root) {
			sb->s_active++;
			return dget(sb->s_root);
		}
	}
	return mount_nodev(fs_type, flags, data, fill_super);
}

static int sync_fs(struct super_block *sb, int wait)
{
	return sb->s_op && sb->s_op->sync_fs ? sb->s_op->sync_fs(sb, wait) : 0;
}

/* Linux's order: start every inode's write-back, let the file system
 * start its own, then write and wait for the inodes, the file system's
 * metadata and the device's blocks (fs/fs-writeback.c, fs/block_dev.c). */
/* ---- file systems on a block device ---------------------------------- */

/* The disk a mount's source names: a block device file ("/dev/vda"), or
 * - before /dev has its nodes, and as Linux's root= accepts - "/dev/NAME"
 * or "NAME" of a registered disk. NULL with *err set if none. */
static struct block_device *lookup_bdev(const char *dev_name, int *err)
{
	struct path path;

	if (kern_path(dev_name, LOOKUP_FOLLOW, &path) == 0) {
		struct inode *inode = path.dentry->d_inode;
		struct block_device *bdev = S_ISBLK(inode->i_mode) ? blkdev_by_dev(inode->i_rdev)
								 : NULL;
		*err = !S_ISBLK(inode->i_mode) ? -ENOTBLK : bdev ? 0 : -ENXIO;
		path_put(&path);
		return bdev;
	}
	struct block_device *bdev = blkdev_lookup(strncmp(dev_name, "/dev/", 5) ? dev_name
										 : dev_name + 5);
	*err = bdev ? 0 : -ENOENT;
	return bdev;
}

static struct super_block *find_bdev_super(struct file_system_type *type,
					   const struct block_device *bdev)
{
	for (struct list_head *e = super_blocks.next; e != &super_blocks; e = e->next) {
		struct super_block *sb = list_entry(e, struct super_block, s_list);
		if (sb->s_bdev == bdev && sb->s_root)
			return sb->s_type == type ? sb : ERR_PTR(-EBUSY);
	}
	return NULL;
}

struct dentry *mount_bdev(struct file_system_type *fs_type, unsigned int flags,
			  const char *dev_name, void *data,
			  int (*fill_super)(struct super_block *sb, void *data, int silent))
{
	int err;
	struct block_device *bdev = lookup_bdev(dev_name, &err);

	if (!bdev)
		return ERR_PTR(err);
	if (!(flags & SB_RDONLY) && bdev->bd_read_only)
		return ERR_PTR(-EACCES); /* Linux: mount then retries read-only */
	struct super_block *sb = find_bdev_super(fs_type, bdev);
	if (IS_ERR(sb))
		return (struct dentry *)sb; /* another file system has the disk */
	if (sb) { /* mounted already: one more mount of the same */
		if ((flags ^ sb->s_flags) & SB_RDONLY)
			return ERR_PTR(-EBUSY);
		sb->s_active++;
		return dget(sb->s_root);
	}
	/* The file system holds the disk exclusively, as Linux's: an
	 * O_EXCL open of it fails with EBUSY, and it with one. */
	err = blkdev_get(bdev, fs_type);
	if (err)
		return ERR_PTR(err);
	sb = alloc_super(fs_type, flags);
	if (!sb) {
		blkdev_put(bdev, fs_type);
		return ERR_PTR(-ENOMEM);
	}
	sb->s_bdev = bdev;
	sb->s_dev = bdev->bd_dev;
	strlcpy(sb->s_id, bdev->bd_name, sizeof(sb->s_id));
	struct dentry *root = fill_new_super(sb, data, fill_super);
	if (IS_ERR(root))
		blkdev_put(bdev, fs_type);
	return root;
}

void kill_block_super(struct super_block *sb)
{
	struct block_device *bdev = sb->s_bdev;
	struct file_system_type *type = sb->s_type;

	generic_shutdown_super(sb);
	sync_blockdev(bdev); /* what put_super wrote */
	destroy_super(sb);
	blkdev_put(bdev, type);
}

int sync_filesystem(struct super_block *sb)
{
	int err;

	if (sb->s_flags & SB_RDONLY)
		return 0;
	writeback_inodes_sb(sb);
	err = sync_fs(sb, 0);
	if (err)
		return err;
	sync_inodes_sb(sb);
	err = sync_fs(sb, 1);
	if (err)
		return err;
	return sb->s_bdev ? sync_blockdev(sb->s_bdev) : 0;
}

void iterate_supers(void (*fn)(struct super_block *sb, void *arg), void *arg)
{
	for (struct list_head *e = super_blocks.next; e != &super_blocks; e = e->next)
		fn(list_entry(e, struct super_block, s_list), arg);
}

static void remount_readonly(struct super_block *sb, void *arg)
{
	unsigned int flags = SB_RDONLY;

	(void)arg;
	if (sb->s_flags & SB_RDONLY || !sb->s_root)
		return;
	sync_filesystem(sb);
	if (sb->s_op && sb->s_op->remount_fs && sb->s_op->remount_fs(sb, &flags, NULL))
		return; /* it keeps its state; the sync above wrote the data */
	sb->s_flags |= SB_RDONLY;
}

void remount_all_readonly(void)
{
	iterate_supers(remount_readonly, NULL);
}
