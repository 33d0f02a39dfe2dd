#include "mm/rmap.h"
#include "kernel/errno.h"
#include "mm/paging.h"
#include "mm/pgtable.h"
#include "mm/slab.h"

int anon_vma_prepare(struct vm_area_struct *vma)
{
	if (vma->anon_vma)
		return 0;
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
	copy->anon_vma = vma->anon_vma;
	if (!copy->anon_vma)
		return;
	list_add_tail(&copy->anon_vma_node, &copy->anon_vma->vmas);
	copy->anon_vma->refcount++;
}

void anon_vma_unlink(struct vm_area_struct *vma)
{
	struct anon_vma *av = vma->anon_vma;

	if (!av)
		return;
	list_del(&vma->anon_vma_node);
	vma->anon_vma = NULL;
	if (--av->refcount == 0)
		kfree(av); /* no area left: no page can point here any more */
}

void page_add_new_anon_rmap(struct page *page, struct vm_area_struct *vma, unsigned long addr)
{
	page_set(page, PG_anon);
	page_set(page, PG_swapbacked);
	page->mapping = vma->anon_vma;
	page->index = addr >> PAGE_SHIFT;
}

void page_remove_anon(struct page *page)
{
	page_clear(page, PG_anon);
	page_clear(page, PG_swapbacked);
	page_clear(page, PG_mlocked);
	page->mapping = NULL;
	page->index = 0;
}

void rmap_walk(struct page *page,
	       void (*fn)(struct vm_area_struct *vma, unsigned long addr, uint64_t *pte, void *arg),
	       void *arg)
{
	struct anon_vma *av = page->mapping;
	unsigned long addr = page->index << PAGE_SHIFT;
	uint64_t want = (uint64_t)page_to_pfn(page) << PAGE_SHIFT;

	if (!page_test(page, PG_anon) || !av)
		return;
	struct list_head *l = av->vmas.next;
	while (l != &av->vmas) {
		struct vm_area_struct *vma = list_entry(l, struct vm_area_struct, anon_vma_node);
		l = l->next; /* fn may change the page's mappings, not the list */
		if (addr < vma->vm_start || addr >= vma->vm_end)
			continue;
		uint64_t *pte = walk_pte(vma->vm_mm->pgd, addr, false);
		if (pte && (*pte & PTE_PRESENT) && (*pte & PTE_ADDR_MASK) == want)
			fn(vma, addr, pte, arg);
	}
}
