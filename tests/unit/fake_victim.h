/*
 * The kernel around mm/memory-failure.c and mm/hwpoison-kill.c, for their
 * host tests (test_memory_failure.c, test_memory_failure_swap.c; included
 * once per test, as fake_pgtable.h): a victim process with one anonymous
 * area, the signals sent to it recorded, the console's report printing,
 * and a swap device of 64 slots with its swap cache.
 */
#ifndef TESTS_UNIT_FAKE_VICTIM_H
#define TESTS_UNIT_FAKE_VICTIM_H

#include <string.h>

#include "fs/seq_file.h"
#include "kernel/monitor.h"
#include "kernel/printk.h"
#include "kernel/proc.h"
#include "kernel/workqueue.h"
#include "mm/buddy.h"
#include "mm/filemap.h"
#include "mm/rmap.h"
#include "mm/slab.h"
#include "mm/swap.h"
#include "mm/swap_state.h"
#include "tests/unit/fake_pgtable.h"
#include "tests/unit/test.h"

/* The victim process (pid 42), its address space and its anonymous
 * area; other tasks join the mm's task list while a test wants them. */
static struct signal_struct victim_sig;
static struct proc victim = { .pid = 42, .tgid = 42, .comm = "victim", .usage = 1 };
static struct fake_mm victim_mm;
static struct vm_area_struct victim_vma;
#define VICTIM_ADDR (FAKE_BASE + 3 * PAGE_SIZE)

/* The signals the code under test sent, as kernel/signal.c was asked. */
static struct {
	int sig, code;
	uint64_t addr;
	struct proc *to;
	int count;
	struct proc *told[4]; /* the first few, in order */
} last_signal;

static inline void note_signal(struct proc *to, int sig, int code, uint64_t addr)
{
	last_signal.to = to;
	last_signal.sig = sig;
	last_signal.code = code;
	last_signal.addr = addr;
	if (last_signal.count < 4)
		last_signal.told[last_signal.count] = to;
	last_signal.count++;
}

static inline void signals_clear(void)
{
	memset(&last_signal, 0, sizeof(last_signal));
}

void force_sig_fault(int sig, int code, uint64_t addr, short addr_lsb)
{
	(void)addr_lsb;
	note_signal(current, sig, code, addr);
}

void do_send_sig_info(int sig, const struct sig_pending_info *info, struct proc *p,
		      enum pid_type type)
{
	CHECK(type == PIDTYPE_PID); /* a memory error is news for one thread */
	note_signal(p, sig, info->code, info->addr);
}

void proc_kill(struct proc *p, int sig)
{
	note_signal(p, sig, 0, 0);
}

void schedule_work(struct work_struct *work)
{
	(void)work;
}

bool monitor_number(const char *cmd, const char *arg, uint64_t *out)
{
	(void)cmd, (void)arg, (void)out;
	return false;
}

/* The console's printing of a report (kernel/monitor.c): here into
 * host_console, through the same seq_file. */
int monitor_show(seq_show_fn show, void *private)
{
	struct seq_file m;

	if (seq_show(&m, show, private))
		return -1;
	kprintf("%.*s", (int)m.count, m.buf);
	seq_release(&m);
	return 0;
}

/* The victim's anonymous page at VICTIM_ADDR, as do_anonymous_page makes
 * it; written to (dirty PTE) or only read. */
static inline struct page *user_frame(bool written, bool mlocked)
{
	struct page *page = alloc_page();

	fake_map(&victim_mm, VICTIM_ADDR, page);
	if (written)
		*walk_pte(victim_mm.mm.pgd, VICTIM_ADDR, false) |= PTE_DIRTY;
	page_add_new_anon_rmap(page, &victim_vma, VICTIM_ADDR);
	lru_cache_add(page);
	if (mlocked)
		page_set(page, PG_mlocked);
	return page;
}

static inline void fake_swap_device(void)
{
	struct swap_info_struct *si = alloc_swap_info();

	si->max = 64;
	si->swap_map = kzalloc(si->max);
	si->swap_map[0] = SWAP_MAP_BAD; /* the header */
	si->pages = si->max - 1;
	si->lowest_bit = si->cluster_next = 1;
	si->highest_bit = si->max - 1;
	CHECK(init_swap_address_space(si->type, si->max) == 0);
	enable_swap_info(si, 0);
}

/* The victim's anonymous page swapped in by a read: in the swap cache,
 * mapped, clean (its slot holds its data); written afterwards, it stays
 * in the cache with a dirty PTE (mm/fault.c's do_wp_page reuse). */
static inline struct page *swapcache_frame(bool written)
{
	struct page *page = user_frame(written, false);

	lock_page(page);
	CHECK(add_to_swap(page));
	unlock_page(page);
	page_clear(page, PG_dirty);
	return page;
}

static inline struct page *dirty_swapcache_frame(void)
{
	return swapcache_frame(true);
}

static inline struct page *clean_swapcache_frame(void)
{
	return swapcache_frame(false);
}

/* t joins group's thread list (the leader first) and uses the victim's mm. */
static inline void task_join(struct proc *t, struct signal_struct *group, struct proc *leader)
{
	t->signal = group;
	t->group_leader = leader;
	t->mm = &victim_mm.mm;
	list_add_tail(&t->thread_node, &group->thread_head);
	list_add_tail(&t->mm_node, &victim_mm.mm.task_list);
}

static inline void task_leave(struct proc *t)
{
	list_del(&t->thread_node);
	list_del(&t->mm_node);
}

/* Before the first test: the victim alone on its mm, its area with an
 * anon_vma, and the swap device on. */
static inline void victim_init(void)
{
	fake_mm_init(&victim_mm);
	INIT_LIST_HEAD(&victim_mm.mm.task_list);
	INIT_LIST_HEAD(&victim_sig.thread_head);
	task_join(&victim, &victim_sig, &victim);
	fake_vma_init(&victim_vma, &victim_mm, FAKE_BASE, FAKE_BASE + 8 * PAGE_SIZE);
	anon_vma_prepare(&victim_vma);
	fake_swap_device();
}

#endif
