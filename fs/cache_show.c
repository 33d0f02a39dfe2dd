/*
 * The console's `cache`: the page cache of each file system (by its
 * device name and number, st_dev of its files) - how many
 * of its inodes are in memory, how many of their pages are cached, dirty
 * (newer than the disk) and under write-back. The "bdev" line is the
 * disks' own cache: the file systems' metadata blocks (Linux's
 * "Buffers" in meminfo).
 */
#include "fs/fs.h"
#include "fs/internal.h"
#include "fs/seq_file.h"
#include "mm/pagemap.h"

struct cache_counts {
	unsigned long inodes, cached, dirty, writeback;
};

/* Pages of mapping carrying mark: a walk over the marked ones only. */
static unsigned long count_marked(struct address_space *mapping, xa_mark_t mark)
{
	unsigned long n = 0;

	for (unsigned long index = 0; xa_find(&mapping->i_pages, &index, ~0ul, mark); index++) {
		n++;
		if (index == ~0ul)
			break;
	}
	return n;
}

static void count_sb(struct super_block *sb, struct cache_counts *c)
{
	for (struct list_head *e = sb->s_inodes.next; e != &sb->s_inodes; e = e->next) {
		struct inode *inode = list_entry(e, struct inode, i_sb_list);
		c->inodes++;
		c->cached += inode->i_data.nrpages;
		c->dirty += count_marked(&inode->i_data, PAGECACHE_TAG_DIRTY);
		c->writeback += count_marked(&inode->i_data, PAGECACHE_TAG_WRITEBACK);
	}
}

static void show_sb(struct super_block *sb, void *arg)
{
	struct seq_file *m = arg;
	struct cache_counts c = { 0 };

	count_sb(sb, &c);
	seq_printf(m, "%-10s %-8s %3u:%-4u %7lu %8lu %7lu %10lu\n", sb->s_type->name, sb->s_id,
		   MAJOR(sb->s_dev), MINOR(sb->s_dev), c.inodes, c.cached, c.dirty, c.writeback);
}

int cache_show(struct seq_file *m)
{
	seq_puts(m, "filesystem device   dev       inodes   cached   dirty  writeback  (pages)\n");
	iterate_supers(show_sb, m);
	return 0;
}
