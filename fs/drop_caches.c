/*
 * Dropping clean caches on request (Linux: fs/drop_caches.c), for
 * /proc/sys/vm/drop_caches: writing 1 drops the page cache's clean,
 * unmapped pages of every file (dirty, mapped or locked ones stay), 2 the
 * free slab objects, 3 both; 4 silences the log line each write leaves.
 */
#include "fs/writeback.h"
#include "fs/internal.h"
#include "kernel/printk.h"
#include "kernel/proc.h"
#include "kernel/sysctl.h"
#include "mm/pagemap.h"
#include "mm/vmscan.h"

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

/* The slab allocator keeps no free objects to drop (its empty slabs go
 * back at once), so 2 has nothing to do. */
int drop_caches_sysctl_handler(const struct ctl_table *table, int write, char *buffer,
			       size_t *lenp, int64_t *ppos)
{
	static int stfu;
	int err = proc_dointvec_minmax(table, write, buffer, lenp, ppos);

	if (err || !write)
		return err;
	if (sysctl_drop_caches & 1) {
		drop_pagecache();
		count_vm_event(DROP_PAGECACHE);
	}
	if (sysctl_drop_caches & 2)
		count_vm_event(DROP_SLAB);
	if (!stfu)
		pr_info("%s (%d): drop_caches: %d\n", current->comm, current->pid, sysctl_drop_caches);
	stfu |= sysctl_drop_caches & 4;
	return 0;
}
