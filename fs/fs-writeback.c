/*
 * Writing dirty inodes back (Linux: fs/fs-writeback.c).
 *
 * __mark_inode_dirty (fs/inode.c) puts an inode on its super block's
 * s_dirty_inodes when it first becomes dirty, stamped with dirtied_when,
 * so each list is oldest first. Three kinds of pass write them:
 *
 *  - the flusher thread, every vm.dirty_writeback_centisecs, writes the
 *    inodes dirty for longer than vm.dirty_expire_centisecs ("kupdate"),
 *    stopping at the first younger one;
 *  - writeback_inodes_sb starts writing all of a super block's (WB_SYNC_NONE);
 *  - sync_inodes_sb and write_inode_now write and wait (WB_SYNC_ALL).
 *
 * A pass may sleep in every inode, during which inodes can be dirtied,
 * cleaned or evicted. So it first moves the inodes it will write to a
 * list of its own, then takes them off one at a time, holding a
 * reference while it writes; evict takes an inode off whatever list it
 * is on.
 */
#include "fs/writeback.h"
#include "fs/internal.h"
#include "kernel/proc.h"
#include "kernel/timekeeping.h"
#include "kernel/hrtimer.h"
#include "kernel/waitqueue.h"
#include "kernel/x86.h"
#include "mm/pagemap.h"

static int write_inode(struct inode *inode, struct writeback_control *wbc)
{
	const struct super_operations *op = inode->i_sb->s_op;

	return op && op->write_inode ? op->write_inode(inode, wbc) : 0;
}

/* Write inode's pages and then, if dirty, its attributes (Linux:
 * __writeback_single_inode). The caller holds a reference. */
static int writeback_single_inode(struct inode *inode, struct writeback_control *wbc)
{
	struct address_space *mapping = inode->i_mapping;
	unsigned int dirty;
	int ret, err;

	/* Cleared first: a page dirtied while we write sets it again. */
	inode->i_state &= ~I_DIRTY_PAGES;
	ret = do_writepages(mapping, wbc);
	if (wbc->sync_mode == WB_SYNC_ALL)
		filemap_fdatawait_keep_errors(mapping); /* the errors are fsync's to report */
	if (xa_marked(&mapping->i_pages, PAGECACHE_TAG_DIRTY))
		inode->i_state |= I_DIRTY_PAGES; /* WB_SYNC_NONE left some */
	dirty = inode->i_state & I_DIRTY_INODE;
	inode->i_state &= ~dirty;
	if (dirty) {
		err = write_inode(inode, wbc);
		if (!ret)
			ret = err;
	}
	if (!(inode->i_state & I_DIRTY))
		list_del(&inode->i_io_list); /* clean: off the dirty list (empty again) */
	return ret;
}

/* Write the inodes of sb dirtied at or before older_than (ns; any, if
 * 0) as wbc says. */
static void writeback_sb_inodes(struct super_block *sb, struct writeback_control *wbc,
				uint64_t older_than)
{
	struct list_head io = LIST_HEAD_INIT(io);

	while (!list_empty(&sb->s_dirty_inodes)) {
		struct inode *inode = list_first_entry(&sb->s_dirty_inodes, struct inode, i_io_list);

		if (older_than && inode->dirtied_when > older_than)
			break;
		list_del(&inode->i_io_list);
		list_add_tail(&inode->i_io_list, &io);
	}
	while (!list_empty(&io)) {
		struct inode *inode = list_first_entry(&io, struct inode, i_io_list);

		/* Back on the dirty list while we write: if it stays dirty it
		 * is the youngest there now. */
		list_del(&inode->i_io_list);
		list_add_tail(&inode->i_io_list, &sb->s_dirty_inodes);
		if (inode->i_state & (I_NEW | I_FREEING))
			continue;
		ihold(inode);
		writeback_single_inode(inode, wbc);
		if (inode->i_state & I_DIRTY)
			inode->dirtied_when = ktime_get_ns();
		iput(inode);
	}
}

static void writeback_sb(struct super_block *sb, enum writeback_sync_modes mode,
			 uint64_t older_than)
{
	struct writeback_control wbc = {
		.sync_mode = mode,
		.nr_to_write = INT64_MAX,
		.range_start = 0,
		.range_end = INT64_MAX,
	};

	writeback_sb_inodes(sb, &wbc, older_than);
}

void writeback_inodes_sb(struct super_block *sb)
{
	writeback_sb(sb, WB_SYNC_NONE, 0);
}

/*
 * Wait for every write-back under way on sb's inodes - also what the
 * flusher or reclaim started, whose pages are no longer dirty and so
 * were not written above (Linux: wait_sb_inodes). Each inode is moved
 * back to s_inodes_wb before the wait; the end of its last page's write
 * takes it off whichever list it is on.
 */
static void wait_sb_inodes(struct super_block *sb)
{
	struct list_head sync_list = LIST_HEAD_INIT(sync_list);
	bool was_on = irq_save();

	list_splice_init(&sb->s_inodes_wb, &sync_list);
	while (!list_empty(&sync_list)) {
		struct inode *inode = list_first_entry(&sync_list, struct inode, i_wb_list);

		list_del(&inode->i_wb_list);
		list_add_tail(&inode->i_wb_list, &sb->s_inodes_wb);
		if (inode->i_state & (I_NEW | I_FREEING))
			continue;
		ihold(inode);
		irq_restore(was_on);
		filemap_fdatawait_keep_errors(inode->i_mapping);
		iput(inode);
		was_on = irq_save();
	}
	irq_restore(was_on);
}

void sync_inodes_sb(struct super_block *sb)
{
	writeback_sb(sb, WB_SYNC_ALL, 0);
	wait_sb_inodes(sb);
}

int write_inode_now(struct inode *inode, int sync)
{
	struct writeback_control wbc = {
		.sync_mode = sync ? WB_SYNC_ALL : WB_SYNC_NONE,
		.nr_to_write = INT64_MAX,
		.range_start = 0,
		.range_end = INT64_MAX,
	};

	return writeback_single_inode(inode, &wbc);
}

int sync_inode_metadata(struct inode *inode, int wait)
{
	struct writeback_control wbc = {
		.sync_mode = wait ? WB_SYNC_ALL : WB_SYNC_NONE,
		.nr_to_write = 0, /* metadata only */
	};
	unsigned int dirty = inode->i_state & I_DIRTY_INODE;

	if (!dirty)
		return 0;
	inode->i_state &= ~dirty;
	if (!(inode->i_state & I_DIRTY))
		list_del(&inode->i_io_list);
	return write_inode(inode, &wbc);
}

/* ---- the flusher -------------------------------------------------- */

static struct wait_queue_head flusher_wait = WAIT_QUEUE_INIT(flusher_wait);
static struct hrtimer flusher_timer;
static bool flusher_kicked;  /* a run is due (timer, or someone asked) */
static bool flush_everything; /* ...and it writes everything, not only old data */

#define NS_PER_CENTISEC 10000000ULL

static void flusher_kick(void)
{
	bool was_on = irq_save();

	flusher_kicked = true;
	wake_up(&flusher_wait);
	irq_restore(was_on);
}

static void flusher_timer_fn(struct hrtimer *timer)
{
	(void)timer;
	flusher_kick();
}

void wakeup_flusher_threads(void)
{
	flush_everything = true;
	flusher_kick();
}

struct flush_pass {
	uint64_t older_than;
};

static void flush_sb(struct super_block *sb, void *arg)
{
	const struct flush_pass *pass = arg;

	if (!(sb->s_flags & SB_RDONLY))
		writeback_sb(sb, WB_SYNC_NONE, pass->older_than);
}

/* Linux's wb_workfn: a "kupdate" pass over old data every interval, or
 * everything when woken for it. */
static void flusher_thread(void *unused)
{
	(void)unused;
	for (;;) {
		struct flush_pass pass = { 0 };
		uint64_t now, expire;

		cli();
		while (!flusher_kicked)
			sleep_on(&flusher_wait);
		flusher_kicked = false;
		sti();
		now = ktime_get_ns();
		expire = (uint64_t)dirty_expire_interval * NS_PER_CENTISEC;
		if (!flush_everything)
			pass.older_than = now > expire ? now - expire : 1; /* (1: nothing is that old) */
		flush_everything = false;
		iterate_supers(flush_sb, &pass);
		if (dirty_writeback_interval)
			hrtimer_start(&flusher_timer,
				      now + (uint64_t)dirty_writeback_interval * NS_PER_CENTISEC);
	}
}

void writeback_init(void)
{
	static bool started;

	if (started)
		return;
	started = true;
	hrtimer_init(&flusher_timer, HRTIMER_BASE_MONOTONIC, flusher_timer_fn);
	kthread_create("flush", flusher_thread, NULL);
	flusher_kick(); /* its first run arms the timer */
}
