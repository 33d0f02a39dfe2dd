/*
 * walk_page_range (mm/pagewalk.c) over page tables built in host memory:
 * the host's frames stand in for physical memory (__va adds the arena's
 * address), so table entries hold frame addresses as on the machine.
 */
#include <string.h>

#include "lib/string.h"
#include "mm/buddy.h"
#include "mm/mmap.h"
#include "mm/pagewalk.h"
#include "mm/paging.h"
#include "mm/slab.h"
#include "tests/unit/host_kernel.h"
#include "tests/unit/test.h"

#define HUGE_SIZE (2UL << 20)
#define USER_TOP (1UL << 47)

static struct mm_struct mm;

static uint64_t *new_table(void)
{
	struct page *page = alloc_page();

	memset(page_address(page), 0, PAGE_SIZE);
	return page_address(page);
}

static void setup(void)
{
	host_mm_init(&mm);
	mm.pgd = new_table();
}

/* The entry for va at level (0 a PTE ... 1 a PD entry), tables made as needed. */
static uint64_t *entry_for(unsigned long va, int level)
{
	uint64_t *table = mm.pgd;

	for (int l = 3; l > level; l--) {
		uint64_t *e = &table[(va >> (12 + 9 * l)) & 511];
		if (!*e)
			*e = __pa(new_table()) | PTE_PRESENT | PTE_WRITE | PTE_USER;
		table = __va(*e & PTE_ADDR_MASK);
	}
	return &table[(va >> (12 + 9 * level)) & 511];
}

static void map_page(unsigned long va, unsigned long pfn)
{
	*entry_for(va, 0) = (pfn << PAGE_SHIFT) | PTE_PRESENT | PTE_USER;
}

/* What a walk saw: every range in order, so the test can check that they
 * tile [start, end) exactly. */
struct seen {
	unsigned long next_addr;  /* where the next callback's range must start */
	bool gap;                 /* a range did not start there */
	int ptes, present, pmds, huge, holes, area_holes;
	unsigned long present_sum; /* sum of addresses of present PTEs */
	int stop_after;            /* stop the walk after this many present PTEs */
};

static void saw(struct seen *s, unsigned long addr, unsigned long next)
{
	if (addr != s->next_addr || next <= addr)
		s->gap = true;
	s->next_addr = next;
}

static int on_pte(uint64_t *pte, unsigned long addr, unsigned long next, struct mm_walk *walk)
{
	struct seen *s = walk->private;

	saw(s, addr, next);
	s->ptes++;
	if (*pte & PTE_PRESENT) {
		s->present++;
		s->present_sum += addr;
		if (!walk->vma || addr < walk->vma->vm_start || addr >= walk->vma->vm_end)
			s->gap = true; /* walk->vma must be the area of the entry */
		if (s->stop_after && s->present == s->stop_after)
			return 7;
	}
	return 0;
}

static int on_pmd(uint64_t *pmd, unsigned long addr, unsigned long next, struct mm_walk *walk)
{
	struct seen *s = walk->private;

	s->pmds++;
	if (*pmd & PTE_HUGE) {
		saw(s, addr, next); /* a leaf: its range is done here */
		s->huge++;
	}
	return 0;
}

static int on_hole(unsigned long addr, unsigned long next, int depth, struct mm_walk *walk)
{
	struct seen *s = walk->private;

	saw(s, addr, next);
	s->holes++;
	s->area_holes += depth == -1;
	return 0;
}

static const struct mm_walk_ops all_ops = {
	.pmd_entry = on_pmd, .pte_entry = on_pte, .pte_hole = on_hole,
};

static struct seen walk(unsigned long start, unsigned long end, const struct mm_walk_ops *ops)
{
	struct seen s = { .next_addr = start };

	walk_page_range(&mm, start, end, ops, &s);
	return s;
}

static void test_every_present_pte_once_and_ranges_tile(void)
{
	setup();
	CHECK(insert_vma(&mm, 0x400000, 0x800000, VM_READ) == 0);
	map_page(0x400000, 100);
	map_page(0x401000, 101);
	map_page(0x7ff000, 102);
	struct seen s = walk(0x400000, 0x800000, &all_ops);
	CHECK(!s.gap && s.next_addr == 0x800000);
	CHECK(s.present == 3 && s.present_sum == 0x400000 + 0x401000 + 0x7ff000);
	CHECK(s.ptes == 1024); /* both page tables, entry by entry */
	CHECK(s.pmds == 2 && s.huge == 0 && s.holes == 0);
}

static void test_a_huge_leaf_is_not_descended(void)
{
	setup();
	CHECK(insert_vma(&mm, 0x40000000, 0x40000000 + 2 * HUGE_SIZE, VM_READ) == 0);
	*entry_for(0x40000000, 1) = (512UL << PAGE_SHIFT) | PTE_PRESENT | PTE_USER | PTE_HUGE;
	map_page(0x40000000 + HUGE_SIZE, 100);
	struct seen s = walk(0x40000000, 0x40000000 + 2 * HUGE_SIZE, &all_ops);
	CHECK(!s.gap && s.next_addr == 0x40000000 + 2 * HUGE_SIZE);
	CHECK(s.pmds == 2 && s.huge == 1);
	CHECK(s.ptes == 512 && s.present == 1); /* only the second 2 MiB has a page table */
}

/* The whole user half as one area with three pages: the walk costs the
 * tables that exist, not the 2^35 pages of the range. */
static void test_empty_levels_are_skipped_in_one_step(void)
{
	setup();
	CHECK(insert_vma(&mm, PAGE_SIZE, USER_TOP - PAGE_SIZE, VM_READ) == 0);
	map_page(0x1000, 100);
	map_page(0x7f0000000000, 101);
	map_page(USER_TOP - 2 * PAGE_SIZE, 102);
	struct seen s = walk(PAGE_SIZE, USER_TOP - PAGE_SIZE, &all_ops);
	CHECK(!s.gap && s.next_addr == USER_TOP - PAGE_SIZE);
	CHECK(s.present == 3);
	CHECK(s.ptes <= 3 * 512);
	CHECK(s.holes < 3 * 3 * 512); /* at most a table's worth per level per page */
	CHECK(s.area_holes == 0);
}

static void test_gaps_between_areas_are_holes(void)
{
	setup();
	CHECK(insert_vma(&mm, 0x400000, 0x402000, VM_READ) == 0);
	CHECK(insert_vma(&mm, 0x500000, 0x501000, VM_READ) == 0);
	map_page(0x401000, 100);
	map_page(0x480000, 101); /* outside any area: not an area's page */
	map_page(0x500000, 102);
	struct seen s = walk(0x300000, 0x600000, &all_ops);
	CHECK(!s.gap && s.next_addr == 0x600000);
	CHECK(s.area_holes == 3); /* below, between and above the areas */
	CHECK(s.present == 2 && s.present_sum == 0x401000 + 0x500000);
}

static void test_a_callback_stops_the_walk(void)
{
	setup();
	CHECK(insert_vma(&mm, 0x400000, 0x800000, VM_READ) == 0);
	for (unsigned long va = 0x400000; va < 0x410000; va += PAGE_SIZE)
		map_page(va, 100);
	struct seen s = { .next_addr = 0x400000, .stop_after = 3 };
	CHECK(walk_page_range(&mm, 0x400000, 0x800000, &all_ops, &s) == 7);
	CHECK(s.present == 3);
}

int main(void)
{
	RUN(test_every_present_pte_once_and_ranges_tile);
	RUN(test_a_huge_leaf_is_not_descended);
	RUN(test_empty_levels_are_skipped_in_one_step);
	RUN(test_gaps_between_areas_are_holes);
	RUN(test_a_callback_stops_the_walk);
	return finish("unit pagewalk");
}
