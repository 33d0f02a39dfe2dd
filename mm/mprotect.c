/*
 * Changing an area's rights (mprotect), keeping it in memory (mlock,
 * munlock, mlockall, munlockall) and msync - the calls that act on every
 * area of a range.
 */
#include "fs/file.h"
#include "kernel/errno.h"
#include "kernel/proc.h"
#include "kernel/signal.h"
#include "kernel/syscall.h"
#include "kernel/uaccess.h"
#include "mm/fault.h"
#include "mm/huge_mm.h"
#include "mm/hugetlb.h"
#include "mm/mmap.h"
#include "mm/mmap_lock.h"
#include "mm/pagewalk.h"
#include "mm/paging.h"
#include "mm/pgtable.h"

#define MCL_CURRENT 1 /* mlockall: the areas there are now */
#define MCL_FUTURE 2  /* ... and every area mapped from now on */
#define MCL_ONFAULT 4 /* ... locked as pages fault in (not supported) */

#define MS_ASYNC 1
#define MS_INVALIDATE 2
#define MS_SYNC 4

/* New PTE bits for each present page. A private page still shared
 * after fork stays read-only: its first write must copy it. So does a
 * file's page-cache page: its first write either dirties it (a shared
 * area, page_mkwrite) or copies it (a private one) - never a write to
 * the file behind the fault's back. */
static int protect_pte(uint64_t *pte, unsigned long addr, unsigned long next,
		       struct mm_walk *walk)
{
	const struct vm_area_struct *vma = walk->vma;

	(void)next;
	if (!pte_present(*pte))
		return 0;
	const struct page *page = pfn_to_page(pte_pfn(*pte));
	bool shared_cow = !(vma->vm_flags & VM_SHARED) && page->mapcount > 1;
	bool file_page = !page_test(page, PG_anon);
	unsigned long vm_flags = shared_cow || file_page ? vma->vm_flags & ~VM_WRITE : vma->vm_flags;
	uint64_t keep = *pte & (PTE_ACCESSED | PTE_DIRTY);
	*pte = keep | mk_pte(page, vm_flags);
	flush_tlb_page(walk->mm, addr);
	return 0;
}

/* A huge page wholly in the area takes the new rights whole, unless they
 * are PROT_NONE (kept for 4 KiB PTEs: a PROT_NONE PMD would look absent
 * to the walker); otherwise it is split and its PTEs change one by one. */
static int protect_pmd(uint64_t *pmd, unsigned long addr, unsigned long next,
		       struct mm_walk *walk)
{
	if (!pmd_trans_huge(*pmd))
		return 0;
	if (next - addr == HPAGE_PMD_SIZE && (walk->vma->vm_flags & (VM_READ | VM_WRITE | VM_EXEC)))
		change_huge_pmd(walk->vma, pmd, addr);
	else
		split_huge_pmd(walk->vma, pmd, addr);
	return 0;
}

static const struct mm_walk_ops protect_ops = { .pmd_entry = protect_pmd,
						.pte_entry = protect_pte,
						.hugetlb_entry = hugetlb_protect_entry };

static int protect_vma(struct vm_area_struct *vma, void *arg)
{
	unsigned long flags = *(unsigned long *)arg;

	/* A shared mapping of a file opened read-only may never write it
	 * (Linux: no VM_MAYWRITE). */
	if ((flags & VM_WRITE) && (vma->vm_flags & VM_SHARED) && vma->vm_file &&
	    !(vma->vm_file->f_mode & FMODE_WRITE))
		return -EACCES;
	vma->vm_flags = (vma->vm_flags & ~(VM_READ | VM_WRITE | VM_EXEC)) | flags;
	return walk_page_range(vma->vm_mm, vma->vm_start, vma->vm_end, &protect_ops, NULL);
}

long sys_mprotect(uint64_t start, uint64_t len, uint64_t prot)
{
	unsigned long end, flags = prot_to_vm_flags(prot);

	if (start & ~PAGE_MASK || prot & ~7UL)
		return -EINVAL;
	if (!len)
		return 0;
	if (!range_end(start, len, &end) || end == start)
		return -ENOMEM; /* as Linux: a range past the end has no areas */
	mmap_write_lock(current->mm);
	long ret = for_each_vma_in(current->mm, start, end, protect_vma, &flags);
	mmap_write_unlock(current->mm);
	return ret;
}

static int munlock_pte(uint64_t *pte, unsigned long addr, unsigned long next,
		       struct mm_walk *walk)
{
	(void)addr, (void)next, (void)walk;
	if (pte_present(*pte))
		page_clear(pfn_to_page(pte_pfn(*pte)), PG_mlocked);
	return 0;
}

static int munlock_pmd(uint64_t *pmd, unsigned long addr, unsigned long next,
		       struct mm_walk *walk)
{
	(void)addr, (void)next, (void)walk;
	if (pmd_trans_huge(*pmd))
		page_clear(pfn_to_page(pmd_pfn(*pmd)), PG_mlocked);
	return 0;
}

static int munlock_hugetlb(uint64_t *pte, unsigned long hmask, unsigned long addr,
			   unsigned long next, struct mm_walk *walk)
{
	(void)hmask, (void)addr, (void)next, (void)walk;
	if (pte_present(*pte))
		page_clear(pfn_to_page(pmd_pfn(*pte)), PG_mlocked);
	return 0;
}

static const struct mm_walk_ops munlock_ops = { .pmd_entry = munlock_pmd,
						.pte_entry = munlock_pte,
						.hugetlb_entry = munlock_hugetlb };

/* munlock: the pages present are evictable again. */
static int munlock_vma(struct vm_area_struct *vma, void *arg)
{
	(void)arg;
	vma->vm_flags &= ~VM_LOCKED;
	return walk_page_range(vma->vm_mm, vma->vm_start, vma->vm_end, &munlock_ops, NULL);
}

/*
 * mlock: every page present now, and marked so. As in Linux, a PROT_NONE
 * area is locked but not populated, and a page that cannot be had (no
 * memory, poisoned) ends the area's population without failing the call.
 */
/* Where mlock starts populating vma. The stack is one area of its whole
 * size (kernel/exec.c), where Linux's grows down as it is used: only its
 * used part - the entries from the top down to the first empty one - is
 * populated, as Linux's smaller area would be. */
static unsigned long mlock_start(struct vm_area_struct *vma)
{
	unsigned long va = vma->vm_end;

	if (!(vma->vm_flags & VM_GROWSDOWN))
		return vma->vm_start;
	for (; va > vma->vm_start; va -= PAGE_SIZE) {
		uint64_t *pte = walk_pte(vma->vm_mm->pgd, va - PAGE_SIZE, false);
		if (!pte || pte_none(*pte))
			break;
	}
	return va;
}

int mlock_vma(struct vm_area_struct *vma, void *arg)
{
	(void)arg;
	vma->vm_flags |= VM_LOCKED;
	if (!(vma->vm_flags & (VM_READ | VM_WRITE | VM_EXEC)))
		return 0;
	for (unsigned long va = mlock_start(vma); va < vma->vm_end; va += PAGE_SIZE) {
		struct page *page = get_user_page(vma->vm_mm, va);
		if (!page)
			return 0;
		page_set(compound_head(page), PG_mlocked); /* a huge page: all of it */
		if (fatal_signal_pending(current))
			return -EINTR;
	}
	return 0;
}

static long mlock_range(uint64_t start, uint64_t len, bool lock)
{
	unsigned long end;
	uint64_t aligned = start & PAGE_MASK;

	if (!range_end(aligned, len + (start - aligned), &end) || !access_ok(aligned, end - aligned))
		return -EINVAL;
	if (end == aligned)
		return 0; /* (a len that rounds up to 0, too, as in Linux) */
	mmap_write_lock(current->mm);
	long ret = for_each_vma_in(current->mm, aligned, end, lock ? mlock_vma : munlock_vma, NULL);
	mmap_write_unlock(current->mm);
	return ret;
}

long sys_mlock(uint64_t start, uint64_t len)
{
	return mlock_range(start, len, true);
}

long sys_munlock(uint64_t start, uint64_t len)
{
	return mlock_range(start, len, false);
}

/* Each area of mm, lowest first, until fn fails. */
static int for_each_vma(struct mm_struct *mm, int (*fn)(struct vm_area_struct *vma, void *arg))
{
	int err = 0;

	for (struct vm_area_struct *vma = find_vma(mm, 0); !err && vma; vma = vma_next(mm, vma))
		err = fn(vma, NULL);
	return err;
}

/*
 * mlockall (Linux: mm/mlock.c): MCL_CURRENT locks every area now, as
 * mlock of each would; MCL_FUTURE makes every later mmap and brk area
 * locked and populated (mm->def_flags), until munlockall or execve.
 * MCL_ONFAULT - lock pages only as they fault in - is refused (EINVAL):
 * this kernel has no VM_LOCKONFAULT.
 */
long sys_mlockall(uint64_t flags)
{
	struct mm_struct *mm = current->mm;
	long err = 0;

	if (!(flags & (MCL_CURRENT | MCL_FUTURE)) || flags & ~(uint64_t)(MCL_CURRENT | MCL_FUTURE))
		return -EINVAL;
	mmap_write_lock(mm);
	mm->def_flags = flags & MCL_FUTURE ? VM_LOCKED : 0;
	if (flags & MCL_CURRENT)
		err = for_each_vma(mm, mlock_vma);
	mmap_write_unlock(mm);
	return err;
}

long sys_munlockall(void)
{
	struct mm_struct *mm = current->mm;

	mmap_write_lock(mm);
	mm->def_flags = 0;
	long err = for_each_vma(mm, munlock_vma);
	mmap_write_unlock(mm);
	return err;
}

/* MS_SYNC on a shared file area: write its part of the file and wait,
 * reporting what this open file has not seen yet (Linux: msync's
 * vfs_fsync_range(file, fstart, fend, 1)). Anonymous and private areas
 * have nothing to write. */
static int msync_vma(struct vm_area_struct *vma, void *arg)
{
	uint64_t flags = *(uint64_t *)arg;
	struct file *file = vma->vm_file;

	if (!(flags & MS_SYNC) || !file || !(vma->vm_flags & VM_SHARED) || !file->f_op->fsync)
		return 0;
	loff_t fstart = (loff_t)vma->vm_pgoff << PAGE_SHIFT;
	return file->f_op->fsync(file, fstart, fstart + (loff_t)(vma->vm_end - vma->vm_start) - 1, 1);
}

long sys_msync(uint64_t start, uint64_t len, uint64_t flags)
{
	unsigned long end;

	if (start & ~PAGE_MASK || flags & ~(uint64_t)(MS_ASYNC | MS_INVALIDATE | MS_SYNC) ||
	    ((flags & MS_ASYNC) && (flags & MS_SYNC)))
		return -EINVAL;
	if (!range_end(start, len, &end))
		return -ENOMEM;
	if (end == start)
		return 0;
	/* The areas are split to the range, so each one's file range is its own. */
	mmap_write_lock(current->mm);
	long ret = for_each_vma_in(current->mm, start, end, msync_vma, &flags);
	mmap_write_unlock(current->mm);
	return ret;
}
