/*
 * An in-memory file for the host tests of the page cache, reclaim and
 * memory-failure code: an inode set up as fs/inode.c would (its lists
 * empty, its own address_space), of a fake super block whose lists the
 * test initialises (FAKE_SB_LISTS).
 */
#ifndef TESTS_UNIT_FAKE_INODE_H
#define TESTS_UNIT_FAKE_INODE_H

#include <string.h>

#include "fs/fs.h"
#include "mm/pagemap.h"

/* In a super block's initialiser: its lists, empty. */
#define FAKE_SB_LISTS(sb) .s_inodes_wb = LIST_HEAD_INIT((sb).s_inodes_wb)

static inline void fake_inode_init(struct inode *inode, struct super_block *sb, unsigned int mode,
				   const struct address_space_operations *a_ops)
{
	memset(inode, 0, sizeof(*inode));
	inode->i_mode = mode;
	inode->i_sb = sb;
	inode->i_mapping = &inode->i_data;
	INIT_LIST_HEAD(&inode->i_io_list);
	INIT_LIST_HEAD(&inode->i_wb_list);
	address_space_init_once(&inode->i_data);
	inode->i_data.host = inode;
	inode->i_data.a_ops = a_ops;
}

#endif
