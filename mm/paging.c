/*
 * Four-level paging: PML4 -> PDPT -> PD -> (PT). Both of our mappings use
 * 2 MiB pages (a PD entry with PTE_HUGE), so no PT level is needed yet.
 * Page-table pages come from memblock while page_offset_base is still 0
 * and the boot tables identity-map the first 4 GiB.
 */
#include "mm/paging.h"
#include "kernel/errno.h"
#include "kernel/printk.h"
#include "kernel/x86.h"
#include "mm/layout.h"
#include "mm/buddy.h"
#include "mm/memblock.h"

#define HUGE_SIZE (2UL << 20)
#define CR4_PGE (1UL << 7)
#define IDENTITY_LIMIT (4UL << 30) /* what the boot tables reach */
#define PTE_PCD (1UL << 4) /* cache disabled: device registers */

static uint64_t *new_table(void)
{
	return __va(memblock_alloc(PAGE_SIZE, PAGE_SIZE, IDENTITY_LIMIT));
}

static unsigned index_at(uint64_t va, int shift)
{
	return (va >> shift) & 511;
}

/* The table an entry points to, created if missing. */
static uint64_t *next_table(uint64_t *entry)
{
	if (!(*entry & PTE_PRESENT))
		*entry = __pa(new_table()) | PTE_PRESENT | PTE_WRITE;
	return __va(*entry & PTE_ADDR_MASK);
}

unsigned long direct_map_huge_pages, direct_map_small_pages;

static void map_huge(uint64_t *pml4, uint64_t va, phys_addr_t pa, uint64_t flags)
{
	uint64_t *pdpt = next_table(&pml4[index_at(va, 39)]);
	uint64_t *pd = next_table(&pdpt[index_at(va, 30)]);

	pd[index_at(va, 21)] = pa | flags | PTE_PRESENT | PTE_HUGE;
}

void paging_init(phys_addr_t ram_end)
{
	uint64_t *pml4 = new_table();
	phys_addr_t pa;

	ram_end = ALIGN_UP(ram_end, HUGE_SIZE);
	for (pa = 0; pa < ram_end; pa += HUGE_SIZE)
		map_huge(pml4, DIRECT_MAP_BASE + pa, pa, PTE_WRITE | PTE_GLOBAL | PTE_NX);
	/* Not RAM, but the local APIC's registers (kernel/lapic.c): uncached. */
	map_huge(pml4, DIRECT_MAP_BASE + APIC_DEFAULT_PHYS_BASE, APIC_DEFAULT_PHYS_BASE,
		 PTE_WRITE | PTE_GLOBAL | PTE_NX | PTE_PCD);
	direct_map_huge_pages = ram_end / HUGE_SIZE + 1;
	for (pa = 0; pa < KERNEL_MAP_SIZE; pa += HUGE_SIZE)
		map_huge(pml4, KERNEL_VMA + pa, pa, PTE_WRITE | PTE_GLOBAL);

	write_cr3(__pa(pml4));
	write_cr4(read_cr4() | CR4_PGE); /* keep PTE_GLOBAL entries in the TLB across CR3 loads */
	page_offset_base = DIRECT_MAP_BASE;
	pr_info("paging: direct map of %lu MiB at %#lx, kernel at %#lx\n",
		ram_end >> 20, DIRECT_MAP_BASE, KERNEL_VMA);
}

/*
 * The direct map's 4 KiB entry for the frame at pa. Its 2 MiB page is
 * split into 512 small ones the first time (Linux: split_large_page):
 * same frames, same rights, one level more. NULL if there is no memory
 * for the table.
 */
static uint64_t *direct_map_pte(phys_addr_t pa)
{
	uint64_t va = DIRECT_MAP_BASE + pa;
	uint64_t *pml4 = __va(read_cr3() & PTE_ADDR_MASK); /* any: the kernel half is shared */
	uint64_t *pdpt = __va(pml4[index_at(va, 39)] & PTE_ADDR_MASK);
	uint64_t *pd = __va(pdpt[index_at(va, 30)] & PTE_ADDR_MASK);
	uint64_t *pde = &pd[index_at(va, 21)];

	if (*pde & PTE_HUGE) {
		struct page *page = alloc_pages(GFP_KERNEL, 0);
		if (!page)
			return NULL;
		uint64_t *pt = page_address(page);
		uint64_t flags = (*pde & ~PTE_ADDR_MASK) & ~PTE_HUGE;
		phys_addr_t base = *pde & PTE_ADDR_MASK;
		for (int i = 0; i < 512; i++)
			pt[i] = (base + (uint64_t)i * PAGE_SIZE) | flags;
		*pde = __pa(pt) | PTE_PRESENT | PTE_WRITE;
		invlpg(va & ~(HUGE_SIZE - 1)); /* the 2 MiB translation */
		direct_map_huge_pages--;
		direct_map_small_pages += 512;
	}
	return (uint64_t *)__va(*pde & PTE_ADDR_MASK) + index_at(va, 12);
}

int set_direct_map_invalid(unsigned long pfn)
{
	uint64_t *pte = direct_map_pte((phys_addr_t)pfn << PAGE_SHIFT);

	if (!pte)
		return -ENOMEM;
	*pte &= ~PTE_PRESENT;
	invlpg((uint64_t)__va((phys_addr_t)pfn << PAGE_SHIFT));
	return 0;
}

void set_direct_map_default(unsigned long pfn)
{
	uint64_t *pte = direct_map_pte((phys_addr_t)pfn << PAGE_SHIFT);

	*pte |= PTE_PRESENT; /* split already, when it was made invalid */
	invlpg((uint64_t)__va((phys_addr_t)pfn << PAGE_SHIFT));
}
