/*
 * Which inodes need writing (Linux: fs/fs-writeback.c). An inode with
 * dirty attributes or dirty pages (I_DIRTY) is on one list, b_dirty, in
 * the order it became dirty - Linux keeps the same list per backing
 * device - so the flusher finds the inodes dirty for longest at its
 * head and stops at the first one that is not old enough.
 */
#include "fs/fs.h"
#include "kernel/timekeeping.h"

/* Inodes with I_DIRTY, oldest dirtied_when first, through i_io_list. */
static struct list_head b_dirty = { &b_dirty, &b_dirty };

/* Whether anything would ever write this inode: memory file systems
 * (tmpfs) have neither write_inode nor writepage, and stay off the list. */
static bool inode_can_writeback(const struct inode *inode)
{
	const struct address_space_operations *a_ops = inode->i_mapping->a_ops;

	return (inode->i_sb && inode->i_sb->s_op && inode->i_sb->s_op->write_inode) ||
	       (a_ops && a_ops->writepage);
}

void __mark_inode_dirty(struct inode *inode, unsigned int flags)
{
	bool was_dirty = inode->i_state & I_DIRTY;

	if ((inode->i_state & flags) == flags)
		return;
	inode->i_state |= flags;
	if (was_dirty || (inode->i_state & I_FREEING) || !inode_can_writeback(inode))
		return;
	inode->dirtied_when = ktime_get_ns();
	list_add_tail(&inode->i_io_list, &b_dirty);
}
