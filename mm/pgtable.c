#include "mm/pgtable.h"
#include "kernel/errno.h"
#include "kernel/x86.h"
#include "lib/string.h"
#include "mm/buddy.h"
#include "mm/huge_mm.h"
#include "mm/hugetlb.h"
#include "mm/mmap.h"
#include "mm/pagewalk.h"
#include "mm/paging.h"
#include "mm/rmap.h"
#include "mm/swap_state.h"

#define USER_PML4_ENTRIES 256 /* entries 0-255: the lower, user half */

static uint64_t *kernel_pgd;

void pgtable_init(void)
{
	kernel_pgd = __va(read_cr3() & PTE_ADDR_MASK);
}

unsigned long nr_pagetable_pages;

uint64_t *pte_alloc_one(void)
{
	/* May reclaim, write pages to swap and sleep (Linux:
	 * GFP_PGTABLE_USER): under memory pressure only swap I/O can free
	 * anything, and a fork or a fault that fails for want of one table
	 * would be an error for nothing. So whoever adds a table reads the
	 * PTEs it cares about after the walk (mm/fork.c:copy_pte). */
	struct page *page = alloc_pages(GFP_KERNEL, 0);

	if (!page)
		return NULL;
	page_set(page, PG_pgtable);
	nr_pagetable_pages++;
	return page_address(page); /* zeroed: no entries */
}

void pte_free(uint64_t *table)
{
	struct page *page = virt_to_page(table);

	page_clear(page, PG_pgtable);
	nr_pagetable_pages--;
	free_page(page);
}

uint64_t *pgd_alloc(void)
{
	uint64_t *pgd = pte_alloc_one();

	if (pgd)
		memcpy(pgd + USER_PML4_ENTRIES, kernel_pgd + USER_PML4_ENTRIES,
		       USER_PML4_ENTRIES * sizeof(uint64_t));
	return pgd;
}

static unsigned index_at(unsigned long va, int level)
{
	return (va >> (12 + 9 * level)) & 511;
}

/* The entry at level for va, making the tables above it if create. */
static uint64_t *walk_to(uint64_t *pgd, unsigned long va, int to, bool create)
{
	uint64_t *table = pgd;

	for (int level = 3; level > to; level--) {
		uint64_t *entry = &table[index_at(va, level)];
		if (!(*entry & PTE_PRESENT)) {
			uint64_t *next = create ? pte_alloc_one() : NULL;
			if (!next)
				return NULL;
			/* The allocation may have slept, and another thread's
			 * fault filled the entry meanwhile (Linux: __pte_alloc's
			 * second pmd_none): its table, or huge page, stands. */
			if (*entry & PTE_PRESENT)
				pte_free(next);
			else
				*entry = __pa(next) | PTE_PRESENT | PTE_WRITE | PTE_USER;
		}
		if (*entry & PTE_HUGE)
			return NULL; /* a huge page, not a table (mm/huge_memory.c) */
		table = __va(*entry & PTE_ADDR_MASK);
	}
	return &table[index_at(va, to)];
}

uint64_t *walk_pmd(uint64_t *pgd, unsigned long va, bool create)
{
	return walk_to(pgd, va, 1, create);
}

uint64_t *walk_pte(uint64_t *pgd, unsigned long va, bool create)
{
	return walk_to(pgd, va, 0, create);
}

uint64_t *huge_pte_alloc(struct mm_struct *mm, unsigned long addr)
{
	uint64_t *pmd = walk_pmd(mm->pgd, addr, true);

	if (!pmd)
		return NULL;
	/* A page table an earlier 4 KiB mapping of these addresses left
	 * (tables stay until the address space goes): empty, as its area was
	 * unmapped; the huge page's entry replaces it. */
	if ((*pmd & (PTE_PRESENT | PTE_HUGE)) == PTE_PRESENT) {
		uint64_t *pt = __va(*pmd & PTE_ADDR_MASK);
		for (int i = 0; i < 512; i++)
			if (pt[i])
				return NULL; /* cannot be: never map over live PTEs */
		*pmd = 0;
		flush_tlb_page(mm, addr);
		pte_free(pt);
	}
	return pmd;
}

uint64_t vm_page_prot(unsigned long vm_flags)
{
	if (!(vm_flags & (VM_READ | VM_WRITE | VM_EXEC)))
		return PTE_PROTNONE;
	return PTE_PRESENT | PTE_USER | (vm_flags & VM_WRITE ? PTE_WRITE : 0) |
	       (vm_flags & VM_EXEC ? 0 : PTE_NX);
}

uint64_t mk_pte(const struct page *page, unsigned long vm_flags)
{
	uint64_t pte = ((uint64_t)page_to_pfn(page) << PAGE_SHIFT) | vm_page_prot(vm_flags);

	return page_test(page, PG_latent) ? pte_mklatent(pte) : pte;
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
	uint64_t *pte = walk_pte(mm->pgd, va, true);

	if (!pte)
		return -ENOMEM;
	if (!pte_none(*pte))
		return -EEXIST;
	set_user_pte(mm, pte, page, vm_flags);
	return 0;
}

/*
 * Take one mapping of a page away (Linux: zap_pte_range). The CPU marked
 * the PTE dirty if the page was written through it: the page keeps that
 * news (PG_dirty) for whoever still maps it - the one thing that says its
 * contents differ from any copy on disk. Each mapping holds a reference;
 * the page is freed with the last, its contents and their state with it.
 */
static void zap_pte(struct mm_struct *mm, uint64_t pte)
{
	struct page *page = pfn_to_page(pte_pfn(pte));

	if (pte_dirty(pte))
		page_set(page, PG_dirty);
	page->mapcount--;
	mm->rss--;
	/* Its last mapping: a swap slot kept for it is not needed either
	 * (Linux: free_swap_cache), unless a swapped-out PTE counts it. */
	if (page_test(page, PG_swapcache) && page->mapcount == 0)
		free_swap_cache(page);
	put_page(page); /* the last user: it becomes a free frame (and
			      * free_pages clears PG_dirty with the rest) */
}

static int zap_pte_entry(uint64_t *pte, unsigned long addr, unsigned long next,
			 struct mm_walk *walk)
{
	(void)next;
	if (pte_none(*pte))
		return 0;
	if (pte_present(*pte))
		zap_pte(walk->mm, *pte);
	else if (is_swap_entry_type(pte_to_swp_entry(*pte))) /* (a hwpoison entry holds nothing) */
		free_swap_and_cache(pte_to_swp_entry(*pte));
	*pte = 0;
	flush_tlb_page(walk->mm, addr);
	return 0;
}

/* A huge page wholly in the range goes in one step; one partly in it is
 * split first, and its PTEs in the range go one by one. */
static int zap_pmd_entry(uint64_t *pmd, unsigned long addr, unsigned long next,
			 struct mm_walk *walk)
{
	if (!pmd_trans_huge(*pmd))
		return 0;
	if (next - addr == HPAGE_PMD_SIZE)
		zap_huge_pmd(walk->mm, pmd, addr);
	else
		split_huge_pmd(walk->vma, pmd, addr);
	return 0;
}

static const struct mm_walk_ops zap_ops = { .pmd_entry = zap_pmd_entry,
					    .pte_entry = zap_pte_entry,
					    .hugetlb_entry = hugetlb_zap_entry };

void unmap_range(struct mm_struct *mm, unsigned long start, unsigned long end)
{
	walk_page_range(mm, start, end, &zap_ops, NULL);
}

/* A page table whose 2 MiB no area overlaps any more: nothing in it. */
static int free_pte_table(uint64_t *pmd, unsigned long addr, unsigned long next,
			  struct mm_walk *walk)
{
	unsigned long start = addr & HPAGE_PMD_MASK;
	struct vm_area_struct *vma = find_vma(walk->mm, start);

	(void)next;
	if (pmd_trans_huge(*pmd) || (vma && vma->vm_start < start + HPAGE_PMD_SIZE))
		return 0;
	uint64_t *table = __va(*pmd & PTE_ADDR_MASK);
	*pmd = 0;
	flush_tlb_page(walk->mm, start); /* the CPU's cached PMD */
	pte_free(table);
	return 0;
}

static const struct mm_walk_ops free_pgtables_ops = { .pmd_entry = free_pte_table };

void free_pgtables(struct mm_struct *mm, unsigned long start, unsigned long end)
{
	walk_page_tables(mm, start & HPAGE_PMD_MASK, ALIGN_UP(end, HPAGE_PMD_SIZE),
			 &free_pgtables_ops, NULL);
}

/*
 * Free the tables below `table` at `level` (3: the PML4's children). The
 * pages they mapped are gone already: every user page lies in an area,
 * and mm_release unmapped each area first (Linux: free_pgtables after
 * unmap_vmas).
 */
static void free_tables(uint64_t *table, int level, int entries)
{
	for (int i = 0; i < entries; i++) {
		if (!(table[i] & PTE_PRESENT))
			continue;
		uint64_t *child = __va(table[i] & PTE_ADDR_MASK);
		if (level > 1)
			free_tables(child, level - 1, 512);
		pte_free(child);
	}
}

void pgd_free(struct mm_struct *mm)
{
	free_tables(mm->pgd, 3, USER_PML4_ENTRIES);
	pte_free(mm->pgd);
	mm->pgd = NULL;
}

void flush_tlb_page(struct mm_struct *mm, unsigned long va)
{
	if (mm && (read_cr3() & PTE_ADDR_MASK) == __pa(mm->pgd))
		invlpg(va);
}

void switch_mm(struct mm_struct *mm)
{
	uint64_t *pgd = mm ? mm->pgd : kernel_pgd;

	if ((read_cr3() & PTE_ADDR_MASK) != __pa(pgd))
		write_cr3(__pa(pgd));
}
