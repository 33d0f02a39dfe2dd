/*
 * User page faults. An access to an address inside an area, with the
 * area's permission, that finds no page gets a fresh zeroed one ("demand
 * zero"): that is how the stack, the heap and anonymous mmap() memory
 * come into existence, one page at a time.
 */
#include "mm/fault.h"
#include "kernel/errno.h"
#include "lib/string.h"
#include "mm/buddy.h"
#include "mm/mmap.h"
#include "mm/paging.h"
#include "mm/pgtable.h"
#include "mm/rmap.h"
#include "mm/swap.h"

static bool access_permitted(const struct vm_area_struct *vma, unsigned error)
{
	if (error & PF_WRITE)
		return vma->vm_flags & VM_WRITE;
	if (error & PF_INSTR)
		return vma->vm_flags & VM_EXEC;
	return vma->vm_flags & (VM_READ | VM_EXEC);
}

static int do_anonymous_page(struct vm_area_struct *vma, unsigned long addr)
{
	struct mm_struct *mm = vma->vm_mm;

	if (anon_vma_prepare(vma))
		return -ENOMEM;
	struct page *page = alloc_page(); /* zeroed (mm/buddy.c:clear_block) */
	if (!page)
		return -ENOMEM;
	if (map_user_page(mm, addr & PAGE_MASK, page, vma->vm_flags)) {
		put_page(page); /* still a plain page: nothing to undo */
		return -ENOMEM;
	}
	page_add_new_anon_rmap(page, vma, addr & PAGE_MASK);
	lru_cache_add(page);
	return 0;
}

const struct vm_operations_struct anon_vm_ops = {
	.name = "anon",
	.fault = do_anonymous_page,
};

/*
 * A write to a page shared copy-on-write (after fork), or to a file's
 * page-cache page in a private area. An anonymous page nobody else maps
 * any more simply becomes writable again; otherwise the writer gets its
 * own anonymous copy and lets go of the shared page.
 */
static int do_wp_page(struct mm_struct *mm, struct vm_area_struct *vma, unsigned long addr,
		      uint64_t *pte)
{
	struct page *old = pfn_to_page((*pte & PTE_ADDR_MASK) >> PAGE_SHIFT);

	if (page_test(old, PG_anon) && old->mapcount == 1 && old->refcount == 1) {
		*pte |= PTE_WRITE;
		flush_tlb_page(mm, addr);
		return 0;
	}
	if (anon_vma_prepare(vma)) /* a private file area's first copy */
		return -ENOMEM;
	struct page *new = alloc_page();
	if (!new)
		return -ENOMEM;
	/* The allocation may have slept in reclaim, and meanwhile reclaim, a
	 * truncation or memory_failure taken old out of this PTE (and freed
	 * it): fault again (Linux: pte_same). */
	if (!pte_present(*pte) || pte_pfn(*pte) != page_to_pfn(old)) {
		put_page(new);
		return 0;
	}
	memcpy(page_address(new), page_address(old), PAGE_SIZE);
	page_add_new_anon_rmap(new, vma, addr & PAGE_MASK);
	lru_cache_add(new);
	new->mapcount = 1;
	*pte = (*pte & ~PTE_ADDR_MASK) | ((uint64_t)page_to_pfn(new) << PAGE_SHIFT) | PTE_WRITE;
	flush_tlb_page(mm, addr);
	old->mapcount--;
	put_page(old);
	return 0;
}

/* The first write to a page of a shared file area: the file learns that
 * the page is dirty (set_page_dirty), then the PTE lets writes through
 * until write-back cleans it again (page_mkclean). */
static int wp_page_shared(struct vm_area_struct *vma, unsigned long addr, uint64_t *pte)
{
	struct page *page = pfn_to_page(pte_pfn(*pte));

	get_page(page); /* page_mkwrite may sleep: reclaim must leave the page mapped */
	int err = vma->vm_ops->page_mkwrite(vma, page);
	put_page(page);
	if (err)
		return err;
	*pte |= PTE_WRITE | PTE_DIRTY;
	flush_tlb_page(vma->vm_mm, addr);
	return 0;
}

/* A write to a present page the PTE does not let it write. */
static int do_write_protected(struct vm_area_struct *vma, unsigned long addr, uint64_t *pte)
{
	if ((vma->vm_flags & VM_SHARED) && vma->vm_ops->page_mkwrite)
		return wp_page_shared(vma, addr, pte);
	return do_wp_page(vma->vm_mm, vma, addr, pte); /* the area allows it: copy-on-write */
}

struct page *get_user_page(struct mm_struct *mm, unsigned long addr)
{
	struct vm_area_struct *vma = find_vma(mm, addr);

	if (!vma || addr < vma->vm_start)
		return NULL;
	uint64_t *pte = walk_pte(mm->pgd, addr, false);
	if (pte && is_hwpoison_entry(*pte))
		return NULL;
	if (!pte || !pte_present(*pte)) {
		if (vma->vm_ops->fault(vma, addr))
			return NULL;
		pte = walk_pte(mm->pgd, addr, false);
	}
	return pfn_to_page(pte_pfn(*pte));
}

int handle_mm_fault(struct mm_struct *mm, unsigned long addr, unsigned error, int *si_code)
{
	struct vm_area_struct *vma = find_vma(mm, addr);

	if (!vma || addr < vma->vm_start) {
		*si_code = SEGV_MAPERR;
		return -EFAULT;
	}
	if (!access_permitted(vma, error)) {
		*si_code = SEGV_ACCERR;
		return -EFAULT;
	}
	uint64_t *pte = walk_pte(mm->pgd, addr, false);
	if (pte && is_hwpoison_entry(*pte))
		return -EHWPOISON; /* its page was corrupt: SIGBUS, not a new page */
	if (!pte || !pte_present(*pte)) {
		int err = vma->vm_ops->fault(vma, addr);

		if (err || !(error & PF_WRITE))
			return err;
		/* A file page comes in read-only: go on with the write. */
		pte = walk_pte(mm->pgd, addr, false);
	}
	if (pte && pte_present(*pte) && (error & PF_WRITE) && !(*pte & PTE_WRITE))
		return do_write_protected(vma, addr, pte);
	return 0; /* there now, or the kernel faulted it in meanwhile */
}
