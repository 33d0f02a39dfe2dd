/*
 * One walker for the page tables behind a range of user addresses
 * (Linux: include/linux/pagewalk.h, with its names). The caller says what
 * to do at each kind of entry; the walker does the descent, and skips a
 * missing table at any level in one step, so walking a huge, mostly
 * empty range costs what is mapped in it, not its size.
 */
#ifndef MM_PAGEWALK_H
#define MM_PAGEWALK_H

#include "mm/mm_types.h"

struct mm_walk;

/* Each callback gets the range [addr, next) its entry covers and returns
 * 0 to go on, anything else to stop the walk with that value. Any of them
 * may be NULL. */
struct mm_walk_ops {
	/* A present page-directory entry (2 MiB). If it is a leaf
	 * (PTE_HUGE: a huge page, mm/huge_mm.h), the walk does not go below
	 * it: pmd_entry deals with the huge page, or splits it to have the
	 * walk go on through its PTEs. A walk with pte_entry and no
	 * pmd_entry has every huge page in its range split (Linux's rule). */
	int (*pmd_entry)(uint64_t *pmd, unsigned long addr, unsigned long next,
			 struct mm_walk *walk);
	/* Each PTE of a present page table in the range, empty or not. */
	int (*pte_entry)(uint64_t *pte, unsigned long addr, unsigned long next,
			 struct mm_walk *walk);
	/* [addr, next) has nothing mapped: no table at depth (0 the PML4,
	 * 2 a PDPT, 3 a page directory, Linux's numbering) or, with depth -1,
	 * no area at all. */
	int (*pte_hole)(unsigned long addr, unsigned long next, int depth, struct mm_walk *walk);
	/* In a hugetlb area (mm/hugetlb.h), each page-directory entry that is
	 * not empty - a 2 MiB page, or the hwpoison entry that replaced one -
	 * instead of the callbacks above (hmask: the huge page's address
	 * mask); an empty one is a pte_hole at depth 3. NULL: hugetlb areas
	 * are skipped (Linux's walker too). */
	int (*hugetlb_entry)(uint64_t *pte, unsigned long hmask, unsigned long addr,
			     unsigned long next, struct mm_walk *walk);
};

struct mm_walk {
	const struct mm_walk_ops *ops;
	struct mm_struct *mm;
	struct vm_area_struct *vma; /* the area the current entry lies in */
	void *private;              /* the caller's */
};

/* Walk the page tables of the areas in [start, end), reporting the gaps
 * between areas as holes of depth -1. */
int walk_page_range(struct mm_struct *mm, unsigned long start, unsigned long end,
		    const struct mm_walk_ops *ops, void *private);

/* Walk the page tables of [start, end) whatever the areas (walk->vma is
 * NULL): for freeing tables where no area is any more. */
int walk_page_tables(struct mm_struct *mm, unsigned long start, unsigned long end,
		     const struct mm_walk_ops *ops, void *private);

#endif
