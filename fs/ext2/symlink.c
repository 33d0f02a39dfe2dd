/*
 * ext2 symbolic links (Linux: fs/ext2/symlink.c). A short target sits in
 * the inode's block map itself (a "fast" symlink, no block); a longer one
 * fills the link's one block.
 */
#include "fs/ext2/ext2.h"

#include "lib/string.h"
#include "mm/page.h"

static int ext2_get_link(struct inode *inode, char *buf, int buflen)
{
	loff_t size = i_size_read(inode);
	int len = (int)MIN(size, (loff_t)buflen);
	struct page *page;
	int err;

	if (ext2_inode_is_fast_symlink(inode)) {
		if (size >= (loff_t)sizeof(EXT2_I(inode)->i_data))
			return -EFSCORRUPTED;
		memcpy(buf, EXT2_I(inode)->i_data, len);
		return len;
	}
	if (size >= EXT2_BLOCK_SIZE)
		return -EFSCORRUPTED;
	page = ext2_bread(inode, 0, false, &err);
	if (!page)
		return err ? err : -EFSCORRUPTED;
	memcpy(buf, page_address(page), len);
	brelse(page);
	return len;
}

const struct inode_operations ext2_symlink_inode_operations = {
	.get_link = ext2_get_link,
	.setattr = ext2_setattr,
};
