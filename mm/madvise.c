/*
 * madvise(): advice about a range of memory. Besides the usual hints, two
 * requests exist for testing memory-failure handling from user space, as
 * in Linux: MADV_HWPOISON poisons the pages behind a range as a hardware
 * error would, and MADV_SOFT_OFFLINE moves their contents to healthy
 * pages and retires the old ones, with nobody noticing.
 */
#include "kernel/cred.h"
#include "kernel/errno.h"
#include "kernel/printk.h"
#include "kernel/proc.h"
#include "kernel/signal.h"
#include "kernel/syscall.h"
#include "kernel/uaccess.h"
#include "mm/fault.h"
#include "mm/huge_mm.h"
#include "mm/khugepaged.h"
#include "mm/hugetlb.h"
#include "mm/memory-failure.h"
#include "mm/mmap.h"
#include "mm/mmap_lock.h"
#include "mm/page.h"
#include "mm/pgtable.h"
#include "fs/file.h"
#include "fs/fs.h"
#include "fs/namei.h"
#include "mm/pagewalk.h"
#include "mm/shmem.h"
#include "mm/swap.h"
#include "mm/vmscan.h"

/* Linux's values (include/uapi/asm-generic/mman-common.h). */
#define MADV_NORMAL 0
#define MADV_RANDOM 1
#define MADV_SEQUENTIAL 2
#define MADV_WILLNEED 3
#define MADV_DONTNEED 4
#define MADV_FREE 8
#define MADV_REMOVE 9
#define MADV_DONTFORK 10
#define MADV_DOFORK 11
#define MADV_MERGEABLE 12
#define MADV_UNMERGEABLE 13
#define MADV_HUGEPAGE 14
#define MADV_NOHUGEPAGE 15
#define MADV_COLLAPSE 25
#define MADV_DONTDUMP 16
#define MADV_DODUMP 17
#define MADV_WIPEONFORK 18
#define MADV_KEEPONFORK 19
#define MADV_COLD 20
#define MADV_PAGEOUT 21
#define MADV_POPULATE_READ 22
#define MADV_POPULATE_WRITE 23
#define MADV_DONTNEED_LOCKED 24
#define MADV_HWPOISON 100
#define MADV_SOFT_OFFLINE 101

struct madvice;
typedef int (*madvise_fn)(struct mm_struct *mm, unsigned long start, unsigned long end,
			  const struct madvice *m);

/* What one piece of advice does to the areas of the range. */
struct madvice {
	unsigned long advice;
	madvise_fn apply;     /* NULL: it only advises, and we have no use for it */
	unsigned long set, clear; /* vm_flags it sets and clears in the areas */
	unsigned long refuse; /* an area with any of these flags: EINVAL */
	bool mmap_read;       /* the mmap_lock to read is enough (Linux: madvise_need_mmap_write) */
};

/* Drop the pages: the next touch finds fresh zero pages. MADV_FREE may
 * keep them until memory is short; without reclaim, it drops them now. */
static int madvise_dontneed(struct mm_struct *mm, unsigned long start, unsigned long end,
			    const struct madvice *m)
{
	(void)m;
	for (struct vm_area_struct *vma = find_vma(mm, start); vma && vma->vm_start < end;
	     vma = vma_next(mm, vma)) {
		unsigned long from = MAX(start, vma->vm_start), to = MIN(end, vma->vm_end);
		/* Huge pages go whole: from one's start, and only those wholly
		 * in the range (Linux: madvise_dontneed_free_valid_vma). */
		if (is_vm_hugetlb_page(vma)) {
			if (from & ~HPAGE_MASK)
				return -EINVAL;
			to &= HPAGE_MASK;
		}
		unmap_range(mm, from, to);
	}
	return 0;
}

static int madvise_update_flags(struct mm_struct *mm, unsigned long start, unsigned long end,
				const struct madvice *m)
{
	int err = split_at(mm, start, end);

	for (struct vm_area_struct *vma = find_vma(mm, start); !err && vma && vma->vm_start < end;
	     vma = vma_next(mm, vma))
		vma->vm_flags = (vma->vm_flags | m->set) & ~m->clear;
	return err;
}

/* MADV_HUGEPAGE: the areas may have huge pages now, and khugepaged may
 * collapse the small pages they have (Linux: hugepage_madvise). */
static int madvise_hugepage(struct mm_struct *mm, unsigned long start, unsigned long end,
			    const struct madvice *m)
{
	int err = madvise_update_flags(mm, start, end, m);

	for (struct vm_area_struct *vma = find_vma(mm, start); !err && vma && vma->vm_start < end;
	     vma = vma_next(mm, vma))
		khugepaged_enter_vma(vma);
	return err;
}

/* MADV_COLLAPSE: collapse the range's small pages now (mm/khugepaged.c). */
static int madvise_collapse_range(struct mm_struct *mm, unsigned long start, unsigned long end,
				  const struct madvice *m)
{
	(void)m;
	return madvise_collapse(mm, start, end);
}

/* MADV_REMOVE frees the backing store of a shared file or shmem range:
 * a hole is punched in the file under each area (Linux: madvise_remove,
 * fallocate's FALLOC_FL_PUNCH_HOLE). Anonymous private memory has none
 * (EINVAL), a read-only or private mapping may not (EACCES), a file
 * system without holes cannot (EOPNOTSUPP). */
static int madvise_remove(struct mm_struct *mm, unsigned long start, unsigned long end,
			  const struct madvice *m)
{
	(void)m;
	for (struct vm_area_struct *vma = find_vma(mm, start); vma && vma->vm_start < end;
	     vma = vma_next(mm, vma)) {
		unsigned long from = MAX(start, vma->vm_start), to = MIN(end, vma->vm_end);
		if (vma->vm_flags & VM_LOCKED || !vma->vm_file)
			return -EINVAL;
		if ((vma->vm_flags & (VM_SHARED | VM_WRITE)) != (VM_SHARED | VM_WRITE))
			return -EACCES;
		loff_t offset = (loff_t)(from - vma->vm_start) + ((loff_t)vma->vm_pgoff << PAGE_SHIFT);
		int err = shmem_punch_hole(vma->vm_file, offset, (loff_t)(to - from));
		if (err)
			return err;
	}
	return 0;
}

/* Fault every page in as a read (or write) from user space would; an
 * area that does not allow it is EINVAL, a poisoned page EHWPOISON, as
 * Linux answers. */
static int madvise_populate(struct mm_struct *mm, unsigned long start, unsigned long end,
			    const struct madvice *m)
{
	unsigned error = PF_USER | (m->advice == MADV_POPULATE_WRITE ? PF_WRITE : 0);

	for (unsigned long va = start; va < end; va += PAGE_SIZE) {
		int si_code, err = handle_mm_fault(mm, va, error, &si_code);
		if (err == FAULT_LATENT)
			continue; /* there: populating reads nothing */
		if (err == -EFAULT)
			return -EINVAL;
		if (err)
			return err;
		if (fatal_signal_pending(current))
			return -EINTR;
	}
	return 0;
}

/* MADV_COLD and MADV_PAGEOUT, page by page (Linux:
 * madvise_cold_or_pageout_pte_range): a page only this process maps
 * loses its accessed bit and PG_referenced, so that reclaim sees it
 * unused; MADV_COLD then moves it to the inactive list, MADV_PAGEOUT
 * takes it off its list for reclaim_pages. Pages others map too are
 * left alone: the advice is about this process's use. */
struct cold_walk {
	bool pageout;
	struct list_head page_list; /* MADV_PAGEOUT: the isolated pages */
};

static int cold_or_pageout_pte(uint64_t *pte, unsigned long addr, unsigned long next,
			       struct mm_walk *walk)
{
	struct cold_walk *cw = walk->private;
	struct page *page;

	(void)next;
	if (!pte_present(*pte) || !pfn_valid(pte_pfn(*pte)))
		return 0;
	page = pfn_to_page(pte_pfn(*pte));
	if (!page_test(page, PG_lru) || page->mapcount != 1)
		return 0;
	if (pte_young(*pte)) {
		*pte = pte_mkold(*pte);
		flush_tlb_page(walk->mm, addr);
	}
	page_clear(page, PG_referenced);
	if (!cw->pageout)
		deactivate_page(page);
	else if (!page_test(page, PG_unevictable) && !isolate_lru_page(page))
		list_add_tail(&page->lru, &cw->page_list);
	return 0;
}

/* A huge page wholly in the range is advised whole (Linux:
 * madvise_cold_or_pageout_pte_range's PMD branch): reclaim splits it when
 * it swaps it out. One partly in the range is split, and only the pages
 * in the range are advised. */
static int cold_or_pageout_pmd(uint64_t *pmd, unsigned long addr, unsigned long next,
			       struct mm_walk *walk)
{
	struct cold_walk *cw = walk->private;

	if (!pmd_trans_huge(*pmd))
		return 0;
	if (next - addr != HPAGE_PMD_SIZE) {
		split_huge_pmd(walk->vma, pmd, addr); /* the walk goes on through its PTEs */
		return 0;
	}
	struct page *head = pfn_to_page(pmd_pfn(*pmd));
	if (compound_mapcount(head) != 1)
		return 0;
	if (*pmd & PTE_ACCESSED) {
		*pmd &= ~PTE_ACCESSED;
		flush_tlb_page(walk->mm, addr);
	}
	page_clear(head, PG_referenced);
	if (!cw->pageout)
		deactivate_page(head);
	else if (!page_test(head, PG_unevictable) && !isolate_lru_page(head))
		list_add_tail(&head->lru, &cw->page_list);
	return 0;
}

static const struct mm_walk_ops cold_walk_ops = { .pmd_entry = cold_or_pageout_pmd,
						  .pte_entry = cold_or_pageout_pte };

/* Linux's can_do_file_pageout: a shared file mapping's pages are paged
 * out only for a process that could write the file - otherwise it could
 * learn, by the time a later read takes, what other users of the file
 * touch. */
static bool can_do_file_pageout(struct vm_area_struct *vma)
{
	struct inode *inode = vma->vm_file->f_inode;

	return current->cred->fsuid == inode->i_uid || capable(CAP_FOWNER) ||
	       inode_permission(inode, MAY_WRITE) == 0;
}

static int madvise_cold_or_pageout(struct mm_struct *mm, unsigned long start, unsigned long end,
				   const struct madvice *m)
{
	struct cold_walk cw = { .pageout = m->advice == MADV_PAGEOUT };

	INIT_LIST_HEAD(&cw.page_list);
	for (struct vm_area_struct *vma = find_vma(mm, start); vma && vma->vm_start < end;
	     vma = vma_next(mm, vma)) {
		if (cw.pageout && vma->vm_file && (vma->vm_flags & VM_SHARED) &&
		    !can_do_file_pageout(vma))
			continue;
		walk_page_range(mm, MAX(start, vma->vm_start), MIN(end, vma->vm_end),
				&cold_walk_ops, &cw);
	}
	if (cw.pageout)
		reclaim_pages(&cw.page_list);
	return 0;
}

/* The advice Linux 6.1 accepts (madvise_behavior_valid). */
static const struct madvice advice_table[] = {
	{ .advice = MADV_NORMAL }, { .advice = MADV_RANDOM },
	{ .advice = MADV_SEQUENTIAL }, { .advice = MADV_WILLNEED },
	{ .advice = MADV_DONTNEED, .apply = madvise_dontneed, .refuse = VM_LOCKED },
	{ .advice = MADV_DONTNEED_LOCKED, .apply = madvise_dontneed },
	{ .advice = MADV_FREE, .apply = madvise_dontneed, .refuse = VM_LOCKED | VM_SHARED | VM_HUGETLB },
	{ .advice = MADV_REMOVE, .apply = madvise_remove },
	{ .advice = MADV_DONTFORK, .apply = madvise_update_flags, .set = VM_DONTCOPY },
	{ .advice = MADV_DOFORK, .apply = madvise_update_flags, .clear = VM_DONTCOPY },
	{ .advice = MADV_WIPEONFORK, .apply = madvise_update_flags, .set = VM_WIPEONFORK, .refuse = VM_SHARED },
	{ .advice = MADV_KEEPONFORK, .apply = madvise_update_flags, .clear = VM_WIPEONFORK },
	{ .advice = MADV_MERGEABLE }, { .advice = MADV_UNMERGEABLE },  /* no page merging (KSM) */
	/* As Linux: a huge page already there stays. */
	{ .advice = MADV_HUGEPAGE, .apply = madvise_hugepage, .set = VM_HUGEPAGE,
	  .clear = VM_NOHUGEPAGE },
	{ .advice = MADV_NOHUGEPAGE, .apply = madvise_update_flags, .set = VM_NOHUGEPAGE,
	  .clear = VM_HUGEPAGE },
	{ .advice = MADV_DONTDUMP }, { .advice = MADV_DODUMP },        /* no core dumps */
	{ .advice = MADV_COLD, .apply = madvise_cold_or_pageout, .refuse = VM_LOCKED,
	  .mmap_read = true },
	{ .advice = MADV_PAGEOUT, .apply = madvise_cold_or_pageout, .refuse = VM_LOCKED,
	  .mmap_read = true },
	{ .advice = MADV_POPULATE_READ, .apply = madvise_populate },
	{ .advice = MADV_POPULATE_WRITE, .apply = madvise_populate },
	{ .advice = MADV_COLLAPSE, .apply = madvise_collapse_range },
};

static const struct madvice *find_advice(unsigned long advice)
{
	for (size_t i = 0; i < ARRAY_SIZE(advice_table); i++)
		if (advice_table[i].advice == advice)
			return &advice_table[i];
	return NULL;
}

/* The page at va as get_user_pages would give it for reading: not in an
 * area user mode may not touch (PROT_NONE), not if it is poisoned. */
static struct page *get_readable_page(struct mm_struct *mm, unsigned long va)
{
	struct vm_area_struct *vma = find_vma(mm, va);

	if (!vma || va < vma->vm_start || !(vma->vm_flags & (VM_READ | VM_WRITE | VM_EXEC)))
		return NULL;
	return get_user_page(mm, va);
}

/* Each page of the range in turn; a page that cannot be had (unmapped,
 * PROT_NONE or already poisoned) ends it with -EFAULT, as get_user_pages
 * would. Only root may (Linux: CAP_SYS_ADMIN, else EPERM). The next
 * address is a page size further - 2 MiB after a frame of a huge page,
 * whose poisoning costs all of it (Linux: page_size(compound_head)). */
static long inject_error(unsigned long advice, unsigned long start, unsigned long end)
{
	if (!capable(CAP_SYS_ADMIN))
		return -EPERM;
	for (unsigned long va = start, size; va < end; va += size) {
		struct page *page = get_readable_page(current->mm, va);
		if (!page)
			return -EFAULT;
		size = PAGE_SIZE << compound_order(compound_head(page));
		unsigned long pfn = page_to_pfn(page);
		if (advice == MADV_SOFT_OFFLINE) {
			pr_info("Soft offlining pfn %#lx at process virtual address %#lx\n", pfn, va);
			if (soft_offline_page(pfn))
				return -EBUSY;
			continue;
		}
		pr_info("Injecting memory failure for pfn %#lx at process virtual address %#lx\n",
			pfn, va);
		int err = memory_failure(pfn, MF_SW_SIMULATED);
		/* -EOPNOTSUPP: the hwpoison filters left it alone (not an error). */
		if (err && err != -EBUSY && err != -EOPNOTSUPP)
			return err;
	}
	return 0;
}

/* Does any area of [start, end) have a flag the advice refuses? */
static bool refused(struct mm_struct *mm, unsigned long start, unsigned long end,
		    unsigned long flags)
{
	for (struct vm_area_struct *vma = find_vma(mm, start); vma && vma->vm_start < end;
	     vma = vma_next(mm, vma))
		if (vma->vm_flags & flags)
			return true;
	return false;
}

/* The checks in Linux's order (do_madvise): advice, alignment, a length
 * that wraps (even one that rounds up to 0), an empty range. */
static long do_madvise(struct mm_struct *mm, uint64_t start, uint64_t len, uint64_t advice)
{
	const struct madvice *m = find_advice(advice);
	bool inject = advice == MADV_HWPOISON || advice == MADV_SOFT_OFFLINE;
	unsigned long end;

	if (!m && !inject)
		return -EINVAL;
	if (start & ~PAGE_MASK || (len && !ALIGN_UP(len, PAGE_SIZE)) || !range_end(start, len, &end) ||
	    !access_ok(start, end - start))
		return -EINVAL;
	if (end == start)
		return 0;
	if (inject)
		return inject_error(advice, start, start + len); /* before any range check */
	if (!range_mapped(mm, start, end))
		return -ENOMEM;
	if (refused(mm, start, end, m->refuse))
		return -EINVAL;
	return m->apply ? m->apply(mm, start, end, m) : 0;
}

/* Advice that only looks at pages takes the lock to read: reclaim,
 * unmapping its pages, leaves an address space alone while it is held
 * to write (mm/rmap.c: try_to_unmap). */
long sys_madvise(uint64_t start, uint64_t len, uint64_t advice)
{
	struct mm_struct *mm = current->mm;
	const struct madvice *m = find_advice(advice);
	bool read = m && m->mmap_read;
	long ret;

	if (read)
		mmap_read_lock(mm);
	else
		mmap_write_lock(mm);
	ret = do_madvise(mm, start, len, advice);
	if (read)
		mmap_read_unlock(mm);
	else
		mmap_write_unlock(mm);
	return ret;
}
