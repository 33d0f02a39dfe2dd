/*
 * Mounting ext2 (Linux: fs/ext2/super.c). ext2_fill_super reads the
 * superblock and the group descriptors, checks everything a later
 * access trusts - and refuses the disk, with a log line saying why and
 * before anything is written, if one check fails. A mounted file system
 * is marked "not clean" on the disk until put_super writes it back clean,
 * so that e2fsck knows whether it was unmounted.
 */
#include "fs/ext2/ext2.h"

#include "fs/stat.h"
#include "kernel/printk.h"
#include "kernel/timekeeping.h"
#include "lib/err.h"
#include "lib/format.h"
#include "lib/string.h"
#include "mm/page.h"
#include "mm/slab.h"

void ext2_msg(struct super_block *sb, const char *prefix, const char *fmt, ...)
{
	char line[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	printk("%sEXT2-fs (%s): %s\n", prefix, sb->s_id, line);
}

/* Something on the disk is wrong: say so, and mark the file system as
 * needing e2fsck (errors=continue, Linux's default). */
void ext2_error(struct super_block *sb, const char *function, const char *fmt, ...)
{
	struct ext2_sb_info *sbi = EXT2_SB(sb);
	char line[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	printk(KERN_CRIT "EXT2-fs (%s): error: %s: %s\n", sb->s_id, function, line);
	/* Not while mounting: a refused disk is left as it was. */
	if (sbi && sb->s_root && !(sb->s_flags & SB_RDONLY)) {
		sbi->s_mount_state |= EXT2_ERROR_FS;
		sbi->s_es->s_state |= EXT2_ERROR_FS;
		ext2_sync_super(sb, true);
	}
}

struct ext2_group_desc *ext2_get_group_desc(struct super_block *sb, unsigned int group,
					    struct page **page)
{
	struct ext2_sb_info *sbi = EXT2_SB(sb);
	unsigned long block = group / sbi->s_desc_per_block;
	unsigned long offset = group % sbi->s_desc_per_block;

	if (group >= sbi->s_groups_count) {
		ext2_error(sb, __func__, "block_group >= groups_count - block_group = %u, groups_count = %lu",
			   group, sbi->s_groups_count);
		return NULL;
	}
	if (page)
		*page = sbi->s_group_desc[block];
	return (struct ext2_group_desc *)page_address(sbi->s_group_desc[block]) + offset;
}

static bool is_power_of(unsigned int n, unsigned int base)
{
	while (n > 1 && n % base == 0)
		n /= base;
	return n == 1;
}

/* Does group hold a copy of the superblock (and of the descriptors)? */
bool ext2_bg_has_super(struct super_block *sb, unsigned int group)
{
	if (!ext2_has_ro_compat(sb, EXT2_FEATURE_RO_COMPAT_SPARSE_SUPER))
		return true;
	return group <= 1 || is_power_of(group, 3) || is_power_of(group, 5) ||
	       is_power_of(group, 7);
}

unsigned long ext2_bg_num_gdb(struct super_block *sb, unsigned int group)
{
	return ext2_bg_has_super(sb, group) ? EXT2_SB(sb)->s_gdb_count : 0;
}

/* The largest file: the block map's reach, and i_blocks (32 bits of
 * 512-byte units, the map's own blocks included) as Linux computes it. */
loff_t ext2_max_size(void)
{
	uint64_t ppb = EXT2_ADDR_PER_BLOCK;
	uint64_t upper = ((1ULL << 32) - 1) >> (EXT2_BLOCK_SIZE_BITS - 9);
	uint64_t meta = 1 + 1 + ppb + 1 + ppb + ppb * ppb;
	uint64_t blocks = EXT2_NDIR_BLOCKS + ppb + ppb * ppb + ppb * ppb * ppb;

	upper -= meta;
	if (blocks > upper)
		blocks = upper;
	return (loff_t)(blocks << EXT2_BLOCK_SIZE_BITS);
}

/* Each group's bitmaps and inode table must lie inside the group. */
static bool ext2_check_descriptors(struct super_block *sb)
{
	struct ext2_sb_info *sbi = EXT2_SB(sb);

	for (unsigned int i = 0; i < sbi->s_groups_count; i++) {
		struct ext2_group_desc *gdp = ext2_get_group_desc(sb, i, NULL);
		uint64_t first = sbi->s_es->s_first_data_block + (uint64_t)i * sbi->s_blocks_per_group;
		uint64_t last = i == sbi->s_groups_count - 1 ? sbi->s_es->s_blocks_count - 1
							      : first + sbi->s_blocks_per_group - 1;

		if (gdp->bg_block_bitmap < first || gdp->bg_block_bitmap > last) {
			ext2_error(sb, __func__, "Block bitmap for group %u not in group (block %u)!",
				   i, gdp->bg_block_bitmap);
			return false;
		}
		if (gdp->bg_inode_bitmap < first || gdp->bg_inode_bitmap > last) {
			ext2_error(sb, __func__, "Inode bitmap for group %u not in group (block %u)!",
				   i, gdp->bg_inode_bitmap);
			return false;
		}
		if (gdp->bg_inode_table < first ||
		    gdp->bg_inode_table + sbi->s_itb_per_group - 1 > last) {
			ext2_error(sb, __func__, "Inode table for group %u not in group (block %u)!",
				   i, gdp->bg_inode_table);
			return false;
		}
	}
	return true;
}

/* Not an ext2 file system at all (silent: mount is trying types). */
static int ext2_cant_find(struct super_block *sb, int silent)
{
	if (!silent)
		ext2_msg(sb, KERN_ERR, "error: can't find ext2 filesystem on dev %s.", sb->s_id);
	return -EINVAL;
}

/* The superblock's fields a mount depends on, checked in Linux's order
 * with Linux's messages. Sets s_es's derived values in sbi. */
static int ext2_check_super(struct super_block *sb, int silent)
{
	struct ext2_sb_info *sbi = EXT2_SB(sb);
	struct ext2_super_block *es = sbi->s_es;
	uint32_t features;
	uint64_t dev_blocks;

	if (es->s_magic != EXT2_SUPER_MAGIC)
		return ext2_cant_find(sb, silent);
	if (es->s_rev_level == EXT2_GOOD_OLD_REV &&
	    (es->s_feature_compat || es->s_feature_ro_compat || es->s_feature_incompat))
		ext2_msg(sb, KERN_WARNING,
			 "warning: feature flags set on rev 0 fs, running e2fsck is recommended");
	features = es->s_feature_incompat & ~EXT2_FEATURE_INCOMPAT_SUPP;
	if (features) {
		ext2_msg(sb, KERN_ERR,
			 "error: couldn't mount because of unsupported optional features (%x)",
			 features);
		return -EINVAL;
	}
	features = es->s_feature_ro_compat & ~EXT2_FEATURE_RO_COMPAT_SUPP;
	if (!(sb->s_flags & SB_RDONLY) && features) {
		ext2_msg(sb, KERN_ERR,
			 "error: couldn't mount RDWR because of unsupported optional features (%x)",
			 features);
		return -EINVAL;
	}
	if (es->s_log_block_size > 6) {
		ext2_msg(sb, KERN_ERR, "Invalid log block size: %u", es->s_log_block_size);
		return -EINVAL;
	}
	if ((1024u << es->s_log_block_size) != EXT2_BLOCK_SIZE) {
		ext2_msg(sb, KERN_ERR, "error: unsupported blocksize %u (only 4096 is)",
			 1024u << es->s_log_block_size);
		return -EINVAL;
	}
	if (es->s_rev_level == EXT2_GOOD_OLD_REV) {
		sbi->s_inode_size = EXT2_GOOD_OLD_INODE_SIZE;
		sbi->s_first_ino = EXT2_GOOD_OLD_FIRST_INO;
	} else {
		sbi->s_inode_size = es->s_inode_size;
		sbi->s_first_ino = es->s_first_ino;
		if (sbi->s_inode_size < EXT2_GOOD_OLD_INODE_SIZE ||
		    (sbi->s_inode_size & (sbi->s_inode_size - 1)) ||
		    sbi->s_inode_size > EXT2_BLOCK_SIZE) {
			ext2_msg(sb, KERN_ERR, "error: unsupported inode size: %u", sbi->s_inode_size);
			return -EINVAL;
		}
	}
	if (es->s_log_frag_size != es->s_log_block_size) {
		ext2_msg(sb, KERN_ERR, "error: fragsize %u != blocksize %u (not supported yet)",
			 1024u << (es->s_log_frag_size & 15), EXT2_BLOCK_SIZE);
		return -EINVAL;
	}
	if (es->s_first_data_block != 0) {
		ext2_msg(sb, KERN_ERR, "error: first data block %u, not 0 with 4096-byte blocks",
			 es->s_first_data_block);
		return -EINVAL;
	}
	sbi->s_blocks_per_group = es->s_blocks_per_group;
	sbi->s_inodes_per_group = es->s_inodes_per_group;
	sbi->s_inodes_per_block = EXT2_BLOCK_SIZE / sbi->s_inode_size;
	sbi->s_itb_per_group = sbi->s_inodes_per_group / sbi->s_inodes_per_block;
	sbi->s_desc_per_block = EXT2_BLOCK_SIZE / sizeof(struct ext2_group_desc);
	if (sbi->s_blocks_per_group == 0 || sbi->s_inodes_per_group == 0)
		return ext2_cant_find(sb, silent);
	if (sbi->s_blocks_per_group > EXT2_BLOCK_SIZE * 8) {
		ext2_msg(sb, KERN_ERR, "error: #blocks per group too big: %lu",
			 sbi->s_blocks_per_group);
		return -EINVAL;
	}
	if (sbi->s_blocks_per_group <= sbi->s_itb_per_group + 3) {
		ext2_msg(sb, KERN_ERR,
			 "error: #blocks per group smaller than metadata size: %lu <= %lu",
			 sbi->s_blocks_per_group, sbi->s_itb_per_group + 3);
		return -EINVAL;
	}
	if (sbi->s_inodes_per_group < sbi->s_inodes_per_block ||
	    sbi->s_inodes_per_group > EXT2_BLOCK_SIZE * 8 ||
	    sbi->s_inodes_per_group % sbi->s_inodes_per_block) {
		ext2_msg(sb, KERN_ERR, "error: invalid #inodes per group: %lu",
			 sbi->s_inodes_per_group);
		return -EINVAL;
	}
	if (sbi->s_first_ino < EXT2_GOOD_OLD_FIRST_INO || sbi->s_first_ino > es->s_inodes_count) {
		ext2_msg(sb, KERN_ERR, "error: invalid first inode: %u", sbi->s_first_ino);
		return -EINVAL;
	}
	dev_blocks = (uint64_t)bdev_nr_bytes(sb->s_bdev) >> EXT2_BLOCK_SIZE_BITS;
	if (dev_blocks < es->s_blocks_count) {
		ext2_msg(sb, KERN_ERR,
			 "bad geometry: block count %u exceeds size of device (%llu blocks)",
			 es->s_blocks_count, (unsigned long long)dev_blocks);
		return -EINVAL;
	}
	if (es->s_blocks_count <= es->s_first_data_block) {
		ext2_msg(sb, KERN_ERR, "error: invalid block count %u", es->s_blocks_count);
		return -EINVAL;
	}
	sbi->s_groups_count = (es->s_blocks_count - es->s_first_data_block - 1) /
			      sbi->s_blocks_per_group + 1;
	if ((uint64_t)sbi->s_groups_count * sbi->s_inodes_per_group != es->s_inodes_count) {
		ext2_msg(sb, KERN_ERR, "error: invalid #inodes: %u vs computed %llu",
			 es->s_inodes_count,
			 (unsigned long long)sbi->s_groups_count * sbi->s_inodes_per_group);
		return -EINVAL;
	}
	sbi->s_gdb_count = (sbi->s_groups_count + sbi->s_desc_per_block - 1) / sbi->s_desc_per_block;
	return 0;
}

static int ext2_read_descriptors(struct super_block *sb)
{
	struct ext2_sb_info *sbi = EXT2_SB(sb);

	sbi->s_group_desc = kzalloc(sbi->s_gdb_count * sizeof(struct page *));
	if (!sbi->s_group_desc) {
		ext2_msg(sb, KERN_ERR, "error: not enough memory");
		return -ENOMEM;
	}
	for (unsigned long i = 0; i < sbi->s_gdb_count; i++) {
		sbi->s_group_desc[i] = sb_bread(sb, sbi->s_es->s_first_data_block + 1 + i);
		if (!sbi->s_group_desc[i]) {
			ext2_msg(sb, KERN_ERR, "error: unable to read group descriptors");
			return -EIO;
		}
	}
	if (!ext2_check_descriptors(sb)) {
		ext2_msg(sb, KERN_ERR, "error: group descriptors corrupted");
		return -EINVAL;
	}
	return 0;
}

/* Metadata blocks (backups, descriptors, bitmaps, inode tables), which
 * statfs leaves out of f_blocks as Linux's default "bsddf" does. */
static uint64_t ext2_overhead(struct super_block *sb)
{
	struct ext2_sb_info *sbi = EXT2_SB(sb);
	uint64_t overhead = sbi->s_es->s_first_data_block;

	for (unsigned int i = 0; i < sbi->s_groups_count; i++)
		overhead += ext2_bg_has_super(sb, i) + ext2_bg_num_gdb(sb, i);
	return overhead + sbi->s_groups_count * (2 + sbi->s_itb_per_group);
}

/* The mount goes ahead: count it and mark the disk in use (Linux:
 * ext2_setup_super). Returns SB_RDONLY if the disk must stay read-only. */
static unsigned int ext2_setup_super(struct super_block *sb)
{
	struct ext2_sb_info *sbi = EXT2_SB(sb);
	struct ext2_super_block *es = sbi->s_es;
	uint32_t now = (uint32_t)(ktime_get_real_ns() / 1000000000);

	if (es->s_rev_level > EXT2_DYNAMIC_REV) {
		ext2_msg(sb, KERN_ERR, "error: revision level too high, forcing read-only mode");
		return SB_RDONLY;
	}
	if (sb->s_flags & SB_RDONLY)
		return 0;
	if (!(sbi->s_mount_state & EXT2_VALID_FS))
		ext2_msg(sb, KERN_WARNING,
			 "warning: mounting unchecked fs, running e2fsck is recommended");
	else if (sbi->s_mount_state & EXT2_ERROR_FS)
		ext2_msg(sb, KERN_WARNING,
			 "warning: mounting fs with errors, running e2fsck is recommended");
	else if (es->s_max_mnt_count >= 0 && es->s_mnt_count >= (uint16_t)es->s_max_mnt_count)
		ext2_msg(sb, KERN_WARNING,
			 "warning: maximal mount count reached, running e2fsck is recommended");
	else if (es->s_checkinterval && es->s_lastcheck + es->s_checkinterval <= now)
		ext2_msg(sb, KERN_WARNING,
			 "warning: checktime reached, running e2fsck is recommended");
	if (es->s_max_mnt_count == 0)
		es->s_max_mnt_count = EXT2_DFL_MAX_MNT_COUNT;
	es->s_mnt_count++;
	es->s_mtime = now;
	es->s_state &= ~EXT2_VALID_FS;
	ext2_sync_super(sb, true);
	return 0;
}

static void ext2_free_sbi(struct super_block *sb)
{
	struct ext2_sb_info *sbi = EXT2_SB(sb);

	if (sbi->s_group_desc) {
		for (unsigned long i = 0; i < sbi->s_gdb_count; i++)
			if (sbi->s_group_desc[i])
				brelse(sbi->s_group_desc[i]);
		kfree(sbi->s_group_desc);
	}
	if (sbi->s_sbh)
		brelse(sbi->s_sbh);
	kfree(sbi);
	sb->s_fs_info = NULL;
}

static int ext2_get_root(struct super_block *sb)
{
	struct inode *root = ext2_iget(sb, EXT2_ROOT_INO);

	if (IS_ERR(root)) {
		ext2_msg(sb, KERN_ERR, "error: get root inode failed");
		return PTR_ERR(root);
	}
	if (!S_ISDIR(root->i_mode) || !root->i_blocks || !root->i_size) {
		iput(root);
		ext2_msg(sb, KERN_ERR, "error: corrupt root inode, run e2fsck");
		return -EINVAL;
	}
	sb->s_root = d_make_root(root);
	if (!sb->s_root) {
		ext2_msg(sb, KERN_ERR, "error: get root inode failed");
		return -ENOMEM;
	}
	return 0;
}

static const struct super_operations ext2_sops;

int ext2_fill_super(struct super_block *sb, void *data, int silent)
{
	struct ext2_sb_info *sbi;
	int err;

	(void)data; /* no mount options yet */
	sbi = kzalloc(sizeof(*sbi));
	if (!sbi)
		return -ENOMEM;
	mutex_init(&sbi->s_lock);
	sb->s_fs_info = sbi;
	sb->s_blocksize = EXT2_BLOCK_SIZE;
	sb->s_blocksize_bits = EXT2_BLOCK_SIZE_BITS;
	sbi->s_sbh = sb_bread(sb, 0);
	if (!sbi->s_sbh) {
		ext2_msg(sb, KERN_ERR, "error: unable to read superblock");
		err = -EIO;
		goto failed;
	}
	sbi->s_es = (struct ext2_super_block *)((char *)page_address(sbi->s_sbh) + EXT2_SUPER_OFFSET);
	err = ext2_check_super(sb, silent);
	if (err)
		goto failed;
	err = ext2_read_descriptors(sb);
	if (err)
		goto failed;
	sbi->s_mount_state = sbi->s_es->s_state;
	sbi->s_es->s_free_blocks_count = ext2_count_free_blocks(sb);
	sbi->s_es->s_free_inodes_count = ext2_count_free_inodes(sb);
	sbi->s_dir_count = ext2_count_dirs(sb);
	sbi->s_overhead = ext2_overhead(sb);
	sb->s_magic = EXT2_SUPER_MAGIC;
	sb->s_maxbytes = ext2_max_size();
	sb->s_op = &ext2_sops;
	err = ext2_get_root(sb);
	if (err)
		goto failed;
	sb->s_flags |= ext2_setup_super(sb);
	return 0;

failed:
	/* Nothing was marked dirty yet: the disk is as it was. */
	ext2_free_sbi(sb);
	return err;
}

/* Write the superblock (Linux: ext2_sync_super). The free counts in it
 * are kept up to date by every allocation. */
void ext2_sync_super(struct super_block *sb, bool wait)
{
	struct ext2_sb_info *sbi = EXT2_SB(sb);

	sbi->s_es->s_wtime = (uint32_t)(ktime_get_real_ns() / 1000000000);
	mark_buffer_dirty(sbi->s_sbh);
	if (wait)
		sync_dirty_buffer(sbi->s_sbh);
}

static int ext2_sync_fs(struct super_block *sb, int wait)
{
	struct ext2_sb_info *sbi = EXT2_SB(sb);

	mutex_lock(&sbi->s_lock);
	for (unsigned long i = 0; i < sbi->s_gdb_count; i++)
		if (wait)
			sync_dirty_buffer(sbi->s_group_desc[i]);
	ext2_sync_super(sb, wait);
	mutex_unlock(&sbi->s_lock);
	return 0;
}

/* Unmount: the descriptors and the superblock go back with the state the
 * disk had at mount - clean, unless an error was found meanwhile. */
static void ext2_put_super(struct super_block *sb)
{
	struct ext2_sb_info *sbi = EXT2_SB(sb);

	if (!(sb->s_flags & SB_RDONLY)) {
		sbi->s_es->s_state = sbi->s_mount_state;
		ext2_sync_fs(sb, 1);
	}
	ext2_free_sbi(sb);
}

static int ext2_statfs(struct dentry *dentry, struct kstatfs *buf)
{
	struct super_block *sb = dentry->d_sb;
	struct ext2_sb_info *sbi = EXT2_SB(sb);
	struct ext2_super_block *es = sbi->s_es;
	uint64_t fsid_lo, fsid_hi;

	buf->f_type = EXT2_SUPER_MAGIC;
	buf->f_bsize = EXT2_BLOCK_SIZE;
	buf->f_frsize = EXT2_BLOCK_SIZE;
	buf->f_blocks = es->s_blocks_count - sbi->s_overhead;
	buf->f_bfree = es->s_free_blocks_count;
	buf->f_bavail = buf->f_bfree > es->s_r_blocks_count ? buf->f_bfree - es->s_r_blocks_count : 0;
	buf->f_files = es->s_inodes_count;
	buf->f_ffree = es->s_free_inodes_count;
	buf->f_namelen = EXT2_NAME_LEN;
	memcpy(&fsid_lo, es->s_uuid, 8);
	memcpy(&fsid_hi, es->s_uuid + 8, 8);
	buf->f_fsid = fsid_lo ^ fsid_hi;
	return 0;
}

/* mount -o remount,ro or rw (Linux: ext2_remount). Going read-only
 * leaves the disk as clean as an unmount would (the VFS has synced it);
 * going read-write checks the features again and counts a mount. */
static int ext2_remount(struct super_block *sb, unsigned int *flags, char *data)
{
	struct ext2_sb_info *sbi = EXT2_SB(sb);
	struct ext2_super_block *es = sbi->s_es;
	uint32_t features;

	(void)data;
	if ((*flags & SB_RDONLY) == (sb->s_flags & SB_RDONLY))
		return 0;
	if (*flags & SB_RDONLY) {
		if (!(es->s_state & EXT2_VALID_FS) && (sbi->s_mount_state & EXT2_VALID_FS)) {
			es->s_state = sbi->s_mount_state;
			es->s_mtime = (uint32_t)(ktime_get_real_ns() / 1000000000);
			ext2_sync_fs(sb, 1);
		}
		sb->s_flags |= SB_RDONLY;
		return 0;
	}
	features = es->s_feature_ro_compat & ~EXT2_FEATURE_RO_COMPAT_SUPP;
	if (features) {
		ext2_msg(sb, KERN_WARNING,
			 "warning: couldn't remount RDWR because of unsupported optional features (%x).",
			 features);
		return -EROFS;
	}
	sbi->s_mount_state = es->s_state;
	sb->s_flags &= ~SB_RDONLY;
	sb->s_flags |= ext2_setup_super(sb);
	*flags = sb->s_flags;
	return 0;
}

static struct inode *ext2_alloc_inode(struct super_block *sb)
{
	struct ext2_inode_info *ei = kzalloc(sizeof(*ei));

	(void)sb;
	if (!ei)
		return NULL;
	mutex_init(&ei->truncate_mutex);
	return &ei->vfs_inode;
}

static void ext2_free_in_core_inode(struct inode *inode)
{
	kfree(EXT2_I(inode));
}

static const struct super_operations ext2_sops = {
	.alloc_inode = ext2_alloc_inode,
	.free_inode = ext2_free_in_core_inode,
	.write_inode = ext2_write_inode,
	.evict_inode = ext2_evict_inode,
	.put_super = ext2_put_super,
	.sync_fs = ext2_sync_fs,
	.statfs = ext2_statfs,
	.remount_fs = ext2_remount,
};

static struct dentry *ext2_mount(struct file_system_type *fs_type, unsigned int flags,
				 const char *dev_name, void *data)
{
	return mount_bdev(fs_type, flags, dev_name, data, ext2_fill_super);
}

struct file_system_type ext2_fs_type = {
	.name = "ext2",
	.fs_flags = FS_REQUIRES_DEV,
	.mount = ext2_mount,
	.kill_sb = kill_block_super,
};

int init_ext2_fs(void)
{
	return register_filesystem(&ext2_fs_type);
}
