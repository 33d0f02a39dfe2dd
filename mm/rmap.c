#include "mm/rmap.h"
#include "kernel/errno.h"
#include "kernel/panic.h"
#include "mm/buddy.h"
#include "mm/huge_mm.h"
#include "mm/hugetlb.h"
#include "mm/mmap_lock.h"
#include "mm/paging.h"
#include "mm/pgtable.h"
#include "mm/slab.h"
#include "mm/swap.h"
#include "mm/swap_state.h"

int __anon_vma_prepare(struct vm_area_struct *vma)
{
	struct anon_vma *av = kzalloc(sizeof(*av));
	if (!av)
		return -ENOMEM;
	INIT_LIST_HEAD(&av->vmas);
	vma->anon_vma = av;
	list_add_tail(&vma->anon_vma_node, &av->vmas);
	av->refcount = 1;
	return 0;
}

void anon_vma_link(struct vm_area_struct *copy, struct vm_area_struct *vma)
{
	/* LAB 2: BEGIN */
	copy->anon_vma = vma->anon_vma;
	if (!copy->anon_vma)
		return;
	list_add_tail(&copy->anon_vma_node, &copy->anon_vma->vmas);
	copy->anon_vma->refcount++;
	/* LAB 2: STUB
	(void)copy, (void)vma;
	panic("lab 2: implement anon_vma_link (mm/rmap.c)");
	   LAB 2: END */
}

void anon_vma_unlink(struct vm_area_struct *vma)
{
	struct anon_vma *av = vma->anon_vma;

	if (!av)
		return;
	list_del(&vma->anon_vma_node);
	vma->anon_vma = NULL;
	put_anon_vma(av);
}

void get_anon_vma(struct anon_vma *av)
{
	av->refcount++;
}

void put_anon_vma(struct anon_vma *av)
{
	if (--av->refcount == 0)
		kfree(av); /* no area and no kept page left: nothing points here */
}

void page_add_new_anon_rmap(struct page *page, struct vm_area_struct *vma, unsigned long addr)
{
	page_set(page, PG_anon);
	page_set(page, PG_swapbacked);
	page->mapping = vma->anon_vma;
	page->index = linear_page_index(vma, addr);
}

unsigned long vma_address(const struct page *page, const struct vm_area_struct *vma)
{
	unsigned long pages = (vma->vm_end - vma->vm_start) >> PAGE_SHIFT;

	/* Unsigned: an index below vm_pgoff wraps round to a huge offset. */
	if (page->index - vma->vm_pgoff >= pages)
		return (unsigned long)-EFAULT;
	return vma->vm_start + ((page->index - vma->vm_pgoff) << PAGE_SHIFT);
}

/* The PTE at addr if it maps page (Linux: page_vma_mapped_walk), or the
 * hwpoison entry left there for it if the walk asked for those; for a
 * transparent huge page, the PMD that maps it; for a hugetlb page, its
 * page-directory entry. */
static uint64_t *page_vma_mapped(const struct page *page, struct vm_area_struct *vma,
				 unsigned long addr, bool hwpoison_entries)
{
	unsigned long pfn = page_to_pfn(page);

	if (PageTransHuge(page)) {
		uint64_t *pmd = walk_pmd(vma->vm_mm->pgd, addr, false);
		return pmd && pmd_trans_huge(*pmd) && pmd_pfn(*pmd) == pfn ? pmd : NULL;
	}
	uint64_t *pte = is_vm_hugetlb_page(vma) ? huge_pte_offset(vma->vm_mm, addr)
						 : walk_pte(vma->vm_mm->pgd, addr, false);

	if (!pte)
		return NULL;
	if (pte_present(*pte))
		return pte_pfn(*pte) == pfn ? pte : NULL;
	if (hwpoison_entries && is_hwpoison_entry(*pte) &&
	    swp_offset(pte_to_swp_entry(*pte)) == pfn)
		return pte;
	return NULL;
}

static void rmap_one_vma(struct page *page, struct vm_area_struct *vma,
			 const struct rmap_walk_control *rwc)
{
	unsigned long addr = vma_address(page, vma);

	if (addr == (unsigned long)-EFAULT)
		return;
	uint64_t *pte = page_vma_mapped(page, vma, addr, rwc->hwpoison_entries);
	if (pte)
		rwc->rmap_one(vma, addr, pte, rwc->arg);
}

static void rmap_walk_anon(struct page *page, const struct rmap_walk_control *rwc)
{
	struct anon_vma *av = page->mapping;

	/* A swap-cache page no PTE maps: nothing to find (and its areas may
	 * be gone, though the cache keeps the anon_vma). */
	if (page_mapcount(page) == 0 && !rwc->hwpoison_entries)
		return;

	/* LAB 2: BEGIN */
	for (struct list_head *l = av->vmas.next; l != &av->vmas; l = l->next)
		rmap_one_vma(page, list_entry(l, struct vm_area_struct, anon_vma_node), rwc);
	/* LAB 2: STUB
	(void)av;
	panic("lab 2: implement rmap_walk_anon (mm/rmap.c)");
	   LAB 2: END */
}

static void rmap_walk_file(struct page *page, const struct rmap_walk_control *rwc)
{
	struct address_space *mapping = page->mapping;

	for (struct list_head *l = mapping->i_mmap.next; l != &mapping->i_mmap; l = l->next)
		rmap_one_vma(page, list_entry(l, struct vm_area_struct, shared), rwc);
}

struct address_space *page_mapping(const struct page *page)
{
	/* A slab's slab_cache shares the word with mapping. */
	if (page_test(page, PG_anon) || page_test(page, PG_slab))
		return NULL;
	return page->mapping;
}

void rmap_walk(struct page *page, const struct rmap_walk_control *rwc)
{
	if (page_test(page, PG_anon) && page->mapping)
		rmap_walk_anon(page, rwc);
	else if (page_mapping(page))
		rmap_walk_file(page, rwc);
}

/* Write-protect and clean one mapping of a shared file page: the next
 * write through it faults and dirties the page again (mm/fault.c). */
static void page_mkclean_one(struct vm_area_struct *vma, unsigned long addr, uint64_t *pte,
			     void *arg)
{
	int *cleaned = arg;

	if (!(*pte & PTE_WRITE) && !pte_dirty(*pte))
		return;
	if (pte_dirty(*pte))
		(*cleaned)++;
	*pte = pte_wrprotect(pte_mkclean(*pte));
	flush_tlb_page(vma->vm_mm, addr);
}

int page_mkclean(struct page *page)
{
	int cleaned = 0;
	struct rmap_walk_control rwc = { .rmap_one = page_mkclean_one, .arg = &cleaned };

	if (page_mapping(page))
		rmap_walk(page, &rwc);
	return cleaned;
}

void unmap_pte(struct vm_area_struct *vma, unsigned long addr, uint64_t *pte, struct page *page,
	       uint64_t entry)
{
	if (pte_dirty(*pte))
		set_page_dirty(page);
	*pte = entry;
	flush_tlb_page(vma->vm_mm, addr);
	page->mapcount--;
	if (is_vm_hugetlb_page(vma)) /* hugetlb pages are not in RSS */
		vma->vm_mm->hugetlb_usage -= PAGES_PER_HUGE_PAGE;
	else
		vma->vm_mm->rss--;
	put_page(page);
}

struct page_referenced_arg {
	int referenced;         /* mappings that used it */
	bool contended;         /* an address space was being changed */
	unsigned long vm_flags;
};

static void page_referenced_one(struct vm_area_struct *vma, unsigned long addr, uint64_t *pte,
				void *arg)
{
	struct page_referenced_arg *pra = arg;

	if (mmap_lock_is_write_locked(vma->vm_mm)) {
		pra->contended = true;
		return;
	}
	if (vma->vm_flags & VM_LOCKED) {
		pra->vm_flags |= VM_LOCKED;
		return;
	}
	if (ptep_clear_flush_young(vma, addr, pte)) {
		pra->referenced++;
		pra->vm_flags |= vma->vm_flags;
	}
}

int page_referenced(struct page *page, unsigned long *vm_flags)
{
	struct page_referenced_arg pra = { 0, false, 0 };
	struct rmap_walk_control rwc = { .rmap_one = page_referenced_one, .arg = &pra };

	*vm_flags = 0;
	if (page_mapcount(page) <= 0)
		return 0; /* nobody maps it: no accessed bit to look at */
	rmap_walk(page, &rwc);
	*vm_flags = pra.vm_flags;
	return pra.contended && !pra.referenced ? -1 : pra.referenced;
}

/* An anonymous page's PTE becomes its swap entry, one more count on the
 * slot (Linux: try_to_unmap_one's swap branch); an anonymous page not in
 * the swap cache has nowhere to go and stays mapped. */
static void try_to_unmap_one(struct vm_area_struct *vma, unsigned long addr, uint64_t *pte,
			     void *arg)
{
	struct page *page = arg;
	uint64_t entry = 0;

	if (mmap_lock_is_write_locked(vma->vm_mm))
		return;
	if (page_test(page, PG_anon)) {
		if (!page_test(page, PG_swapcache) || swap_duplicate(page_swap_entry(page)))
			return;
		entry = swp_entry_to_pte(page_swap_entry(page));
		swap_mmlist_add(vma->vm_mm);
	}
	unmap_pte(vma, addr, pte, page, entry);
}

bool try_to_unmap(struct page *page)
{
	struct rmap_walk_control rwc = { .rmap_one = try_to_unmap_one, .arg = page };

	rmap_walk(page, &rwc);
	return page->mapcount == 0;
}
