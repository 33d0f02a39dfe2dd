/*
 * Super blocks (Linux: fs/super.c): one per mounted file system. A file
 * system's mount operation makes one with the helpers here, and the last
 * umount takes it down: dentries, then inodes, then the file system's own
 * state (put_super).
 */
#include "fs/fs.h"
#include "fs/internal.h"
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

int sync_filesystem(struct super_block *sb)
{
	if (sb->s_flags & SB_RDONLY)
		return 0;
	return sb->s_op && sb->s_op->sync_fs ? sb->s_op->sync_fs(sb, 1) : 0;
}

void iterate_supers(void (*fn)(struct super_block *sb, void *arg), void *arg)
{
	for (struct list_head *e = super_blocks.next; e != &super_blocks; e = e->next)
		fn(list_entry(e, struct super_block, s_list), arg);
}
