/*
 * Mapping hugetlb pages (Linux: mm/hugetlb.c's page-table half). A
 * hugetlb area (VM_HUGETLB) maps a hugetlbfs file, and each of its 2 MiB
 * pages is one page-directory entry with PTE_HUGE - present, or a
 * hwpoison entry where memory_failure took the page away. The generic
 * code reaches this file through small branches on is_vm_hugetlb_page:
 * the fault (hugetlb_fault), get_user_page, the page-table walker's
 * hugetlb_entry (unmapping, fork), the reverse map (mm/rmap.c).
 *
 * A shared area maps the file's page-cache pages, writable. A private
 * one maps them read-only and copies a page on the first write (COW),
 * and a hole gets a private page at once; its private pages are
 * anonymous (an anon_vma), and fork shares them copy-on-write. Hugetlb
 * pages are not counted in a process's RSS but in its hugetlb_usage
 * (/proc/PID/status HugetlbPages), as in Linux.
 */
#include "mm/hugetlb.h"
#include "fs/file.h"
#include "fs/fs.h"
#include "kernel/copy_mc.h"
#include "kernel/errno.h"
#include "kernel/proc.h"
#include "mm/buddy.h"
#include "mm/fault.h"
#include "mm/pagewalk.h"
#include "mm/pgtable.h"
#include "mm/rmap.h"
#include "mm/slab.h"

/* ---- a private area's reservation -------------------------------------- */

/* Shared by the pieces a split makes of the area (vm_private_data); a
 * fork's copy has none (Linux: only the owner of the mapping has its
 * reservation), its copies come from the unreserved free pages. */
struct hugetlb_vma_resv {
	int refcount;
	unsigned long count; /* pages still promised */
};

int hugetlb_vma_reserve(struct vm_area_struct *vma, unsigned long pages)
{
	struct hugetlb_vma_resv *resv = kzalloc(sizeof(*resv));

	if (!resv)
		return -ENOMEM;
	if (hugetlb_acct_memory((long)pages)) {
		kfree(resv);
		return -ENOMEM;
	}
	*resv = (struct hugetlb_vma_resv){ .refcount = 1, .count = pages };
	vma->vm_private_data = resv;
	return 0;
}

static bool vma_consume_reserve(struct vm_area_struct *vma)
{
	struct hugetlb_vma_resv *resv = vma->vm_private_data;

	if (!resv || !resv->count)
		return false;
	resv->count--;
	return true;
}

static void hugetlb_vm_op_open(struct vm_area_struct *vma)
{
	struct hugetlb_vma_resv *resv = vma->vm_private_data;

	if (resv)
		resv->refcount++;
}

static void hugetlb_vm_op_close(struct vm_area_struct *vma)
{
	struct hugetlb_vma_resv *resv = vma->vm_private_data;

	if (!resv || --resv->refcount)
		return;
	hugetlb_acct_memory(-(long)resv->count);
	kfree(resv);
}

/* Faults never come here: handle_mm_fault sends hugetlb areas to
 * hugetlb_fault before it would look. */
const struct vm_operations_struct hugetlb_vm_ops = {
	.name = "hugetlb",
	.open = hugetlb_vm_op_open,
	.close = hugetlb_vm_op_close,
};

/* ---- faults ------------------------------------------------------------- */

static uint64_t make_huge_pte(const struct page *head, unsigned long vm_flags)
{
	return mk_pte(head, vm_flags) | PTE_HUGE;
}

static void set_huge_pte(struct vm_area_struct *vma, unsigned long haddr, uint64_t *pte,
			 struct page *head, unsigned long vm_flags)
{
	*pte = make_huge_pte(head, vm_flags);
	head->mapcount++;
	vma->vm_mm->hugetlb_usage += PAGES_PER_HUGE_PAGE;
	flush_tlb_page(vma->vm_mm, haddr);
}

/* The file's page for a shared area's fault, allocated (against the
 * file's reservation, if any) and added to its cache if missing. NULL:
 * the pool has no page for it. */
static struct page *shared_page(struct inode *inode, unsigned long hindex)
{
	struct page *page = hugetlbfs_find_page(inode->i_mapping, hindex);

	if (page)
		return page;
	page = alloc_huge_page(hugetlbfs_consume_reserve(inode, hindex));
	if (page && hugetlb_add_to_page_cache(page, inode->i_mapping, hindex)) {
		put_page(page);
		return NULL;
	}
	return page; /* the fault's reference, and the cache's */
}

/* A new private page at haddr: anonymous, from the area's reservation. */
static struct page *private_page(struct vm_area_struct *vma, unsigned long haddr)
{
	if (anon_vma_prepare(vma))
		return NULL;
	struct page *page = alloc_huge_page(vma_consume_reserve(vma));
	if (page) {
		page_add_new_anon_rmap(page, vma, haddr);
		page_set(page, PG_dirty); /* its only copy */
	}
	return page;
}

/* Nothing mapped at haddr (Linux: hugetlb_no_page). */
static int hugetlb_no_page(struct vm_area_struct *vma, unsigned long haddr, uint64_t *pte)
{
	struct inode *inode = vma->vm_file->f_inode;
	unsigned long index = linear_page_index(vma, haddr);
	unsigned long hindex = index >> HUGETLB_PAGE_ORDER;
	unsigned long vm_flags = vma->vm_flags;
	struct page *page;

	if ((loff_t)index << PAGE_SHIFT >= i_size_read(inode))
		return -EIO; /* beyond the end of the file: SIGBUS */
	if (vm_flags & VM_SHARED) {
		page = shared_page(inode, hindex);
	} else {
		page = hugetlbfs_find_page(inode->i_mapping, hindex);
		if (page)
			vm_flags &= ~VM_WRITE; /* the file's: copied on the first write */
		else
			page = private_page(vma, haddr);
	}
	if (!page)
		return -EIO; /* the pool is empty: SIGBUS, as in Linux */
	if (page_test(page, PG_hwpoison)) {
		put_page(page);
		return -EHWPOISON;
	}
	if (!pte_none(*pte)) { /* the allocation slept, and another thread mapped it */
		put_page(page);
		return 0;
	}
	set_huge_pte(vma, haddr, pte, page, vm_flags); /* the reference is the mapping's */
	return 0;
}

/* A write to a read-only huge page (Linux: hugetlb_wp): a shared area's
 * page, or a private area's own page mapped here only, becomes writable;
 * anything else is copied. A bad source fails the copy: SIGBUS
 * BUS_MCEERR_AR. */
static int hugetlb_wp(struct vm_area_struct *vma, unsigned long haddr, uint64_t *pte)
{
	struct page *old = pfn_to_page(pte_pfn(*pte));

	if ((vma->vm_flags & VM_SHARED) ||
	    (page_test(old, PG_anon) && old->mapcount == 1 && old->refcount == 1)) {
		*pte |= PTE_WRITE | PTE_DIRTY;
		flush_tlb_page(vma->vm_mm, haddr);
		return 0;
	}
	struct page *new = private_page(vma, haddr);
	if (!new)
		return -EIO;
	if (copy_mc_to_kernel(page_address(new), page_address(old), HPAGE_SIZE)) {
		put_page(new);
		return -EHWPOISON;
	}
	new->mapcount = 1;
	*pte = make_huge_pte(new, vma->vm_flags) | PTE_ACCESSED | PTE_DIRTY;
	flush_tlb_page(vma->vm_mm, haddr);
	old->mapcount--;
	put_page(old);
	return 0;
}

int hugetlb_fault(struct mm_struct *mm, struct vm_area_struct *vma, unsigned long addr,
		  unsigned error)
{
	unsigned long haddr = addr & HPAGE_MASK;
	uint64_t *pte = huge_pte_alloc(mm, haddr);

	if (!pte)
		return -ENOMEM;
	/* A poisoned page: -EHWPOISON, which kernel/trap.c makes SIGBUS
	 * BUS_MCEERR_AR with si_addr_lsb 21 - the whole 2 MiB is gone. */
	if (is_hwpoison_entry(*pte))
		return -EHWPOISON;
	if (!pte_present(*pte)) {
		int err = hugetlb_no_page(vma, haddr, pte);
		if (err || !(error & PF_WRITE))
			return err;
	}
	if ((error & PF_WRITE) && !(*pte & PTE_WRITE))
		return hugetlb_wp(vma, haddr, pte);
	return 0;
}

struct page *hugetlb_get_user_page(struct vm_area_struct *vma, unsigned long addr)
{
	unsigned long haddr = addr & HPAGE_MASK;
	uint64_t *pte = huge_pte_alloc(vma->vm_mm, haddr);

	if (!pte || is_hwpoison_entry(*pte))
		return NULL;
	if (!pte_present(*pte) && hugetlb_no_page(vma, haddr, pte))
		return NULL;
	struct page *head = pfn_to_page(pte_pfn(*pte));
	if (page_test(head, PG_hwpoison))
		return NULL;
	return head + ((addr & ~HPAGE_MASK) >> PAGE_SHIFT);
}

/* ---- the walker's hugetlb_entry: unmapping and fork -------------------- */

/* Unmap one huge page (Linux: __unmap_hugepage_range), or clear the
 * hwpoison entry that replaced it. */
int hugetlb_zap_entry(uint64_t *pte, unsigned long hmask, unsigned long addr,
		      unsigned long next, struct mm_walk *walk)
{
	(void)hmask, (void)next;
	if (pte_present(*pte)) {
		struct page *head = pfn_to_page(pte_pfn(*pte));
		if (pte_dirty(*pte))
			page_set(head, PG_dirty);
		head->mapcount--;
		walk->mm->hugetlb_usage -= PAGES_PER_HUGE_PAGE;
		put_page(head);
	}
	*pte = 0;
	flush_tlb_page(walk->mm, addr);
	return 0;
}

/* mprotect: the area's new rights for a mapped huge page (Linux:
 * hugetlb_change_protection). In a private area, a page still shared
 * after fork, or the file's own page, stays read-only: its first write
 * copies it. */
int hugetlb_protect_entry(uint64_t *pte, unsigned long hmask, unsigned long addr,
			  unsigned long next, struct mm_walk *walk)
{
	const struct vm_area_struct *vma = walk->vma;

	(void)hmask, (void)next;
	if (!pte_present(*pte))
		return 0; /* a hwpoison entry stays */
	const struct page *head = pfn_to_page(pte_pfn(*pte));
	unsigned long vm_flags = vma->vm_flags;
	if (!(vm_flags & VM_SHARED) && (!page_test(head, PG_anon) || head->mapcount > 1))
		vm_flags &= ~VM_WRITE;
	*pte = (*pte & (PTE_ACCESSED | PTE_DIRTY)) | make_huge_pte(head, vm_flags);
	flush_tlb_page(walk->mm, addr);
	return 0;
}

/* Share one huge page with the child (Linux: copy_hugetlb_page_range):
 * a private writable area's page becomes read-only on both sides, and
 * the first write copies it; a hwpoison entry is inherited. */
int copy_hugetlb_entry(uint64_t *spte, unsigned long hmask, unsigned long addr,
		       unsigned long next, struct mm_walk *walk)
{
	struct mm_struct *dst = walk->private;
	uint64_t *dpte = huge_pte_alloc(dst, addr);

	(void)hmask, (void)next;
	if (!dpte)
		return -ENOMEM;
	uint64_t pte = *spte;
	if (pte_present(pte)) {
		if ((walk->vma->vm_flags & (VM_SHARED | VM_WRITE)) == VM_WRITE)
			*spte = pte = pte_wrprotect(pte);
		struct page *head = pfn_to_page(pte_pfn(pte));
		get_page(head);
		head->mapcount++;
		dst->hugetlb_usage += PAGES_PER_HUGE_PAGE;
		pte = pte_mkold(pte);
	}
	*dpte = pte;
	return 0;
}
