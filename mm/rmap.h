/*
 * The reverse map: from a page to every place it is mapped, without
 * looking at every process (Linux: mm/rmap.c).
 *
 * A page records what it belongs to (page->mapping) and which page of it
 * it is (page->index). The areas that may map it are on one short list
 * kept by that owner, and in each area the page can only be at one
 * address, vma_address(). Two kinds of owner:
 *
 *  - anonymous memory (PG_anon): an anon_vma, the areas that may hold the
 *    same pages. fork() (mm/fork.c) adds the child's copy of each area to
 *    its parent's list, and splitting an area keeps both halves on it.
 *    page->index is the page's virtual page number, and an anonymous
 *    area's vm_pgoff is that of its start, kept by splits and fork.
 *  - a file's pages (the page cache, next issue): its address_space,
 *    whose i_mmap lists the areas mapping the file; page->index is the
 *    page's number in the file, vm_pgoff the file page an area starts at.
 *
 * rmap_walk() is the same walk for both: only the list differs.
 */
#ifndef MM_RMAP_H
#define MM_RMAP_H

#include "mm/mm_types.h"
#include "mm/page.h"
#include "mm/pagemap.h"

struct anon_vma {
	struct list_head vmas; /* struct vm_area_struct, through anon_vma_node */
	int refcount;          /* areas on the list, and pages memory_failure keeps */
};


/* Give vma an anon_vma if it has none yet (before its first page). Every
 * anonymous fault asks, nearly always of an area that has one: the test
 * is inline (as Linux's), the allocation is not. */
int __anon_vma_prepare(struct vm_area_struct *vma);
static inline int anon_vma_prepare(struct vm_area_struct *vma)
{
	return vma->anon_vma ? 0 : __anon_vma_prepare(vma);
}
/* Put a copy of vma (split off, or a child's) on vma's anon_vma too. */
void anon_vma_link(struct vm_area_struct *copy, struct vm_area_struct *vma);
void anon_vma_unlink(struct vm_area_struct *vma);
/* Keep an anon_vma alive after its areas are gone (memory_failure keeps a
 * poisoned page, still pointing here, for good), and let it go. */
void get_anon_vma(struct anon_vma *av);
void put_anon_vma(struct anon_vma *av);

/* A fresh page becomes vma's anonymous page at addr (Linux's
 * page_add_new_anon_rmap). */
void page_add_new_anon_rmap(struct page *page, struct vm_area_struct *vma, unsigned long addr);

/* Which page of what the area maps is at addr (Linux: linear_page_index). */
static inline unsigned long linear_page_index(const struct vm_area_struct *vma,
					      unsigned long addr)
{
	return ((addr - vma->vm_start) >> PAGE_SHIFT) + vma->vm_pgoff;
}

/* Where page is in vma, or -EFAULT (as an unsigned long) if it cannot be
 * in vma at all. */
unsigned long vma_address(const struct page *page, const struct vm_area_struct *vma);

/* A page-cache page's file mapping; NULL for anonymous and kernel pages. */
struct address_space *page_mapping(const struct page *page);

/* What rmap_walk does at each mapping (Linux: struct rmap_walk_control). */
struct rmap_walk_control {
	void (*rmap_one)(struct vm_area_struct *vma, unsigned long addr, uint64_t *pte, void *arg);
	void *arg;
	/* Also visit the hwpoison entries that replaced the page's mappings
	 * (to find where a process had it after memory_failure unmapped it). */
	bool hwpoison_entries;
};

/* Call rwc->rmap_one for every (area, address, PTE) that maps page - for
 * a huge page (mm/huge_mm.h), every PMD. It may change the entry, not
 * the areas. */
void rmap_walk(struct page *page, const struct rmap_walk_control *rwc);

/* Before a page-cache page is written back: make every PTE that maps it
 * read-only and clean, so that a later write through a mapping faults
 * and dirties the page again. Returns how many PTEs were dirty (their
 * writes are in the page, which the caller is about to write). */
int page_mkclean(struct page *page);

/* One PTE stops mapping page (the heart of Linux's try_to_unmap_one):
 * the page learns from the PTE whether it was written (set_page_dirty),
 * the PTE becomes entry (0, or a hwpoison entry), and the mapping's
 * reference goes. */
void unmap_pte(struct vm_area_struct *vma, unsigned long addr, uint64_t *pte, struct page *page,
	       uint64_t entry);

/*
 * How many of the page's mappings used it since the last look, clearing
 * their accessed bits (Linux: page_referenced, through rmap_walk and
 * ptep_clear_flush_young); *vm_flags gathers the flags of the areas that
 * did (VM_EXEC keeps program text active) and VM_LOCKED if any area is
 * mlocked. -1 if an address space was being changed (its mmap_lock held
 * to write): reclaim keeps the page rather than guess.
 */
int page_referenced(struct page *page, unsigned long *vm_flags);

/* Reclaim takes a page-cache page from every process that maps it
 * (Linux: try_to_unmap): a PTE the CPU marked dirty makes the page dirty
 * (set_page_dirty), and the next access faults the page in again. An
 * address space whose mmap_lock someone holds to write is left alone -
 * with no page-table locks, that is how reclaim keeps away from fork,
 * mprotect or munmap in the middle of using a PTE (a fault that keeps a
 * page across a sleep holds a reference, or looks at the PTE again).
 * Whether no mapping is left. */
bool try_to_unmap(struct page *page);

#endif
