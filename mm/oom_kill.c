/*
 * The OOM killer (Linux: mm/oom_kill.c). When the allocator has
 * reclaimed all it could and still finds no free page (mm/buddy.c:
 * alloc_pages_slowpath), waiting helps nobody: the kernel kills the
 * process whose death frees the most memory, and the allocation tries
 * again once the victim has exited.
 *
 *   select_bad_process   every process is scored by oom_badness: the
 *                        pages it would free (resident pages, swap
 *                        entries, page tables) plus oom_score_adj
 *                        thousandths of memory. -1000 means never; init
 *                        and kernel threads are never candidates either.
 *   oom_kill_process     report (dump_header: who asked, the memory,
 *                        every candidate), then SIGKILL to the victim,
 *                        which wakes it from any interruptible sleep; its
 *                        exit frees its memory.
 *
 * While a victim still has its memory, another OOM finds it and waits
 * for it rather than kill a second process (Linux: the abort in
 * oom_evaluate_task). The victim itself may take the allocator's last
 * reserve, under min, so that it can get to its exit.
 *
 * Linux counts each process's anonymous, file and shmem pages as they
 * are mapped; here the victim's page tables are walked once, at OOM
 * time, to get the same numbers (mm_usage).
 */
#include "mm/oom.h"
#include "mm/swapfile.h"
#include "kernel/backtrace.h"
#include "kernel/cred.h"
#include "kernel/printk.h"
#include "kernel/signal.h"
#include "kernel/uaccess.h"
#include "lib/format.h"
#include "lib/ratelimit.h"
#include "mm/huge_mm.h"
#include "mm/mmap.h"
#include "mm/mmap_lock.h"
#include "mm/pagewalk.h"
#include "mm/pgtable.h"
#include "mm/swap.h"
#include "mm/vmscan.h"
#include "mm/vmstat.h"
#include "mm/watermark.h"

#define K(pages) ((pages) << (PAGE_SHIFT - 10))

/* "a victim is still dying": select_bad_process stops and waits. */
#define OOM_ABORT ((struct proc *)-1L)

/* ---- how much memory a process holds -------------------------------- */

/* Linux's per-mm counters (MM_ANONPAGES, ...), counted from the tables. */
struct mm_usage {
	unsigned long anon, file, shmem; /* resident pages of each kind */
	unsigned long swapents;          /* swap entries in its page tables */
	unsigned long pgtables;          /* page tables and page directories */
	unsigned long total_vm;          /* pages of address space in its areas */
	const uint64_t *last_pmd;        /* the walk visits an entry once per area */
	uintptr_t last_pd;               /* ...and a directory once per entry */
};

/* Each page table once, and each page directory (Linux's
 * mm_pgtables_bytes counts both, and the PUD level, not seen here). */
static int usage_pmd(uint64_t *pmd, unsigned long addr, unsigned long next, struct mm_walk *walk)
{
	struct mm_usage *u = walk->private;
	uintptr_t pd = (uintptr_t)pmd & PAGE_MASK;

	(void)addr, (void)next;
	if (pmd_trans_huge(*pmd))
		u->anon += HPAGE_PMD_NR;
	/* A huge page's deposited table counts, as in Linux (mm_inc_nr_ptes). */
	if (pmd != u->last_pmd)
		u->pgtables++;
	if (pd != u->last_pd)
		u->pgtables++;
	u->last_pmd = pmd;
	u->last_pd = pd;
	return 0;
}

static int usage_pte(uint64_t *pte, unsigned long addr, unsigned long next, struct mm_walk *walk)
{
	struct mm_usage *u = walk->private;

	(void)addr, (void)next;
	if (pte_present(*pte) && pfn_valid(pte_pfn(*pte))) {
		const struct page *page = pfn_to_page(pte_pfn(*pte));

		if (page_test(page, PG_anon))
			u->anon++;
		else if (page_test(page, PG_swapbacked))
			u->shmem++;
		else
			u->file++;
	} else if (is_swap_pte(*pte) && swp_type(pte_to_swp_entry(*pte)) < MAX_SWAPFILES) {
		u->swapents++;
	}
	return 0;
}

static const struct mm_walk_ops usage_ops = { .pmd_entry = usage_pmd, .pte_entry = usage_pte };

/* What mm holds. An address space being changed (its mmap_lock held to
 * write, by a task asleep in the middle) is not walked: its resident
 * pages are all it is charged for. */
static void mm_usage(struct mm_struct *mm, struct mm_usage *u)
{
	*u = (struct mm_usage){ .anon = mm->rss };
	if (!mmap_read_trylock(mm))
		return;
	u->anon = 0;
	for (struct vm_area_struct *vma = find_vma(mm, 0); vma; vma = vma_next(mm, vma))
		u->total_vm += (vma->vm_end - vma->vm_start) >> PAGE_SHIFT;
	walk_page_range(mm, 0, TASK_SIZE, &usage_ops, u);
	mmap_read_unlock(mm);
}

/* p's address space, held, from whichever of its threads still has it
 * (Linux: find_lock_task_mm); NULL once they all have exited. */
static struct mm_struct *find_task_mm(struct proc *p)
{
	for (struct proc *t = first_thread(p); t; t = next_thread(t)) {
		struct mm_struct *mm = get_task_mm(t);

		if (mm)
			return mm;
	}
	return NULL;
}

/* ---- choosing ------------------------------------------------------- */

/* init and kernel threads (Linux: oom_unkillable_task). */
static bool oom_unkillable_task(const struct proc *p)
{
	return p->tgid == 1 || p->thread_fn;
}

unsigned long oom_totalpages(void)
{
	return zone.managed_pages + (unsigned long)total_swap_pages; /* Linux: totalram + total_swap */
}

long oom_badness(struct proc *p, unsigned long totalpages)
{
	struct mm_struct *mm;
	struct mm_usage u;
	int adj = p->signal->oom_score_adj;

	if (oom_unkillable_task(p))
		return LONG_MIN;
	mm = find_task_mm(p);
	if (!mm)
		return LONG_MIN;
	/* A vfork child runs on its parent's memory: killing it frees none. */
	if (adj == OOM_SCORE_ADJ_MIN || p->vfork_parent) {
		mmput(mm);
		return LONG_MIN;
	}
	mm_usage(mm, &u);
	mmput(mm);
	return oom_points(u.anon + u.file + u.shmem + u.swapents + u.pgtables, adj, totalpages);
}

/* One candidate (Linux: oom_evaluate_task): the highest score wins, a
 * later process on a tie. */
static void oom_evaluate_task(struct proc *p, void *arg)
{
	struct oom_control *oc = arg;
	long points;

	if (oc->chosen == OOM_ABORT || oom_unkillable_task(p))
		return;
	if (tsk_is_oom_victim(p)) {
		struct mm_struct *mm = find_task_mm(p);

		if (mm) { /* still dying: wait for it rather than kill another */
			mmput(mm);
			if (oc->chosen)
				put_task_struct(oc->chosen);
			oc->chosen = OOM_ABORT;
		}
		return;
	}
	points = oom_badness(p, oc->totalpages);
	if (points == LONG_MIN || points < oc->chosen_points)
		return;
	if (oc->chosen)
		put_task_struct(oc->chosen);
	get_task_struct(p);
	oc->chosen = p;
	oc->chosen_points = points;
}

/* A scan of every process: the OOM path is rare, and Linux's does the
 * same (for_each_process). */
static void select_bad_process(struct oom_control *oc)
{
	oc->chosen = NULL;
	oc->chosen_points = LONG_MIN;
	for_each_process(oom_evaluate_task, oc);
}

/* ---- the report ----------------------------------------------------- */

/* Antidote's gfp bits as Linux's value and %pGg names (Linux 6.1's
 * numbers: GFP_KERNEL 0xcc0; an anonymous page's
 * GFP_HIGHUSER_MOVABLE|__GFP_COMP|__GFP_ZERO 0x140dca, a file page's
 * GFP_HIGHUSER_MOVABLE|__GFP_COMP 0x140cca). */
struct gfp_name {
	unsigned int linux_mask;
	const char *name;
};

/* Linux's gfpflag_names order: the combinations first, each printed
 * when all its bits are there, and its bits then taken away. */
static const struct gfp_name gfp_names[] = {
	{ 0x100cca, "GFP_HIGHUSER_MOVABLE" }, { 0xcc0, "GFP_KERNEL" }, { 0xc40, "GFP_NOFS" },
	{ 0xc00, "GFP_NOIO" },   { 0x800, "GFP_NOWAIT" },  { 0x40000, "__GFP_COMP" },
	{ 0x100, "__GFP_ZERO" }, { 0x20000, "__GFP_MEMALLOC" },
};

static unsigned int linux_gfp(gfp_t gfp_mask)
{
	unsigned int v = 0;

	if (!gfp_mask)
		return 0; /* a page fault's OOM: Linux's oc.gfp_mask 0 */
	v |= 0x800; /* __GFP_KSWAPD_RECLAIM: every allocation here wakes kswapd */
	v |= gfp_mask & __GFP_DIRECT_RECLAIM ? 0x400 : 0;
	v |= gfp_mask & __GFP_IO ? 0x40 : 0;
	v |= gfp_mask & __GFP_FS ? 0x80 : 0;
	v |= gfp_mask & __GFP_COMP ? 0x40000 : 0;
	v |= gfp_mask & __GFP_MEMALLOC ? 0x20000 : 0;
	/* A user page: GFP_HIGHUSER_MOVABLE, allocated as a folio (__GFP_COMP). */
	v |= gfp_mask & __GFP_MOVABLE ? 0x100000 | 0x08 | 0x02 | 0x40000 : 0;
	v |= gfp_mask & __GFP_ZERO ? 0x100 : 0;
	return v;
}

static void format_gfp(char *buf, size_t size, unsigned int v)
{
	size_t len = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < ARRAY_SIZE(gfp_names) && len < size; i++) {
		if ((v & gfp_names[i].linux_mask) != gfp_names[i].linux_mask)
			continue;
		len += (size_t)snprintf(buf + len, size - len, "%s%s", len ? "|" : "",
					gfp_names[i].name);
		v &= ~gfp_names[i].linux_mask;
	}
}

/* Linux's show_free_areas, the lines Antidote has counters for. */
static void show_mem(void)
{
	const unsigned long *lru = lruvec.nr_pages;

	pr_info("Mem-Info:\n");
	pr_info("active_anon:%lu inactive_anon:%lu isolated_anon:0\n"
		" active_file:%lu inactive_file:%lu isolated_file:0\n"
		" unevictable:0 dirty:%lu writeback:%lu\n"
		" shmem:%lu pagetables:%lu\n"
		" free:%lu free_pcp:0 free_cma:0\n",
		lru[LRU_ACTIVE_ANON], lru[LRU_INACTIVE_ANON], lru[LRU_ACTIVE_FILE],
		lru[LRU_INACTIVE_FILE], global_node_page_state(NR_FILE_DIRTY),
		global_node_page_state(NR_WRITEBACK), global_node_page_state(NR_SHMEM),
		nr_pagetable_pages, nr_free_pages());
	pr_info("Normal free:%lukB boost:0kB min:%lukB low:%lukB high:%lukB managed:%lukB\n",
		K(nr_free_pages()), K(min_wmark_pages(&zone)), K(low_wmark_pages(&zone)),
		K(high_wmark_pages(&zone)), K(zone.managed_pages));
}

/* One line of the candidates' table (Linux: dump_task). */
static void dump_task(struct proc *p, void *arg)
{
	struct mm_struct *mm;
	struct mm_usage u;

	(void)arg;
	if (oom_unkillable_task(p) || !(mm = find_task_mm(p)))
		return;
	mm_usage(mm, &u);
	pr_info("[%7d] %5u %5d %8lu %8lu %8lu %8lu         %5d %s\n", p->pid, p->cred->uid,
		p->tgid, u.total_vm, mm->rss, u.pgtables << PAGE_SHIFT, u.swapents,
		p->signal->oom_score_adj, p->comm);
	mmput(mm);
}

static void dump_tasks(void)
{
	pr_info("Tasks state (memory values in pages):\n");
	pr_info("[  pid  ]   uid  tgid total_vm      rss pgtables_bytes swapents oom_score_adj name\n");
	for_each_process(dump_task, NULL);
}

static struct ratelimit_state oom_rs =
	RATELIMIT_STATE_INIT(DEFAULT_RATELIMIT_INTERVAL, DEFAULT_RATELIMIT_BURST);

/* Who asked, the memory, the candidates, the verdict (Linux:
 * dump_header and dump_oom_summary). */
static void dump_header(const struct oom_control *oc, const struct proc *victim)
{
	char names[96];
	unsigned int gfp = linux_gfp(oc->gfp_mask);

	format_gfp(names, sizeof(names), gfp);
	pr_warn("%s invoked oom-killer: gfp_mask=%#x(%s), order=%d, oom_score_adj=%d\n",
		current->comm, gfp, names, oc->order, current->signal->oom_score_adj);
	pr_warn("CPU: 0 PID: %d Comm: %s\n", current->pid, current->comm);
	dump_stack();
	show_mem();
	dump_tasks();
	if (victim)
		pr_info("oom-kill:constraint=CONSTRAINT_NONE,nodemask=(null),cpuset=/,mems_allowed=0,"
			"global_oom,task_memcg=/,task=%s,pid=%d,uid=%u\n",
			victim->comm, victim->pid, victim->cred->uid);
}

/* ---- killing -------------------------------------------------------- */

static void mark_oom_victim(struct proc *p)
{
	p->signal->oom_victim = true;
}

/* SIGKILL, and Linux's line for it (__oom_kill_process). */
static void __oom_kill_process(struct proc *victim, const char *message)
{
	struct sig_pending_info info = { .code = SI_KERNEL };
	struct mm_struct *mm = find_task_mm(victim);
	struct mm_usage u;

	if (!mm)
		return; /* it exited meanwhile: its memory is free */
	mm_usage(mm, &u);
	mmput(mm);
	send_signal(victim, SIGKILL, &info);
	mark_oom_victim(victim);
	count_vm_event(OOM_KILL);
	pr_err("%s: Killed process %d (%s) total-vm:%lukB, anon-rss:%lukB, file-rss:%lukB, "
	       "shmem-rss:%lukB, UID:%u pgtables:%lukB oom_score_adj:%d\n",
	       message, victim->pid, victim->comm, K(u.total_vm), K(u.anon), K(u.file),
	       K(u.shmem), victim->cred->uid, K(u.pgtables), victim->signal->oom_score_adj);
}

static void oom_kill_process(struct oom_control *oc, const char *message)
{
	if (__ratelimit(&oom_rs))
		dump_header(oc, oc->chosen);
	__oom_kill_process(oc->chosen, message);
}

/* A process already dying of a fatal signal frees its memory soon
 * anyway (Linux: task_will_free_mem). */
static bool task_will_free_mem(struct proc *p)
{
	return p->mm && fatal_signal_pending(p);
}

bool out_of_memory(struct oom_control *oc)
{
	if (task_will_free_mem(current)) {
		mark_oom_victim(current);
		return true;
	}
	oc->totalpages = oom_totalpages();
	select_bad_process(oc);
	if (!oc->chosen) {
		if (__ratelimit(&oom_rs)) {
			dump_header(oc, NULL);
			pr_warn("Out of memory and no killable processes...\n");
		}
		return false; /* Linux panics: "System is deadlocked on memory" */
	}
	if (oc->chosen == OOM_ABORT)
		return true;
	oom_kill_process(oc, "Out of memory");
	put_task_struct(oc->chosen);
	return true;
}

/*
 * Linux 6.1's pagefault_out_of_memory only retries the fault: there the
 * allocator's OOM killer has already run for every allocation a fault
 * makes. Here the kernel's small allocations (kmalloc: the page cache's
 * index, the reverse map) come with GFP_NOIO, which may neither write to
 * swap nor kill (mm/buddy.c). So the fault path, which holds nothing
 * now, first reclaims as GFP_KERNEL may - swap I/O included - and retries
 * the fault if that freed anything; only then does it call the OOM killer itself,
 * as Linux did before 5.16 (gfp_mask 0). The faulting process - unless
 * it is dying - sleeps a tick, for the victim to exit, and faults again.
 */
void pagefault_out_of_memory(void)
{
	struct oom_control oc = { .gfp_mask = 0, .order = 0 };

	if (fatal_signal_pending(current))
		return; /* it dies on its way back to user mode */
	/* A pass may only start the writes that free pages later: a few
	 * more, a tick apart, as the allocator retries (should_reclaim_retry). */
	for (int i = 0; i < MAX_RECLAIM_RETRIES; i++) {
		if (try_to_free_pages(GFP_KERNEL, 0))
			return;
		schedule_timeout_uninterruptible(1);
	}
	out_of_memory(&oc);
	if (!fatal_signal_pending(current))
		schedule_timeout_uninterruptible(1);
}
