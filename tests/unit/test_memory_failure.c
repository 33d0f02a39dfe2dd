/*
 * mm/memory-failure.c on the host: every state a frame can be in when it
 * is reported corrupt, and what memory_failure() does with it - the page
 * type and result it prints (Linux's exact line), what it returns, and
 * what becomes of the frame and of the processes mapping it. Then
 * kill_accessing_process and unpoison_memory.
 *
 * Page tables are faked (fake_pgtable.h); so are the few kernel services
 * memory-failure.c calls, which record what they were asked to do.
 */
#include <stdio.h>
#include <string.h>

#include "kernel/errno.h"
#include "kernel/proc.h"
#include "kernel/workqueue.h"
#include "mm/buddy.h"
#include "mm/memblock.h"
#include "mm/memory-failure.h"
#include "mm/rmap.h"
#include "mm/slab.h"
#include "mm/swap.h"
#include "tests/unit/fake_pgtable.h"
#include "tests/unit/host_kernel.h"
#include "tests/unit/test.h"

/* --- the kernel around memory-failure.c --- */

static struct proc victim = { .pid = 42, .name = "victim" };
static struct fake_mm victim_mm;

static struct {
	int sig, code;
	uint64_t addr;
	struct proc *to;
	int count;
} last_signal;

bool memblock_is_memory(phys_addr_t addr)
{
	return addr < (phys_addr_t)HOST_PAGES << PAGE_SHIFT;
}

struct proc *find_task_by_pid(int pid)
{
	return pid == victim.pid ? &victim : NULL;
}

static void note_signal(struct proc *to, int sig, int code, uint64_t addr)
{
	last_signal.to = to;
	last_signal.sig = sig;
	last_signal.code = code;
	last_signal.addr = addr;
	last_signal.count++;
}

void force_sig_fault(int sig, int code, uint64_t addr, short addr_lsb)
{
	(void)addr_lsb;
	note_signal(current, sig, code, addr);
}

void send_signal(struct proc *p, int sig, const struct sig_pending_info *info)
{
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

/* --- frames in each state --- */

static struct vm_area_struct victim_vma;
#define VICTIM_ADDR (FAKE_BASE + 3 * PAGE_SIZE)

static struct page *free_frame(void)
{
	struct page *page = alloc_page();

	free_page(page);
	return page; /* the most recently freed frame: certainly free */
}

static struct page *reserved_frame(void)
{
	return &mem_map[0];
}

static struct page *slab_frame(void)
{
	return virt_to_page(kmalloc(64));
}

static struct page *compound_head_frame(void)
{
	return alloc_pages(GFP_KERNEL | __GFP_COMP, 2);
}

static struct page *compound_tail_frame(void)
{
	return alloc_pages(GFP_KERNEL | __GFP_COMP, 2) + 2;
}

static struct page *plain_block_tail_frame(void)
{
	return alloc_pages(GFP_KERNEL, 1) + 1;
}

static struct page *kernel_frame(void)
{
	return alloc_page();
}

/* The victim's anonymous page at VICTIM_ADDR, as do_anonymous_page makes
 * it; written to (dirty PTE) or only read. */
static struct page *user_frame(bool written, bool mlocked)
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

static struct page *dirty_user_frame(void)
{
	return user_frame(true, false);
}

static struct page *clean_user_frame(void)
{
	return user_frame(false, false);
}

static struct page *dirty_mlocked_frame(void)
{
	return user_frame(true, true);
}

static struct page *clean_mlocked_frame(void)
{
	return user_frame(false, true);
}

/* Anonymous but neither mapped nor on an LRU list: no state fits. */
static struct page *stray_anon_frame(void)
{
	struct page *page = alloc_page();

	page_add_new_anon_rmap(page, &victim_vma, VICTIM_ADDR);
	return page;
}

static const struct state_case {
	const char *name;
	struct page *(*make)(void);
	const char *line; /* after "Memory failure: PFN: " */
	int ret;
} cases[] = {
	{ "free", free_frame, "recovery action for free buddy page: Recovered", 0 },
	{ "reserved", reserved_frame, "recovery action for reserved kernel page: Ignored", -EBUSY },
	{ "slab", slab_frame, "recovery action for kernel slab page: Ignored", -EBUSY },
	{ "compound head", compound_head_frame, "recovery action for high-order kernel page: Ignored", -EBUSY },
	{ "compound tail", compound_tail_frame, "recovery action for high-order kernel page: Ignored", -EBUSY },
	{ "plain block tail", plain_block_tail_frame, "recovery action for high-order kernel page: Ignored", -EBUSY },
	{ "kernel page", kernel_frame, "recovery action for unhandlable kernel page: Ignored", -EBUSY },
	{ "dirty anon", dirty_user_frame, "recovery action for dirty LRU page: Recovered", 0 },
	{ "clean anon", clean_user_frame, "recovery action for clean LRU page: Recovered", 0 },
	{ "dirty mlocked", dirty_mlocked_frame, "recovery action for dirty mlocked LRU page: Recovered", 0 },
	{ "clean mlocked", clean_mlocked_frame, "recovery action for clean mlocked LRU page: Recovered", 0 },
	{ "stray anon", stray_anon_frame, "recovery action for unknown page: Ignored", -EBUSY },
};

/* Each state: its line, its return value, and the frame marked and
 * counted exactly once. */
static void test_every_page_state(void)
{
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct state_case *c = &cases[i];
		struct page *page = c->make();
		unsigned long pfn = page_to_pfn(page), counted = num_poisoned_pages;
		char want[128];

		snprintf(want, sizeof(want), "Memory failure: %#lx: %s\n", pfn, c->line);
		host_console_clear();
		int ret = memory_failure(pfn, MF_SW_SIMULATED);
		if (!CHECK(strstr(host_console, want) != NULL) || !CHECK(ret == c->ret))
			printf("  state %s: returned %d, printed:\n%s", c->name, ret, host_console);
		CHECK(page_test(page, PG_hwpoison) && num_poisoned_pages == counted + 1);
		CHECK(memory_failure(pfn, MF_SW_SIMULATED) == -EHWPOISON);
		CHECK(num_poisoned_pages == counted + 1);
	}
}

/* A poisoned user page: every mapping becomes a hwpoison entry, the page
 * leaves the LRU lists, and memory_failure keeps it (and its anon_vma). */
static void test_user_page_is_unmapped_and_kept(void)
{
	unsigned long lru_before = lruvec.nr_pages[LRU_INACTIVE_ANON];
	struct page *page = dirty_user_frame();
	unsigned long pfn = page_to_pfn(page);

	CHECK(lruvec.nr_pages[LRU_INACTIVE_ANON] == lru_before + 1);
	victim.mce_kill_set = victim.mce_kill_early = true;
	last_signal.count = 0;
	CHECK(memory_failure(pfn, MF_SW_SIMULATED) == 0);
	uint64_t pte = *walk_pte(victim_mm.mm.pgd, VICTIM_ADDR, false);
	CHECK(is_hwpoison_entry(pte) && swp_offset(pte_to_swp_entry(pte)) == pfn);
	CHECK(page->mapcount == 0 && page->refcount == 1 && !page_test(page, PG_lru));
	CHECK(lruvec.nr_pages[LRU_INACTIVE_ANON] == lru_before);
	/* early kill: told at once, action optional, at the page */
	CHECK(last_signal.count == 1 && last_signal.to == &victim && last_signal.sig == SIGBUS);
	CHECK(last_signal.code == BUS_MCEERR_AO && last_signal.addr == VICTIM_ADDR);
	victim.mce_kill_set = victim.mce_kill_early = false;
}

/* Action required on a frame already poisoned: the reverse map finds the
 * hwpoison entry in the current process - AR at that address,
 * -EHWPOISON. A frame it never mapped: nothing to tell it, -EFAULT. */
static void test_kill_accessing_process(void)
{
	struct page *page = dirty_user_frame();
	unsigned long pfn = page_to_pfn(page);

	CHECK(memory_failure(pfn, MF_SW_SIMULATED) == 0);
	current = &victim;
	last_signal.count = 0;
	CHECK(memory_failure(pfn, MF_SW_SIMULATED | MF_ACTION_REQUIRED) == -EHWPOISON);
	CHECK(last_signal.count == 1 && last_signal.code == BUS_MCEERR_AR &&
	      last_signal.addr == VICTIM_ADDR);

	struct page *other = free_frame();
	CHECK(memory_failure(page_to_pfn(other), MF_SW_SIMULATED) == 0);
	last_signal.count = 0;
	CHECK(memory_failure(page_to_pfn(other), MF_SW_SIMULATED | MF_ACTION_REQUIRED) == -EFAULT);
	CHECK(last_signal.count == 0);
	current = NULL;
}

static void test_outside_memory(void)
{
	host_console_clear();
	CHECK(memory_failure(HOST_PAGES, MF_SW_SIMULATED) == -ENXIO);
	CHECK(strstr(host_console, "memory outside kernel control") != NULL);
}

static int unpoison(struct page *page, const char *want)
{
	char line[96];

	snprintf(line, sizeof(line), "Unpoison: %s %#lx\n", want, page_to_pfn(page));
	host_console_clear();
	int ret = unpoison_memory(page_to_pfn(page));
	if (!CHECK(strstr(host_console, line) != NULL))
		printf("  wanted %s  got %s", line, host_console);
	return ret;
}

/* Bug 14: only frames nobody holds come back. */
static void test_unpoison_gives_back_only_unused_frames(void)
{
	struct page *tail = compound_tail_frame();
	struct page *plain = plain_block_tail_frame();
	struct page *slab = slab_frame();
	struct page *kernel = kernel_frame();
	struct page *list[] = { tail, tail - 2, plain, slab, kernel, reserved_frame() };

	for (size_t i = 0; i < sizeof(list) / sizeof(list[0]); i++) {
		memory_failure(page_to_pfn(list[i]), MF_SW_SIMULATED);
		CHECK(unpoison(list[i], "Someone grabs the hwpoison page") == -EBUSY);
		CHECK(page_test(list[i], PG_hwpoison));
	}

	/* Freed while poisoned (its head and a tail): the two bad frames are
	 * kept off the free lists, and nobody holds them any more. */
	unsigned long before = nr_free_pages();
	free_pages(tail - 2, 2);
	CHECK(nr_free_pages() == before + 2);
	CHECK(unpoison(tail, "Software-unpoisoned free page") == 0);
	CHECK(unpoison(tail - 2, "Software-unpoisoned free page") == 0);
	CHECK(nr_free_pages() == before + 4 && !page_test(tail, PG_hwpoison));

	struct page *free = free_frame();
	memory_failure(page_to_pfn(free), MF_SW_SIMULATED);
	CHECK(unpoison(free, "Software-unpoisoned free page") == 0);
	CHECK(buddy_free_block_of(free) != NULL);

	/* A kept user page goes back clean: no "Bad page state". */
	struct page *user = dirty_user_frame();
	memory_failure(page_to_pfn(user), MF_SW_SIMULATED);
	CHECK(unpoison(user, "Software-unpoisoned page") == 0);
	CHECK(strstr(host_console, "Bad page state") == NULL);
	CHECK(buddy_free_block_of(user) != NULL && user->mapping == NULL);
	CHECK(!page_test(user, PG_dirty)); /* not even what its last life knew */

	CHECK(unpoison(user, "Page was already unpoisoned") == -EBUSY);
}

int main(void)
{
	host_memory_init();
	host_memory_give(1, HOST_PAGES);
	kmalloc_init();
	fake_mm_init(&victim_mm);
	victim_mm.mm.owner = &victim;
	victim.mm = &victim_mm.mm;
	fake_vma_init(&victim_vma, &victim_mm, FAKE_BASE, FAKE_BASE + 8 * PAGE_SIZE);
	anon_vma_prepare(&victim_vma);

	RUN(test_every_page_state);
	RUN(test_user_page_is_unmapped_and_kept);
	RUN(test_kill_accessing_process);
	RUN(test_outside_memory);
	RUN(test_unpoison_gives_back_only_unused_frames);
	return finish("unit memory-failure");
}
