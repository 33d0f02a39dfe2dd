/*
 * Who is told about a poisoned user page, and how (Linux: the
 * collect_procs and kill_procs half of mm/memory-failure.c).
 *
 * Before a user page is taken away, the reverse map finds every process
 * that maps it, and in each the thread that should hear now
 * (collect_procs; early kill or not: PR_MCE_KILL and
 * vm.memory_failure_early_kill). Then the mappings are replaced by
 * hwpoison entries, or a swap-cache page's by its swap entry
 * (hwpoison_user_mappings), and those collected get
 * SIGBUS if data was lost (kill_procs): BUS_MCEERR_AR for the thread
 * that consumed it, BUS_MCEERR_AO for the others. Everyone else learns
 * at their next touch of the address (late kill: mm/fault.c).
 */
#include "mm/memory-failure.h"
#include "kernel/errno.h"
#include "kernel/printk.h"
#include "kernel/proc.h"
#include "kernel/signal.h"
#include "mm/filemap.h"
#include "mm/pgtable.h"
#include "mm/rmap.h"
#include "mm/slab.h"
#include "mm/swap_state.h"

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
	/* LAB 5: BEGIN */
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
	/* LAB 5: STUB
	(void)tsk;
	return NULL; // nobody is told early: everyone learns at the next touch
	   LAB 5: END */
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
	unsigned long addr;          /* where the bad frame was in that process */
	short size_shift;            /* si_addr_lsb: the page's size (21 for hugetlb) */
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

/* The reverse map finds where the page starts in an area; the bad frame
 * is offset bytes into it (a hugetlb page: one of 512), and the signal's
 * si_addr_lsb is the whole page's size (Linux: add_to_kill's size_shift,
 * page_shift of the compound head). */
struct collect {
	struct list_head *tokill;
	bool force_early;
	unsigned long offset;
	short size_shift;
};

static void add_to_kill(struct proc *t, struct signal_struct *group, unsigned long addr,
			const struct collect *c)
{
	struct to_kill *tk = kmalloc(sizeof(*tk));

	if (!tk)
		return;
	get_task_struct(t);
	*tk = (struct to_kill){ .tsk = t, .group = group, .addr = addr + c->offset,
				.size_shift = c->size_shift };
	list_add_tail(&tk->list, c->tokill);
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
	/* LAB 5: BEGIN */
	struct collect *c = arg;
	struct list_head *tasks = &vma->vm_mm->task_list;

	(void)pte;
	for (struct list_head *l = tasks->next; l != tasks; l = l->next) {
		struct proc *tsk = list_entry(l, struct proc, mm_node);
		if (!represents_group(tsk))
			continue;
		struct proc *t = task_early_kill(tsk, c->force_early);
		if (t && !already_collected(c->tokill, t, tsk->signal))
			add_to_kill(t, tsk->signal, addr, c);
	}
	/* LAB 5: STUB
	(void)vma, (void)addr, (void)pte, (void)arg; // nobody is collected
	(void)represents_group, (void)task_early_kill, (void)already_collected, (void)add_to_kill;
	   LAB 5: END */
}

/* Done before unmapping: afterwards the reverse map no longer finds them. */
static void collect_procs(struct page *p, unsigned long pfn, struct list_head *tokill,
			  bool force_early)
{
	struct collect c = { tokill, force_early, (pfn - page_to_pfn(p)) << PAGE_SHIFT,
			     (short)(PAGE_SHIFT + compound_order(p)) };
	struct rmap_walk_control rwc = { .rmap_one = collect_procs_vma, .arg = &c };

	rmap_walk(p, &rwc);
}

/* What a mapping of the page becomes (Linux: try_to_unmap's flags). */
enum unmap_to {
	UNMAP_HWPOISON,   /* a hwpoison entry: any access gets SIGBUS */
	UNMAP_EMPTY,      /* nothing: a clean file page is faulted in again */
	UNMAP_SWAP_ENTRY, /* the page's swap entry (TTU_IGNORE_HWPOISON) */
};

struct unmap {
	struct page *page;
	enum unmap_to to;
};

/* The entry a mapping of a swap-cache page leaves: its slot's, one more
 * count on it, as swap-out's unmap leaves (Linux: try_to_unmap_one's
 * swap branch); 0 if the slot counts as many PTEs as it can. */
static uint64_t swap_entry_for(struct vm_area_struct *vma, struct page *page)
{
	if (swap_duplicate(page_swap_entry(page)))
		return 0;
	swap_mmlist_add(vma->vm_mm); /* swapoff must look at this mm */
	return swp_entry_to_pte(page_swap_entry(page));
}

/* Take one mapping of the page away (Linux: try_to_unmap_one), leaving
 * what u->to says. Unlike reclaim's, this unmaps even where a process is
 * faulting: the data is bad. A swap-cache page whose slot cannot count
 * one more PTE stays mapped: the unmap failed. */
static void unmap_one(struct vm_area_struct *vma, unsigned long addr, uint64_t *pte, void *arg)
{
	/* LAB 5: BEGIN */
	struct unmap *u = arg;
	uint64_t entry = 0;

	if (u->to == UNMAP_HWPOISON)
		entry = make_hwpoison_entry(page_to_pfn(u->page));
	else if (u->to == UNMAP_SWAP_ENTRY && !(entry = swap_entry_for(vma, u->page)))
		return;
	unmap_pte(vma, addr, pte, u->page, entry);
	/* LAB 5: STUB
	(void)vma, (void)addr, (void)pte, (void)arg, (void)swap_entry_for; // stays mapped
	   LAB 5: END */
}

static void kill_proc(struct proc *t, unsigned long addr, short size_shift, unsigned long pfn,
		      int flags)
{
	struct sig_pending_info info = { .code = BUS_MCEERR_AO, .addr = addr,
					 .addr_lsb = size_shift };

	/* LAB 5: BEGIN */
	pr_err(MF "%#lx: Sending SIGBUS to %s:%d due to hardware memory corruption\n",
	       pfn, t->comm, t->pid);
	if ((flags & MF_ACTION_REQUIRED) && t == current)
		force_sig_fault(SIGBUS, BUS_MCEERR_AR, addr, size_shift);
	else
		do_send_sig_info(SIGBUS, &info, t, PIDTYPE_PID);
	/* LAB 5: STUB
	(void)t, (void)addr, (void)size_shift, (void)pfn, (void)flags, (void)info; // nobody hears
	   LAB 5: END */
}

/* Those collected are told only if data was lost (forcekill): the page
 * was dirty - anonymous data outside the swap cache always is, its only
 * copy is gone - or a mapping could not be removed. (A task that has exited meanwhile is
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
			kill_proc(t, tk->addr, tk->size_shift, pfn, flags);
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
 * cleared, and nobody is told, not even in early-kill mode. A page in
 * the swap cache leaves its swap entry in each PTE, as swap-out would:
 * the next access finds the page in the swap cache - still there if it
 * was dirty (me_swapcache_dirty), so the access gets SIGBUS - or reads
 * the slot's good copy (me_swapcache_clean). Anything else - written
 * through a mapping (page_mkclean finds the dirty PTEs), dirty, or
 * anonymous - leaves hwpoison entries. The processes are told
 * (kill_procs) if data was lost: the page was dirty (a written PTE makes
 * it so as it is unmapped), or anonymous and in no swap cache.
 */
bool hwpoison_user_mappings(struct page *p, unsigned long pfn, int flags)
{
	struct address_space *mapping = page_mapping(p);
	bool swapcache = page_test(p, PG_swapcache);
	struct unmap u = { .page = p, .to = swapcache ? UNMAP_SWAP_ENTRY : UNMAP_HWPOISON };
	struct rmap_walk_control rwc = { .rmap_one = unmap_one, .arg = &u };
	struct list_head tokill;

	if (swapcache && p->mapcount > 0)
		pr_err(MF "%#lx: keeping poisoned page in swap cache\n", pfn);
	if (!swapcache && !page_test(p, PG_dirty) && mapping && mapping_can_writeback(mapping)) {
		if (page_mkclean(p)) {
			set_page_dirty(p);
		} else {
			u.to = UNMAP_EMPTY;
			pr_info(MF "%#lx: corrupted page was clean: dropped without side effects\n", pfn);
		}
	}
	INIT_LIST_HEAD(&tokill);
	collect_procs(p, pfn, &tokill, flags & MF_ACTION_REQUIRED);
	rmap_walk(p, &rwc);
	bool unmapped = p->mapcount == 0;
	if (!unmapped)
		pr_err(MF "%#lx: failed to unmap page (mapcount=%d)\n", pfn, p->mapcount);
	bool forcekill = page_test(p, PG_dirty) || (page_test(p, PG_anon) && !swapcache) || !unmapped;
	kill_procs(&tokill, forcekill, !unmapped, pfn, flags);
	return unmapped;
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
 * point it at: -EFAULT, and kill_me_maybe (mce/core.c) sends a plain SIGBUS.
 */
int kill_accessing_process(struct proc *p, unsigned long pfn, int flags)
{
	struct find_mm f = { .mm = p->mm };
	struct rmap_walk_control rwc = { .rmap_one = find_in_mm, .arg = &f,
					 .hwpoison_entries = true };
	struct page *head = compound_head(pfn_to_page(pfn)); /* a hugetlb page is mapped whole */

	if (p->mm)
		rmap_walk(head, &rwc);
	if (!f.found)
		return -EFAULT;
	kill_proc(p, f.addr + ((pfn - page_to_pfn(head)) << PAGE_SHIFT),
		  (short)(PAGE_SHIFT + compound_order(head)), pfn, flags);
	return -EHWPOISON;
}
