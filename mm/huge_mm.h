/*
 * Transparent huge pages (Linux: include/linux/huge_mm.h,
 * mm/huge_memory.c). An anonymous fault in a 2 MiB-aligned range that lies
 * wholly inside its area may get one compound page of 512 frames, mapped
 * by a single page-directory entry (PTE_HUGE) instead of a page table.
 * The collapse daemon (mm/khugepaged.c) makes them too: of anonymous
 * pages, and of the page cache of read-only executable files (Linux's
 * READ_ONLY_THP_FOR_FS), whose huge page then stands in the page cache
 * for 512 small ones - each of its frames at its own index, with the
 * file's mapping and index as a small page has them.
 *
 * A huge page here is only ever mapped whole, by PMDs: whenever one of
 * its mappings has to become 512 PTEs (a partial munmap, mprotect or
 * MADV_DONTNEED, a copy-on-write of a shared one, reclaim, poison), the
 * page itself is split into 512 ordinary pages, every mapper's PMD with
 * it through the reverse map (split_huge_page). Linux can leave a compound
 * page PTE-mapped in one process and PMD-mapped in another; see
 * docs/huge-pages-and-collapse.md for why this kernel does not.
 */
#ifndef MM_HUGE_MM_H
#define MM_HUGE_MM_H

#include "fs/sysfs.h"
#include "lib/list.h"
#include "mm/hugetlb.h"
#include "mm/mm_types.h"
#include "mm/page.h"
#include "mm/paging.h"

#define HPAGE_PMD_ORDER 9
#define HPAGE_PMD_NR (1UL << HPAGE_PMD_ORDER)
#define HPAGE_PMD_SIZE (PAGE_SIZE << HPAGE_PMD_ORDER)
#define HPAGE_PMD_MASK (~(HPAGE_PMD_SIZE - 1))

/* A present page-directory entry that maps 2 MiB itself. */
static inline bool pmd_trans_huge(uint64_t pmd)
{
	return (pmd & (PTE_PRESENT | PTE_HUGE)) == (PTE_PRESENT | PTE_HUGE);
}

static inline unsigned long pmd_pfn(uint64_t pmd)
{
	return (unsigned long)((pmd & PTE_ADDR_MASK) >> PAGE_SHIFT);
}

/* compound_dtor of a transparent huge page (Linux's number). */
#define TRANSHUGE_PAGE_DTOR 3

/* A new compound page of order HPAGE_PMD_ORDER becomes a transparent huge
 * page (Linux: prep_transhuge_page). */
static inline void prep_transhuge_page(struct page *head)
{
	head[1].compound_dtor = TRANSHUGE_PAGE_DTOR;
}

/* The head of a transparent huge page, anonymous or file (Linux:
 * PageTransHuge). */
static inline bool PageTransHuge(const struct page *page)
{
	return page_test(page, PG_head) && page[1].compound_dtor == TRANSHUGE_PAGE_DTOR;
}

/* What a fault handler returns to say "do it with 4 KiB pages"
 * (Linux: VM_FAULT_FALLBACK). */
#define VM_FAULT_FALLBACK 1

/*
 * The fault path's first look, at the page-directory entry for addr:
 * an empty one in an area that may have huge pages gets one
 * (do_huge_pmd_anonymous_page); a write to a write-protected huge page
 * reuses or splits it (do_huge_pmd_wp_page). 0 or an errno when done,
 * VM_FAULT_FALLBACK for the 4 KiB path.
 */
int huge_pmd_fault(struct vm_area_struct *vma, unsigned long addr, uint64_t *pmd, bool write);
/* The frame a huge PMD maps at addr (get_user_page's; Linux:
 * follow_trans_huge_pmd). */
struct page *follow_trans_huge_pmd(uint64_t pmd, unsigned long addr);

/* fork: the child maps the same huge page, both write-protected if the
 * area is copy-on-write; -ENOMEM without a page table to deposit. */
int copy_huge_pmd(struct mm_struct *dst, struct vm_area_struct *vma, uint64_t *src_pmd,
		  unsigned long addr);
/* munmap, exit, MADV_DONTNEED of the whole 2 MiB. */
void zap_huge_pmd(struct mm_struct *mm, uint64_t *pmd, unsigned long addr);
/* mprotect of the whole 2 MiB: the new rights, write only if nobody
 * else maps the page. */
void change_huge_pmd(struct vm_area_struct *vma, uint64_t *pmd, unsigned long addr);

/* The huge page at pmd becomes 512 pages, mapped by PTEs wherever it was
 * mapped (here always the whole page: see above). Never fails for lack
 * of memory: each PMD mapping deposited its page table when it was made. */
void split_huge_pmd(struct vm_area_struct *vma, uint64_t *pmd, unsigned long addr);
/* An area boundary is about to fall at addr: a huge page across it is
 * split (Linux: vma_adjust_trans_huge). */
void vma_adjust_trans_huge(struct vm_area_struct *vma, unsigned long addr);

/*
 * Split the huge page holding page into 512 ordinary pages (Linux:
 * split_huge_page_to_list). The caller holds one reference, which page
 * keeps afterwards; nobody else may hold one but the page's mappings
 * (-EBUSY otherwise). The new pages go where the head was: on its LRU
 * list next to it, or - the head isolated by reclaim - onto list, each
 * with a reference of the list's.
 */
int split_huge_page_to_list(struct page *page, struct list_head *list);
static inline int split_huge_page(struct page *page)
{
	return split_huge_page_to_list(page, NULL);
}

/* May vma have huge pages at all (Linux: hugepage_vma_check): an
 * anonymous private area, or an executable mapping of a regular file
 * nobody has open for writing (file_thp_enabled), that the policy (or,
 * ignoring it, MADV_COLLAPSE) allows. */
bool hugepage_vma_ok(const struct vm_area_struct *vma, bool madvise_collapse);
bool file_thp_enabled(const struct vm_area_struct *vma);
/* Do a file's pages lie on 2 MiB in vma, so that a huge page of the file
 * can be mapped there by one PMD? */
bool file_pmd_aligned(const struct vm_area_struct *vma);
/* May vma have a huge page at addr (Linux: transhuge_vma_suitable and
 * hugepage_vma_check)? The area may, the whole aligned 2 MiB is inside
 * it, and a file's pages lie on 2 MiB there. smaps's THPeligible asks it
 * of the area's last 2 MiB. */
bool transhuge_vma_suitable(const struct vm_area_struct *vma, unsigned long addr);
/* The file huge page holding page (its head, locked, with a reference)
 * at the fault's addr: mapped by the PMD if the area can (Linux:
 * do_set_pmd), 0; VM_FAULT_FALLBACK if it cannot - the page is then
 * split, and the fault maps a small one. */
int do_set_pmd(struct vm_area_struct *vma, unsigned long addr, struct page *page);
/* For the collapse daemon (mm/khugepaged.c): keep a page table for a new
 * PMD mapping's split; count a new PMD mapping of head. */
void pgtable_trans_huge_deposit(uint64_t *pmd, uint64_t *table);
void thp_map_pmd(struct page *head);

/* The sysfs files of /sys/kernel/mm/transparent_hugepage (fs/sysfs.c). */
extern const struct kobj_attribute hugepage_attrs[];
extern const size_t nr_hugepage_attrs;

#endif
