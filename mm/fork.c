/*
 * Copying an address space for fork() (Linux: kernel/fork.c dup_mmap and
 * mm/memory.c copy_page_range). Nothing is copied at once: parent and
 * child map the same frames, and private writable ones are made
 * read-only in both ("copy-on-write"); the first write from either side
 * faults, and mm/fault.c gives the writer its own copy then. Each copied
 * area joins its parent's anon_vma, so the reverse map finds every
 * process that still shares a page.
 */
#include "mm/fork.h"
#include "kernel/errno.h"
#include "kernel/x86.h"
#include "mm/buddy.h"
#include "mm/fault.h"
#include "mm/mmap.h"
#include "mm/paging.h"
#include "mm/pgtable.h"
#include "mm/rmap.h"
#include "mm/slab.h"

static bool is_cow_mapping(unsigned long vm_flags)
{
	return (vm_flags & (VM_SHARED | VM_WRITE)) == VM_WRITE;
}

/* Share one PTE's page with the child (or its hwpoison entry). */
static int copy_pte(struct mm_struct *dst, struct mm_struct *src, const struct vm_area_struct *vma,
		    unsigned long va)
{
	uint64_t *spte = walk_pte(src->pgd, va, false);

	if (!spte || !*spte)
		return 0;
	uint64_t *dpte = walk_pte(dst->pgd, va, true);
	if (!dpte)
		return -ENOMEM;
	if (!(*spte & PTE_PRESENT)) {
		*dpte = *spte; /* a hwpoison entry: the child inherits the loss */
		return 0;
	}
	if (is_cow_mapping(vma->vm_flags))
		*spte &= ~PTE_WRITE; /* both sides now fault on write */
	*dpte = *spte;
	struct page *page = pfn_to_page((*spte & PTE_ADDR_MASK) >> PAGE_SHIFT);
	get_page(page);
	page->mapcount++;
	dst->rss++;
	return 0;
}

static int copy_vma(struct mm_struct *dst, struct mm_struct *src, struct vm_area_struct *vma)
{
	int err = insert_vma(dst, vma->vm_start, vma->vm_end, vma->vm_flags);

	if (err)
		return err;
	struct vm_area_struct *copy = find_vma(dst, vma->vm_start);
	copy->vm_pgoff = vma->vm_pgoff;
	copy->vm_file = vma->vm_file;
	copy->vm_ops = vma->vm_ops;
	anon_vma_link(copy, vma);
	for (unsigned long va = vma->vm_start; va < vma->vm_end; va += PAGE_SIZE) {
		/* Without shmem, a shared page must exist before the fork to be
		 * shared: one faulted in later would be each side's own. */
		if ((vma->vm_flags & VM_SHARED) && !get_user_page(src, va))
			return -ENOMEM;
		if ((err = copy_pte(dst, src, vma, va)))
			return err;
	}
	return 0;
}

struct mm_struct *dup_mm(struct mm_struct *src)
{
	struct mm_struct *dst = mm_alloc();

	if (!dst)
		return NULL;
	dst->start_brk = src->start_brk;
	dst->brk = src->brk;
	dst->mmap_base = src->mmap_base;
	dst->start_stack = src->start_stack;
	for (struct list_head *l = src->mmap.next; l != &src->mmap; l = l->next) {
		if (copy_vma(dst, src, list_entry(l, struct vm_area_struct, list))) {
			mm_release(dst);
			dst = NULL;
			break;
		}
	}
	write_cr3(read_cr3()); /* the parent's PTEs lost their write bit */
	return dst;
}
