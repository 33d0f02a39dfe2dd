/*
 * The page-table walker. x86-64 tables have four levels, each a page of
 * 512 entries: PML4 (level 3, Linux's pgd), PDPT (2, pud), page directory
 * (1, pmd) and page table (0, pte). An entry at level L covers
 * 4 KiB << 9L of addresses.
 */
#include "mm/pagewalk.h"
#include "mm/huge_mm.h"
#include "mm/hugetlb.h"
#include "mm/mmap.h"
#include "mm/paging.h"

#define PT_LEVELS 4

/* Linux's depth numbers for a hole at each level: pgd 0, pud 2, pmd 3
 * (depth 1 is Linux's p4d level, which four-level x86-64 folds away; 4
 * would be a PTE, which is never reported as a hole). */
static const int hole_depth[PT_LEVELS] = { 4, 3, 2, 0 };

static unsigned long entry_size(int level)
{
	return PAGE_SIZE << (9 * level);
}

static unsigned index_at(unsigned long addr, int level)
{
	return (addr >> (PAGE_SHIFT + 9 * level)) & 511;
}

static int walk_table(uint64_t *table, int level, unsigned long addr, unsigned long end,
		      struct mm_walk *walk)
{
	const struct mm_walk_ops *ops = walk->ops;
	int err = 0;

	for (unsigned long next; addr < end && !err; addr = next) {
		next = MIN(end, (addr & ~(entry_size(level) - 1)) + entry_size(level));
		uint64_t *entry = &table[index_at(addr, level)];
		if (level == 0) {
			err = ops->pte_entry ? ops->pte_entry(entry, addr, next, walk) : 0;
			continue;
		}
		if (!(*entry & PTE_PRESENT)) { /* nothing below: skip all of it */
			err = ops->pte_hole ? ops->pte_hole(addr, next, hole_depth[level], walk) : 0;
			continue;
		}
		if (level == 1) {
			if (ops->pmd_entry)
				err = ops->pmd_entry(entry, addr, next, walk);
			else if (ops->pte_entry && pmd_trans_huge(*entry))
				split_huge_pmd(walk->vma, entry, addr); /* as Linux's walk_pmd_range */
			/* pmd_entry may have emptied it, or split it */
			if (err || !ops->pte_entry || !(*entry & PTE_PRESENT) || (*entry & PTE_HUGE))
				continue;
		}
		err = walk_table(__va(*entry & PTE_ADDR_MASK), level - 1, addr, next, walk);
	}
	return err;
}

/* A hugetlb area: one entry per 2 MiB, never a page table below (Linux:
 * walk_hugetlb_range). */
static int walk_hugetlb_range(unsigned long addr, unsigned long end, struct mm_walk *walk)
{
	const struct mm_walk_ops *ops = walk->ops;
	int err = 0;

	if (!ops->hugetlb_entry)
		return 0;
	for (unsigned long next; addr < end && !err; addr = next) {
		next = MIN(end, (addr & HPAGE_MASK) + HPAGE_SIZE);
		uint64_t *pte = huge_pte_offset(walk->mm, addr);
		if (pte && *pte)
			err = ops->hugetlb_entry(pte, HPAGE_MASK, addr, next, walk);
		else if (ops->pte_hole) /* no huge page there yet */
			err = ops->pte_hole(addr, next, hole_depth[1], walk);
	}
	return err;
}

static int walk_hole(unsigned long addr, unsigned long next, struct mm_walk *walk)
{
	walk->vma = NULL;
	return walk->ops->pte_hole ? walk->ops->pte_hole(addr, next, -1, walk) : 0;
}

int walk_page_range(struct mm_struct *mm, unsigned long start, unsigned long end,
		    const struct mm_walk_ops *ops, void *private)
{
	struct mm_walk walk = { .ops = ops, .mm = mm, .private = private };
	struct vm_area_struct *vma = find_vma(mm, start);
	int err = 0;

	while (start < end && !err) {
		unsigned long next;
		if (!vma || vma->vm_start >= end) {
			next = end;
			err = walk_hole(start, next, &walk);
		} else if (start < vma->vm_start) {
			next = vma->vm_start;
			err = walk_hole(start, next, &walk);
		} else {
			next = MIN(end, vma->vm_end);
			walk.vma = vma;
			if (is_vm_hugetlb_page(vma))
				err = walk_hugetlb_range(start, next, &walk);
			else
				err = walk_table(mm->pgd, PT_LEVELS - 1, start, next, &walk);
			vma = vma_next(mm, vma);
		}
		start = next;
	}
	return err;
}

int walk_page_tables(struct mm_struct *mm, unsigned long start, unsigned long end,
		     const struct mm_walk_ops *ops, void *private)
{
	struct mm_walk walk = { .ops = ops, .mm = mm, .private = private };

	return walk_table(mm->pgd, PT_LEVELS - 1, start, end, &walk);
}
