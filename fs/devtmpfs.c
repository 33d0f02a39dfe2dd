/*
 * devtmpfs (Linux: drivers/base/devtmpfs.c): /dev, in memory, holding a
 * node for each character device the kernel has (drivers/char/mem.c) and
 * for each disk (vda ...), mounted at boot. mknod and unlink work in it
 * as in tmpfs.
 */
#include "drivers/char/mem.h"
#include "fs/devtmpfs.h"
#include "block/blkdev.h"
#include "fs/stat.h"
#include "kernel/errno.h"
#include "kernel/printk.h"
#include "lib/err.h"

#define DEVTMPFS_MAGIC 0x01021994 /* tmpfs's */

static int devtmpfs_mknod(struct inode *dir, struct dentry *dentry, umode_t mode, dev_t dev)
{
	struct inode *inode = simple_new_inode(dir->i_sb, mode);

	if (!inode)
		return -ENOMEM;
	init_special_inode(inode, mode, dev);
	d_instantiate(dentry, inode);
	dget(dentry); /* pinned: the dentry is the file */
	dir->i_mtime = dir->i_ctime = current_time(dir);
	return 0;
}

static const struct inode_operations devtmpfs_dir_inode_operations = {
	.lookup = simple_lookup,
	.mknod = devtmpfs_mknod,
	.unlink = simple_unlink,
};

static const struct super_operations devtmpfs_sops = {
	.statfs = simple_statfs,
};

static struct dentry *make_node(struct dentry *dir, const char *name, umode_t mode, dev_t dev)
{
	struct inode *inode = simple_new_inode(dir->d_sb, mode);

	if (!inode)
		return NULL;
	init_special_inode(inode, mode, dev);
	return simple_create_dentry(dir, name, inode);
}

/* A node for each disk, /dev/vda ... (blkdev_for_each's callback). */
static void make_disk_node(struct block_device *bdev, void *arg)
{
	struct dentry *root = arg;

	/* 0600 as Linux's devtmpfs makes them (udev, which Antidote has not,
	 * would then give them to group disk). */
	if (!make_node(root, bdev->bd_name, S_IFBLK | 0600, bdev->bd_dev))
		pr_err("devtmpfs: no memory for /dev/%s\n", bdev->bd_name);
}

static int devtmpfs_fill_super(struct super_block *sb, void *data, int silent)
{
	(void)data, (void)silent;
	sb->s_magic = DEVTMPFS_MAGIC;
	sb->s_op = &devtmpfs_sops;
	struct inode *root = simple_new_inode(sb, S_IFDIR | 0755);
	if (!root)
		return -ENOMEM;
	root->i_op = &devtmpfs_dir_inode_operations;
	sb->s_root = d_make_root(root);
	if (!sb->s_root)
		return -ENOMEM;
	for (size_t i = 0; i < nr_char_device_nodes; i++) {
		const struct char_device_node *d = &char_device_nodes[i];
		if (!make_node(sb->s_root, d->name, S_IFCHR | d->mode, MKDEV(d->major, d->minor)))
			return -ENOMEM;
	}
	blkdev_for_each(make_disk_node, sb->s_root);
	return 0;
}

static struct dentry *devtmpfs_mount(struct file_system_type *type, unsigned int flags,
				     const char *dev_name, void *data)
{
	(void)dev_name;
	return mount_single(type, flags, data, devtmpfs_fill_super);
}

static struct file_system_type devtmpfs_fs_type = {
	.name = "devtmpfs",
	.mount = devtmpfs_mount,
	.kill_sb = kill_litter_super,
};

/* The drivers and the file system (fs/do_mounts.c mounts it). */
void devtmpfs_init(void)
{
	chr_dev_init();
	if (register_filesystem(&devtmpfs_fs_type))
		pr_err("devtmpfs: cannot register the file system\n");
}
