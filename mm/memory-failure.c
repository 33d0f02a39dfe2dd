/*
 * What to do with a page of memory the hardware says is corrupt.
 *
 * memory_failure() marks the frame PG_hwpoison (once: a second report of
 * the same frame changes nothing), counts it, and then deals with it
 * according to what the frame is being used for. A free frame is simply
 * taken off the allocator's free lists for good. For a frame in use, the
 * table error_states[] below names each state a frame can be in, the
 * handler for it and - in the log - what the handling achieved, exactly
 * the way Linux reports it:
 *
 *   Memory failure: 0x1234: recovery action for free buddy page: Recovered
 *
 * Kernel-owned frames (the kernel image, slab pages, other allocations)
 * cannot be taken away from the kernel: they are only marked and counted
 * ("Ignored"). A frame inside a compound page (a kernel stack, a large
 * kmalloc block) is judged by its head: it is the allocation it is part of. If the kernel itself consumes the bad data, the machine
 * check is "action required in kernel context" and mce/severity.c panics
 * before we ever get here. A user page is first taken away from every
 * process that maps it (hwpoison_user_mappings), and they are told.
 */
#include "mm/memory-failure.h"
#include "mm/shmem.h"
#include "kernel/errno.h"
#include "kernel/monitor.h"
#include "kernel/panic.h"
#include "kernel/printk.h"
#include "kernel/workqueue.h"
#include "kernel/x86.h"
#include "lib/string.h"
#include "kernel/proc.h"
#include "mm/buddy.h"
#include "mm/filemap.h"
#include "mm/huge_mm.h"
#include "mm/hugetlb.h"
#include "mm/memblock.h"
#include "mm/paging.h"
#include "mm/pgtable.h"
#include "mm/rmap.h"
#include "mm/slab.h"
#include "mm/swap.h"
#include "mm/swap_state.h"

int sysctl_memory_failure_early_kill;
int sysctl_memory_failure_recovery = 1;
unsigned long num_poisoned_pages;

/* Set once a real hardware error has been handled: from then on poison
 * cannot be undone (Linux refuses unpoison after a real failure too). */
static bool hw_memory_failure;

enum mf_result { MF_IGNORED, MF_FAILED, MF_DELAYED, MF_RECOVERED };

static const char *const action_name[] = {
	[MF_IGNORED] = "Ignored",
	[MF_FAILED] = "Failed",
	[MF_DELAYED] = "Delayed",
	[MF_RECOVERED] = "Recovered",
};

/* Linux's names and texts (include/linux/mm.h, action_page_types). */
enum mf_action_page_type {
	MF_MSG_KERNEL,
	MF_MSG_KERNEL_HIGH_ORDER,
	MF_MSG_SLAB,
	MF_MSG_HUGE,
	MF_MSG_FREE_HUGE,
	MF_MSG_UNMAP_FAILED,
	MF_MSG_DIRTY_SWAPCACHE,
	MF_MSG_CLEAN_SWAPCACHE,
	MF_MSG_DIRTY_MLOCKED_LRU,
	MF_MSG_CLEAN_MLOCKED_LRU,
	MF_MSG_DIRTY_UNEVICTABLE_LRU,
	MF_MSG_CLEAN_UNEVICTABLE_LRU,
	MF_MSG_DIRTY_LRU,
	MF_MSG_CLEAN_LRU,
	MF_MSG_TRUNCATED_LRU,
	MF_MSG_BUDDY,
	MF_MSG_UNSPLIT_THP,
	MF_MSG_KERNEL_ALLOCATION,
	MF_MSG_UNKNOWN,
};

static const char *const action_page_types[] = {
	[MF_MSG_KERNEL] = "reserved kernel page",
	[MF_MSG_KERNEL_HIGH_ORDER] = "high-order kernel page",
	[MF_MSG_SLAB] = "kernel slab page",
	[MF_MSG_HUGE] = "huge page",
	[MF_MSG_FREE_HUGE] = "free huge page",
	[MF_MSG_UNMAP_FAILED] = "unmapping failed page",
	[MF_MSG_DIRTY_SWAPCACHE] = "dirty swapcache page",
	[MF_MSG_CLEAN_SWAPCACHE] = "clean swapcache page",
	[MF_MSG_DIRTY_MLOCKED_LRU] = "dirty mlocked LRU page",
	[MF_MSG_CLEAN_MLOCKED_LRU] = "clean mlocked LRU page",
	[MF_MSG_DIRTY_UNEVICTABLE_LRU] = "dirty unevictable LRU page",
	[MF_MSG_CLEAN_UNEVICTABLE_LRU] = "clean unevictable LRU page",
	[MF_MSG_DIRTY_LRU] = "dirty LRU page",
	[MF_MSG_CLEAN_LRU] = "clean LRU page",
	[MF_MSG_TRUNCATED_LRU] = "already truncated LRU page",
	[MF_MSG_BUDDY] = "free buddy page",
	[MF_MSG_UNSPLIT_THP] = "unsplit thp",
	/* Not Linux's: Linux 6.1 says "unhandlable page." and then "unknown
	 * page" for a single kernel page in use; we name what it is. */
	[MF_MSG_KERNEL_ALLOCATION] = "unhandlable kernel page",
	[MF_MSG_UNKNOWN] = "unknown page",
};

/* One poisoned frame, for `hwpoison list`. */
struct hwpoison_record {
	struct list_head list;
	unsigned long pfn;
	enum mf_action_page_type type;
	enum mf_result result;
	bool software;
};

static struct list_head poisoned = { &poisoned, &poisoned };

static void remember(unsigned long pfn, enum mf_action_page_type type,
		     enum mf_result result, int flags)
{
	struct hwpoison_record *r = kmalloc(sizeof(*r));

	if (!r) {
		pr_warn(MF "%#lx: no memory to list this page in 'hwpoison list'\n", pfn);
		return;
	}
	*r = (struct hwpoison_record){ .pfn = pfn, .type = type, .result = result,
				       .software = flags & MF_SW_SIMULATED };
	list_add_tail(&r->list, &poisoned);
}

static int action_result(unsigned long pfn, enum mf_action_page_type type,
			 enum mf_result result, int flags)
{
	pr_err(MF "%#lx: recovery action for %s: %s\n", pfn, action_page_types[type],
	       action_name[result]);
	remember(pfn, type, result, flags);
	return result == MF_RECOVERED || result == MF_DELAYED ? 0 : -EBUSY;
}

struct page_state;

/* The kernel keeps using the frame; all we can do is mark it. */
static enum mf_result me_kernel(const struct page_state *ps, struct page *p, unsigned long pfn)
{
	(void)ps, (void)p, (void)pfn;
	return MF_IGNORED;
}

static enum mf_result me_unknown(const struct page_state *ps, struct page *p, unsigned long pfn)
{
	(void)ps;
	pr_err(MF "%#lx: Unknown page state (flags %#lx)\n", pfn, p->flags);
	return MF_IGNORED;
}

static bool has_extra_refcount(const struct page_state *ps, struct page *p, unsigned long pfn,
			       int extra_pins);

/*
 * Take a file page out of its page cache, as truncation would punch a
 * one-page hole (Linux: truncate_error_page). A regular file's data page
 * goes through its file system (a_ops->error_remove_page: ext2 and the
 * others use generic_error_remove_page); anything else - a block
 * device's metadata page - only if it is clean and nobody holds it
 * (invalidate_inode_page): a file system using a metadata block would
 * otherwise go on using a frame that has left the cache. The next read
 * of the page reads the disk's copy into a new frame.
 */
static enum mf_result truncate_error_page(struct page *p, unsigned long pfn,
					  struct address_space *mapping)
{
	if (mapping->a_ops->error_remove_page) {
		int err = mapping->a_ops->error_remove_page(mapping, p);
		if (err) {
			pr_info(MF "%#lx: Failed to punch page: %d\n", pfn, err);
			return MF_FAILED;
		}
		return MF_RECOVERED;
	}
	if (invalidate_inode_page(p))
		return MF_RECOVERED;
	pr_info(MF "%#lx: Failed to invalidate\n", pfn);
	return MF_FAILED;
}

/* The page was unmapped from every process (hwpoison_user_mappings):
 * take it off the LRU lists, so that nothing finds it there again. The
 * reference memory_failure took keeps it out of the allocator. An
 * anonymous page has no other copy to drop: that is all. A page-cache
 * page leaves its file's cache. */
static enum mf_result me_pagecache_clean(const struct page_state *ps, struct page *p,
					 unsigned long pfn)
{
	if (page_test(p, PG_lru))
		del_page_from_lru_list(p);
	if (page_test(p, PG_anon))
		return MF_RECOVERED;
	/* LAB 6: BEGIN */
	struct address_space *mapping = page_mapping(p);
	if (!mapping)
		return MF_FAILED; /* torn down meanwhile */
	/* A tmpfs page stays in its cache (its data has no other copy), which
	 * holds one reference of its own (Linux: extra_pins). */
	int extra_pins = shmem_inode(mapping->host);
	enum mf_result result = truncate_error_page(p, pfn, mapping);
	return has_extra_refcount(ps, p, pfn, extra_pins) ? MF_FAILED : result;
	/* LAB 6: STUB
	(void)ps, (void)pfn, (void)truncate_error_page; // for your code
	return MF_IGNORED; // the page stays in its file's cache, poisoned
	   LAB 6: END */
}

/* The data existed only here. A page-cache page's file learns that a
 * write was lost: its mapping records EIO, which fsync, fdatasync and
 * msync(MS_SYNC) report once to each open file (errseq); then the page
 * goes as a clean one would, and reads see the disk's older copy. */
static enum mf_result me_pagecache_dirty(const struct page_state *ps, struct page *p,
					 unsigned long pfn)
{
	/* LAB 6: BEGIN */
	struct address_space *mapping = page_mapping(p);

	page_set(p, PG_error);
	if (mapping)
		mapping_set_error(mapping, -EIO);
	/* LAB 6: END */
	return me_pagecache_clean(ps, p, pfn);
}

/*
 * A dirty swap-cache page: its data was only here (the slot holds an
 * older copy, or none), and hwpoison_user_mappings left ordinary swap
 * entries in its processes' PTEs. It stays in the swap cache for good,
 * so that every owner - also one the reverse map could not name, such
 * as a forked child that still had the slot swapped out - finds it there
 * at its next access (do_swap_page) and gets SIGBUS. Neither dirty nor
 * uptodate, it is never written to its slot, and off the LRU lists
 * reclaim never finds it. Linux calls this "Delayed": the killing waits
 * for the access. The swap cache holds one reference of its own.
 */
static enum mf_result me_swapcache_dirty(const struct page_state *ps, struct page *p,
					 unsigned long pfn)
{
	/* LAB 7: BEGIN */
	page_clear(p, PG_dirty);
	page_clear(p, PG_uptodate);
	if (page_test(p, PG_lru))
		del_page_from_lru_list(p);
	return has_extra_refcount(ps, p, pfn, 1) ? MF_FAILED : MF_DELAYED;
	/* LAB 7: STUB
	(void)ps, (void)p, (void)pfn;
	return MF_IGNORED; // left as it was: it may even be written to swap
	   LAB 7: END */
}

/* A clean swap-cache page: its slot holds the same data. It leaves the
 * swap cache (and the LRU lists), and the next access through the swap
 * entries hwpoison_user_mappings left reads the good copy into a new
 * frame: nothing was lost. */
static enum mf_result me_swapcache_clean(const struct page_state *ps, struct page *p,
					 unsigned long pfn)
{
	/* LAB 7: BEGIN */
	delete_from_swap_cache(p);
	if (page_test(p, PG_lru))
		del_page_from_lru_list(p);
	return has_extra_refcount(ps, p, pfn, 0) ? MF_FAILED : MF_RECOVERED;
	/* LAB 7: STUB
	(void)ps, (void)p, (void)pfn;
	return MF_IGNORED; // left in the swap cache: the next swap-in maps the bad frame
	   LAB 7: END */
}

/*
 * A hugetlb page, unmapped from every process (Linux 6.1: me_huge_page).
 * A file's page stays in its page cache, poisoned (hugetlbfs's
 * error_remove_page does nothing): later faults on it are SIGBUS, and it
 * leaves the pool with the file. A private copy has no other owner: it
 * leaves the pool as memory_failure lets go of it (free_huge_page), and
 * its 511 good frames go back to the buddy allocator.
 */
static enum mf_result me_huge_page(const struct page_state *ps, struct page *head,
				   unsigned long pfn)
{
	struct address_space *mapping = page_mapping(head);
	enum mf_result result = mapping ? truncate_error_page(head, pfn, mapping) : MF_RECOVERED;

	return has_extra_refcount(ps, head, pfn, mapping ? 1 : 0) ? MF_FAILED : result;
}

static bool flags_are(const struct page *p, unsigned long mask, unsigned long res)
{
	return (p->flags & mask) == res;
}

#define F(bit) (1UL << (bit))

static bool is_reserved(const struct page *p)
{
	return page_test(p, PG_reserved);
}

static bool is_slab(const struct page *p)
{
	return page_test(p, PG_slab);
}

/* Linux's sc: PageSwapCache is tested with PG_swapbacked too. */
#define SC (F(PG_swapcache) | F(PG_swapbacked))

/* LAB 4: BEGIN */
static bool is_dirty_swapcache(const struct page *p)
{
	return flags_are(p, SC | F(PG_dirty), SC | F(PG_dirty));
}

static bool is_clean_swapcache(const struct page *p)
{
	return flags_are(p, SC | F(PG_dirty), SC);
}

static bool is_dirty_mlocked(const struct page *p)
{
	return flags_are(p, F(PG_mlocked) | F(PG_dirty), F(PG_mlocked) | F(PG_dirty));
}

static bool is_clean_mlocked(const struct page *p)
{
	return flags_are(p, F(PG_mlocked) | F(PG_dirty), F(PG_mlocked));
}

static bool is_dirty_unevictable(const struct page *p)
{
	return flags_are(p, F(PG_unevictable) | F(PG_dirty), F(PG_unevictable) | F(PG_dirty));
}

static bool is_clean_unevictable(const struct page *p)
{
	return flags_are(p, F(PG_unevictable) | F(PG_dirty), F(PG_unevictable));
}

static bool is_dirty_lru(const struct page *p)
{
	return flags_are(p, F(PG_lru) | F(PG_dirty), F(PG_lru) | F(PG_dirty));
}

static bool is_clean_lru(const struct page *p)
{
	return flags_are(p, F(PG_lru) | F(PG_dirty), F(PG_lru));
}
/* LAB 4: STUB
static bool is_dirty_swapcache(const struct page *p) { (void)p, (void)flags_are; return false; }
static bool is_clean_swapcache(const struct page *p) { (void)p; return false; }
static bool is_dirty_mlocked(const struct page *p) { (void)p; return false; }
static bool is_clean_mlocked(const struct page *p) { (void)p; return false; }
static bool is_dirty_unevictable(const struct page *p) { (void)p; return false; }
static bool is_clean_unevictable(const struct page *p) { (void)p; return false; }
static bool is_dirty_lru(const struct page *p) { (void)p; return false; }
static bool is_clean_lru(const struct page *p) { (void)p; return false; }
   LAB 4: END */

static bool is_user_page(const struct page *p)
{
	return page_test(p, PG_lru) || page_test(p, PG_anon);
}

/* Part of a kernel allocation of several frames: a compound page (its
 * head holds PG_head), or a frame of a plain block after the first (it
 * has no refcount, yet it is not free). */
static bool is_kernel_high_order(const struct page *head)
{
	return !is_user_page(head) && (page_test(head, PG_head) || head->refcount == 0);
}

/* A single frame that alloc_pages() handed to the kernel itself. */
static bool is_kernel_allocation(const struct page *head)
{
	return !is_user_page(head) && head->refcount > 0;
}

static bool any_state(const struct page *p)
{
	(void)p;
	return true;
}

/*
 * The states of a frame in use, checked in order against its head (the
 * compound page it is part of, or itself); the first match wins. Linux's
 * table, with the rows it handles before the table (kernel allocations,
 * for which it prints "unknown page") just above the catch-all.
 */
static const struct page_state {
	bool (*match)(const struct page *head);
	enum mf_action_page_type type;
	enum mf_result (*action)(const struct page_state *ps, struct page *p, unsigned long pfn);
} error_states[] = {
	{ is_reserved, MF_MSG_KERNEL, me_kernel },
	{ is_slab, MF_MSG_SLAB, me_kernel },
	{ PageHuge, MF_MSG_HUGE, me_huge_page },
	{ is_dirty_swapcache, MF_MSG_DIRTY_SWAPCACHE, me_swapcache_dirty },
	{ is_clean_swapcache, MF_MSG_CLEAN_SWAPCACHE, me_swapcache_clean },
	{ is_dirty_mlocked, MF_MSG_DIRTY_MLOCKED_LRU, me_pagecache_dirty },
	{ is_clean_mlocked, MF_MSG_CLEAN_MLOCKED_LRU, me_pagecache_clean },
	{ is_dirty_unevictable, MF_MSG_DIRTY_UNEVICTABLE_LRU, me_pagecache_dirty },
	{ is_clean_unevictable, MF_MSG_CLEAN_UNEVICTABLE_LRU, me_pagecache_clean },
	{ is_dirty_lru, MF_MSG_DIRTY_LRU, me_pagecache_dirty },
	{ is_clean_lru, MF_MSG_CLEAN_LRU, me_pagecache_clean },
	{ is_kernel_high_order, MF_MSG_KERNEL_HIGH_ORDER, me_kernel },
	{ is_kernel_allocation, MF_MSG_KERNEL_ALLOCATION, me_kernel },
	{ any_state, MF_MSG_UNKNOWN, me_unknown },
};

static int identify_page_state(unsigned long pfn, struct page *p, int flags)
{
	struct page *head = compound_head(p);

	for (size_t i = 0;; i++) {
		const struct page_state *ps = &error_states[i];
		if (ps->match(head))
			return action_result(pfn, ps->type, ps->action(ps, head, pfn), flags);
	}
}

/* Someone besides memory_failure (its own reference) and the extra_pins
 * the page's owner keeps still holds the page after it left the cache:
 * they may read it (Linux's check). */
static bool has_extra_refcount(const struct page_state *ps, struct page *p, unsigned long pfn,
			       int extra_pins)
{
	int count = p->refcount - 1 - extra_pins;

	if (count <= 0)
		return false;
	pr_err(MF "%#lx: %s still referenced by %d users\n", pfn, action_page_types[ps->type], count);
	return true;
}

/*
 * A poisoned anonymous page is ours for good: it never goes back to the
 * allocator, and it keeps its anon_vma alive, so the reverse map still
 * finds the hwpoison entries where processes had it. unpoison_memory()
 * lets go of both. (A page-cache page is held only while it is dealt
 * with: once it has left its cache and its mappings, its last put_page
 * frees it into poison's keeping, off the free lists - mm/buddy.c.)
 */
void keep_user_page(struct page *p)
{
	get_page(p);
	if (page_test(p, PG_anon))
		get_anon_vma(p->mapping);
}

static void release_kept_user_page(struct page *p)
{
	put_anon_vma(p->mapping);
	page_remove_anon(p);
	put_page(p);
}

int try_to_split_thp_page(struct page *page, const char *msg)
{
	get_page(page);
	int err = split_huge_page(page);
	put_page(page); /* page's now, if the split was made */
	if (err)
		pr_info("%s: %#lx: thp split failed\n", msg, page_to_pfn(page));
	return err;
}

/* Frames in holes of the memory map, or beyond it, are not ours. */
static bool kernel_controls(unsigned long pfn)
{
	return pfn_valid(pfn) && memblock_is_memory((phys_addr_t)pfn << PAGE_SHIFT);
}

/*
 * A user page - anonymous, a file's page-cache page or a swap-cache
 * page, mapped or not: held and locked while it is taken away, so that
 * nothing else (I/O, truncation, reclaim) changes what it is meanwhile;
 * a write to the disk or to a swap slot already under way is waited
 * for, since the disk reads the frame.
 */
static int memory_failure_user(struct page *p, unsigned long pfn, int flags)
{
	bool anon = page_test(p, PG_anon);
	int ret;

	if (anon)
		keep_user_page(p);
	else
		get_page(p);
	lock_page(p);
	wait_on_page_writeback(p);
	if (!hwpoison_user_mappings(p, pfn, flags))
		ret = action_result(pfn, MF_MSG_UNMAP_FAILED, MF_IGNORED, flags);
	else if (!anon && !page_test(p, PG_swapcache) && !p->mapping) /* truncated before the lock */
		ret = action_result(pfn, MF_MSG_TRUNCATED_LRU, MF_IGNORED, flags);
	else
		ret = identify_page_state(pfn, p, flags);
	unlock_page(p);
	if (!anon)
		put_page(p);
	return ret;
}

/*
 * A frame of a hugetlb page (Linux 6.1: memory_failure_hugetlb). The
 * whole 2 MiB page is lost: PG_hwpoison on its head (the bad frame is
 * remembered, hugetlb_set_page_hwpoison), every mapping becomes a
 * hwpoison entry at the page-directory level, and whoever is told gets
 * si_addr_lsb 21. A free pool page leaves the pool at once. Counted once
 * in HardwareCorrupted, as Linux 6.1 counts it (one raw page).
 */
static int memory_failure_hugetlb(unsigned long pfn, int flags)
{
	struct page *p = pfn_to_page(pfn), *head = compound_head(p);

	if (head->refcount == 0) { /* free in the pool */
		if (hwpoison_filter(head))
			return -EOPNOTSUPP;
		num_poisoned_pages++;
		return action_result(pfn, MF_MSG_FREE_HUGE,
				     dissolve_free_huge_page(head, p) ? MF_RECOVERED : MF_FAILED, flags);
	}
	if (!hugetlb_set_page_hwpoison(head, p)) {
		pr_err(MF "%#lx: already hardware poisoned\n", pfn);
		if ((flags & MF_ACTION_REQUIRED) && current)
			return kill_accessing_process(current, pfn, flags);
		return -EHWPOISON;
	}
	if (hwpoison_filter(head)) {
		page_clear(head, PG_hwpoison);
		head->private = 0;
		return -EOPNOTSUPP;
	}
	num_poisoned_pages++;
	get_page(head);
	lock_page(head);
	int ret = hwpoison_user_mappings(head, pfn, flags)
			  ? identify_page_state(pfn, head, flags)
			  : action_result(pfn, MF_MSG_UNMAP_FAILED, MF_IGNORED, flags);
	unlock_page(head);
	put_page(head); /* a private copy's last reference: it leaves the pool */
	return ret;
}

int memory_failure(unsigned long pfn, int flags)
{
	if (!sysctl_memory_failure_recovery)
		panic("Memory failure on page %lx", pfn);
	if (!(flags & MF_SW_SIMULATED))
		hw_memory_failure = true;
	if (!kernel_controls(pfn)) {
		pr_err(MF "%#lx: memory outside kernel control\n", pfn);
		return -ENXIO;
	}
	struct page *p = pfn_to_page(pfn);
	if (PageHuge(p))
		return memory_failure_hugetlb(pfn, flags);
	if (page_test_and_set(p, PG_hwpoison)) {
		pr_err(MF "%#lx: already hardware poisoned\n", pfn);
		if ((flags & MF_ACTION_REQUIRED) && current)
			return kill_accessing_process(current, pfn, flags);
		return -EHWPOISON;
	}
	num_poisoned_pages++;

	/* A frame of a huge page: only it is lost, the other 511 pages live on. */
	if (PageTransHuge(compound_head(p)) && try_to_split_thp_page(p, "Memory failure"))
		return action_result(pfn, MF_MSG_UNSPLIT_THP, MF_IGNORED, flags);
	/* Only a frame nobody holds can be free (Linux asks the same way:
	 * get_hwpoison_page first, the free lists only if that finds no
	 * reference); a page in use skips the look along the free lists. */
	if (p->refcount == 0 && take_page_off_buddy(p))
		return action_result(pfn, MF_MSG_BUDDY, MF_RECOVERED, flags);
	/* A test's filters (mm/hwpoison-filter.c) may leave this page alone. */
	if (hwpoison_filter(p)) {
		page_clear(p, PG_hwpoison);
		num_poisoned_pages--;
		return -EOPNOTSUPP;
	}
	if (!page_test(p, PG_lru) && !page_test(p, PG_swapcache) &&
	    !(page_test(p, PG_anon) && p->mapcount > 0))
		return identify_page_state(pfn, p, flags); /* the kernel's, or no state at all */
	return memory_failure_user(p, pfn, flags);
}

/* Soft offline (mm/soft-offline.c) retired pfn: count it and list it, as
 * a free page or as a user page whose contents moved elsewhere. */
void soft_offline_retired(unsigned long pfn, bool was_free)
{
	num_poisoned_pages++;
	remember(pfn, was_free ? MF_MSG_BUDDY : MF_MSG_DIRTY_LRU, MF_RECOVERED, MF_SW_SIMULATED);
}

/*
 * The #MC handler cannot call memory_failure() itself: it may have
 * interrupted anything, even the allocator. It leaves the frame number in
 * this small ring and schedules the work that empties it.
 */
#define MF_QUEUE_SIZE 16

static struct {
	unsigned long pfn;
	int flags;
} mf_queue[MF_QUEUE_SIZE];
static unsigned mf_head, mf_tail; /* free-running */

static void memory_failure_work_func(struct work_struct *work)
{
	(void)work;
	for (;;) {
		bool was_on = irq_save();
		if (mf_tail == mf_head) {
			irq_restore(was_on);
			return;
		}
		unsigned long pfn = mf_queue[mf_tail % MF_QUEUE_SIZE].pfn;
		int flags = mf_queue[mf_tail % MF_QUEUE_SIZE].flags;
		mf_tail++;
		irq_restore(was_on);
		memory_failure(pfn, flags);
	}
}

static struct work_struct mf_work = { .func = memory_failure_work_func };

void memory_failure_queue(unsigned long pfn, int flags)
{
	bool was_on = irq_save();

	if (mf_head - mf_tail == MF_QUEUE_SIZE) {
		pr_err(MF "buffer overflow when queuing memory failure at %#lx\n", pfn);
	} else {
		mf_queue[mf_head % MF_QUEUE_SIZE].pfn = pfn;
		mf_queue[mf_head % MF_QUEUE_SIZE].flags = flags;
		mf_head++;
		schedule_work(&mf_work);
	}
	irq_restore(was_on);
}

static void forget(unsigned long pfn)
{
	for (struct list_head *l = poisoned.next; l != &poisoned; l = l->next) {
		struct hwpoison_record *r = list_entry(l, struct hwpoison_record, list);
		if (r->pfn == pfn) {
			list_del(&r->list);
			kfree(r);
			return;
		}
	}
}

/* A user page memory_failure() took from its processes and kept
 * (keep_user_page): nobody else holds or maps it. */
static bool kept_user_page(const struct page *p)
{
	return page_test(p, PG_anon) && p->refcount == 1 && p->mapcount == 0;
}

/*
 * Undo a software-injected poisoning (Linux: unpoison_memory). Only a
 * frame nobody uses can come back: one that poison took off the free
 * lists (or kept off them when its block was freed) goes back on them,
 * and a user page that memory_failure() took from its processes and kept
 * is let go. A frame the kernel still uses - reserved, a slab, a page
 * table, a kernel stack or any other allocation, or one frame of it - or
 * that someone maps stays poisoned: giving it back would hand it out
 * while its owner still has it.
 */
int unpoison_memory(unsigned long pfn)
{
	if (!pfn_valid(pfn))
		return -ENXIO;
	struct page *p = pfn_to_page(pfn);
	if (hw_memory_failure) {
		pr_info("Unpoison: Disabled after HW memory failure %#lx\n", pfn);
		return -EOPNOTSUPP;
	}
	/* A poisoned hugetlb page still in use - mapped, or kept in its
	 * file - cannot come back. Its mark is on the head: another frame of
	 * it reads as never poisoned, below (Linux 6.1 tests the frame
	 * itself too). Once the page has left the pool its bad frame is an
	 * ordinary kept-off one. */
	if (PageHuge(p) && page_test(p, PG_hwpoison)) {
		if (p->refcount > 1)
			pr_info("Unpoison: Someone grabs the hwpoison page %#lx\n", pfn);
		else
			pr_info("Unpoison: the hwpoison page has non-NULL mapping %#lx\n", pfn);
		return -EBUSY;
	}
	if (!page_test(p, PG_hwpoison)) {
		pr_info("Unpoison: Page was already unpoisoned %#lx\n", pfn);
		return -EBUSY;
	}
	if (compound_head(p)->mapcount > 0) {
		pr_info("Unpoison: Someone maps the hwpoison page %#lx\n", pfn);
		return -EBUSY;
	}
	/* LAB 4: BEGIN */
	bool free = PageHWPoisonTakenOff(p);
	if (!free && !kept_user_page(p)) {
		pr_info("Unpoison: Someone grabs the hwpoison page %#lx\n", pfn);
		return -EBUSY;
	}
	page_clear(p, PG_hwpoison);
	num_poisoned_pages--;
	forget(pfn);
	if (free) {
		put_page_back_buddy(p);
		pr_info("Unpoison: Software-unpoisoned free page %#lx\n", pfn);
	} else {
		release_kept_user_page(p);
		pr_info("Unpoison: Software-unpoisoned page %#lx\n", pfn);
	}
	return 0;
	/* LAB 4: STUB
	(void)kept_user_page, (void)forget, (void)release_kept_user_page; // for your code
	pr_info("Unpoison: lab 4: implement unpoison_memory (mm/memory-failure.c) %#lx\n", pfn);
	return -EBUSY;
	   LAB 4: END */
}

static int hwpoison_list_show(struct seq_file *m)
{
	if (list_empty(&poisoned)) {
		seq_puts(m, "no poisoned pages\n");
		return 0;
	}
	seq_puts(m, "pfn      source    page was               result\n");
	for (struct list_head *l = poisoned.next; l != &poisoned; l = l->next) {
		const struct hwpoison_record *r = list_entry(l, struct hwpoison_record, list);
		seq_printf(m, "%#-8lx %-9s %-22s %s\n", r->pfn, r->software ? "software" : "hardware",
			   action_page_types[r->type], action_name[r->result]);
	}
	return 0;
}

int cmd_hwpoison(int argc, char **argv)
{
	uint64_t pfn;

	if (argc == 2 && !strcmp(argv[1], "list")) {
		return monitor_show(hwpoison_list_show, NULL);
	}
	bool corrupt = argc == 3 && !strcmp(argv[1], "corrupt-pfn");
	bool unpoison = argc == 3 && !strcmp(argv[1], "unpoison-pfn");
	if (!corrupt && !unpoison) {
		kprintf("usage: hwpoison corrupt-pfn PFN | unpoison-pfn PFN | list\n");
		return -1;
	}
	if (!monitor_number("hwpoison", argv[2], &pfn))
		return -1;
	int err = corrupt ? memory_failure(pfn, MF_SW_SIMULATED) : unpoison_memory(pfn);
	kprintf("hwpoison: %s %#lx returned %d\n", argv[1], (unsigned long)pfn, err);
	return err ? -1 : 0;
}
