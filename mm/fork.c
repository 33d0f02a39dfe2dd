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
#include "fs/file.h"
#include "kernel/errno.h"
#include "kernel/x86.h"
#include "mm/buddy.h"
#include "mm/huge_mm.h"
#include "mm/hugetlb.h"
#include "mm/mmap.h"
#include "mm/mmap_lock.h"
#include "mm/pagewalk.h"
#include "mm/paging.h"
#include "mm/pgtable.h"
#include "mm/rmap.h"
#include "mm/slab.h"
#include "mm/swap_state.h"

static bool is_cow_mapping(unsigned long vm_flags)
{
	return (vm_flags & (VM_SHARED | VM_WRITE)) == VM_WRITE;
}

/*
 * Share one PTE's page with the child (Linux: copy_present_pte), its
 * swap entry (one more PTE counts the slot: both read the same page back
 * in, mm/swap_fault.c), or its hwpoison entry: the child inherits the
 * loss and gets SIGBUS when it touches the page. The child's PTE starts old, and for a shared page
 * clean: the parent's PTE still says the page was written.
 */
static int copy_pte(uint64_t *spte, unsigned long addr, unsigned long next,
		    struct mm_walk *walk)
{
	struct mm_struct *dst = walk->private;

	(void)next;
	if (pte_none(*spte))
		return 0;
	/* Making the child's table may sleep in reclaim, which may swap
	 * out the parent's page meanwhile: read its PTE only after. */
	uint64_t *dpte = walk_pte(dst->pgd, addr, true);
	if (!dpte)
		return -ENOMEM;
	uint64_t pte = *spte;
	if (pte_none(pte))
		return 0;
	if (!pte_present(pte)) {
		swp_entry_t entry = pte_to_swp_entry(pte);

		if (is_swap_entry_type(entry)) {
			if (swap_duplicate(entry))
				return -ENOMEM; /* the slot's count is full */
			swap_mmlist_add(dst);
		}
		*dpte = pte;
		return 0;
	}
	if (is_cow_mapping(walk->vma->vm_flags))
		*spte = pte = pte_wrprotect(pte); /* both sides now fault on write */
	if (walk->vma->vm_flags & VM_SHARED)
		pte = pte_mkclean(pte);
	*dpte = pte_mkold(pte);
	struct page *page = pfn_to_page(pte_pfn(pte));
	get_page(page);
	page->mapcount++;
	dst->rss++;
	return 0;
}

/* A huge page is shared whole (its area holds all of it: mm/vma.c
 * splits one that an area boundary would cut). */
static int copy_pmd(uint64_t *spmd, unsigned long addr, unsigned long next,
		    struct mm_walk *walk)
{
	(void)next;
	if (!pmd_trans_huge(*spmd))
		return 0;
	return copy_huge_pmd(walk->private, walk->vma, spmd, addr);
}

static const struct mm_walk_ops copy_ops = { .pmd_entry = copy_pmd, .pte_entry = copy_pte,
					     .hugetlb_entry = copy_hugetlb_entry };

static int copy_vma(struct mm_struct *dst, struct mm_struct *src, struct vm_area_struct *vma)
{
	if (vma->vm_flags & VM_DONTCOPY)
		return 0;
	/* Memory locks are not inherited (Linux: dup_mmap). */
	int err = insert_vma(dst, vma->vm_start, vma->vm_end, vma->vm_flags & ~VM_LOCKED);
	if (err)
		return err;
	struct vm_area_struct *copy = find_vma(dst, vma->vm_start);
	copy->vm_pgoff = vma->vm_pgoff;
	copy->vm_ops = vma->vm_ops;
	/* A file area, or a shared anonymous one (a shmem file): the child
	 * maps the same page cache, so pages that do not exist yet are
	 * shared too, when either side faults them in. */
	copy->vm_file = vma->vm_file;
	if (copy->vm_file)
		get_file(copy->vm_file);
	vma_link_file(copy);
	if (copy->vm_ops && copy->vm_ops->open)
		copy->vm_ops->open(copy);
	if (vma->vm_flags & VM_WIPEONFORK)
		return 0; /* the child's own, empty: faults give it zero pages */
	anon_vma_link(copy, vma);
	return walk_page_range(src, vma->vm_start, vma->vm_end, &copy_ops, dst);
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
	dst->arg_start = src->arg_start;
	dst->arg_end = src->arg_end;
	dst->env_start = src->env_start;
	dst->env_end = src->env_end;
	mmap_write_lock(src); /* nobody may change its areas or tables while they are copied */
	for (struct list_head *l = src->mmap.next; l != &src->mmap; l = l->next) {
		if (copy_vma(dst, src, list_entry(l, struct vm_area_struct, list))) {
			mm_release(dst);
			dst = NULL;
			break;
		}
	}
	mmap_write_unlock(src);
	write_cr3(read_cr3()); /* the parent's PTEs lost their write bit */
	return dst;
}
