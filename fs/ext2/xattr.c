/*
 * Extended attribute blocks (Linux: fs/ext2/xattr.c), only as far as
 * deleting a file needs them. Attributes are not read or written here,
 * but a file that mke2fs -d gave a block of them (i_file_acl) must give
 * it back when it goes, or e2fsck finds a block nobody owns. Files with
 * the same attributes may share one block: h_refcount counts them.
 */
#include "fs/ext2/ext2.h"

#include "mm/page.h"

#define EXT2_XATTR_MAGIC 0xEA020000

/* The start of an attribute block. */
struct ext2_xattr_header {
	uint32_t h_magic;
	uint32_t h_refcount; /* inodes pointing here */
	uint32_t h_blocks;   /* always 1 */
	uint32_t h_hash;
};

/* The inode is being deleted: drop its reference to its attribute block,
 * freeing the block with the last one. */
void ext2_xattr_delete_inode(struct inode *inode)
{
	struct ext2_inode_info *ei = EXT2_I(inode);
	struct super_block *sb = inode->i_sb;
	struct ext2_xattr_header *header;
	struct page *page;

	if (!ei->i_file_acl)
		return;
	page = sb_bread(sb, ei->i_file_acl);
	if (!page) {
		ext2_error(sb, __func__, "inode %lu: block %u read error", inode->i_ino,
			   ei->i_file_acl);
		return;
	}
	header = page_address(page);
	if (header->h_magic != EXT2_XATTR_MAGIC || header->h_blocks != 1 || !header->h_refcount) {
		ext2_error(sb, __func__, "inode %lu: bad block %u", inode->i_ino, ei->i_file_acl);
		brelse(page);
		return;
	}
	if (header->h_refcount == 1) {
		brelse(page);
		ext2_free_blocks(inode, ei->i_file_acl, 1);
	} else {
		header->h_refcount--;
		mark_buffer_dirty(page);
		brelse(page);
	}
	inode->i_blocks -= EXT2_BLOCK_SIZE / 512;
	ei->i_file_acl = 0;
}
