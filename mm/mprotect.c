/*
 * Changing an area's rights (mprotect), keeping it in memory (mlock,
 * munlock) and msync - the calls that act on every area of a range.
 */
#include "kernel/errno.h"
#include "kernel/proc.h"
#include "kernel/syscall.h"
#include "kernel/uaccess.h"
#include "mm/fault.h"
#include "mm/mmap.h"
#include "mm/paging.h"
#include "mm/pgtable.h"

#define MS_ASYNC 1
#define MS_INVALIDATE 2
#define MS_SYNC 4

/* The range a call names: page-aligned start, length rounded up. */
static long check_range(uint64_t start, uint64_t len, unsigned long *end)
{
	*end = start + ALIGN_UP(len, PAGE_SIZE);
	if (start & ~PAGE_MASK || !access_ok(start, *end - start) || *end < start)
		return -EINVAL;
	return 0;
}

/* New PTE bits for a present page. A private page still shared after
 * fork stays read-only: its first write must copy it. */
static void protect_vma(struct vm_area_struct *vma, void *arg)
{
	unsigned long flags = *(unsigned long *)arg;
	struct mm_struct *mm = vma->vm_mm;

	vma->vm_flags = (vma->vm_flags & ~(VM_READ | VM_WRITE | VM_EXEC)) | flags;
	for (unsigned long va = vma->vm_start; va < vma->vm_end; va += PAGE_SIZE) {
		uint64_t *pte = walk_pte(mm->pgd, va, false);
		if (!pte || !(*pte & PTE_PRESENT))
			continue;
		const struct page *page = pfn_to_page((*pte & PTE_ADDR_MASK) >> PAGE_SHIFT);
		bool shared_cow = !(vma->vm_flags & VM_SHARED) && page->mapcount > 1;
		*pte &= ~(PTE_WRITE | PTE_NX);
		if ((flags & VM_WRITE) && !shared_cow)
			*pte |= PTE_WRITE;
		if (!(flags & VM_EXEC))
			*pte |= PTE_NX;
		flush_tlb_page(mm, va);
	}
}

long sys_mprotect(uint64_t start, uint64_t len, uint64_t prot)
{
	unsigned long end, flags = prot_to_vm_flags(prot);
	long err = check_range(start, len, &end);

	if (err)
		return err;
	if (prot & ~7UL)
		return -EINVAL;
	return for_each_vma_in(current->mm, start, end, protect_vma, &flags);
}

/* mlock: every page present now, and marked so. */
static void lock_vma(struct vm_area_struct *vma, void *arg)
{
	bool lock = *(bool *)arg;

	vma->vm_flags = lock ? vma->vm_flags | VM_LOCKED : vma->vm_flags & ~VM_LOCKED;
	for (unsigned long va = vma->vm_start; va < vma->vm_end; va += PAGE_SIZE) {
		struct page *page = lock ? get_user_page(vma->vm_mm, va) : NULL;
		uint64_t *pte = lock ? NULL : walk_pte(vma->vm_mm->pgd, va, false);
		if (pte && (*pte & PTE_PRESENT))
			page = pfn_to_page((*pte & PTE_ADDR_MASK) >> PAGE_SHIFT);
		if (page && lock)
			page_set(page, PG_mlocked);
		else if (page)
			page_clear(page, PG_mlocked);
	}
}

static long mlock_range(uint64_t start, uint64_t len, bool lock)
{
	unsigned long end;
	uint64_t aligned = start & PAGE_MASK;
	long err = check_range(aligned, len + (start - aligned), &end);

	return err ? err : for_each_vma_in(current->mm, aligned, end, lock_vma, &lock);
}

long sys_mlock(uint64_t start, uint64_t len)
{
	return mlock_range(start, len, true);
}

long sys_munlock(uint64_t start, uint64_t len)
{
	return mlock_range(start, len, false);
}

/* Anonymous memory has no file to write back to: only the checks. */
long sys_msync(uint64_t start, uint64_t len, uint64_t flags)
{
	unsigned long end;
	long err = check_range(start, len, &end);

	if (err)
		return err;
	if (flags & ~(uint64_t)(MS_ASYNC | MS_INVALIDATE | MS_SYNC) ||
	    ((flags & MS_ASYNC) && (flags & MS_SYNC)))
		return -EINVAL;
	return range_mapped(current->mm, start, end) ? 0 : -ENOMEM;
}
