/*
 * ext2 inodes (Linux: fs/ext2/inode.c): reading and writing them in the
 * inode table, and the block map - which disk block holds block n of a
 * file. Twelve blocks are named in the inode itself; after them come a
 * single, a double and a triple indirect tree of blocks of 1024 block
 * numbers each. A zero anywhere is a hole: the file reads as zeros there
 * and owns no block. Block numbers are 32 bits, sizes 64 (i_size_high).
 */
#include "fs/ext2/ext2.h"

#include "fs/stat.h"
#include "kernel/printk.h"
#include "kernel/timekeeping.h"
#include "lib/err.h"
#include "lib/string.h"
#include "mm/page.h"

#define SECTORS_PER_BLOCK (EXT2_BLOCK_SIZE / 512) /* i_blocks counts 512-byte units */

/* The slot of inode ino in the inode table, in its block's page (held:
 * brelse it); an ERR_PTR if the number or the block is bad. */
static struct ext2_inode *ext2_get_raw_inode(struct super_block *sb, unsigned long ino,
					     struct page **page)
{
	struct ext2_sb_info *sbi = EXT2_SB(sb);
	struct ext2_group_desc *gdp;
	unsigned long offset;
	uint64_t block;

	if ((ino != EXT2_ROOT_INO && ino < sbi->s_first_ino) || ino > sbi->s_es->s_inodes_count) {
		ext2_error(sb, "ext2_get_inode", "bad inode number: %lu", ino);
		return ERR_PTR(-EINVAL);
	}
	gdp = ext2_get_group_desc(sb, (ino - 1) / sbi->s_inodes_per_group, NULL);
	if (!gdp)
		return ERR_PTR(-EIO);
	offset = ((ino - 1) % sbi->s_inodes_per_group) * sbi->s_inode_size;
	block = gdp->bg_inode_table + offset / EXT2_BLOCK_SIZE;
	*page = sb_bread(sb, block);
	if (!*page) {
		ext2_error(sb, "ext2_get_inode", "unable to read inode block - inode=%lu, block=%llu",
			   ino, (unsigned long long)block);
		return ERR_PTR(-EIO);
	}
	return (struct ext2_inode *)((char *)page_address(*page) + offset % EXT2_BLOCK_SIZE);
}

/* Device numbers in i_block: the old 8:8 form in i_block[0] if it fits,
 * else Linux's 12:20 form in i_block[1]. */
static dev_t ext2_decode_dev(const uint32_t *i_block)
{
	uint32_t dev = i_block[0] ? i_block[0] : i_block[1];

	if (i_block[0])
		return MKDEV((dev >> 8) & 0xff, dev & 0xff);
	return MKDEV((dev & 0xfff00) >> 8, (dev & 0xff) | ((dev >> 12) & 0xfff00));
}

static void ext2_encode_dev(uint32_t *i_block, dev_t dev)
{
	unsigned int major = MAJOR(dev), minor = MINOR(dev);

	memset(i_block, 0, EXT2_N_BLOCKS * sizeof(uint32_t));
	if (major < 256 && minor < 256)
		i_block[0] = (major << 8) | minor;
	else
		i_block[1] = (minor & 0xff) | (major << 8) | ((minor & ~0xffu) << 12);
}

bool ext2_inode_is_fast_symlink(struct inode *inode)
{
	uint64_t ea_blocks = EXT2_I(inode)->i_file_acl ? SECTORS_PER_BLOCK : 0;

	return S_ISLNK(inode->i_mode) && inode->i_blocks - ea_blocks == 0;
}

/* Operations by file type; device files get theirs from the VFS. */
void ext2_set_inode_ops(struct inode *inode)
{
	if (S_ISREG(inode->i_mode)) {
		inode->i_op = &ext2_file_inode_operations;
		inode->i_fop = &ext2_file_operations;
		inode->i_mapping->a_ops = &ext2_aops;
	} else if (S_ISDIR(inode->i_mode)) {
		inode->i_op = &ext2_dir_inode_operations;
		inode->i_fop = &ext2_dir_operations;
	} else if (S_ISLNK(inode->i_mode)) {
		inode->i_op = &ext2_symlink_inode_operations;
	} else {
		inode->i_op = &ext2_special_inode_operations;
		init_special_inode(inode, inode->i_mode, ext2_decode_dev(EXT2_I(inode)->i_data));
	}
}

static void ext2_fill_inode(struct inode *inode, const struct ext2_inode *raw)
{
	struct ext2_inode_info *ei = EXT2_I(inode);

	inode->i_mode = raw->i_mode;
	inode->i_uid = raw->i_uid | (uint32_t)raw->l_i_uid_high << 16;
	inode->i_gid = raw->i_gid | (uint32_t)raw->l_i_gid_high << 16;
	set_nlink(inode, raw->i_links_count);
	inode->i_size = raw->i_size;
	if (S_ISREG(inode->i_mode))
		inode->i_size |= (loff_t)raw->i_size_high << 32;
	else
		ei->i_dir_acl = raw->i_size_high;
	inode->i_atime = (struct timespec64){ raw->i_atime, 0 };
	inode->i_mtime = (struct timespec64){ raw->i_mtime, 0 };
	inode->i_ctime = (struct timespec64){ raw->i_ctime, 0 };
	inode->i_blocks = raw->i_blocks;
	inode->i_generation = raw->i_generation;
	ei->i_dtime = raw->i_dtime;
	ei->i_flags = raw->i_flags;
	ei->i_faddr = raw->i_faddr;
	ei->i_file_acl = raw->i_file_acl;
	memcpy(ei->i_data, raw->i_block, sizeof(ei->i_data));
	ei->i_block_group = (inode->i_ino - 1) / EXT2_SB(inode->i_sb)->s_inodes_per_group;
	ei->i_dir_start_lookup = 0;
	ei->i_new = false;
}

/* The inode ino, read in if it is not cached: with a reference, or an
 * ERR_PTR (-ESTALE for an inode that was deleted). */
struct inode *ext2_iget(struct super_block *sb, unsigned long ino)
{
	struct inode *inode = iget_locked(sb, ino);
	struct ext2_inode *raw;
	struct page *page;

	if (!inode)
		return ERR_PTR(-ENOMEM);
	if (!(inode->i_state & I_NEW))
		return inode;
	raw = ext2_get_raw_inode(sb, ino, &page);
	if (IS_ERR(raw)) {
		iget_failed(inode);
		return ERR_PTR(PTR_ERR(raw));
	}
	if (raw->i_links_count == 0 && (raw->i_mode == 0 || raw->i_dtime)) {
		brelse(page);
		iget_failed(inode);
		return ERR_PTR(-ESTALE);
	}
	ext2_fill_inode(inode, raw);
	brelse(page);
	ext2_set_inode_ops(inode);
	EXT2_I(inode)->i_loaded = true;
	unlock_new_inode(inode);
	return inode;
}

/* The first file bigger than 2 GiB sets LARGE_FILE, as Linux does. */
static void ext2_note_large_file(struct super_block *sb)
{
	struct ext2_super_block *es = EXT2_SB(sb)->s_es;

	if (ext2_has_ro_compat(sb, EXT2_FEATURE_RO_COMPAT_LARGE_FILE) &&
	    es->s_rev_level != EXT2_GOOD_OLD_REV)
		return;
	if (es->s_rev_level == EXT2_GOOD_OLD_REV) { /* Linux: ext2_update_dynamic_rev */
		es->s_rev_level = EXT2_DYNAMIC_REV;
		es->s_first_ino = EXT2_GOOD_OLD_FIRST_INO;
		es->s_inode_size = EXT2_GOOD_OLD_INODE_SIZE;
	}
	es->s_feature_ro_compat |= EXT2_FEATURE_RO_COMPAT_LARGE_FILE;
	ext2_sync_super(sb, true);
}

/* Copy the inode into its slot in the inode table; wait for the disk if
 * sync. */
int __ext2_write_inode(struct inode *inode, bool sync)
{
	struct ext2_inode_info *ei = EXT2_I(inode);
	struct super_block *sb = inode->i_sb;
	struct ext2_inode *raw;
	struct page *page;
	int err = 0;

	raw = ext2_get_raw_inode(sb, inode->i_ino, &page);
	if (IS_ERR(raw))
		return PTR_ERR(raw);
	/* A new inode's slot may hold an old one's extra fields. */
	if (ei->i_new)
		memset(raw, 0, EXT2_SB(sb)->s_inode_size);
	raw->i_mode = inode->i_mode;
	raw->i_uid = inode->i_uid & 0xffff;
	raw->l_i_uid_high = inode->i_uid >> 16;
	raw->i_gid = inode->i_gid & 0xffff;
	raw->l_i_gid_high = inode->i_gid >> 16;
	raw->i_links_count = inode->i_nlink;
	raw->i_size = (uint32_t)inode->i_size;
	raw->i_atime = (uint32_t)inode->i_atime.tv_sec;
	raw->i_ctime = (uint32_t)inode->i_ctime.tv_sec;
	raw->i_mtime = (uint32_t)inode->i_mtime.tv_sec;
	raw->i_blocks = (uint32_t)inode->i_blocks;
	raw->i_dtime = ei->i_dtime;
	raw->i_flags = ei->i_flags;
	raw->i_faddr = ei->i_faddr;
	raw->i_file_acl = ei->i_file_acl;
	raw->i_generation = inode->i_generation;
	if (S_ISREG(inode->i_mode)) {
		raw->i_size_high = (uint32_t)(inode->i_size >> 32);
		if (inode->i_size > 0x7fffffffLL)
			ext2_note_large_file(sb);
	} else {
		raw->i_size_high = ei->i_dir_acl;
	}
	if (S_ISCHR(inode->i_mode) || S_ISBLK(inode->i_mode))
		ext2_encode_dev(raw->i_block, inode->i_rdev);
	else
		memcpy(raw->i_block, ei->i_data, sizeof(raw->i_block));
	mark_buffer_dirty(page);
	if (sync && sync_dirty_buffer(page)) {
		ext2_msg(sb, KERN_ERR, "IO error syncing ext2 inode [%s:%08lx]", sb->s_id, inode->i_ino);
		err = -EIO;
	}
	ei->i_new = false;
	brelse(page);
	return err;
}

int ext2_write_inode(struct inode *inode, struct writeback_control *wbc)
{
	return __ext2_write_inode(inode, wbc->sync_mode == WB_SYNC_ALL);
}

/* Where file block iblock is named: offsets[0] in i_data, then one offset
 * per indirect level. Returns the depth (1 to 4), 0 if beyond the map. */
static int ext2_block_to_path(uint64_t iblock, unsigned int offsets[4])
{
	const uint64_t ppb = EXT2_ADDR_PER_BLOCK;

	if (iblock < EXT2_NDIR_BLOCKS) {
		offsets[0] = iblock;
		return 1;
	}
	iblock -= EXT2_NDIR_BLOCKS;
	if (iblock < ppb) {
		offsets[0] = EXT2_IND_BLOCK;
		offsets[1] = iblock;
		return 2;
	}
	iblock -= ppb;
	if (iblock < ppb * ppb) {
		offsets[0] = EXT2_DIND_BLOCK;
		offsets[1] = iblock / ppb;
		offsets[2] = iblock % ppb;
		return 3;
	}
	iblock -= ppb * ppb;
	if (iblock < ppb * ppb * ppb) {
		offsets[0] = EXT2_TIND_BLOCK;
		offsets[1] = iblock / (ppb * ppb);
		offsets[2] = (iblock / ppb) % ppb;
		offsets[3] = iblock % ppb;
		return 4;
	}
	return 0;
}

static bool ext2_block_valid(struct super_block *sb, uint32_t block)
{
	struct ext2_super_block *es = EXT2_SB(sb)->s_es;

	return block > es->s_first_data_block && block < es->s_blocks_count;
}

/* A goal for a new block that slot (in array, or in i_data) will name:
 * the nearest block named to its left, else the indirect block holding
 * it, else the start of the inode's group (Linux: ext2_find_near). */
static uint32_t ext2_find_near(struct inode *inode, const uint32_t *array, const uint32_t *slot,
			       uint32_t parent)
{
	struct ext2_sb_info *sbi = EXT2_SB(inode->i_sb);

	for (const uint32_t *p = slot; p > array; p--)
		if (p[-1])
			return p[-1];
	if (parent)
		return parent;
	return sbi->s_es->s_first_data_block + EXT2_I(inode)->i_block_group * sbi->s_blocks_per_group;
}

/* A new block for slot: an indirect block is zeroed on the disk before
 * anything points to it. 0 or -errno. */
static int ext2_alloc_slot(struct inode *inode, const uint32_t *array, uint32_t *slot,
			   uint32_t parent, bool indirect)
{
	uint32_t goal = ext2_find_near(inode, array, slot, parent);
	struct page *page;
	uint32_t block;
	int err;

	block = ext2_new_block(inode, goal, &err);
	if (!block)
		return err;
	if (indirect) {
		page = sb_bread(inode->i_sb, block);
		if (!page) {
			ext2_free_blocks(inode, block, 1);
			return -EIO;
		}
		memset(page_address(page), 0, EXT2_BLOCK_SIZE);
		mark_buffer_dirty(page);
		brelse(page);
	}
	*slot = block;
	inode->i_blocks += SECTORS_PER_BLOCK;
	return 0;
}

/* Map file block iblock to *pblock (0: a hole), allocating the missing
 * blocks on the way if create (Linux: ext2_get_block). 0 or -errno. */
int ext2_get_block(struct inode *inode, uint64_t iblock, uint64_t *pblock, bool create)
{
	struct ext2_inode_info *ei = EXT2_I(inode);
	unsigned int offsets[4];
	int depth = ext2_block_to_path(iblock, offsets);
	struct page *page = NULL; /* holds slot; NULL: slot is in i_data */
	uint32_t *array = ei->i_data, *slot, parent = 0;
	int err = 0;

	*pblock = 0;
	if (!depth)
		return create ? -EFBIG : 0;
	mutex_lock(&ei->truncate_mutex);
	slot = &ei->i_data[offsets[0]];
	for (int level = 0;; level++) {
		if (!*slot) {
			if (!create)
				break;
			err = ext2_alloc_slot(inode, array, slot, parent, level < depth - 1);
			if (err)
				break;
			if (page)
				mark_buffer_dirty(page);
			mark_inode_dirty(inode);
		} else if (!ext2_block_valid(inode->i_sb, *slot)) {
			ext2_error(inode->i_sb, __func__, "invalid block %u in inode %lu", *slot,
				   inode->i_ino);
			err = -EFSCORRUPTED;
			break;
		}
		if (level == depth - 1) {
			*pblock = *slot;
			break;
		}
		parent = *slot;
		if (page)
			brelse(page);
		page = sb_bread(inode->i_sb, parent);
		if (!page) {
			err = -EIO;
			break;
		}
		array = page_address(page);
		slot = &array[offsets[level + 1]];
	}
	if (page)
		brelse(page);
	mutex_unlock(&ei->truncate_mutex);
	return err;
}

/* File block iblock of a directory or symlink through the device's cache,
 * held; NULL for a hole (*err = 0) or an error. */
struct page *ext2_bread(struct inode *inode, uint64_t iblock, bool create, int *err)
{
	uint64_t pblock;
	struct page *page;

	*err = ext2_get_block(inode, iblock, &pblock, create);
	if (*err || !pblock)
		return NULL;
	page = sb_bread(inode->i_sb, pblock);
	if (!page)
		*err = -EIO;
	return page;
}

/* Free what the tree under *slot - depth levels of indirect blocks above
 * the data - maps from its block `from` on, and *slot itself if from is 0.
 * Returns whether *slot's block changed. */
static bool ext2_truncate_tree(struct inode *inode, uint32_t *slot, int depth, uint64_t from)
{
	struct super_block *sb = inode->i_sb;
	uint32_t block = *slot;

	if (!block)
		return false;
	if (!ext2_block_valid(sb, block)) {
		ext2_error(sb, __func__, "invalid block %u in inode %lu", block, inode->i_ino);
		return false;
	}
	if (depth > 0) {
		uint64_t span = 1ULL << (EXT2_ADDR_PER_BLOCK_BITS * (depth - 1));
		struct page *page = sb_bread(sb, block);
		bool changed = false;

		if (!page) {
			ext2_error(sb, __func__, "Read failure, inode=%lu, block=%u", inode->i_ino, block);
			return false;
		}
		for (uint64_t i = from / span; i < EXT2_ADDR_PER_BLOCK; i++) {
			uint64_t inner = i == from / span ? from % span : 0;

			changed |= ext2_truncate_tree(inode, (uint32_t *)page_address(page) + i,
						      depth - 1, inner);
		}
		if (changed)
			mark_buffer_dirty(page);
		brelse(page);
	}
	if (from)
		return false;
	ext2_free_blocks(inode, block, 1);
	inode->i_blocks -= SECTORS_PER_BLOCK;
	*slot = 0;
	return true;
}

/* Free every block of the file past byte offset (Linux:
 * ext2_truncate_blocks). The caller has set i_size and marks the inode
 * dirty. */
void ext2_truncate_blocks(struct inode *inode, loff_t offset)
{
	struct ext2_inode_info *ei = EXT2_I(inode);
	uint64_t first = ((uint64_t)offset + EXT2_BLOCK_SIZE - 1) >> EXT2_BLOCK_SIZE_BITS;
	uint64_t start = EXT2_NDIR_BLOCKS, span = EXT2_ADDR_PER_BLOCK;

	if (!(S_ISREG(inode->i_mode) || S_ISDIR(inode->i_mode) || S_ISLNK(inode->i_mode)))
		return;
	if (ext2_inode_is_fast_symlink(inode))
		return;
	mutex_lock(&ei->truncate_mutex);
	for (uint64_t i = first; i < EXT2_NDIR_BLOCKS; i++)
		ext2_truncate_tree(inode, &ei->i_data[i], 0, 0);
	for (int depth = 1; depth <= 3; depth++) {
		if (first < start + span)
			ext2_truncate_tree(inode, &ei->i_data[EXT2_IND_BLOCK + depth - 1], depth,
					   first > start ? first - start : 0);
		start += span;
		span *= EXT2_ADDR_PER_BLOCK;
	}
	mutex_unlock(&ei->truncate_mutex);
}

/* truncate() and extension: zero the tail of the new last block, drop the
 * cached pages past the end, free the blocks past it. */
static int ext2_setsize(struct inode *inode, loff_t newsize)
{
	int err;

	if (!(S_ISREG(inode->i_mode) || S_ISDIR(inode->i_mode) || S_ISLNK(inode->i_mode)))
		return -EINVAL;
	if (ext2_inode_is_fast_symlink(inode))
		return -EINVAL;
	if (newsize < 0 || newsize > inode->i_sb->s_maxbytes)
		return -EFBIG;
	err = block_truncate_page(inode->i_mapping, newsize, ext2_get_block);
	if (err)
		return err;
	truncate_setsize(inode, newsize);
	ext2_truncate_blocks(inode, newsize);
	inode->i_mtime = inode->i_ctime = current_time(inode);
	mark_inode_dirty(inode);
	return 0;
}

int ext2_setattr(struct dentry *dentry, struct iattr *attr)
{
	struct inode *inode = dentry->d_inode;
	struct iattr rest;
	int err;

	if ((attr->ia_valid & ATTR_SIZE) && attr->ia_size != i_size_read(inode)) {
		err = ext2_setsize(inode, attr->ia_size);
		if (err)
			return err;
	}
	/* The rest is copied as for any file (Linux: setattr_copy). */
	rest = *attr;
	rest.ia_valid &= ~ATTR_SIZE;
	err = simple_setattr(dentry, &rest);
	mark_inode_dirty(inode);
	return err;
}

/* The last reference is gone. An inode without names is deleted: its
 * blocks freed, dtime stamped, its number given back. */
void ext2_evict_inode(struct inode *inode)
{
	struct ext2_inode_info *ei = EXT2_I(inode);
	bool want_delete = ei->i_loaded && inode->i_nlink == 0;

	truncate_inode_pages_final(&inode->i_data);
	if (want_delete) {
		ei->i_dtime = (uint32_t)(ktime_get_real_ns() / 1000000000);
		inode->i_size = 0;
		if (inode->i_blocks)
			ext2_truncate_blocks(inode, 0);
		ext2_xattr_delete_inode(inode);
		__ext2_write_inode(inode, false);
	}
	clear_inode(inode);
	if (want_delete)
		ext2_free_inode(inode);
}
