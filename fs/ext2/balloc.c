/*
 * Block allocation (Linux: fs/ext2/balloc.c). Each group has a bitmap of
 * its blocks, one bit per block, set when in use; its descriptor and the
 * superblock count the free ones. A new block goes as near its goal -
 * usually just after the file's previous block - as the bitmaps allow:
 * first the goal's group from the goal on, then the other groups in
 * order. Everything here runs under sbi->s_lock.
 */
#include "fs/ext2/ext2.h"

#include "mm/page.h"

/* The first clear bit of map at or after from, or size if none. */
unsigned long ext2_find_next_zero_bit(const void *map, unsigned long size, unsigned long from)
{
	const uint8_t *bytes = map;

	while (from < size) {
		/* A byte with no clear bit is skipped whole. */
		if (from % 8 == 0 && bytes[from / 8] == 0xff) {
			from += 8;
			continue;
		}
		if (!ext2_test_bit(from, map))
			return from;
		from++;
	}
	return size;
}

/* Blocks in group (the last group may be short). */
static unsigned long ext2_blocks_in_group(struct super_block *sb, unsigned int group)
{
	struct ext2_sb_info *sbi = EXT2_SB(sb);

	if (group == sbi->s_groups_count - 1)
		return sbi->s_es->s_blocks_count - sbi->s_es->s_first_data_block -
		       (uint64_t)group * sbi->s_blocks_per_group;
	return sbi->s_blocks_per_group;
}

static struct page *ext2_read_block_bitmap(struct super_block *sb, struct ext2_group_desc *gdp,
					   unsigned int group)
{
	struct page *page = sb_bread(sb, gdp->bg_block_bitmap);

	if (!page)
		ext2_error(sb, __func__, "Cannot read block bitmap - block_group = %u, block_bitmap = %u",
			   group, gdp->bg_block_bitmap);
	return page;
}

/* Take the first free block of group at or after bit `from`: its number,
 * or 0 if the group has none. */
static uint32_t ext2_take_in_group(struct super_block *sb, unsigned int group, unsigned long from)
{
	struct ext2_sb_info *sbi = EXT2_SB(sb);
	struct page *gdpage;
	struct ext2_group_desc *gdp = ext2_get_group_desc(sb, group, &gdpage);
	unsigned long size = ext2_blocks_in_group(sb, group);
	struct page *bitmap;
	unsigned long bit;

	if (!gdp || gdp->bg_free_blocks_count == 0)
		return 0;
	bitmap = ext2_read_block_bitmap(sb, gdp, group);
	if (!bitmap)
		return 0;
	bit = ext2_find_next_zero_bit(page_address(bitmap), size, from);
	if (bit >= size)
		bit = ext2_find_next_zero_bit(page_address(bitmap), size, 0);
	if (bit >= size) {
		brelse(bitmap);
		return 0;
	}
	ext2_set_bit(bit, page_address(bitmap));
	mark_buffer_dirty(bitmap);
	brelse(bitmap);
	gdp->bg_free_blocks_count--;
	mark_buffer_dirty(gdpage);
	sbi->s_es->s_free_blocks_count--;
	mark_buffer_dirty(sbi->s_sbh);
	return sbi->s_es->s_first_data_block + group * sbi->s_blocks_per_group + bit;
}

/* A free block near goal, marked in use; 0 with *err = -ENOSPC (or -EIO)
 * if there is none. The caller accounts it in the inode's i_blocks. */
uint32_t ext2_new_block(struct inode *inode, uint32_t goal, int *err)
{
	struct super_block *sb = inode->i_sb;
	struct ext2_sb_info *sbi = EXT2_SB(sb);
	struct ext2_super_block *es = sbi->s_es;
	unsigned int group;
	unsigned long from;
	uint32_t block = 0;

	if (goal < es->s_first_data_block || goal >= es->s_blocks_count)
		goal = es->s_first_data_block;
	group = (goal - es->s_first_data_block) / sbi->s_blocks_per_group;
	from = (goal - es->s_first_data_block) % sbi->s_blocks_per_group;
	mutex_lock(&sbi->s_lock);
	if (es->s_free_blocks_count)
		for (unsigned long i = 0; i < sbi->s_groups_count && !block; i++) {
			block = ext2_take_in_group(sb, group, i == 0 ? from : 0);
			group = (group + 1) % sbi->s_groups_count;
		}
	mutex_unlock(&sbi->s_lock);
	*err = block ? 0 : -ENOSPC;
	return block;
}

/* Give count blocks from block on back to their groups. */
void ext2_free_blocks(struct inode *inode, uint32_t block, unsigned long count)
{
	struct super_block *sb = inode->i_sb;
	struct ext2_sb_info *sbi = EXT2_SB(sb);
	struct ext2_super_block *es = sbi->s_es;

	if (block < es->s_first_data_block || block + count < block ||
	    block + count > es->s_blocks_count) {
		ext2_error(sb, __func__, "Freeing blocks not in datazone - block = %u, count = %lu",
			   block, count);
		return;
	}
	/* A freed directory or indirect block may still sit dirty in the
	 * device's cache: it must not be written over the next owner's data. */
	clean_bdev_aliases(sb->s_bdev, block, count);
	mutex_lock(&sbi->s_lock);
	while (count) {
		unsigned long rel = block - es->s_first_data_block;
		unsigned int group = rel / sbi->s_blocks_per_group;
		unsigned long bit = rel % sbi->s_blocks_per_group;
		unsigned long n = MIN(count, sbi->s_blocks_per_group - bit);
		struct page *gdpage, *bitmap;
		struct ext2_group_desc *gdp = ext2_get_group_desc(sb, group, &gdpage);

		if (!gdp || !(bitmap = ext2_read_block_bitmap(sb, gdp, group)))
			break;
		for (unsigned long i = 0; i < n; i++) {
			if (!ext2_test_bit(bit + i, page_address(bitmap))) {
				ext2_error(sb, __func__, "bit already cleared for block %lu",
					   block + i);
				continue;
			}
			ext2_clear_bit(bit + i, page_address(bitmap));
			gdp->bg_free_blocks_count++;
			es->s_free_blocks_count++;
		}
		mark_buffer_dirty(bitmap);
		brelse(bitmap);
		mark_buffer_dirty(gdpage);
		block += n;
		count -= n;
	}
	mark_buffer_dirty(sbi->s_sbh);
	mutex_unlock(&sbi->s_lock);
}

/* The sum of the groups' free blocks (the superblock's count is set from
 * it at mount, as Linux does). */
unsigned long ext2_count_free_blocks(struct super_block *sb)
{
	unsigned long count = 0;

	for (unsigned int i = 0; i < EXT2_SB(sb)->s_groups_count; i++)
		count += ext2_get_group_desc(sb, i, NULL)->bg_free_blocks_count;
	return count;
}
