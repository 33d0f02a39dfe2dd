/*
 * User page faults. An access to an address inside an area, with the
 * area's permission, that finds no page gets a fresh zeroed one ("demand
 * zero"): that is how the stack, the heap and anonymous mmap() memory
 * come into existence, one page at a time.
 */
#include "mm/fault.h"
#include "kernel/copy_mc.h"
#include "kernel/errno.h"
#include "kernel/panic.h"
#include "lib/string.h"
#include "mm/buddy.h"
#include "mm/huge_mm.h"
#include "mm/hugetlb.h"
#include "mm/mmap.h"
#include "mm/paging.h"
#include "mm/pgtable.h"
#include "mm/rmap.h"
#include "mm/swap.h"
#include "mm/swap_fault.h"
#include "mm/swap_state.h"

static bool access_permitted(const struct vm_area_struct *vma, unsigned error)
{
	if (error & PF_WRITE)
		return vma->vm_flags & VM_WRITE;
	if (error & PF_INSTR)
		return vma->vm_flags & VM_EXEC;
	return vma->vm_flags & (VM_READ | VM_EXEC);
}

/* The first touch of an anonymous page: a fresh zeroed one at the empty
 * PTE the fault found. */
static int do_anonymous_page(struct vm_area_struct *vma, unsigned long addr, uint64_t *pte)
{
	if (anon_vma_prepare(vma))
		return -ENOMEM;
	/* LAB 2: BEGIN */
	struct page *page = alloc_pages(GFP_HIGHUSER_MOVABLE | __GFP_ZERO, 0);
	if (!page)
		return -ENOMEM;
	/* Both allocations may have slept in reclaim, and meanwhile another
	 * thread of this process faulted the same page in: keep its page
	 * (Linux: the pte_none check under the page-table lock). */
	if (!pte_none(*pte)) {
		put_page(page);
		return 0;
	}
	page_add_new_anon_rmap(page, vma, addr & PAGE_MASK);
	lru_cache_add(page);
	set_user_pte(vma->vm_mm, pte, page, vma->vm_flags);
	/* Its only copy is here, so it is dirty from the start, written yet
	 * or not - MADV_POPULATE_WRITE's page too (Linux: do_anonymous_page's
	 * pte_mkdirty): memory_failure calls it a dirty LRU page. */
	if (vma->vm_flags & VM_WRITE)
		*pte |= PTE_DIRTY;
	return 0;
	/* LAB 2: STUB
	(void)addr, (void)pte;
	panic("lab 2: implement do_anonymous_page (mm/fault.c)");
	   LAB 2: END */
}

/* Anonymous areas have no ->fault: the fault path knows them by their
 * operations (Linux: vma_is_anonymous, which tests for none at all). */
const struct vm_operations_struct anon_vm_ops = {
	.name = "anon",
};

static bool vma_is_anonymous(const struct vm_area_struct *vma)
{
	return vma->vm_ops == &anon_vm_ops;
}

/* Nothing is mapped at addr yet (Linux: do_pte_missing): a zeroed page
 * for anonymous memory, the file's page from ->fault otherwise. */
static int do_pte_missing(struct vm_area_struct *vma, unsigned long addr, uint64_t *pte)
{
	if (vma_is_anonymous(vma))
		return do_anonymous_page(vma, addr, pte);
	return vma->vm_ops->fault(vma, addr);
}

/* No page at the PTE: a new one, or - for a swap entry (a hwpoison
 * entry never gets here) - the swapped-out one back (Linux:
 * handle_pte_fault). */
static int do_page_in(struct vm_area_struct *vma, unsigned long addr, uint64_t *pte, bool write)
{
	if (is_swap_pte(*pte))
		return do_swap_page(vma, addr, pte, write);
	return do_pte_missing(vma, addr, pte);
}

/* An anonymous page that is this mapping's alone: mapped once, held by
 * nobody but the swap cache if it is there, its slot counted by no other
 * PTE (Linux 6.1: PageAnonExclusive). */
static bool anon_page_exclusive(const struct page *page)
{
	bool cached = page_test(page, PG_swapcache);

	return page_test(page, PG_anon) && page->mapcount == 1 && page->refcount == 1 + cached &&
	       (!cached || __swap_count(page_swap_entry(page)) == 0);
}

/*
 * A write to a page shared copy-on-write (after fork), or to a file's
 * page-cache page in a private area. An anonymous page nobody else has
 * any more simply becomes writable again - a swap-cache page stays in the
 * swap cache, dirty through its PTE, as Linux 6.1's wp_page_reuse leaves
 * it: reclaim writes it to its slot again (and memory_failure calls it a
 * dirty swapcache page); otherwise the writer gets its own anonymous copy
 * and lets go of the shared page.
 */
static int do_wp_page(struct mm_struct *mm, struct vm_area_struct *vma, unsigned long addr,
		      uint64_t *pte)
{
	/* LAB 2: BEGIN */
	struct page *old = pfn_to_page((*pte & PTE_ADDR_MASK) >> PAGE_SHIFT);

	if (anon_page_exclusive(old)) {
		*pte |= PTE_WRITE | PTE_DIRTY;
		flush_tlb_page(mm, addr);
		return 0;
	}
	if (anon_vma_prepare(vma)) /* a private file area's first copy */
		return -ENOMEM;
	struct page *new = alloc_pages(GFP_HIGHUSER_MOVABLE, 0); /* a copy: not zeroed */
	if (!new)
		return -ENOMEM;
	/* The allocation may have slept in reclaim, and meanwhile reclaim, a
	 * truncation or memory_failure taken old out of this PTE (and freed
	 * it): fault again (Linux: pte_same). */
	if (!pte_present(*pte) || pte_pfn(*pte) != page_to_pfn(old)) {
		put_page(new);
		return 0;
	}
	/* The old page may have gone bad: then the copy fails, the #MC
	 * handler hands the page to memory_failure, and the writer gets
	 * SIGBUS BUS_MCEERR_AR (Linux 6.2's __wp_page_copy_user). */
	if (copy_mc_to_kernel(page_address(new), page_address(old), PAGE_SIZE)) {
		put_page(new);
		return -EHWPOISON;
	}
	page_add_new_anon_rmap(new, vma, addr & PAGE_MASK);
	lru_cache_add(new);
	new->mapcount = 1;
	*pte = mk_pte(new, vma->vm_flags) | PTE_ACCESSED | PTE_DIRTY; /* Linux: maybe_mkwrite(pte_mkdirty) */
	flush_tlb_page(mm, addr);
	old->mapcount--;
	put_page(old);
	return 0;
	/* LAB 2: STUB
	(void)mm, (void)vma, (void)addr, (void)pte, (void)anon_page_exclusive; // for your code
	panic("lab 2: implement do_wp_page (mm/fault.c)");
	   LAB 2: END */
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

/*
 * The PTE for addr, with the page-table levels above it made on the way
 * if missing (Linux: __handle_mm_fault's p4d/pud/pmd_alloc, then
 * pte_alloc): one walk serves the whole fault, however it is resolved.
 * A page table stays until munmap leaves it outside every area
 * (free_pgtables) or the address space goes (pgd_free).
 */
static uint64_t *fault_pte(struct mm_struct *mm, unsigned long addr)
{
	return walk_pte(mm->pgd, addr, true);
}

struct page *get_user_page(struct mm_struct *mm, unsigned long addr)
{
	struct vm_area_struct *vma = find_vma(mm, addr);

	if (!vma || addr < vma->vm_start)
		return NULL;
	if (is_vm_hugetlb_page(vma))
		return hugetlb_get_user_page(vma, addr);
	uint64_t *pmd = walk_pmd(mm->pgd, addr, false);
	if (pmd && pmd_trans_huge(*pmd))
		return follow_trans_huge_pmd(*pmd, addr);
	uint64_t *pte = fault_pte(mm, addr);
	if (!pte || is_hwpoison_entry(*pte))
		return NULL;
	if (!pte_present(*pte) && do_page_in(vma, addr, pte, false))
		return NULL;
	/* A file page truncated meanwhile leaves the PTE empty. */
	return pte_present(*pte) ? pfn_to_page(pte_pfn(*pte)) : NULL;
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
	if (is_vm_hugetlb_page(vma))
		return hugetlb_fault(mm, vma, addr, error);
	uint64_t *pmd = walk_pmd(mm->pgd, addr, true);
	if (!pmd)
		return -ENOMEM;
	int ret = huge_pmd_fault(vma, addr, pmd, error & PF_WRITE);
	if (ret != VM_FAULT_FALLBACK)
		return ret; /* a huge page served it (mm/huge_memory.c) */
	uint64_t *pte = fault_pte(mm, addr);
	if (!pte)
		return -ENOMEM;
	if (is_hwpoison_entry(*pte))
		return -EHWPOISON; /* its page was corrupt: SIGBUS, not a new page */
	/* An armed frame (mce/latent.c): the access reads bad memory - unless
	 * it is a write the PTE would not allow, which real hardware stops
	 * before any memory is touched: copy-on-write, below. */
	if (pte_latent(*pte) && !((error & PF_WRITE) && !(*pte & PTE_WRITE)))
		return FAULT_LATENT;
	if (!pte_present(*pte)) {
		int err = do_page_in(vma, addr, pte, error & PF_WRITE);

		/* A file page comes in read-only: a write goes on below. */
		if (err || !(error & PF_WRITE))
			return err;
	}
	if (pte_present(*pte) && (error & PF_WRITE) && !(*pte & PTE_WRITE))
		return do_write_protected(vma, addr, pte);
	return 0; /* there now, or the kernel faulted it in meanwhile */
}
