/*
 * debugfs's file system (Linux: fs/debugfs/inode.c). Its files live in the
 * dentry cache, pinned, as in Linux. One super block serves every mount;
 * the kernel holds an internal mount of it from boot (Linux:
 * simple_pin_fs), so that files can be made before anything mounts it.
 */
#include "fs/debugfs/debugfs.h"
#include "fs/internal.h"
#include "fs/stat.h"
#include "kernel/errno.h"
#include "kernel/printk.h"
#include "lib/err.h"

#define DEBUGFS_MAGIC 0x64626720

static struct vfsmount *debugfs_mount_pin;

static const struct super_operations debugfs_sops = {
	.statfs = simple_statfs,
};

static int debugfs_fill_super(struct super_block *sb, void *data, int silent)
{
	(void)data, (void)silent;
	sb->s_magic = DEBUGFS_MAGIC;
	sb->s_op = &debugfs_sops;
	struct inode *root = simple_new_inode(sb, S_IFDIR | 0700);
	if (!root)
		return -ENOMEM;
	sb->s_root = d_make_root(root);
	return sb->s_root ? 0 : -ENOMEM;
}

static struct dentry *debugfs_mount(struct file_system_type *type, unsigned int flags,
				    const char *dev_name, void *data)
{
	(void)dev_name;
	return mount_single(type, flags, data, debugfs_fill_super);
}

static struct file_system_type debug_fs_type = {
	.name = "debugfs",
	.mount = debugfs_mount,
	.kill_sb = kill_litter_super,
};

static struct dentry *create(const char *name, umode_t mode, struct dentry *parent, void *data,
			     const struct file_operations *fops)
{
	if (!debugfs_mount_pin)
		return NULL;
	if (!parent)
		parent = debugfs_mount_pin->mnt_root;
	struct inode *inode = simple_new_inode(parent->d_sb, mode);
	if (!inode)
		return NULL;
	inode->i_private = data;
	if (fops)
		inode->i_fop = fops;
	return simple_create_dentry(parent, name, inode);
}

struct dentry *debugfs_create_dir(const char *name, struct dentry *parent)
{
	return create(name, S_IFDIR | 0700, parent, NULL, NULL);
}

struct dentry *debugfs_create_file(const char *name, umode_t mode, struct dentry *parent,
				   void *data, const struct file_operations *fops)
{
	return create(name, S_IFREG | (mode & S_IALLUGO), parent, data, fops);
}

void debugfs_init(void)
{
	int err = register_filesystem(&debug_fs_type);

	if (!err) {
		debugfs_mount_pin = vfs_kern_mount(&debug_fs_type, 0, "debugfs", NULL);
		if (IS_ERR(debugfs_mount_pin)) {
			err = (int)PTR_ERR(debugfs_mount_pin);
			debugfs_mount_pin = NULL;
		}
	}
	if (err)
		pr_err("debugfs: cannot make the file system (error %d)\n", err);
}
