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

#endif
