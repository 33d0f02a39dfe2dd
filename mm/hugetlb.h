/*
 * HugeTLB pages (Linux: include/linux/hugetlb.h): a pool of 2 MiB pages,
 * set aside on request (vm.nr_hugepages, or on demand up to
 * vm.nr_overcommit_hugepages) and used only by hugetlbfs files
 * (fs/hugetlbfs/inode.c) - named ones, and the unnamed ones behind
 * mmap(MAP_HUGETLB) and shmget(SHM_HUGETLB). Each is mapped whole, by one
 * page-directory entry with the PS bit (PTE_HUGE): no page table below it.
 *
 * mm/hugetlb.c keeps the pool and its counts; mm/hugetlb_fault.c maps the
 * pages (faults, fork, unmapping, the reverse map's page-table side).
 *
 * A pool page is an order-9 compound page whose first tail says it is
 * hugetlb's (compound_dtor, Linux's way: PageHuge). A free one has no
 * references and sits on the pool's free list; a used one belongs to a
 * hugetlbfs file's page cache (mapping, index in 4 KiB pages as for any
 * page-cache page, so that the reverse map needs no special case) or, for
 * a private mapping's copy, to an anon_vma.
 */
#ifndef MM_HUGETLB_H
#define MM_HUGETLB_H

#include "fs/sysfs.h"
#include "mm/mm_types.h"
#include "mm/page.h"
#include "mm/paging.h"

#define HPAGE_SHIFT 21
#define HPAGE_SIZE (1UL << HPAGE_SHIFT)
#define HPAGE_MASK (~(HPAGE_SIZE - 1))
#define HUGETLB_PAGE_ORDER (HPAGE_SHIFT - PAGE_SHIFT)
#define PAGES_PER_HUGE_PAGE (1UL << HUGETLB_PAGE_ORDER)

#define HUGETLB_PAGE_DTOR 2 /* compound_dtor of a hugetlb page (Linux's number) */

/* vm_flags of an area mapping a hugetlbfs file (Linux's value). */
#define VM_HUGETLB 0x00400000UL
/* mmap's flag for anonymous huge pages, shmget's for a huge segment. */
#define MAP_HUGETLB 0x40000
#define SHM_HUGETLB 04000

static inline bool PageHuge(const struct page *page)
{
	const struct page *head = compound_head(page);

	return page_test(head, PG_head) && head[1].compound_dtor == HUGETLB_PAGE_DTOR;
}

static inline bool is_vm_hugetlb_page(const struct vm_area_struct *vma)
{
	return vma->vm_flags & VM_HUGETLB;
}

/* The head's private word, bits 16 and up: 1 + the index of the frame
 * memory_failure found bad (Linux keeps a list of them, raw_hwp_list; one
 * is enough here: a second report finds the head poisoned already). */
#define HPG_HWP_RAW_SHIFT 16

/* The pool (Linux: struct hstate, one size only). */
struct hstate {
	struct list_head hugepage_freelist;
	unsigned long nr_huge_pages;      /* pool pages: free + in use */
	unsigned long free_huge_pages;
	unsigned long resv_huge_pages;    /* free pages promised to mappings */
	unsigned long surplus_huge_pages; /* beyond vm.nr_hugepages: freed, not kept */
	unsigned long nr_overcommit_huge_pages; /* the most surplus pages allocated on demand */
};
extern struct hstate default_hstate;

/* vm.nr_hugepages: grow the pool with fresh pages from the buddy
 * allocator (as many as it has), or shrink it by the free pages that are
 * not reserved; pages in use beyond the count become surplus. */
void set_max_huge_pages(unsigned long count);
/* A pool page for a mapping, with one reference, zeroed: against a
 * reservation (reserved) or from the unreserved free pages, else a
 * surplus page if vm.nr_overcommit_hugepages allows. NULL if none. */
struct page *alloc_huge_page(bool reserved);
/* The last reference went (put_page): back to the free list, or to the
 * buddy allocator if it is surplus or poisoned. */
void free_huge_page(struct page *head);
/* Reserve delta more free pages (delta < 0: give them back), adding
 * surplus pages if the free, unreserved ones are too few; -ENOMEM if
 * even those are (Linux: hugetlb_acct_memory). */
int hugetlb_acct_memory(long delta);
/* memory_failure on the free pool page head (raw: the bad frame): out of
 * the pool for good, the good frames back to the buddy allocator (Linux:
 * dissolve_free_huge_page). False if it is not free (any more). */
bool dissolve_free_huge_page(struct page *head, struct page *raw);
/* memory_failure on a page in use: remember the bad frame, so that the
 * page leaves the pool when it is freed (Linux: hugetlb_set_page_hwpoison).
 * False if the page was poisoned already. */
bool hugetlb_set_page_hwpoison(struct page *head, struct page *raw);

struct ctl_table;
int hugetlb_sysctl_handler(const struct ctl_table *table, int write, char *buffer, size_t *lenp,
			   int64_t *ppos);
int hugetlb_overcommit_handler(const struct ctl_table *table, int write, char *buffer,
			       size_t *lenp, int64_t *ppos);
/* /sys/kernel/mm/hugepages/hugepages-2048kB (fs/sysfs.c). */
extern const struct kobj_attribute hstate_attrs[];
extern const size_t nr_hstate_attrs;
struct seq_file;
void hugetlb_report_meminfo(struct seq_file *m);

/* ---- page tables (mm/hugetlb_fault.c, and inline for the walkers) ----- */

/* The page-directory entry that maps (or would map) the 2 MiB at addr,
 * NULL if no page directory is there (Linux: huge_pte_offset) - or if
 * the entry points at a page table: an empty one an earlier mapping of
 * the addresses left, before the first fault replaces it. */
static inline uint64_t *huge_pte_offset(struct mm_struct *mm, unsigned long addr)
{
	uint64_t *table = mm->pgd;

	for (int level = 3; level > 1; level--) {
		uint64_t entry = table[(addr >> (PAGE_SHIFT + 9 * level)) & 511];
		if (!(entry & PTE_PRESENT))
			return NULL;
		table = __va(entry & PTE_ADDR_MASK);
	}
	uint64_t *pmd = &table[(addr >> HPAGE_SHIFT) & 511];
	return (*pmd & (PTE_PRESENT | PTE_HUGE)) == PTE_PRESENT ? NULL : pmd;
}

/* A fault in a hugetlb area (mm/fault.c's branch): 0, -ENOMEM, -EIO
 * (SIGBUS: no page in the pool, or beyond the end of the file),
 * -EHWPOISON for a poisoned page - from user mode SIGBUS BUS_MCEERR_AR
 * with si_addr_lsb 21 is sent here (see hugetlb_fault). */
int hugetlb_fault(struct mm_struct *mm, struct vm_area_struct *vma, unsigned long addr,
		  unsigned error);
/* get_user_page in a hugetlb area: the 4 KiB frame at addr, faulted in;
 * NULL if it cannot be had (no page, poisoned). */
struct page *hugetlb_get_user_page(struct vm_area_struct *vma, unsigned long addr);
/* The walker ops' entries for a hugetlb area's page-directory entries. */
struct mm_walk;
int hugetlb_zap_entry(uint64_t *pte, unsigned long hmask, unsigned long addr,
		      unsigned long next, struct mm_walk *walk);
int hugetlb_protect_entry(uint64_t *pte, unsigned long hmask, unsigned long addr,
			  unsigned long next, struct mm_walk *walk);
int copy_hugetlb_entry(uint64_t *pte, unsigned long hmask, unsigned long addr,
		       unsigned long next, struct mm_walk *walk);

/* A private hugetlb area's reservation: one huge page for each of its
 * pages, taken by its faults (mm/hugetlb_fault.c). -ENOMEM if the pool
 * is short. */
int hugetlb_vma_reserve(struct vm_area_struct *vma, unsigned long pages);
extern const struct vm_operations_struct hugetlb_vm_ops;

/* ---- hugetlbfs (fs/hugetlbfs/inode.c) -------------------------------- */

struct address_space;
struct file;
struct inode;
/* Register hugetlbfs and make its internal mount (fs/init.c). */
void init_hugetlbfs_fs(void);
bool is_file_hugepages(const struct file *file);
/* An unnamed hugetlbfs file of size bytes (rounded up to huge pages),
 * its pages reserved if reserve: mmap(MAP_HUGETLB) ("anon_hugepage"),
 * shmget(SHM_HUGETLB). ERR_PTR(-ENOMEM) when the pool is short. */
struct file *hugetlb_file_setup(const char *name, size_t size, bool reserve);
#define HUGETLB_ANON_FILE "anon_hugepage"
/* A free range of len bytes (a multiple of 2 MiB) that starts on a huge
 * page; 0 if none (Linux: hugetlb_get_unmapped_area). */
unsigned long hugetlb_get_unmapped_area(struct mm_struct *mm, unsigned long len);
/* mmap() of a hugetlbfs file, and mmap(MAP_ANONYMOUS | MAP_HUGETLB) (an
 * unnamed one of its own): the length rounded up to huge pages, the
 * address and offset on huge pages (EINVAL otherwise), the pages reserved
 * (ENOMEM). The address, or -errno. */
long hugetlb_mmap_file(struct mm_struct *mm, struct file *file, unsigned long addr,
		       unsigned long len, uint64_t prot, uint64_t flags, uint64_t off);
long hugetlb_mmap_anon(struct mm_struct *mm, unsigned long addr, unsigned long len,
		       uint64_t prot, uint64_t flags);
/* The file's huge page number hindex, with a reference, or NULL. */
struct page *hugetlbfs_find_page(struct address_space *mapping, unsigned long hindex);
/* A new page becomes the file's huge page hindex: 0, -ENOMEM. */
int hugetlb_add_to_page_cache(struct page *page, struct address_space *mapping,
			      unsigned long hindex);
/* Promise huge pages [from, to) of a file to its shared mappings (those
 * that have no page or promise yet): 0 or -ENOMEM. */
int hugetlbfs_reserve_pages(struct inode *inode, unsigned long from, unsigned long to);
/* A fault allocates huge page hindex: was it promised? (The promise is
 * taken.) */
bool hugetlbfs_consume_reserve(struct inode *inode, unsigned long hindex);

#endif
