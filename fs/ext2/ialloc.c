/*
 * Inode allocation (Linux: fs/ext2/ialloc.c). Each group has a bitmap of
 * its inodes. A new directory goes to a group with a fair share of free
 * inodes and blocks and the fewest directories, so that directories
 * spread over the disk; a new file goes to its directory's group, so that
 * a directory's files sit near each other (Linux's find_group_other, and
 * for directories a rule of its Orlov allocator).
 */
#include "fs/ext2/ext2.h"

#include "fs/stat.h"
#include "lib/err.h"
#include "lib/string.h"
#include "mm/page.h"

static struct page *ext2_read_inode_bitmap(struct super_block *sb, struct ext2_group_desc *gdp,
					   unsigned int group)
{
	struct page *page = sb_bread(sb, gdp->bg_inode_bitmap);

	if (!page)
		ext2_error(sb, __func__, "Cannot read inode bitmap - block_group = %u, inode_bitmap = %u",
			   group, gdp->bg_inode_bitmap);
	return page;
}

/* Anything else: the parent's group if it has room, else a quadratic
 * hash away from it (a group with free blocks too), else any group with
 * a free inode. */
static int find_group_other(struct super_block *sb, unsigned int parent_group)
{
	unsigned long ngroups = EXT2_SB(sb)->s_groups_count;
	unsigned long group = parent_group;
	struct ext2_group_desc *gdp = ext2_get_group_desc(sb, group, NULL);

	if (gdp->bg_free_inodes_count && gdp->bg_free_blocks_count)
		return group;
	for (unsigned long i = 1; i < ngroups; i <<= 1) {
		group = (group + i) % ngroups;
		gdp = ext2_get_group_desc(sb, group, NULL);
		if (gdp->bg_free_inodes_count && gdp->bg_free_blocks_count)
			return group;
	}
	group = parent_group;
	for (unsigned long i = 0; i < ngroups; i++) {
		group = (group + 1) % ngroups;
		if (ext2_get_group_desc(sb, group, NULL)->bg_free_inodes_count)
			return group;
	}
	return -1;
}

/* A directory: among the groups with at least the average of free inodes
 * and of free blocks, the one with the fewest directories (then the most
 * free blocks) - Orlov's rule for top-level directories, without its
 * random start - so that directory trees spread over the disk. */
static int find_group_dir(struct super_block *sb)
{
	struct ext2_sb_info *sbi = EXT2_SB(sb);
	unsigned long avefreei = sbi->s_es->s_free_inodes_count / sbi->s_groups_count;
	unsigned long avefreeb = sbi->s_es->s_free_blocks_count / sbi->s_groups_count;
	struct ext2_group_desc *best = NULL;
	int best_group = -1;

	for (unsigned int i = 0; i < sbi->s_groups_count; i++) {
		struct ext2_group_desc *gdp = ext2_get_group_desc(sb, i, NULL);

		if (!gdp->bg_free_inodes_count || gdp->bg_free_inodes_count < avefreei ||
		    gdp->bg_free_blocks_count < avefreeb)
			continue;
		if (best && (gdp->bg_used_dirs_count > best->bg_used_dirs_count ||
			     (gdp->bg_used_dirs_count == best->bg_used_dirs_count &&
			      gdp->bg_free_blocks_count <= best->bg_free_blocks_count)))
			continue;
		best = gdp;
		best_group = i;
	}
	return best_group >= 0 ? best_group : find_group_other(sb, 0);
}

/* Take a free inode number in group: it, or 0. */
static unsigned long ext2_take_inode(struct super_block *sb, unsigned int group, bool dir)
{
	struct ext2_sb_info *sbi = EXT2_SB(sb);
	struct page *gdpage, *bitmap;
	struct ext2_group_desc *gdp = ext2_get_group_desc(sb, group, &gdpage);
	unsigned long from = group == 0 ? sbi->s_first_ino - 1 : 0;
	unsigned long bit;

	bitmap = ext2_read_inode_bitmap(sb, gdp, group);
	if (!bitmap)
		return 0;
	bit = ext2_find_next_zero_bit(page_address(bitmap), sbi->s_inodes_per_group, from);
	if (bit >= sbi->s_inodes_per_group) {
		brelse(bitmap);
		return 0;
	}
	ext2_set_bit(bit, page_address(bitmap));
	mark_buffer_dirty(bitmap);
	brelse(bitmap);
	gdp->bg_free_inodes_count--;
	if (dir) {
		gdp->bg_used_dirs_count++;
		sbi->s_dir_count++;
	}
	mark_buffer_dirty(gdpage);
	sbi->s_es->s_free_inodes_count--;
	mark_buffer_dirty(sbi->s_sbh);
	return group * sbi->s_inodes_per_group + bit + 1;
}

/* A new inode of type and permissions mode in dir, hashed and dirty,
 * with one link; or ERR_PTR(-ENOSPC, -ENOMEM, -EIO). */
struct inode *ext2_new_inode(struct inode *dir, umode_t mode)
{
	struct super_block *sb = dir->i_sb;
	struct ext2_sb_info *sbi = EXT2_SB(sb);
	static unsigned int next_generation;
	struct ext2_inode_info *ei;
	struct inode *inode;
	unsigned long ino = 0;
	int group;

	inode = new_inode(sb);
	if (!inode)
		return ERR_PTR(-ENOMEM);
	mutex_lock(&sbi->s_lock);
	group = S_ISDIR(mode) ? find_group_dir(sb) : find_group_other(sb, EXT2_I(dir)->i_block_group);
	if (group >= 0)
		ino = ext2_take_inode(sb, group, S_ISDIR(mode));
	mutex_unlock(&sbi->s_lock);
	if (!ino) {
		iput(inode); /* not i_loaded: nothing is freed on the disk */
		return ERR_PTR(-ENOSPC);
	}
	ei = EXT2_I(inode);
	inode->i_ino = ino;
	inode_init_owner(inode, dir, mode);
	inode->i_blocks = 0;
	inode->i_size = 0;
	inode->i_mtime = inode->i_atime = inode->i_ctime = current_time(inode);
	inode->i_generation = ++next_generation;
	memset(ei->i_data, 0, sizeof(ei->i_data));
	ei->i_flags = 0;
	ei->i_file_acl = 0;
	ei->i_dir_acl = 0;
	ei->i_dtime = 0;
	ei->i_block_group = group;
	ei->i_dir_start_lookup = 0;
	ei->i_new = true;
	ei->i_loaded = true;
	insert_inode_hash(inode);
	mark_inode_dirty(inode);
	return inode;
}

/* The inode has no names and no users: give its number back. */
void ext2_free_inode(struct inode *inode)
{
	struct super_block *sb = inode->i_sb;
	struct ext2_sb_info *sbi = EXT2_SB(sb);
	unsigned long ino = inode->i_ino;
	unsigned int group = (ino - 1) / sbi->s_inodes_per_group;
	unsigned long bit = (ino - 1) % sbi->s_inodes_per_group;
	struct page *gdpage, *bitmap;
	struct ext2_group_desc *gdp;

	if (ino < sbi->s_first_ino || ino > sbi->s_es->s_inodes_count) {
		ext2_error(sb, __func__, "reserved or nonexistent inode %lu", ino);
		return;
	}
	mutex_lock(&sbi->s_lock);
	gdp = ext2_get_group_desc(sb, group, &gdpage);
	bitmap = gdp ? ext2_read_inode_bitmap(sb, gdp, group) : NULL;
	if (!bitmap)
		goto out;
	if (!ext2_test_bit(bit, page_address(bitmap))) {
		ext2_error(sb, __func__, "bit already cleared for inode %lu", ino);
		brelse(bitmap);
		goto out;
	}
	ext2_clear_bit(bit, page_address(bitmap));
	mark_buffer_dirty(bitmap);
	brelse(bitmap);
	gdp->bg_free_inodes_count++;
	if (S_ISDIR(inode->i_mode)) {
		gdp->bg_used_dirs_count--;
		sbi->s_dir_count--;
	}
	mark_buffer_dirty(gdpage);
	sbi->s_es->s_free_inodes_count++;
	mark_buffer_dirty(sbi->s_sbh);
out:
	mutex_unlock(&sbi->s_lock);
}

unsigned long ext2_count_free_inodes(struct super_block *sb)
{
	unsigned long count = 0;

	for (unsigned int i = 0; i < EXT2_SB(sb)->s_groups_count; i++)
		count += ext2_get_group_desc(sb, i, NULL)->bg_free_inodes_count;
	return count;
}

unsigned long ext2_count_dirs(struct super_block *sb)
{
	unsigned long count = 0;

	for (unsigned int i = 0; i < EXT2_SB(sb)->s_groups_count; i++)
		count += ext2_get_group_desc(sb, i, NULL)->bg_used_dirs_count;
	return count;
}
