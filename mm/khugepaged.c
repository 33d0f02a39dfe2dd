/*
 * The collapse daemon (Linux: mm/khugepaged.c; docs/huge-pages-and-collapse.md).
 *
 * An area that may have huge pages often gets small ones anyway - it was
 * faulted before madvise(MADV_HUGEPAGE), or no huge page was free at the
 * time. The khugepaged thread scans such areas and collapses each fully
 * aligned 2 MiB run of small anonymous pages into one huge page:
 *
 *   1. look: every PTE of the run maps an anonymous page, or nothing,
 *      or is a swap entry - within the limits max_ptes_none, _shared
 *      and _swap (hpage_collapse_scan_pmd); the swapped pages are
 *      brought in first;
 *   2. isolate the sources: lock each page and take it off its LRU list;
 *   3. unlink their page table from the page directory, so that no
 *      access can reach them meanwhile;
 *   4. copy the 512 pages into a new huge page, with copy_mc;
 *   5. install the PMD; the old pages and table are freed.
 *
 * It is optional work, done on data the kernel did not write: if the
 * copy reads memory that has gone bad (step 4), the collapse is
 * abandoned and everything it did is undone - the page table goes back,
 * the pages go back on their lists - so other threads see nothing
 * changed; the #MC handler has given the bad page to memory_failure,
 * which deals with it and its owner as the kill policy says. Linux
 * learned this in 6.3 (the khugepaged recovery series); before it, a
 * plain copy made the kernel panic. The plain copy is still here for
 * the experiment: /sys/kernel/debug/hwpoison/collapse-copy-mc = 0.
 *
 * The page cache of a read-only executable file is collapsed the same
 * way (collapse_file, Linux's READ_ONLY_THP_FOR_FS): the sources are the
 * file's 512 cached pages, read in if they were not; they are unmapped
 * from every process, and the new huge page, locked, takes their places
 * in the page cache before the copy - so that a lookup meanwhile would
 * wait for it. An abandoned copy puts the old pages back in their slots.
 * The huge page is mapped by a PMD here at once, elsewhere at the next
 * fault (mm/filemap.c:filemap_map_huge).
 *
 * MADV_COLLAPSE asks for the same collapse at once, over a range.
 */
#include "mm/khugepaged.h"
#include "kernel/copy_mc.h"
#include "kernel/errno.h"
#include "kernel/hrtimer.h"
#include "kernel/panic.h"
#include "kernel/printk.h"
#include "kernel/x86.h"
#include "kernel/proc.h"
#include "kernel/timekeeping.h"
#include "kernel/waitqueue.h"
#include "fs/file.h"
#include "fs/fs.h"
#include "fs/sysfs.h"
#include "lib/err.h"
#include "lib/format.h"
#include "lib/parse.h"
#include "lib/string.h"
#include "mm/buddy.h"
#include "mm/filemap.h"
#include "mm/huge_mm.h"
#include "mm/mmap.h"
#include "mm/mmap_lock.h"
#include "mm/pagemap.h"
#include "mm/pgtable.h"
#include "mm/rmap.h"
#include "mm/slab.h"
#include "mm/swap.h"
#include "mm/swap_fault.h"
#include "mm/swap_state.h"
#include "mm/vmscan.h"
#include "mm/vmstat.h"

/* /sys/kernel/mm/transparent_hugepage/khugepaged, Linux's defaults. */
static unsigned long pages_to_scan = HPAGE_PMD_NR * 8;
static unsigned long scan_sleep_millisecs = 10000;
static unsigned long max_ptes_none = HPAGE_PMD_NR - 1;
static unsigned long max_ptes_swap = HPAGE_PMD_NR / 8;
static unsigned long max_ptes_shared = HPAGE_PMD_NR / 2;
static unsigned long pages_collapsed, full_scans;
/* Not Linux's: collapses abandoned because the copy met bad memory. */
static unsigned long collapses_abandoned;
/* /sys/kernel/debug/hwpoison/collapse-copy-mc: 0 copies with memcpy. */
int collapse_copy_mc = 1;

/* Why a run was not collapsed (Linux: enum scan_result), with the words
 * the log and the tests use. */
enum scan_result {
	SCAN_SUCCEED,
	SCAN_PMD_NULL,         /* no page table there */
	SCAN_PMD_MAPPED,       /* a huge page already */
	SCAN_EXCEED_NONE_PTE,  /* more empty PTEs than max_ptes_none */
	SCAN_EXCEED_SWAP_PTE,  /* more pages out in swap than max_ptes_swap, or a poisoned one */
	SCAN_EXCEED_SHARED_PTE, /* more pages shared (after fork) than max_ptes_shared */
	SCAN_PAGE_ANON,        /* not an anonymous page */
	SCAN_PAGE_COUNT,       /* shared, or held by someone else */
	SCAN_PAGE_LOCK,        /* locked by someone else */
	SCAN_PAGE_LRU,         /* not on an LRU list (reclaim has it) */
	SCAN_VMA_CHECK,        /* the area may not have huge pages here */
	SCAN_ALLOC_HUGE_PAGE_FAIL,
	SCAN_COPY_MC,          /* the copy read bad memory */
	SCAN_FAIL,             /* a file page dirty, under write-back, unreadable or poisoned */
	SCAN_TRUNCATED,        /* the run goes past the end of the file, or left it */
	SCAN_PAGE_COMPOUND,    /* the file has a huge page there already */
};

static struct list_head scan_list = LIST_HEAD_INIT(scan_list); /* mm->khugepaged_node */
static struct wait_queue_head khugepaged_wait = WAIT_QUEUE_INIT(khugepaged_wait);
static struct proc *khugepaged_task;

void khugepaged_enter_vma(struct vm_area_struct *vma)
{
	struct mm_struct *mm = vma->vm_mm;

	if (list_empty(&mm->khugepaged_node) && hugepage_vma_ok(vma, false))
		list_add_tail(&mm->khugepaged_node, &scan_list);
}

/* The mm being scanned and where in it (Linux: khugepaged_scan). */
static struct mm_struct *scan_mm;
static unsigned long scan_address;

/* The mm after mm on the list, NULL after the last. */
static struct mm_struct *next_mm(struct mm_struct *mm)
{
	if (mm->khugepaged_node.next == &scan_list)
		return NULL;
	return list_entry(mm->khugepaged_node.next, struct mm_struct, khugepaged_node);
}

void khugepaged_exit(struct mm_struct *mm)
{
	if (list_empty(&mm->khugepaged_node))
		return;
	if (scan_mm == mm) {
		scan_mm = next_mm(mm);
		scan_address = 0;
	}
	list_del(&mm->khugepaged_node); /* (leaves it empty) */
}

/* The 512 pages a collapse works on, and what it did to them. */
struct collapse {
	struct page *pages[HPAGE_PMD_NR]; /* NULL for an empty PTE */
	int isolated;                     /* pages[0..isolated) are locked, off the LRU */
	unsigned long present;
	unsigned long swapped;            /* swap entries among the PTEs (pages[i] NULL) */
};

/* Step 1: may the run at pmd be collapsed? */
static enum scan_result scan_pmd(uint64_t *pmd, struct collapse *c)
{
	if (!pmd || !(*pmd & PTE_PRESENT))
		return SCAN_PMD_NULL;
	if (pmd_trans_huge(*pmd))
		return SCAN_PMD_MAPPED;
	uint64_t *pt = __va(*pmd & PTE_ADDR_MASK);
	unsigned long none = 0, shared = 0;

	c->present = 0;
	c->swapped = 0;
	for (unsigned long i = 0; i < HPAGE_PMD_NR; i++) {
		c->pages[i] = NULL;
		if (pte_none(pt[i])) {
			if (++none > max_ptes_none)
				return SCAN_EXCEED_NONE_PTE;
			continue;
		}
		if (!pte_present(pt[i])) {
			if (is_hwpoison_entry(pt[i]) || ++c->swapped > max_ptes_swap)
				return SCAN_EXCEED_SWAP_PTE;
			continue;
		}
		struct page *page = pfn_to_page(pte_pfn(pt[i]));
		if (!page_test(page, PG_anon) || PageTail(page) || page_test(page, PG_head))
			return SCAN_PAGE_ANON;
		/* Shared after fork: the huge page is this mapping's own copy,
		 * the small one stays for the others. */
		if (page->mapcount > 1 && ++shared > max_ptes_shared)
			return SCAN_EXCEED_SHARED_PTE;
		/* Held by its mappings and the swap cache only. */
		if (page->refcount != page->mapcount + page_test(page, PG_swapcache) ||
		    page_test(page, PG_hwpoison))
			return SCAN_PAGE_COUNT;
		c->pages[i] = page;
		c->present++;
	}
	return SCAN_SUCCEED;
}

/* Bring the run's swapped pages in (Linux: __collapse_huge_page_swapin);
 * they come back as swap-cache pages. The reads sleep: the mmap_lock,
 * held to write, keeps the run as it is meanwhile. */
static enum scan_result swapin_run(struct vm_area_struct *vma, unsigned long haddr,
				   uint64_t *pmd)
{
	uint64_t *pt = __va(*pmd & PTE_ADDR_MASK);

	for (unsigned long i = 0; i < HPAGE_PMD_NR; i++) {
		if (!is_swap_pte(pt[i]) || is_hwpoison_entry(pt[i]))
			continue;
		if (do_swap_page(vma, haddr + i * PAGE_SIZE, &pt[i], false))
			return SCAN_FAIL; /* a read error: the owner learns at its own access */
	}
	return SCAN_SUCCEED;
}

/* Step 2: lock each page and take it off its list (Linux:
 * __collapse_huge_page_isolate). */
static enum scan_result isolate(struct collapse *c)
{
	for (c->isolated = 0; c->isolated < (int)HPAGE_PMD_NR; c->isolated++) {
		struct page *page = c->pages[c->isolated];
		if (!page)
			continue;
		if (!trylock_page(page))
			return SCAN_PAGE_LOCK;
		if (!page_test(page, PG_lru)) {
			unlock_page(page);
			return SCAN_PAGE_LRU;
		}
		del_page_from_lru_list(page);
	}
	return SCAN_SUCCEED;
}

/* Undo step 2 for the pages isolated so far. */
static void putback(struct collapse *c)
{
	for (int i = 0; i < c->isolated; i++) {
		struct page *page = c->pages[i];
		if (!page)
			continue;
		lru_cache_add(page);
		unlock_page(page);
	}
}

static void flush_run(struct mm_struct *mm, unsigned long haddr)
{
	for (unsigned long i = 0; i < HPAGE_PMD_NR; i++)
		flush_tlb_page(mm, haddr + i * PAGE_SIZE);
}

/* Step 4: -1, or the index of the page whose copy read bad memory. */
static long copy_pages(struct page *hpage, const struct collapse *c)
{
	for (unsigned long i = 0; i < HPAGE_PMD_NR; i++) {
		char *dst = (char *)page_address(hpage) + i * PAGE_SIZE;
		if (!c->pages[i]) {
			memset(dst, 0, PAGE_SIZE);
		} else if (!collapse_copy_mc) {
			memcpy(dst, page_address(c->pages[i]), PAGE_SIZE); /* the control case */
		} else if (copy_mc_to_kernel(dst, page_address(c->pages[i]), PAGE_SIZE)) {
			return (long)i;
		}
	}
	return -1;
}

/* The copy of page read bad memory: say so; the caller has undone the rest. */
static enum scan_result abandon(struct mm_struct *mm, unsigned long haddr, struct page *page)
{
	struct proc *owner = list_first_entry(&mm->task_list, struct proc, mm_node);

	collapses_abandoned++;
	pr_warn("khugepaged: collapse at %#lx of %s[%d] abandoned: the copy of pfn %#lx "
		"read bad memory\n", haddr, owner->comm, owner->pid, page_to_pfn(page));
	return SCAN_COPY_MC;
}

/* A source page after its copy: mapped here no more. A page another
 * process maps, or one whose swap slot another still counts on, goes
 * back on its list; the rest is freed with this reference, its slot too. */
static void release_old_page(struct page *page)
{
	if (!page)
		return;
	page->mapcount--;
	if (!page->mapcount)
		try_to_free_swap(page);
	if (page->mapcount || page_test(page, PG_swapcache))
		lru_cache_add(page);
	unlock_page(page);
	put_page(page); /* the PTE's reference */
}

/* Step 5: the huge page replaces the run; the old pages and their page
 * table go (the table stays as the huge PMD's reserve for a split). */
static void install(struct vm_area_struct *vma, unsigned long haddr, uint64_t *pmd,
		    uint64_t *pt, struct page *hpage, const struct collapse *c)
{
	struct mm_struct *mm = vma->vm_mm;

	memset(pt, 0, PAGE_SIZE);
	pgtable_trans_huge_deposit(pmd, pt);
	page_add_new_anon_rmap(hpage, vma, haddr);
	lru_cache_add(hpage);
	thp_map_pmd(hpage);
	*pmd = ((uint64_t)page_to_pfn(hpage) << PAGE_SHIFT) | vm_page_prot(vma->vm_flags) |
	       PTE_HUGE | PTE_ACCESSED | (vma->vm_flags & VM_WRITE ? PTE_DIRTY : 0);
	mm->rss += HPAGE_PMD_NR - c->present;
	for (unsigned long i = 0; i < HPAGE_PMD_NR; i++)
		release_old_page(c->pages[i]);
}

/*
 * Collapse the run at haddr of vma's mm (Linux: collapse_huge_page). The
 * caller holds the mmap_lock to write: no fault, munmap or reclaim can
 * change the run meanwhile (reclaim leaves a write-locked mm alone).
 */
static enum scan_result collapse_huge_page(struct vm_area_struct *vma, unsigned long haddr,
					   struct page *hpage, struct collapse *c)
{
	struct mm_struct *mm = vma->vm_mm;
	uint64_t *pmd = walk_pmd(mm->pgd, haddr, false);
	enum scan_result result = scan_pmd(pmd, c);

	if (result == SCAN_SUCCEED && c->swapped) {
		result = swapin_run(vma, haddr, pmd);
		if (result == SCAN_SUCCEED)
			result = scan_pmd(pmd, c);
		if (result == SCAN_SUCCEED && c->swapped)
			result = SCAN_EXCEED_SWAP_PTE; /* (read again and swapped out meanwhile) */
	}
	if (result != SCAN_SUCCEED)
		return result;
	result = isolate(c);
	if (result != SCAN_SUCCEED) {
		putback(c);
		return result;
	}
	uint64_t pmdval = *pmd; /* step 3: nobody can reach the pages now */
	*pmd = 0;
	flush_run(mm, haddr);
	long bad = copy_pages(hpage, c);
	if (bad >= 0) {
		/* LAB 8: BEGIN */
		*pmd = pmdval; /* undo 3 and 2: as if nothing had happened */
		putback(c);
		return abandon(mm, haddr, c->pages[bad]);
		/* LAB 8: STUB
		(void)pmdval, (void)abandon; // for your code
		panic("lab 8: implement the undoing of an abandoned collapse (mm/khugepaged.c)");
		   LAB 8: END */
	}
	install(vma, haddr, pmd, __va(pmdval & PTE_ADDR_MASK), hpage, c);
	count_vm_event(THP_COLLAPSE_ALLOC);
	return SCAN_SUCCEED;
}

/* ---- file-backed collapse (Linux: collapse_file) ------------------- */

/* Steps 1 and 2 for a file: its 512 pages of the run, read in where they
 * were not cached, each held; all must be clean and small. */
static enum scan_result file_pages_get(struct file *file, unsigned long start,
				       struct collapse *c)
{
	memset(c, 0, sizeof(*c));
	for (unsigned long i = 0; i < HPAGE_PMD_NR; i++) {
		struct page *page = read_mapping_page(file->f_mapping, start + i, file);
		if (IS_ERR(page))
			return SCAN_FAIL;
		c->pages[i] = page;
		c->present++;
		if (PageTransHuge(compound_head(page)))
			return SCAN_PAGE_COMPOUND;
		/* Linux starts writing a dirty one first; here it waits for
		 * write-back, and the next scan looks again. */
		if (page_test(page, PG_dirty) || page_test(page, PG_writeback) ||
		    page_test(page, PG_hwpoison))
			return SCAN_FAIL;
	}
	return SCAN_SUCCEED;
}

static void file_pages_put(struct collapse *c)
{
	for (unsigned long i = 0; i < HPAGE_PMD_NR; i++)
		if (c->pages[i])
			put_page(c->pages[i]);
}

/* Step 3 for a file: no process maps the pages any more (one touching
 * them faults, and finds the huge page or these again), and nobody but
 * the cache and the collapse holds them. The reads of step 1 may have
 * slept: a page truncated meanwhile ends it. */
static enum scan_result file_pages_unmap(struct address_space *mapping, unsigned long start,
					 struct collapse *c)
{
	if (mapping->host->i_writecount)
		return SCAN_FAIL; /* a writer opened it meanwhile */
	for (unsigned long i = 0; i < HPAGE_PMD_NR; i++) {
		struct page *page = c->pages[i];
		if (page->mapping != mapping || page->index != start + i)
			return SCAN_TRUNCATED;
		unmap_mapping_page(page);
		if (page->refcount != 2 || page->mapcount)
			return SCAN_PAGE_COUNT; /* someone else holds it */
	}
	return SCAN_SUCCEED;
}

/* The locked huge page takes the old pages' slots in the page cache
 * (existing slots: no memory needed), each frame at its index. */
static void page_cache_replace(struct address_space *mapping, unsigned long start,
			       struct page *hpage)
{
	page_set(hpage, PG_locked); /* nobody else can see it yet */
	bool was_on = irq_save();
	for (unsigned long i = 0; i < HPAGE_PMD_NR; i++) {
		hpage[i].mapping = mapping;
		hpage[i].index = start + i;
		xa_store(&mapping->i_pages, start + i, &hpage[i]);
	}
	irq_restore(was_on);
}

/* Undo page_cache_replace: the old pages in their slots again. */
static void page_cache_restore(struct address_space *mapping, unsigned long start,
			       struct page *hpage, const struct collapse *c)
{
	/* LAB 8: BEGIN */
	bool was_on = irq_save();
	for (unsigned long i = 0; i < HPAGE_PMD_NR; i++) {
		xa_store(&mapping->i_pages, start + i, c->pages[i]);
		hpage[i].mapping = NULL;
		hpage[i].index = 0;
	}
	irq_restore(was_on);
	unlock_page(hpage);
	/* LAB 8: STUB
	(void)mapping, (void)start, (void)hpage, (void)c;
	panic("lab 8: implement page_cache_restore (mm/khugepaged.c)");
	   LAB 8: END */
}

/* Step 5 for a file: the huge page is the cache's now, uptodate in every
 * frame; the old pages leave it and are freed. */
static void file_collapse_finish(struct address_space *mapping, struct page *hpage,
				 const struct collapse *c)
{
	for (unsigned long i = 0; i < HPAGE_PMD_NR; i++) {
		struct page *page = c->pages[i];
		page_set(&hpage[i], PG_uptodate);
		page->mapping = NULL;
		unlock_page(page);
		put_page(page); /* the cache's reference; the collapse's is put last */
	}
	mapping->nr_thps++;
	mod_node_page_state(NR_FILE_THPS, (long)HPAGE_PMD_NR);
	lru_cache_add(hpage);
	unlock_page(hpage);
	count_vm_event(THP_FILE_ALLOC);
}

/* Map the file's huge page holding page (a reference the mapping takes
 * over) by the PMD at haddr; -1 if it cannot be (private copies there). */
static int map_file_huge_page(struct vm_area_struct *vma, unsigned long haddr, struct page *page)
{
	if (!walk_pte(vma->vm_mm->pgd, haddr, true))
		return -1; /* (no memory for a page table to keep in reserve) */
	return do_set_pmd(vma, haddr, page) ? -1 : 0;
}

/*
 * Collapse the file's run at haddr of vma (Linux: collapse_file): the
 * caller holds vma's mm's mmap_lock to write. Steps 2 to 5 do not sleep,
 * so no fault, truncation or reclaim comes between them.
 */
static enum scan_result collapse_file(struct vm_area_struct *vma, unsigned long haddr,
				      struct page *hpage, struct collapse *c)
{
	struct address_space *mapping = vma->vm_file->f_mapping;
	unsigned long start = linear_page_index(vma, haddr);
	enum scan_result result = file_pages_get(vma->vm_file, start, c);

	if (result == SCAN_SUCCEED)
		result = isolate(c);
	if (result == SCAN_SUCCEED)
		result = file_pages_unmap(mapping, start, c);
	if (result != SCAN_SUCCEED) {
		putback(c);
		file_pages_put(c);
		return result;
	}
	page_cache_replace(mapping, start, hpage);
	long bad = copy_pages(hpage, c);
	if (bad >= 0) {
		page_cache_restore(mapping, start, hpage, c);
		putback(c);
		file_pages_put(c);
		return abandon(vma->vm_mm, haddr, c->pages[bad]);
	}
	file_collapse_finish(mapping, hpage, c);
	file_pages_put(c);
	get_page(hpage); /* the PMD's; the allocation's is the cache's */
	if (map_file_huge_page(vma, haddr, hpage))
		put_page(hpage);
	return SCAN_SUCCEED;
}

/* Is the file's run at haddr one collapse_file can work on? A huge page
 * the file has there already (another process collapsed it) is mapped
 * here at once, as Linux's collapse_pte_mapped_thp does. */
static enum scan_result file_run_check(struct vm_area_struct *vma, unsigned long haddr)
{
	struct address_space *mapping = vma->vm_file->f_mapping;
	unsigned long start = linear_page_index(vma, haddr);
	uint64_t *pmd = walk_pmd(vma->vm_mm->pgd, haddr, false);

	if (!file_pmd_aligned(vma))
		return SCAN_VMA_CHECK;
	if (pmd && pmd_trans_huge(*pmd))
		return SCAN_PMD_MAPPED;
	if ((loff_t)(start + HPAGE_PMD_NR) << PAGE_SHIFT > i_size_read(mapping->host))
		return SCAN_TRUNCATED;
	struct page *page = find_get_page(mapping, start);
	if (!page)
		return SCAN_SUCCEED;
	if (!PageTransHuge(compound_head(page))) {
		put_page(page);
		return SCAN_SUCCEED;
	}
	if (map_file_huge_page(vma, haddr, page)) {
		put_page(page);
		return SCAN_PAGE_COMPOUND;
	}
	return SCAN_PMD_MAPPED;
}

/* Collapse the run at haddr if it can be; the mmap_lock held to write. */
static enum scan_result collapse_run(struct vm_area_struct *vma, unsigned long haddr,
				     bool madvised)
{
	if (!hugepage_vma_ok(vma, madvised) || haddr < vma->vm_start ||
	    haddr + HPAGE_PMD_SIZE > vma->vm_end)
		return SCAN_VMA_CHECK;
	if (vma->vm_file) {
		enum scan_result check = file_run_check(vma, haddr);
		if (check != SCAN_SUCCEED)
			return check;
	}
	struct page *hpage = alloc_pages(GFP_HIGHUSER_MOVABLE | __GFP_COMP, HPAGE_PMD_ORDER);
	if (!hpage) {
		count_vm_event(THP_COLLAPSE_ALLOC_FAILED);
		return SCAN_ALLOC_HUGE_PAGE_FAIL;
	}
	prep_transhuge_page(hpage);
	/* The pages a collapse works on: 4 KiB, not on a kernel stack; its
	 * own, since a collapse may sleep (reads, swap-in) while another
	 * process's MADV_COLLAPSE or khugepaged runs one too. */
	struct collapse *c = kmalloc(sizeof(*c));
	if (!c) {
		put_page(hpage);
		return SCAN_ALLOC_HUGE_PAGE_FAIL;
	}
	/* The allocations may have reclaimed and slept: look again. */
	enum scan_result result = vma->vm_file ? collapse_file(vma, haddr, hpage, c)
					       : collapse_huge_page(vma, haddr, hpage, c);
	kfree(c);
	if (result != SCAN_SUCCEED)
		put_page(hpage);
	return result;
}

/* ---- MADV_COLLAPSE ---------------------------------------------------- */

/* Linux 6.1's madvise_collapse_errno. */
static int collapse_errno(enum scan_result r)
{
	if (r == SCAN_ALLOC_HUGE_PAGE_FAIL)
		return -ENOMEM;
	if (r == SCAN_PAGE_LOCK || r == SCAN_PAGE_LRU)
		return -EAGAIN;
	return -EINVAL;
}

int madvise_collapse(struct mm_struct *mm, unsigned long start, unsigned long end)
{
	int err = 0;

	for (unsigned long haddr = ALIGN_UP(start, HPAGE_PMD_SIZE); haddr + HPAGE_PMD_SIZE <= end;
	     haddr += HPAGE_PMD_SIZE) {
		struct vm_area_struct *vma = find_vma(mm, haddr);
		if (!vma || haddr < vma->vm_start)
			return -ENOMEM;
		enum scan_result r = collapse_run(vma, haddr, true);
		if (r != SCAN_SUCCEED && r != SCAN_PMD_MAPPED && !err)
			err = collapse_errno(r); /* as Linux: go on, report the first */
	}
	return err;
}

/* ---- the thread --------------------------------------------------------- */

/* Scan up to *budget PTEs' worth of mm from scan_address; true when the
 * whole mm is done. */
static bool scan_mm_slot(struct mm_struct *mm, unsigned long *budget)
{
	for (struct vm_area_struct *vma = find_vma(mm, scan_address); vma; vma = vma_next(mm, vma)) {
		if (!hugepage_vma_ok(vma, false))
			continue;
		unsigned long haddr = MAX(ALIGN_UP(vma->vm_start, HPAGE_PMD_SIZE),
					  ALIGN_UP(scan_address, HPAGE_PMD_SIZE));
		for (; haddr + HPAGE_PMD_SIZE <= vma->vm_end; haddr += HPAGE_PMD_SIZE) {
			if (*budget < HPAGE_PMD_NR)
				return false;
			*budget -= HPAGE_PMD_NR;
			scan_address = haddr + HPAGE_PMD_SIZE;
			if (collapse_run(vma, haddr, false) == SCAN_SUCCEED)
				pages_collapsed++; /* khugepaged's own, as Linux counts */
		}
	}
	return true;
}

/* One round: pages_to_scan PTEs' worth, mm by mm, and at most once
 * through the list (Linux: khugepaged_do_scan), so that what a collapse
 * left for others to do - memory_failure, after an abandoned one - is
 * done before the next round looks again. */
static void khugepaged_do_scan(void)
{
	unsigned long budget = pages_to_scan;
	unsigned long scans = full_scans;

	while (budget >= HPAGE_PMD_NR && !list_empty(&scan_list) && full_scans == scans) {
		if (!scan_mm) {
			scan_mm = list_first_entry(&scan_list, struct mm_struct, khugepaged_node);
			scan_address = 0;
		}
		struct mm_struct *mm = scan_mm;
		mmget(mm);
		mmap_write_lock(mm);
		bool done = scan_mm_slot(mm, &budget);
		mmap_write_unlock(mm);
		if (done && scan_mm == mm) {
			/* On to the next mm; past the last, a full scan is over. */
			scan_mm = next_mm(mm);
			scan_address = 0;
			if (!scan_mm)
				full_scans++;
		}
		mmput(mm); /* an mm that exited meanwhile goes here (khugepaged_exit) */
	}
}

static void khugepaged(void *arg)
{
	(void)arg;
	for (;;) {
		khugepaged_do_scan();
		cli(); /* schedule_hrtimeout_on's rule; a scan runs with them on */
		schedule_hrtimeout_on(&khugepaged_wait,
				      ktime_get_ns() + scan_sleep_millisecs * 1000000ULL);
		sti();
	}
}

void khugepaged_init(void)
{
	khugepaged_task = kthread_create("khugepaged", khugepaged, NULL);
}

/* ---- /sys/kernel/mm/transparent_hugepage/khugepaged ------------------- */

/* A number in [min, max], with or without a newline; -EINVAL otherwise. */
static long store_ulong(const char *buf, size_t count, unsigned long *v, unsigned long min,
			unsigned long max)
{
	uint64_t n;

	if (kstrtoull(buf, 10, &n) || n < min || n > max)
		return -EINVAL;
	*v = (unsigned long)n;
	return (long)count;
}

static long pages_to_scan_show(char *buf, size_t size)
{
	return sysfs_emit(buf, size, "%lu\n", pages_to_scan);
}

static long pages_to_scan_store(const char *buf, size_t count)
{
	return store_ulong(buf, count, &pages_to_scan, 1, UINT32_MAX);
}

static long scan_sleep_show(char *buf, size_t size)
{
	return sysfs_emit(buf, size, "%lu\n", scan_sleep_millisecs);
}

/* A new interval takes effect at once (Linux wakes the thread too). */
static long scan_sleep_store(const char *buf, size_t count)
{
	long ret = store_ulong(buf, count, &scan_sleep_millisecs, 0, UINT32_MAX);

	if (ret > 0)
		wake_up(&khugepaged_wait);
	return ret;
}

static long max_ptes_none_show(char *buf, size_t size)
{
	return sysfs_emit(buf, size, "%lu\n", max_ptes_none);
}

static long max_ptes_none_store(const char *buf, size_t count)
{
	return store_ulong(buf, count, &max_ptes_none, 0, HPAGE_PMD_NR - 1);
}

static long max_ptes_swap_show(char *buf, size_t size)
{
	return sysfs_emit(buf, size, "%lu\n", max_ptes_swap);
}

static long max_ptes_swap_store(const char *buf, size_t count)
{
	return store_ulong(buf, count, &max_ptes_swap, 0, HPAGE_PMD_NR - 1);
}

static long max_ptes_shared_show(char *buf, size_t size)
{
	return sysfs_emit(buf, size, "%lu\n", max_ptes_shared);
}

static long max_ptes_shared_store(const char *buf, size_t count)
{
	return store_ulong(buf, count, &max_ptes_shared, 0, HPAGE_PMD_NR - 1);
}

static long pages_collapsed_show(char *buf, size_t size)
{
	return sysfs_emit(buf, size, "%lu\n", pages_collapsed);
}

static long full_scans_show(char *buf, size_t size)
{
	return sysfs_emit(buf, size, "%lu\n", full_scans);
}

static long collapses_abandoned_show(char *buf, size_t size)
{
	return sysfs_emit(buf, size, "%lu\n", collapses_abandoned);
}

const struct kobj_attribute khugepaged_attrs[] = {
	{ "pages_to_scan", pages_to_scan_show, pages_to_scan_store },
	{ "scan_sleep_millisecs", scan_sleep_show, scan_sleep_store },
	{ "max_ptes_none", max_ptes_none_show, max_ptes_none_store },
	{ "max_ptes_swap", max_ptes_swap_show, max_ptes_swap_store },
	{ "max_ptes_shared", max_ptes_shared_show, max_ptes_shared_store },
	{ "pages_collapsed", pages_collapsed_show, NULL },
	{ "full_scans", full_scans_show, NULL },
	{ "collapses_abandoned", collapses_abandoned_show, NULL }, /* not Linux's */
};
const size_t nr_khugepaged_attrs = ARRAY_SIZE(khugepaged_attrs);
