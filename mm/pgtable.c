#include "mm/pgtable.h"
#include "kernel/errno.h"
#include "kernel/x86.h"
#include "lib/string.h"
#include "mm/buddy.h"
#include "mm/paging.h"
#include "mm/rmap.h"

#define USER_PML4_ENTRIES 256 /* entries 0-255: the lower, user half */

static uint64_t *kernel_pgd;

void pgtable_init(void)
{
	kernel_pgd = __va(read_cr3() & PTE_ADDR_MASK);
}

static uint64_t *alloc_table(void)
{
	struct page *page = alloc_page();

	if (!page)
		return NULL;
	page_set(page, PG_pgtable);
	memset(page_address(page), 0, PAGE_SIZE);
	return page_address(page);
}

static void free_table(uint64_t *table)
{
	struct page *page = virt_to_page(table);

	page_clear(page, PG_pgtable);
	free_page(page);
}

uint64_t *pgd_alloc(void)
{
	uint64_t *pgd = alloc_table();

	if (pgd)
		memcpy(pgd + USER_PML4_ENTRIES, kernel_pgd + USER_PML4_ENTRIES,
		       USER_PML4_ENTRIES * sizeof(uint64_t));
	return pgd;
}

static unsigned index_at(unsigned long va, int level)
{
	return (va >> (12 + 9 * level)) & 511;
}

uint64_t *walk_pte(uint64_t *pgd, unsigned long va, bool create)
{
	uint64_t *table = pgd;

	for (int level = 3; level > 0; level--) {
		uint64_t *entry = &table[index_at(va, level)];
		if (!(*entry & PTE_PRESENT)) {
			uint64_t *next = create ? alloc_table() : NULL;
			if (!next)
				return NULL;
			*entry = __pa(next) | PTE_PRESENT | PTE_WRITE | PTE_USER;
		}
		table = __va(*entry & PTE_ADDR_MASK);
	}
	return &table[index_at(va, 0)];
}

int map_user_page(struct mm_struct *mm, unsigned long va, struct page *page,
		  unsigned long vm_flags)
{
	uint64_t *pte = walk_pte(mm->pgd, va, true);

	if (!pte)
		return -ENOMEM;
	*pte = ((uint64_t)page_to_pfn(page) << PAGE_SHIFT) | PTE_PRESENT | PTE_USER |
	       (vm_flags & VM_WRITE ? PTE_WRITE : 0) | (vm_flags & VM_EXEC ? 0 : PTE_NX);
	page->mapcount++;
	mm->rss++;
	return 0;
}

/* Each mapping holds a reference; the page is freed with the last. */
static void release_user_page(struct mm_struct *mm, uint64_t pte)
{
	struct page *page = pfn_to_page((pte & PTE_ADDR_MASK) >> PAGE_SHIFT);

	page->mapcount--;
	mm->rss--;
	if (page->refcount == 1) /* the last user: it becomes a free frame */
		page_remove_anon(page);
	put_page(page);
}

void unmap_range(struct mm_struct *mm, unsigned long start, unsigned long end)
{
	for (unsigned long va = start; va < end; va += PAGE_SIZE) {
		uint64_t *pte = walk_pte(mm->pgd, va, false);
		if (!pte || !*pte)
			continue;
		if (*pte & PTE_PRESENT) /* (a hwpoison entry holds no page) */
			release_user_page(mm, *pte);
		*pte = 0;
		flush_tlb_page(mm, va);
	}
}

/* Free the tables below `table` at `level` (3 = PML4's children). */
static void free_tables(struct mm_struct *mm, uint64_t *table, int level, int entries)
{
	for (int i = 0; i < entries; i++) {
		if (!(table[i] & PTE_PRESENT))
			continue;
		if (level == 0) {
			release_user_page(mm, table[i]);
			continue;
		}
		uint64_t *child = __va(table[i] & PTE_ADDR_MASK);
		free_tables(mm, child, level - 1, 512);
		free_table(child);
	}
}

void pgd_free(struct mm_struct *mm)
{
	free_tables(mm, mm->pgd, 3, USER_PML4_ENTRIES);
	free_table(mm->pgd);
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
