/*
 * User page tables: every process has its own PML4. Its upper half (the
 * kernel: direct map and kernel image) points at the same tables in every
 * process, so switching address spaces never changes the kernel's view.
 */
#ifndef MM_PGTABLE_H
#define MM_PGTABLE_H

#include "mm/mm_types.h"
#include "mm/page.h"

void pgtable_init(void);          /* remember the kernel's PML4 */
uint64_t *pgd_alloc(void);        /* a PML4 with the kernel half filled in */
/* Free every user page and page table of mm, and the PML4. */
void pgd_free(struct mm_struct *mm);

/* The PTE for va, creating missing tables if create; NULL if absent (or
 * out of memory). */
uint64_t *walk_pte(uint64_t *pgd, unsigned long va, bool create);
/* Map page at va with PTE bits from vm_flags; -ENOMEM if no table. */
int map_user_page(struct mm_struct *mm, unsigned long va, struct page *page,
		  unsigned long vm_flags);
/* Unmap and release the user pages in [start, end). */
void unmap_range(struct mm_struct *mm, unsigned long start, unsigned long end);

void switch_mm(struct mm_struct *mm); /* NULL: the kernel's own tables */
/* Drop a stale translation of va if mm is the address space in use. */
void flush_tlb_page(struct mm_struct *mm, unsigned long va);

/*
 * A PTE without the present bit can still say something (Linux: swap
 * entries). Type 1 is a hwpoison entry: the page that was here was found
 * corrupt and taken away; any access faults, and the fault handler sends
 * SIGBUS instead of bringing a page in. Bits 5:1 hold the type, the frame
 * number stays where a present PTE keeps it.
 */
#define SWP_TYPE_SHIFT 1
#define SWP_TYPE_MASK 0x1fUL
#define SWP_HWPOISON 1UL

static inline uint64_t make_hwpoison_entry(unsigned long pfn)
{
	return ((uint64_t)pfn << PAGE_SHIFT) | (SWP_HWPOISON << SWP_TYPE_SHIFT);
}

static inline bool is_hwpoison_entry(uint64_t pte)
{
	return !(pte & 1) && ((pte >> SWP_TYPE_SHIFT) & SWP_TYPE_MASK) == SWP_HWPOISON;
}

#endif
