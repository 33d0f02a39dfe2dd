/*
 * The reverse map for anonymous pages: from a page to every place it is
 * mapped, without looking at every process.
 *
 * Each area with anonymous memory points to an anon_vma, the list of
 * areas that may hold the same pages: fork() (mm/fork.c) adds the child's
 * copy of each area to its parent's list, and splitting an area keeps
 * both halves on it. A page points to its
 * anon_vma (page->mapping) and records its virtual page number
 * (page->index), which is the same in every area on the list - so the
 * places to look are exactly the areas on one short list.
 */
#ifndef MM_RMAP_H
#define MM_RMAP_H

#include "mm/mm_types.h"
#include "mm/page.h"

struct anon_vma {
	struct list_head vmas; /* struct vm_area_struct, through anon_vma_node */
	int refcount;          /* areas on the list */
};

/* Give vma an anon_vma if it has none yet (before its first page). */
int anon_vma_prepare(struct vm_area_struct *vma);
/* Put a copy of vma (split off, or a child's) on vma's anon_vma too. */
void anon_vma_link(struct vm_area_struct *copy, struct vm_area_struct *vma);
void anon_vma_unlink(struct vm_area_struct *vma);

/* A fresh page becomes vma's anonymous page at addr (Linux's
 * page_add_new_anon_rmap). */
void page_add_new_anon_rmap(struct page *page, struct vm_area_struct *vma, unsigned long addr);
/* The page stops being anyone's anonymous page (its last user let go). */
void page_remove_anon(struct page *page);

/* Call fn for every (area, address, PTE) that maps page. */
void rmap_walk(struct page *page,
	       void (*fn)(struct vm_area_struct *vma, unsigned long addr, uint64_t *pte, void *arg),
	       void *arg);

#endif
