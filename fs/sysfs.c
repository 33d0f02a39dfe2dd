/*
 * sysfs, as little of it as Antidote needs (Linux: fs/sysfs): /sys with
 * the directory /sys/kernel/debug, where debugfs is mounted. Linux's
 * devices, buses and classes are not there.
 */
#include "fs/fs.h"
#include "fs/stat.h"
#include "fs/sysfs.h"
#include "kernel/errno.h"
#include "kernel/printk.h"

#define SYSFS_MAGIC 0x62656572

static const struct super_operations sysfs_sops = {
	.statfs = simple_statfs,
};

static struct dentry *make_dir(struct dentry *parent, const char *name)
{
	struct inode *inode = simple_new_inode(parent->d_sb, S_IFDIR | 0755);

	return inode ? simple_create_dentry(parent, name, inode) : NULL;
}

static int sysfs_fill_super(struct super_block *sb, void *data, int silent)
{
	(void)data, (void)silent;
	sb->s_magic = SYSFS_MAGIC;
	sb->s_op = &sysfs_sops;
	struct inode *root = simple_new_inode(sb, S_IFDIR | 0755);
	if (!root)
		return -ENOMEM;
	sb->s_root = d_make_root(root);
	if (!sb->s_root)
		return -ENOMEM;
	struct dentry *kernel = make_dir(sb->s_root, "kernel");
	return kernel && make_dir(kernel, "debug") ? 0 : -ENOMEM;
}

static struct dentry *sysfs_mount(struct file_system_type *type, unsigned int flags,
				  const char *dev_name, void *data)
{
	(void)dev_name;
	return mount_single(type, flags, data, sysfs_fill_super);
}

static struct file_system_type sysfs_fs_type = {
	.name = "sysfs",
	.mount = sysfs_mount,
	.kill_sb = kill_litter_super,
};

void sysfs_init(void)
{
	if (register_filesystem(&sysfs_fs_type))
		pr_err("sysfs: cannot register the file system\n");
}
