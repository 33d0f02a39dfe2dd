/*
 * Page tables for host tests of the reverse map and memory-failure.c: an
 * address space is one flat array of PTEs for FAKE_PAGES pages from
 * FAKE_BASE (the real walk_pte and TLB flush need a CPU in ring 0).
 * Include it in one test file: it defines what mm/pgtable.c would.
 */
#ifndef TESTS_UNIT_FAKE_PGTABLE_H
#define TESTS_UNIT_FAKE_PGTABLE_H

#include "kernel/errno.h"
#include "mm/mm_types.h"
#include "mm/pgtable.h"
#include "mm/rmap.h"
#include "mm/swap.h"

#define FAKE_BASE 0x400000UL
#define FAKE_PAGES 64

struct fake_mm {
	struct mm_struct mm;
	uint64_t ptes[FAKE_PAGES];
};

static inline void fake_mm_init(struct fake_mm *f)
{
	*f = (struct fake_mm){ .mm.pgd = f->ptes };
	INIT_LIST_HEAD(&f->mm.mmap);
}

uint64_t *walk_pte(uint64_t *pgd, unsigned long va, bool create)
{
	(void)create;
	if (va < FAKE_BASE || va >= FAKE_BASE + FAKE_PAGES * PAGE_SIZE)
		return NULL;
	return &pgd[(va - FAKE_BASE) >> PAGE_SHIFT];
}

/* Every fake PTE hangs off one page directory entry, a table's. */
uint64_t *walk_pmd(uint64_t *pgd, unsigned long va, bool create)
{
	static uint64_t pmd = PTE_PRESENT;

	(void)create;
	return walk_pte(pgd, va, false) ? &pmd : NULL;
}

void flush_tlb_page(struct mm_struct *mm, unsigned long va)
{
	(void)mm, (void)va;
}

uint64_t mk_pte(const struct page *page, unsigned long vm_flags)
{
	return ((uint64_t)page_to_pfn(page) << PAGE_SHIFT) | PTE_PRESENT | PTE_USER |
	       (vm_flags & VM_WRITE ? PTE_WRITE : 0);
}

void set_user_pte(struct mm_struct *mm, uint64_t *pte, struct page *page,
		  unsigned long vm_flags)
{
	*pte = mk_pte(page, vm_flags);
	page->mapcount++;
	mm->rss++;
}

int map_user_page(struct mm_struct *mm, unsigned long va, struct page *page,
		  unsigned long vm_flags)
{
	uint64_t *pte = walk_pte(mm->pgd, va, false);

	if (!pte)
		return -ENOMEM;
	if (!pte_none(*pte))
		return -EEXIST;
	set_user_pte(mm, pte, page, vm_flags);
	return 0;
}

/* What mm/pgtable.c's unmap_range does with each PTE of [start, end):
 * a page's mapping and its reference go (the written bit to PG_dirty;
 * the last user of an anonymous page frees it), a hwpoison entry is
 * simply cleared. */
void unmap_range(struct mm_struct *mm, unsigned long start, unsigned long end)
{
	for (unsigned long va = start; va < end; va += PAGE_SIZE) {
		uint64_t *pte = walk_pte(mm->pgd, va, false);
		if (!pte || !*pte)
			continue;
		if (pte_present(*pte)) {
			struct page *page = pfn_to_page(pte_pfn(*pte));
			if (pte_dirty(*pte))
				page_set(page, PG_dirty);
			page->mapcount--;
			mm->rss--;
			if (page->refcount == 1)
				page_remove_anon(page);
			put_page(page);
		}
		*pte = 0;
	}
}

/* An anonymous area [start, end) of mm, as mm/mmap.c makes one. */
static inline void fake_vma_init(struct vm_area_struct *vma, struct fake_mm *f,
				 unsigned long start, unsigned long end)
{
	*vma = (struct vm_area_struct){ .vm_start = start, .vm_end = end,
					.vm_flags = VM_READ | VM_WRITE,
					.vm_pgoff = start >> PAGE_SHIFT, .vm_mm = &f->mm };
}

/* Map page at va the way map_user_page does (no table to allocate); the
 * mapping owns one reference, which the caller gives it. */
static inline void fake_map(struct fake_mm *f, unsigned long va, struct page *page)
{
	set_user_pte(&f->mm, walk_pte(f->mm.pgd, va, false), page, VM_READ | VM_WRITE);
}

#endif
