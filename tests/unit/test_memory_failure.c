/*
 * mm/memory-failure.c on the host: every state a frame can be in when it
 * is reported corrupt, and what memory_failure() does with it - the page
 * type and result it prints (Linux's exact line), what it returns, and
 * what becomes of the frame and of the processes mapping it; who is told
 * (one thread per process, through the mm's list of tasks). Then
 * kill_accessing_process and unpoison_memory.
 *
 * Page tables are faked (fake_pgtable.h); so are the few kernel services
 * memory-failure.c calls, which record what they were asked to do.
 */
#include <stdio.h>
#include <string.h>

#include "kernel/errno.h"
#include "kernel/monitor.h"
#include "kernel/printk.h"
#include "kernel/proc.h"
#include "kernel/workqueue.h"
#include "fs/fs.h"
#include "fs/stat.h"
#include "lib/errseq.h"
#include "mm/buddy.h"
#include "mm/filemap.h"
#include "mm/memblock.h"
#include "mm/memory-failure.h"
#include "mm/pagemap.h"
#include "mm/rmap.h"
#include "mm/slab.h"
#include "mm/swap.h"
#include "mm/swap_fault.h"
#include "mm/swap_state.h"
#include "mm/vmstat.h"
#include "tests/unit/fake_inode.h"
#include "tests/unit/fake_pgtable.h"
#include "tests/unit/fake_victim.h"
#include "tests/unit/host_kernel.h"
#include "tests/unit/test.h"

/* A second thread of the victim and a vfork child (a process of its
 * own), sharing its address space (task_join). */
static struct signal_struct child_sig;
static struct proc worker = { .pid = 43, .tgid = 42, .comm = "worker", .usage = 1 };
static struct proc vfork_child = { .pid = 44, .tgid = 44, .comm = "child", .usage = 1 };

/* --- frames in each state --- */


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

/* --- page-cache pages: a regular file's and a block device's --- */

static int pages_written;

static int fake_writepage(struct page *page, struct writeback_control *wbc)
{
	(void)wbc;
	set_page_writeback(page);
	unlock_page(page);
	pages_written++;
	end_page_writeback(page);
	return 0;
}

/* A disk file system's regular file (ext2_aops' memory-failure part) and
 * a block device (def_blk_aops: no error_remove_page). */
static const struct address_space_operations file_aops = {
	.writepage = fake_writepage,
	.error_remove_page = generic_error_remove_page,
};
static const struct address_space_operations bdev_aops = { .writepage = fake_writepage };

static const struct super_operations fake_sops;
static struct super_block fake_sb = { .s_op = &fake_sops, FAKE_SB_LISTS(fake_sb) };
static struct inode file_inode, bdev_inode;
static struct vm_area_struct file_vma;
#define FILE_ADDR (FAKE_BASE + 16 * PAGE_SIZE) /* file_vma maps the file from page 0 */

static void inode_init(struct inode *inode, unsigned int mode,
		       const struct address_space_operations *a_ops)
{
	fake_inode_init(inode, &fake_sb, mode, a_ops);
	inode->i_size = 16 * PAGE_SIZE;
}

static unsigned long next_index; /* each case its own page of the file */

/* A new uptodate page of inode's cache, unlocked, held only by it. */
static struct page *cache_page(struct inode *inode)
{
	struct page *page = alloc_page();

	CHECK(add_to_page_cache_lru(page, &inode->i_data, next_index++) == 0);
	page_set(page, PG_uptodate);
	unlock_page(page);
	put_page(page);
	return page;
}

/* The file's page, mapped by the victim at its place in file_vma; written
 * through the PTE (dirty) or only read. */
static struct page *mapped_file_page(bool written)
{
	struct page *page = cache_page(&file_inode);
	unsigned long addr = FILE_ADDR + page->index * PAGE_SIZE;

	get_page(page); /* the mapping's reference */
	fake_map(&victim_mm, addr, page);
	if (written) {
		*walk_pte(victim_mm.mm.pgd, addr, false) |= PTE_DIRTY;
		set_page_dirty(page);
	}
	return page;
}

static struct page *clean_file_frame(void)
{
	return cache_page(&file_inode);
}

static struct page *dirty_file_frame(void)
{
	struct page *page = cache_page(&file_inode);

	set_page_dirty(page);
	return page;
}

static struct page *clean_mapped_file_frame(void)
{
	return mapped_file_page(false);
}

static struct page *dirty_mapped_file_frame(void)
{
	return mapped_file_page(true);
}

static struct page *clean_mlocked_file_frame(void)
{
	struct page *page = mapped_file_page(false);

	page_set(page, PG_mlocked);
	return page;
}

static struct page *dirty_unevictable_file_frame(void)
{
	struct page *page = dirty_file_frame();

	page_set(page, PG_unevictable);
	return page;
}

static struct page *clean_unevictable_file_frame(void)
{
	struct page *page = clean_file_frame();

	page_set(page, PG_unevictable);
	return page;
}

/* Truncated while someone (a reader) still held it: on the LRU list,
 * in no cache. The holder's reference is leaked on purpose. */
static struct page *truncated_file_frame(void)
{
	struct page *page = cache_page(&file_inode);

	get_page(page);
	lock_page(page);
	delete_from_page_cache(page);
	unlock_page(page);
	return page;
}

/* A file system uses the page (a reference of its own): it cannot go. */
static struct page *held_file_frame(void)
{
	struct page *page = cache_page(&file_inode);

	get_page(page);
	return page;
}

static struct page *clean_bdev_frame(void)
{
	return cache_page(&bdev_inode);
}

static struct page *held_bdev_frame(void)
{
	struct page *page = cache_page(&bdev_inode);

	get_page(page); /* ext2 holds its super block's page */
	return page;
}

static struct page *dirty_bdev_frame(void)
{
	struct page *page = cache_page(&bdev_inode);

	set_page_dirty(page);
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
	{ "dirty swapcache", dirty_swapcache_frame, "recovery action for dirty swapcache page: Delayed", 0 },
	{ "clean swapcache", clean_swapcache_frame, "recovery action for clean swapcache page: Recovered", 0 },
	{ "stray anon", stray_anon_frame, "recovery action for unknown page: Ignored", -EBUSY },
	{ "clean file", clean_file_frame, "recovery action for clean LRU page: Recovered", 0 },
	{ "dirty file", dirty_file_frame, "recovery action for dirty LRU page: Recovered", 0 },
	{ "clean mapped file", clean_mapped_file_frame, "recovery action for clean LRU page: Recovered", 0 },
	{ "dirty mapped file", dirty_mapped_file_frame, "recovery action for dirty LRU page: Recovered", 0 },
	{ "clean mlocked file", clean_mlocked_file_frame, "recovery action for clean mlocked LRU page: Recovered", 0 },
	{ "dirty unevictable file", dirty_unevictable_file_frame, "recovery action for dirty unevictable LRU page: Recovered", 0 },
	{ "clean unevictable file", clean_unevictable_file_frame, "recovery action for clean unevictable LRU page: Recovered", 0 },
	{ "truncated file", truncated_file_frame, "recovery action for already truncated LRU page: Ignored", -EBUSY },
	{ "held file", held_file_frame, "recovery action for clean LRU page: Failed", -EBUSY },
	{ "clean bdev", clean_bdev_frame, "recovery action for clean LRU page: Recovered", 0 },
	{ "held bdev", held_bdev_frame, "recovery action for clean LRU page: Failed", -EBUSY },
	{ "dirty bdev", dirty_bdev_frame, "recovery action for dirty LRU page: Failed", -EBUSY },
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
	victim.flags = PF_MCE_PROCESS | PF_MCE_EARLY;
	signals_clear();
	CHECK(memory_failure(pfn, MF_SW_SIMULATED) == 0);
	uint64_t pte = *walk_pte(victim_mm.mm.pgd, VICTIM_ADDR, false);
	CHECK(is_hwpoison_entry(pte) && swp_offset(pte_to_swp_entry(pte)) == pfn);
	CHECK(page->mapcount == 0 && page->refcount == 1 && !page_test(page, PG_lru));
	CHECK(lruvec.nr_pages[LRU_INACTIVE_ANON] == lru_before);
	/* early kill: told at once, action optional, at the page */
	CHECK(last_signal.count == 1 && last_signal.to == &victim && last_signal.sig == SIGBUS);
	CHECK(last_signal.code == BUS_MCEERR_AO && last_signal.addr == VICTIM_ADDR);
	CHECK(victim.usage == 1); /* to_kill's reference is given back */
	victim.flags = 0;
}

/* Poison a fresh dirty page of the victim's mm; how many were told. */
static int poison_shared_page(int flags)
{
	signals_clear();
	CHECK(memory_failure(page_to_pfn(dirty_user_frame()), MF_SW_SIMULATED | flags) == 0);
	return last_signal.count;
}

/*
 * Linux's early-kill thread choice (find_early_kill_thread): the first
 * thread, leader first, that chose early kill or has no choice while the
 * sysctl says early; a thread that chose late is passed over, not its
 * process. One signal per process.
 */
static void test_early_kill_picks_one_thread(void)
{
	task_join(&worker, &victim_sig, &victim);
	victim.flags = PF_MCE_PROCESS; /* the leader chose late kill */
	sysctl_memory_failure_early_kill = 1;
	CHECK(poison_shared_page(0) == 1 && last_signal.to == &worker);
	CHECK(last_signal.code == BUS_MCEERR_AO);

	worker.flags = PF_MCE_PROCESS | PF_MCE_EARLY; /* both choose: still one signal */
	victim.flags = PF_MCE_PROCESS | PF_MCE_EARLY;
	CHECK(poison_shared_page(0) == 1 && last_signal.to == &victim);

	victim.flags = worker.flags = PF_MCE_PROCESS; /* every thread late: nobody now */
	CHECK(poison_shared_page(0) == 0);

	victim.flags = worker.flags = 0;
	sysctl_memory_failure_early_kill = 0;
	CHECK(poison_shared_page(0) == 0); /* default late */

	/* The leader has exited (a zombie: no mm, off the mm's list): the
	 * process is still found through its other thread, which hears. */
	list_del(&victim.mm_node);
	victim.mm = NULL;
	sysctl_memory_failure_early_kill = 1;
	CHECK(poison_shared_page(0) == 1 && last_signal.to == &worker);
	sysctl_memory_failure_early_kill = 0;
	victim.mm = &victim_mm.mm;
	list_add(&victim.mm_node, &victim_mm.mm.task_list);
	task_leave(&worker);
	CHECK(victim.usage == 1 && worker.usage == 1);
}

/*
 * A vfork child borrows its parent's mm: one area, two processes. Each
 * is told once (early kill), each in its own thread. If the child
 * consumed the data (action required), Linux's rule compares the mm:
 * both processes' entry is the child, told once, with AR.
 */
static void test_vfork_child_and_parent_each_told_once(void)
{
	task_join(&vfork_child, &child_sig, &vfork_child);
	sysctl_memory_failure_early_kill = 1;
	CHECK(poison_shared_page(0) == 2);
	CHECK(last_signal.told[0] == &victim && last_signal.told[1] == &vfork_child);

	current = &vfork_child;
	CHECK(poison_shared_page(MF_ACTION_REQUIRED) == 1);
	CHECK(last_signal.to == &vfork_child && last_signal.code == BUS_MCEERR_AR);
	current = NULL;
	sysctl_memory_failure_early_kill = 0;
	task_leave(&vfork_child);
	CHECK(victim.usage == 1 && vfork_child.usage == 1);
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
	signals_clear();
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

/* Clean file pages, mapped or not: the disk has their data. Dropped from
 * the cache and the page tables (an empty PTE, no hwpoison entry), nobody
 * told even in early-kill mode, the mapping's error untouched. */
/* An open file's view of the mapping's errors, all seen so far. */
static errseq_t seen_errors(struct address_space *mapping)
{
	errseq_t since = 0;

	errseq_check_and_advance(&mapping->wb_err, &since);
	return since;
}

static void test_clean_file_page_is_dropped_silently(void)
{
	errseq_t since = seen_errors(&file_inode.i_data);
	struct page *page = mapped_file_page(false);
	unsigned long addr = FILE_ADDR + page->index * PAGE_SIZE, pfn = page_to_pfn(page);

	victim.flags = PF_MCE_PROCESS | PF_MCE_EARLY;
	signals_clear();
	host_console_clear();
	CHECK(memory_failure(pfn, MF_SW_SIMULATED) == 0);
	CHECK(strstr(host_console, "corrupted page was clean: dropped without side effects"));
	CHECK(*walk_pte(victim_mm.mm.pgd, addr, false) == 0 && last_signal.count == 0);
	CHECK(page->mapping == NULL && find_get_page(&file_inode.i_data, page->index) == NULL);
	CHECK(PageHWPoisonTakenOff(page)); /* freed into poison's keeping */
	CHECK(errseq_check(&file_inode.i_data.wb_err, since) == 0);
	victim.flags = 0;
}

/* A dirty file page: its data is lost. EIO in the mapping, a hwpoison
 * entry where it was mapped, the mapper told at once in early mode; the
 * page leaves the cache without being written. */
static void test_dirty_file_page_loses_its_data(void)
{
	errseq_t since = seen_errors(&file_inode.i_data);
	unsigned long dirty = global_node_page_state(NR_FILE_DIRTY);
	struct page *page = mapped_file_page(true);
	unsigned long addr = FILE_ADDR + page->index * PAGE_SIZE, pfn = page_to_pfn(page);
	unsigned long index = page->index;

	pages_written = 0;
	victim.flags = PF_MCE_PROCESS | PF_MCE_EARLY;
	signals_clear();
	CHECK(memory_failure(pfn, MF_SW_SIMULATED) == 0);
	uint64_t pte = *walk_pte(victim_mm.mm.pgd, addr, false);
	CHECK(is_hwpoison_entry(pte) && swp_offset(pte_to_swp_entry(pte)) == pfn);
	CHECK(last_signal.count == 1 && last_signal.code == BUS_MCEERR_AO && last_signal.addr == addr);
	CHECK(errseq_check(&file_inode.i_data.wb_err, since) == -EIO);
	CHECK(find_get_page(&file_inode.i_data, index) == NULL);
	CHECK(filemap_write_and_wait(&file_inode.i_data) == -EIO && pages_written == 0);
	CHECK(global_node_page_state(NR_FILE_DIRTY) == dirty);
	victim.flags = 0;
}

/* A dirty metadata block that must stay (Failed) is never written back:
 * write-back drops the write and says EIO. */
static void test_poisoned_dirty_page_is_never_written(void)
{
	struct page *page = dirty_bdev_frame();
	unsigned long dirty = global_node_page_state(NR_FILE_DIRTY);

	memory_failure(page_to_pfn(page), MF_SW_SIMULATED);
	CHECK(page->mapping == &bdev_inode.i_data && page_test(page, PG_hwpoison));
	filemap_check_errors(&bdev_inode.i_data); /* memory_failure's own report */
	pages_written = 0;
	set_page_dirty(page); /* the file system goes on using it */
	CHECK(filemap_write_and_wait(&bdev_inode.i_data) == -EIO && pages_written == 0);
	CHECK(!page_test(page, PG_dirty) && !xa_marked(&bdev_inode.i_data.i_pages, PAGECACHE_TAG_DIRTY));
	CHECK(global_node_page_state(NR_FILE_DIRTY) < dirty);
}

/* Soft offline of a dirty file page: the new frame takes its place in the
 * cache and in the page tables, dirty still; the old one is retired. */
static void test_soft_offline_moves_a_file_page(void)
{
	struct page *old = mapped_file_page(true);
	unsigned long dirty = global_node_page_state(NR_FILE_DIRTY);
	unsigned long addr = FILE_ADDR + old->index * PAGE_SIZE, counted = num_poisoned_pages;

	memset(page_address(old), 'd', PAGE_SIZE);
	signals_clear();
	CHECK(soft_offline_page(page_to_pfn(old)) == 0);
	struct page *new = find_get_page(&file_inode.i_data, old->index);
	CHECK(new && new != old && page_test(new, PG_dirty) && page_test(new, PG_uptodate));
	CHECK(((char *)page_address(new))[PAGE_SIZE - 1] == 'd');
	CHECK(pte_pfn(*walk_pte(victim_mm.mm.pgd, addr, false)) == page_to_pfn(new));
	CHECK(new->mapcount == 1 && old->mapcount == 0 && last_signal.count == 0);
	CHECK(page_test(old, PG_hwpoison) && PageHWPoisonTakenOff(old));
	CHECK(num_poisoned_pages == counted + 1 && global_node_page_state(NR_FILE_DIRTY) == dirty);
	put_page(new);
}

int main(void)
{
	host_memory_init();
	host_memory_give(1, HOST_PAGES);
	kmalloc_init();
	victim_init();
	INIT_LIST_HEAD(&child_sig.thread_head);
	inode_init(&file_inode, S_IFREG | 0644, &file_aops);
	inode_init(&bdev_inode, S_IFBLK | 0600, &bdev_aops);
	fake_vma_init(&file_vma, &victim_mm, FILE_ADDR, FILE_ADDR + 16 * PAGE_SIZE);
	file_vma.vm_pgoff = 0;
	list_add_tail(&file_vma.shared, &file_inode.i_data.i_mmap);

	RUN(test_every_page_state);
	RUN(test_user_page_is_unmapped_and_kept);
	RUN(test_early_kill_picks_one_thread);
	RUN(test_vfork_child_and_parent_each_told_once);
	RUN(test_kill_accessing_process);
	RUN(test_clean_file_page_is_dropped_silently);
	RUN(test_dirty_file_page_loses_its_data);
	RUN(test_poisoned_dirty_page_is_never_written);
	RUN(test_soft_offline_moves_a_file_page);
	RUN(test_outside_memory);
	RUN(test_unpoison_gives_back_only_unused_frames);
	return finish("unit memory-failure");
}
