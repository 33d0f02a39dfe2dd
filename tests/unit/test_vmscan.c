/*
 * Page reclaim (mm/vmscan.c) over the page cache of a fake file system
 * whose "disk" is an array, with the allocator's memory used up so that
 * an allocation must reclaim: clean pages are dropped and read again,
 * dirty ones written first, mapped ones unmapped, busy ones kept; the
 * callers that may not reclaim do not; memory_failure still handles a
 * page of the batch while reclaim writes another.
 */
#include <string.h>

#include "fs/file.h"
#include "fs/iov_iter.h"
#include "fs/stat.h"
#include "kernel/errno.h"
#include "kernel/monitor.h"
#include "kernel/proc.h"
#include "kernel/workqueue.h"
#include "lib/err.h"
#include "mm/buddy.h"
#include "mm/filemap.h"
#include "mm/memblock.h"
#include "mm/fault.h"
#include "mm/memory-failure.h"
#include "mm/mmap.h"
#include "mm/pagemap.h"
#include "mm/rmap.h"
#include "mm/slab.h"
#include "mm/swap.h"
#include "mm/vmscan.h"
#include "mm/vmstat.h"
#include "tests/unit/fake_inode.h"
#include "tests/unit/fake_pgtable.h"
#include "tests/unit/host_kernel.h"
#include "tests/unit/test.h"

/* --- what memory_failure needs around it --- */

void force_sig_fault(int sig, int code, uint64_t addr, short addr_lsb)
{
	(void)sig, (void)code, (void)addr, (void)addr_lsb;
}

void do_send_sig_info(int sig, const struct sig_pending_info *info, struct proc *p,
		      enum pid_type type)
{
	(void)sig, (void)info, (void)p, (void)type;
}

void proc_kill(struct proc *p, int sig)
{
	(void)p, (void)sig;
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

int monitor_show(seq_show_fn show, void *private)
{
	(void)show, (void)private;
	return 0;
}

bool shmem_inode(const struct inode *inode)
{
	(void)inode;
	return false;
}

/* --- the fake file system --- */

#define DISK_PAGES 48

static unsigned char disk[DISK_PAGES][PAGE_SIZE];
static int pages_read, pages_written;
/* Called by the first writepage, as if memory_failure ran while reclaim
 * slept in it. */
static void (*during_writepage)(void);

static int fake_readpage(struct file *file, struct page *page)
{
	(void)file;
	pages_read++;
	memcpy(page_address(page), disk[page->index], PAGE_SIZE);
	page_set(page, PG_uptodate);
	unlock_page(page);
	return 0;
}

static int fake_writepage(struct page *page, struct writeback_control *wbc)
{
	CHECK(wbc->for_reclaim && wbc->sync_mode == WB_SYNC_NONE);
	set_page_writeback(page);
	unlock_page(page);
	pages_written++;
	if (during_writepage) {
		void (*fn)(void) = during_writepage;

		during_writepage = NULL;
		fn();
	}
	memcpy(disk[page->index], page_address(page), PAGE_SIZE);
	end_page_writeback(page); /* the disk is done at once */
	return 0;
}

static int fake_write_begin(struct file *file, struct address_space *mapping, loff_t pos,
			    unsigned int len, struct page **pagep)
{
	(void)file, (void)len;
	*pagep = find_or_create_page(mapping, (unsigned long)(pos >> PAGE_SHIFT));
	return *pagep ? 0 : -ENOMEM;
}

static const struct address_space_operations fake_aops = {
	.readpage = fake_readpage,
	.writepage = fake_writepage,
	.write_begin = fake_write_begin,
	.write_end = simple_write_end,
	.error_remove_page = generic_error_remove_page,
};

static const struct super_operations fake_sops;
static struct super_block sb = { .s_maxbytes = (int64_t)DISK_PAGES * PAGE_SIZE,
				 .s_op = &fake_sops, FAKE_SB_LISTS(sb) };
static struct inode inode;
static struct proc task = { .pid = 7, .tgid = 7, .comm = "allocator", .usage = 1 };
static unsigned long free_at_start;

static void setup(void)
{
	host_memory_init();
	host_memory_give(1, HOST_PAGES);
	kmalloc_init();
	memset(vm_node_stat, 0, sizeof(vm_node_stat));
	memset(vm_event_states, 0, sizeof(vm_event_states));
	fake_inode_init(&inode, &sb, S_IFREG | 0644, &fake_aops);
	inode.i_size = DISK_PAGES * PAGE_SIZE;
	for (int i = 0; i < DISK_PAGES; i++)
		memset(disk[i], 'a' + i % 26, PAGE_SIZE);
	pages_read = pages_written = 0;
	during_writepage = NULL;
	task.flags = 0;
	current = &task;
	free_at_start = nr_free_pages();
}

/* Pages first..last of the file in the cache, clean and unlocked. */
static void cache_pages(unsigned long first, unsigned long last)
{
	for (unsigned long i = first; i <= last; i++) {
		struct page *page = read_mapping_page(&inode.i_data, i, NULL);

		CHECK(!IS_ERR(page));
		put_page(page);
	}
}

static long write_at(struct file *f, const void *buf, size_t len, loff_t pos)
{
	struct iovec v = { (uint64_t)(uintptr_t)buf, len };
	struct iov_iter it;

	iov_iter_init(&it, &v, len);
	return generic_file_write_iter(f, &it, &pos);
}

static const struct file_operations test_fops;

static struct file open_file(void)
{
	return (struct file){ .f_op = &test_fops, .f_count = 1,
			      .f_mode = FMODE_READ | FMODE_WRITE, .f_inode = &inode,
			      .f_mapping = &inode.i_data };
}

/* Every free frame, taken without reclaim. */
static struct list_head hog = LIST_HEAD_INIT(hog);

static void use_up_memory(void)
{
	struct page *page;

	INIT_LIST_HEAD(&hog);
	while ((page = alloc_pages(GFP_NOWAIT, 0)))
		list_add(&page->lru, &hog);
	CHECK(nr_free_pages() == 0);
}

static void give_back_memory(void)
{
	while (!list_empty(&hog)) {
		struct page *page = list_first_entry(&hog, struct page, lru);

		list_del(&page->lru);
		free_page(page);
	}
}

static bool cached(unsigned long index)
{
	struct page *page = find_get_page(&inode.i_data, index);

	if (page)
		put_page(page);
	return page != NULL;
}

/* Nothing leaked: the cache and the hog gone, every frame is back. */
static bool all_back(void)
{
	give_back_memory();
	truncate_inode_pages_final(&inode.i_data);
	current = NULL;
	return inode.i_data.nrpages == 0 && global_node_page_state(NR_FILE_PAGES) == 0 &&
	       global_node_page_state(NR_FILE_DIRTY) == 0 && slab_pages() == 0 &&
	       lruvec.nr_pages[LRU_INACTIVE_FILE] == 0 && nr_free_pages() == free_at_start;
}

/* --- the tests --- */

static void test_clean_pages_are_dropped_and_read_again(void)
{
	struct page *page;

	setup();
	cache_pages(0, 39);
	use_up_memory();
	page = alloc_page(); /* may wait: reclaims */
	CHECK(page != NULL);
	CHECK(inode.i_data.nrpages <= 40 - SWAP_CLUSTER_MAX);
	/* The oldest went first: page 0 was read first. */
	for (unsigned long i = 0; i < 39; i++)
		CHECK(!cached(i) || cached(i + 1));
	CHECK(vm_event_states[PGSTEAL_DIRECT] >= SWAP_CLUSTER_MAX);
	CHECK(vm_event_states[PGSCAN_DIRECT] >= vm_event_states[PGSTEAL_DIRECT]);
	CHECK(vm_event_states[ALLOCSTALL] == 1);
	CHECK(global_node_page_state(NR_FILE_PAGES) == inode.i_data.nrpages);
	free_page(page);
	give_back_memory();
	/* Read again from the disk, the same. */
	page = read_mapping_page(&inode.i_data, 0, NULL);
	CHECK(!IS_ERR(page) && ((char *)page_address(page))[PAGE_SIZE - 1] == 'a');
	put_page(page);
	CHECK(pages_read == 41);
	CHECK(all_back());
}

static void test_dirty_pages_are_written_then_dropped(void)
{
	static char buf[8 * PAGE_SIZE];
	struct file f;
	struct page *page;

	setup();
	f = open_file();
	memset(buf, 'W', sizeof(buf));
	CHECK(write_at(&f, buf, sizeof(buf), 0) == (long)sizeof(buf));
	CHECK(global_node_page_state(NR_FILE_DIRTY) == 8);
	use_up_memory();
	/* From inside a file system, or for the kernel's own structures,
	 * reclaim writes nothing (and never sleeps): nothing clean to drop. */
	CHECK(alloc_pages(GFP_NOFS, 0) == NULL && alloc_pages(GFP_NOIO, 0) == NULL);
	CHECK(pages_written == 0 && global_node_page_state(NR_FILE_DIRTY) == 8);
	page = alloc_page();
	CHECK(page != NULL);
	/* Written first, as write-back would, then dropped once clean. */
	CHECK(pages_written == 8);
	CHECK(disk[0][0] == 'W' && disk[7][PAGE_SIZE - 1] == 'W');
	CHECK(global_node_page_state(NR_FILE_DIRTY) == 0 && global_node_page_state(NR_WRITEBACK) == 0);
	CHECK(inode.i_data.nrpages < 8);
	free_page(page);
	CHECK(all_back());
}

/* Pages reclaim must leave alone, each kept for its own reason, and one
 * plain page that goes. */
static void test_busy_pages_are_kept(void)
{
	struct page *p[6];

	setup();
	cache_pages(0, 5);
	for (int i = 0; i < 6; i++) {
		p[i] = find_get_page(&inode.i_data, (unsigned long)i);
		put_page(p[i]);
	}
	CHECK(trylock_page(p[0]));      /* locked: someone works on it */
	page_set(p[1], PG_writeback);   /* being written */
	page_set(p[2], PG_hwpoison);    /* memory_failure's */
	get_page(p[3]);                 /* pinned: a reader is copying it */
	page_set(p[4], PG_mlocked);     /* mlocked */
	use_up_memory();
	CHECK(try_to_free_pages(GFP_KERNEL, 0) == 1);
	for (int i = 0; i < 5; i++)
		CHECK(p[i]->mapping == &inode.i_data && page_test(p[i], PG_lru));
	CHECK(!cached(5));
	/* They stayed on the list, and are taken once they are free. */
	unlock_page(p[0]);
	page_clear(p[1], PG_writeback);
	page_clear(p[2], PG_hwpoison);
	put_page(p[3]);
	page_clear(p[4], PG_mlocked);
	CHECK(try_to_free_pages(GFP_KERNEL, 0) == 5);
	CHECK(inode.i_data.nrpages == 0);
	CHECK(all_back());
}

/* A memory file system's pages are their data's only copy: dirty, with
 * nowhere to be written, they stay. */
static void test_memory_file_pages_stay(void)
{
	struct file f;

	setup();
	inode.i_data.a_ops = &simple_aops;
	f = open_file();
	CHECK(write_at(&f, "only copy", 9, 0) == 9 && write_at(&f, "x", 1, PAGE_SIZE) == 1);
	use_up_memory();
	CHECK(try_to_free_pages(GFP_KERNEL, 0) == 0);
	CHECK(cached(0) && cached(1) && pages_written == 0);
	CHECK(all_back());
}

static void test_callers_that_may_not_wait_do_not_reclaim(void)
{
	setup();
	cache_pages(0, 7);
	use_up_memory();
	CHECK(alloc_pages(GFP_NOWAIT, 0) == NULL);
	task.flags |= PF_MEMALLOC;                 /* reclaim's own allocations */
	CHECK(alloc_page() == NULL);
	task.flags = 0;
	current = NULL; /* early boot: nobody to wait */
	CHECK(try_to_free_pages(GFP_KERNEL, 0) == 0);
	current = &task;
	CHECK(inode.i_data.nrpages == 8 && vm_event_states[ALLOCSTALL] == 0);
	CHECK(all_back());
}

/* A shared mapping of page 1 in fm, faulted in. */
static struct page *map_page(struct fake_mm *fm, struct vm_area_struct *vma, struct file *f,
			     uint64_t **pte)
{
	fake_mm_init(fm);
	INIT_LIST_HEAD(&fm->mm.task_list); /* no process: nobody to signal */
	fake_vma_init(vma, fm, FAKE_BASE, FAKE_BASE + 4 * PAGE_SIZE);
	vma->vm_flags |= VM_SHARED;
	vma->vm_pgoff = 0;
	vma->vm_file = f;
	CHECK(generic_file_mmap(f, vma) == 0);
	list_add_tail(&vma->shared, &inode.i_data.i_mmap);
	CHECK(vma->vm_ops->fault(vma, FAKE_BASE + PAGE_SIZE) == 0);
	*pte = walk_pte(fm->mm.pgd, FAKE_BASE + PAGE_SIZE, false);
	return pfn_to_page(pte_pfn(**pte));
}

static void test_mapped_pages_are_unmapped_and_fault_back(void)
{
	struct fake_mm fm;
	struct vm_area_struct vma;
	struct file f;
	uint64_t *pte;
	struct page *page;

	setup();
	f = open_file();
	page = map_page(&fm, &vma, &f, &pte);
	CHECK(page->mapcount == 1 && fm.mm.rss == 1);
	/* An address space being changed (fork, mprotect...) keeps its pages. */
	fm.mm.mmap_lock.writer = &task;
	use_up_memory();
	CHECK(try_to_free_pages(GFP_KERNEL, 0) == 0);
	CHECK(pte_present(*pte) && page->mapping == &inode.i_data);
	fm.mm.mmap_lock.writer = NULL;
	/* Written through the PTE: unmapped, the page learns it is dirty and
	 * is written; the next pass drops it, clean. */
	*pte |= PTE_DIRTY;
	memset(page_address(page), 'M', PAGE_SIZE);
	CHECK(try_to_free_pages(GFP_KERNEL, 0) == 0);
	CHECK(*pte == 0 && fm.mm.rss == 0 && pages_written == 1 && disk[1][0] == 'M');
	CHECK(try_to_free_pages(GFP_KERNEL, 0) == 1);
	CHECK(!cached(1));
	give_back_memory();
	/* The next access faults the disk's copy in. */
	CHECK(vma.vm_ops->fault(&vma, FAKE_BASE + PAGE_SIZE) == 0);
	CHECK(pte_present(*pte) && ((char *)page_address(pfn_to_page(pte_pfn(*pte))))[7] == 'M');
	truncate_setsize(&inode, 0);
	CHECK(all_back());
}

/*
 * A write to a private mapping of a clean file page copies it; the
 * copy's allocation reclaims - and the only page to reclaim is the one
 * being copied. do_wp_page sees its PTE gone and faults again, rather
 * than copy a freed frame; the retry reads the page in again.
 */
static void test_copy_on_write_whose_page_is_reclaimed(void)
{
	unsigned long at = FAKE_BASE;
	struct vm_area_struct *vma;
	struct fake_mm fm;
	struct file f;
	uint64_t *pte;
	int si_code;

	setup();
	f = open_file();
	fake_mm_init(&fm);
	INIT_LIST_HEAD(&fm.mm.task_list);
	fm.mm.mm_rb = RB_ROOT;
	CHECK(insert_vma(&fm.mm, at, at + PAGE_SIZE, VM_READ | VM_WRITE) == 0);
	vma = find_vma(&fm.mm, at);
	vma->vm_file = &f;
	vma->vm_pgoff = 0;
	CHECK(generic_file_mmap(&f, vma) == 0);
	list_add_tail(&vma->shared, &inode.i_data.i_mmap);
	CHECK(handle_mm_fault(&fm.mm, at, PF_USER, &si_code) == 0);
	pte = walk_pte(fm.mm.pgd, at, false);
	CHECK(pte_present(*pte) && !(*pte & PTE_WRITE));
	CHECK(anon_vma_prepare(vma) == 0); /* its kmalloc before the memory is gone */
	use_up_memory();
	CHECK(handle_mm_fault(&fm.mm, at, PF_USER | PF_WRITE | PF_PROT, &si_code) == 0);
	CHECK(*pte == 0 && fm.mm.rss == 0 && !cached(0)); /* reclaimed: fault again */
	give_back_memory();
	CHECK(handle_mm_fault(&fm.mm, at, PF_USER | PF_WRITE, &si_code) == 0);
	CHECK(pte_present(*pte) && (*pte & PTE_WRITE));
	struct page *copy = pfn_to_page(pte_pfn(*pte));
	CHECK(page_test(copy, PG_anon) && ((char *)page_address(copy))[0] == 'a');
	unmap_range(&fm.mm, at, at + PAGE_SIZE);
	list_del(&vma->shared);
	vma->vm_file = NULL;
	remove_vma(&fm.mm, vma);
	CHECK(all_back());
}

/* --- memory_failure while reclaim writes --- */

static struct page *kept_page, *waiting_page;
static int mf_kept, mf_waiting;

static void poison_two_pages(void)
{
	host_console_clear();
	mf_kept = memory_failure(page_to_pfn(kept_page), MF_SW_SIMULATED);
	mf_waiting = memory_failure(page_to_pfn(waiting_page), MF_SW_SIMULATED);
}

/*
 * Reclaim sleeps in writepage with the rest of its batch already back in
 * place, unlocked and not held: a page it kept (mapped where an address
 * space is being changed) and a dirty page waiting to be written are ordinary LRU
 * pages for memory_failure, which takes both out. Reclaim then does not
 * write the poisoned one, and never hands a poisoned frame out.
 */
static void test_memory_failure_while_reclaim_writes(void)
{
	struct fake_mm fm;
	struct vm_area_struct vma;
	struct file f;
	uint64_t *pte;

	setup();
	f = open_file();
	kept_page = map_page(&fm, &vma, &f, &pte); /* page 1, read first: the oldest */
	fm.mm.mmap_lock.writer = &task;
	CHECK(write_at(&f, "dirty", 5, 0) == 5);         /* page 0, written first */
	CHECK(write_at(&f, "dirty", 5, 2 * PAGE_SIZE) == 5); /* page 2, next */
	waiting_page = find_get_page(&inode.i_data, 2);
	put_page(waiting_page);
	use_up_memory();
	during_writepage = poison_two_pages;
	try_to_free_pages(GFP_KERNEL, 0);
	CHECK(during_writepage == NULL && mf_kept == 0 && mf_waiting == 0);
	CHECK(strstr(host_console, "recovery action for clean LRU page: Recovered") != NULL);
	CHECK(strstr(host_console, "recovery action for dirty LRU page: Recovered") != NULL);
	CHECK(pages_written == 1 && disk[0][0] == 'd' && disk[2][0] == 'c');
	CHECK(!cached(1) && !cached(2) && *pte == 0);
	CHECK(PageHWPoisonTakenOff(kept_page) && PageHWPoisonTakenOff(waiting_page));
	fm.mm.mmap_lock.writer = NULL;
	CHECK(unpoison_memory(page_to_pfn(kept_page)) == 0);
	CHECK(unpoison_memory(page_to_pfn(waiting_page)) == 0);
	truncate_setsize(&inode, 0);
	CHECK(all_back());
}

/* drop_caches's invalidate_inode_page and reclaim drop pages the same
 * way (remove_mapping): never a dirty, mapped or held one. */
static void test_remove_mapping(void)
{
	struct page *page;

	setup();
	cache_pages(0, 0);
	page = find_lock_page(&inode.i_data, 0);
	page_set(page, PG_dirty);
	CHECK(remove_mapping(&inode.i_data, page) == 0);
	page_clear(page, PG_dirty);
	get_page(page);
	CHECK(remove_mapping(&inode.i_data, page) == 0);
	put_page(page);
	CHECK(remove_mapping(&inode.i_data, page) == 1);
	CHECK(page->mapping == NULL && page->refcount == 1 && inode.i_data.nrpages == 0);
	unlock_page(page);
	put_page(page);
	CHECK(all_back());
}

/* Linux's si_mem_available: free memory less the high watermark, plus
 * the file LRU less the smaller of half of it and the low watermark. */
static void test_mem_available(void)
{
	setup();
	/* 8191 frames: min_free_kbytes = sqrt(32764 * 16) = 724 kB = 181
	 * pages; a step is 181 / 4 = 45: low 226, high 271. */
	unsigned long free = nr_free_pages();
	CHECK(zone.managed_pages == HOST_PAGES - 1);
	CHECK(si_mem_available() == free - 271);
	cache_pages(0, 39);
	free = nr_free_pages();
	CHECK(si_mem_available() == free - 271 + 40 - 20);
	use_up_memory();
	CHECK(si_mem_available() == 0); /* never below 0 */
	CHECK(all_back());
}

int main(void)
{
	RUN(test_clean_pages_are_dropped_and_read_again);
	RUN(test_dirty_pages_are_written_then_dropped);
	RUN(test_busy_pages_are_kept);
	RUN(test_memory_file_pages_stay);
	RUN(test_callers_that_may_not_wait_do_not_reclaim);
	RUN(test_mapped_pages_are_unmapped_and_fault_back);
	RUN(test_copy_on_write_whose_page_is_reclaimed);
	RUN(test_memory_failure_while_reclaim_writes);
	RUN(test_remove_mapping);
	RUN(test_mem_available);
	return finish("vmscan");
}
