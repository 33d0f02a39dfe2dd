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
#include "kernel/signal.h"
#include "mm/buddy.h"
#include "mm/filemap.h"
#include "mm/memblock.h"
#include "mm/paging.h"
#include "mm/pgtable.h"
#include "mm/rmap.h"
#include "mm/slab.h"
#include "mm/swap.h"

#define MF "Memory failure: "

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
	MF_MSG_UNMAP_FAILED,
	MF_MSG_DIRTY_MLOCKED_LRU,
	MF_MSG_CLEAN_MLOCKED_LRU,
	MF_MSG_DIRTY_UNEVICTABLE_LRU,
	MF_MSG_CLEAN_UNEVICTABLE_LRU,
	MF_MSG_DIRTY_LRU,
	MF_MSG_CLEAN_LRU,
	MF_MSG_TRUNCATED_LRU,
	MF_MSG_BUDDY,
	MF_MSG_KERNEL_ALLOCATION,
	MF_MSG_UNKNOWN,
};

static const char *const action_page_types[] = {
	[MF_MSG_KERNEL] = "reserved kernel page",
	[MF_MSG_KERNEL_HIGH_ORDER] = "high-order kernel page",
	[MF_MSG_SLAB] = "kernel slab page",
	[MF_MSG_UNMAP_FAILED] = "unmapping failed page",
	[MF_MSG_DIRTY_MLOCKED_LRU] = "dirty mlocked LRU page",
	[MF_MSG_CLEAN_MLOCKED_LRU] = "clean mlocked LRU page",
	[MF_MSG_DIRTY_UNEVICTABLE_LRU] = "dirty unevictable LRU page",
	[MF_MSG_CLEAN_UNEVICTABLE_LRU] = "clean unevictable LRU page",
	[MF_MSG_DIRTY_LRU] = "dirty LRU page",
	[MF_MSG_CLEAN_LRU] = "clean LRU page",
	[MF_MSG_TRUNCATED_LRU] = "already truncated LRU page",
	[MF_MSG_BUDDY] = "free buddy page",
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
	struct address_space *mapping = page_mapping(p);
	if (!mapping)
		return MF_FAILED; /* torn down meanwhile */
	/* A tmpfs page stays in its cache (its data has no other copy), which
	 * holds one reference of its own (Linux: extra_pins). */
	int extra_pins = shmem_inode(mapping->host);
	enum mf_result result = truncate_error_page(p, pfn, mapping);
	return has_extra_refcount(ps, p, pfn, extra_pins) ? MF_FAILED : result;
}

/* The data existed only here. A page-cache page's file learns that a
 * write was lost: its mapping records EIO, which fsync, fdatasync and
 * msync(MS_SYNC) report once to each open file (errseq); then the page
 * goes as a clean one would, and reads see the disk's older copy. */
static enum mf_result me_pagecache_dirty(const struct page_state *ps, struct page *p,
					 unsigned long pfn)
{
	struct address_space *mapping = page_mapping(p);

	page_set(p, PG_error);
	if (mapping)
		mapping_set_error(mapping, -EIO);
	return me_pagecache_clean(ps, p, pfn);
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
 * Who to tell, one thread per process (thread group). A thread hears at
 * once (early kill) if it asked for it with prctl(PR_MCE_KILL_SET,
 * PR_MCE_KILL_EARLY), or left its choice at the default while
 * vm.memory_failure_early_kill is 1; the first such thread of the group,
 * leader first, is the one (Linux: find_early_kill_thread). A thread that
 * chose late kill is passed over, not its whole process, and so is one
 * that has exited (no mm: Linux would pick an exited leader, and the
 * signal would be lost). NULL: nobody hears now; they learn when they
 * touch the address (late kill, mm/fault.c).
 */
static struct proc *find_early_kill_thread(struct proc *tsk)
{
	struct list_head *threads = &tsk->signal->thread_head;

	for (struct list_head *l = threads->next; l != threads; l = l->next) {
		struct proc *t = list_entry(l, struct proc, thread_node);
		if (!t->mm)
			continue;
		if (t->flags & PF_MCE_PROCESS) {
			if (t->flags & PF_MCE_EARLY)
				return t;
		} else if (sysctl_memory_failure_early_kill) {
			return t;
		}
	}
	return NULL;
}

/* The process that consumed the data (action required) always hears, in
 * the thread that touched it - also when tsk is another process on the
 * same mm, a vfork parent, as Linux compares the mm. */
static struct proc *task_early_kill(struct proc *tsk, bool force_early)
{
	if (!tsk->mm)
		return NULL;
	if (force_early && current && tsk->mm == current->mm)
		return current;
	return find_early_kill_thread(tsk);
}

/* A thread to tell, found through the reverse map before the unmapping.
 * It holds a reference to the task, so the struct is still there when
 * kill_procs tells it, even if it exits meanwhile (nothing can now, but
 * memory_failure will sleep on page locks). */
struct to_kill {
	struct list_head list;
	struct proc *tsk;
	struct signal_struct *group; /* the process it was chosen for */
	unsigned long addr;          /* where the page was in that process */
};

/* Each process and each thread is told once, however many of its areas
 * or threads map the page (the list holds only those told). */
static bool already_collected(const struct list_head *tokill, const struct proc *t,
			      const struct signal_struct *group)
{
	for (const struct list_head *l = tokill->next; l != tokill; l = l->next) {
		const struct to_kill *tk = list_entry(l, struct to_kill, list);
		if (tk->tsk == t || tk->group == group)
			return true;
	}
	return false;
}

struct collect {
	struct list_head *tokill;
	bool force_early;
};

static void add_to_kill(struct proc *t, struct signal_struct *group, unsigned long addr,
			struct list_head *tokill)
{
	struct to_kill *tk = kmalloc(sizeof(*tk));

	if (!tk)
		return;
	get_task_struct(t);
	*tk = (struct to_kill){ .tsk = t, .group = group, .addr = addr };
	list_add_tail(&tk->list, tokill);
}

/* tsk stands for its process here: it is the leader, or the leader no
 * longer uses this mm (Linux walks leaders only: for_each_process). */
static bool represents_group(const struct proc *tsk)
{
	return tsk->group_leader == tsk || tsk->group_leader->mm != tsk->mm;
}

/* One area that maps the page: the processes using its mm (one, or a
 * vfork child and its parent) - through the mm's list of tasks, never a
 * scan of every task. */
static void collect_procs_vma(struct vm_area_struct *vma, unsigned long addr, uint64_t *pte,
			      void *arg)
{
	struct collect *c = arg;
	struct list_head *tasks = &vma->vm_mm->task_list;

	(void)pte;
	for (struct list_head *l = tasks->next; l != tasks; l = l->next) {
		struct proc *tsk = list_entry(l, struct proc, mm_node);
		if (!represents_group(tsk))
			continue;
		struct proc *t = task_early_kill(tsk, c->force_early);
		if (t && !already_collected(c->tokill, t, tsk->signal))
			add_to_kill(t, tsk->signal, addr, c->tokill);
	}
}

/* Done before unmapping: afterwards the reverse map no longer finds them. */
static void collect_procs(struct page *p, struct list_head *tokill, bool force_early)
{
	struct collect c = { tokill, force_early };
	struct rmap_walk_control rwc = { .rmap_one = collect_procs_vma, .arg = &c };

	rmap_walk(p, &rwc);
}

struct unmap {
	struct page *page;
	bool poison; /* leave hwpoison entries (else: plain empty PTEs) */
};

/* Take one mapping of the page away, leaving a hwpoison entry - or, for a
 * clean file page that will be re-read, nothing: the next access faults
 * the disk's copy in (Linux: try_to_unmap_one). Unlike reclaim's, this
 * unmaps even where a process is faulting: the data is bad. */
static void unmap_one(struct vm_area_struct *vma, unsigned long addr, uint64_t *pte, void *arg)
{
	struct unmap *u = arg;

	unmap_pte(vma, addr, pte, u->page, u->poison ? make_hwpoison_entry(page_to_pfn(u->page)) : 0);
}

static void kill_proc(struct proc *t, unsigned long addr, unsigned long pfn, int flags)
{
	struct sig_pending_info info = { .code = BUS_MCEERR_AO, .addr = addr,
					 .addr_lsb = PAGE_SHIFT };

	pr_err(MF "%#lx: Sending SIGBUS to %s:%d due to hardware memory corruption\n",
	       pfn, t->comm, t->pid);
	if ((flags & MF_ACTION_REQUIRED) && t == current)
		force_sig_fault(SIGBUS, BUS_MCEERR_AR, addr, PAGE_SHIFT);
	else
		do_send_sig_info(SIGBUS, &info, t, PIDTYPE_PID);
}

/* Those collected are told only if data was lost (forcekill): the page
 * was dirty - anonymous data always is, its only copy is gone - or a
 * mapping could not be removed. (A task that has exited meanwhile is
 * still there, held by its reference; a signal to a zombie changes
 * nothing.) If a mapping could not be removed, the process would go on
 * using bad data: it is killed outright. */
static void kill_procs(struct list_head *tokill, bool forcekill, bool unmap_failed,
		       unsigned long pfn, int flags)
{
	while (!list_empty(tokill)) {
		struct to_kill *tk = list_first_entry(tokill, struct to_kill, list);
		struct proc *t = tk->tsk;
		list_del(&tk->list);
		if (!forcekill) {
			/* nothing was lost: nobody needs to know */
		} else if (unmap_failed) {
			pr_err(MF "%#lx: forcibly killing %s:%d because of failure to unmap corrupted page\n",
			       pfn, t->comm, t->pid);
			proc_kill(t, SIGKILL);
		} else {
			kill_proc(t, tk->addr, pfn, flags);
		}
		put_task_struct(t);
		kfree(tk);
	}
}

/* The file's pages go back to a disk (Linux: mapping_can_writeback):
 * a clean one has a good copy there. Memory file systems (rootfs,
 * tmpfs) have none. */
static bool mapping_can_writeback(const struct address_space *mapping)
{
	return mapping->a_ops && mapping->a_ops->writepage;
}

/*
 * Take the page from every process that maps it, and tell them if data
 * was lost (Linux: hwpoison_user_mappings). A clean file page whose PTEs
 * were never written is the disk's copy: its mappings are simply
 * cleared, and nobody is told, not even in early-kill mode. Anything
 * else - written through a mapping (page_mkclean finds the dirty PTEs),
 * dirty, or anonymous - leaves hwpoison entries, and its processes are
 * told (kill_procs).
 */
static bool hwpoison_user_mappings(struct page *p, unsigned long pfn, int flags)
{
	struct address_space *mapping = page_mapping(p);
	struct unmap u = { .page = p, .poison = true };
	struct rmap_walk_control rwc = { .rmap_one = unmap_one, .arg = &u };
	struct list_head tokill;

	if (!page_test(p, PG_dirty) && mapping && mapping_can_writeback(mapping)) {
		if (page_mkclean(p)) {
			set_page_dirty(p);
		} else {
			u.poison = false;
			pr_info(MF "%#lx: corrupted page was clean: dropped without side effects\n", pfn);
		}
	}
	INIT_LIST_HEAD(&tokill);
	collect_procs(p, &tokill, flags & MF_ACTION_REQUIRED);
	rmap_walk(p, &rwc);
	bool unmapped = p->mapcount == 0;
	if (!unmapped)
		pr_err(MF "%#lx: failed to unmap page (mapcount=%d)\n", pfn, p->mapcount);
	bool forcekill = page_test(p, PG_dirty) || page_test(p, PG_anon) || !unmapped;
	kill_procs(&tokill, forcekill, !unmapped, pfn, flags);
	return unmapped;
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

struct find_mm {
	struct mm_struct *mm;
	unsigned long addr;
	bool found;
};

static void find_in_mm(struct vm_area_struct *vma, unsigned long addr, uint64_t *pte, void *arg)
{
	struct find_mm *f = arg;

	(void)pte;
	if (vma->vm_mm == f->mm && !f->found) {
		f->addr = addr;
		f->found = true;
	}
}

/*
 * The frame was already poisoned and the current process consumed it
 * again (action required). The reverse map says where the process has
 * the page - still mapped, or the hwpoison entry that replaced it - and
 * the process is told there: -EHWPOISON. If the process has no such
 * address (a kernel page, or one it never mapped) there is nothing to
 * point it at: -EFAULT, and mce_kill_me_maybe() sends a plain SIGBUS.
 */
static int kill_accessing_process(struct proc *p, unsigned long pfn, int flags)
{
	struct find_mm f = { .mm = p->mm };
	struct rmap_walk_control rwc = { .rmap_one = find_in_mm, .arg = &f,
					 .hwpoison_entries = true };

	if (p->mm)
		rmap_walk(pfn_to_page(pfn), &rwc);
	if (!f.found)
		return -EFAULT;
	kill_proc(p, f.addr, pfn, flags);
	return -EHWPOISON;
}

/* Frames in holes of the memory map, or beyond it, are not ours. */
static bool kernel_controls(unsigned long pfn)
{
	return pfn_valid(pfn) && memblock_is_memory((phys_addr_t)pfn << PAGE_SHIFT);
}

/*
 * A user page - anonymous, or a file's page-cache page, mapped or not:
 * held and locked while it is taken away, so that nothing else (I/O,
 * truncation, reclaim) changes what it is meanwhile; a write to the disk
 * already under way is waited for, since the disk reads the frame.
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
	else if (!anon && !p->mapping) /* truncated before we had the lock */
		ret = action_result(pfn, MF_MSG_TRUNCATED_LRU, MF_IGNORED, flags);
	else
		ret = identify_page_state(pfn, p, flags);
	unlock_page(p);
	if (!anon)
		put_page(p);
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
	if (page_test_and_set(p, PG_hwpoison)) {
		pr_err(MF "%#lx: already hardware poisoned\n", pfn);
		if ((flags & MF_ACTION_REQUIRED) && current)
			return kill_accessing_process(current, pfn, flags);
		return -EHWPOISON;
	}
	num_poisoned_pages++;

	if (take_page_off_buddy(p))
		return action_result(pfn, MF_MSG_BUDDY, MF_RECOVERED, flags);
	/* A test's filters (mm/hwpoison-filter.c) may leave this page alone. */
	if (hwpoison_filter(p)) {
		page_clear(p, PG_hwpoison);
		num_poisoned_pages--;
		return -EOPNOTSUPP;
	}
	if (!page_test(p, PG_lru) && !(page_test(p, PG_anon) && p->mapcount > 0))
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
	if (!page_test(p, PG_hwpoison)) {
		pr_info("Unpoison: Page was already unpoisoned %#lx\n", pfn);
		return -EBUSY;
	}
	if (compound_head(p)->mapcount > 0) {
		pr_info("Unpoison: Someone maps the hwpoison page %#lx\n", pfn);
		return -EBUSY;
	}
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
