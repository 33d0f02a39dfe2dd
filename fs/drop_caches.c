/*
 * Dropping clean caches on request (Linux: fs/drop_caches.c), for
 * /proc/sys/vm/drop_caches: the page cache's clean, unmapped pages of
 * every file go; dirty, mapped or locked ones stay.
 */
#include "fs/writeback.h"
#include "fs/internal.h"
#include "mm/pagemap.h"

static void drop_pagecache_sb(struct super_block *sb, void *arg)
{
	unsigned long *dropped = arg;

	for (struct list_head *e = sb->s_inodes.next; e != &sb->s_inodes; e = e->next) {
		struct inode *inode = list_entry(e, struct inode, i_sb_list);

		if (!(inode->i_state & (I_NEW | I_FREEING)))
			*dropped += invalidate_mapping_pages(inode->i_mapping, 0, ~0UL);
	}
}

unsigned long drop_pagecache(void)
{
	unsigned long dropped = 0;

	iterate_supers(drop_pagecache_sb, &dropped);
	return dropped;
}
