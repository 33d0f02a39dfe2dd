/*
 * From the firmware's memory map to a working page allocator:
 *
 *  1. print the map and tell memblock which ranges are RAM;
 *  2. reserve what is already in use: the first MiB (BIOS data), the
 *     kernel image, GRUB's modules and the kernel's symbol table;
 *  3. build the real page tables (mm/paging.c);
 *  4. allocate mem_map, one struct page per frame, all marked reserved;
 *  5. mark frames the firmware reports as defective (type 5) hwpoison;
 *  6. hand every RAM frame that is not reserved to the buddy allocator.
 */
#include "mm/mm_init.h"
#include "kernel/multiboot.h"
#include "kernel/printk.h"
#include "lib/string.h"
#include "mm/buddy.h"
#include "mm/filemap.h"
#include "mm/memblock.h"
#include "mm/paging.h"
#include "mm/slab.h"
#include "mm/swap.h"
#include "mm/watermark.h"

#define LOW_MEMORY_END 0x100000 /* BIOS data area, EBDA, video memory, ROMs */

uintptr_t page_offset_base; /* 0 until paging_init() */
struct page *mem_map;
unsigned long max_pfn;

extern char _phys_start[], _text[], _etext[], _end[]; /* linker.ld */

static void add_memory_ranges(void)
{
	phys_addr_t end = 0;

	for (int i = 0; i < boot_info.nr_ranges; i++) {
		const struct memory_range *r = &boot_info.ranges[i];
		const char *name = memory_type_name(r->type);
		pr_info("BIOS-e820: [mem 0x%016lx-0x%016lx] ", r->base, r->base + r->length - 1);
		if (name)
			pr_cont("%s\n", name);
		else
			pr_cont("type %u\n", r->type); /* as Linux prints unknown types */
		if (r->type == MEMORY_USABLE)
			memblock_add(r->base, r->base + r->length);
		if (r->type == MEMORY_USABLE || r->type == MEMORY_BADRAM)
			end = MAX(end, r->base + r->length);
	}
	max_pfn = end >> PAGE_SHIFT;
}

static void reserve_in_use(void)
{
	memblock_reserve(0, LOW_MEMORY_END, "low memory (BIOS)");
	memblock_reserve((phys_addr_t)_phys_start, __pa(_end), "kernel image");
	for (int i = 0; i < boot_info.nr_modules; i++)
		memblock_reserve(boot_info.modules[i].start, boot_info.modules[i].end,
				 "boot module");
	if (boot_info.symtab) {
		memblock_reserve(boot_info.symtab, boot_info.symtab + boot_info.symtab_size,
				 "kernel symbols");
		memblock_reserve(boot_info.strtab, boot_info.strtab + boot_info.strtab_size,
				 "kernel symbol names");
	}
}

static void alloc_mem_map(void)
{
	size_t size = max_pfn * sizeof(struct page);

	mem_map = __va(memblock_alloc(size, PAGE_SIZE, memblock_end_of_ram()));
	for (unsigned long pfn = 0; pfn < max_pfn; pfn++) {
		page_set(&mem_map[pfn], PG_reserved);
		INIT_LIST_HEAD(&mem_map[pfn].lru);
	}
	pr_info("mem_map: %lu struct pages of %lu bytes (%lu KiB)\n", max_pfn,
		(unsigned long)sizeof(struct page), (unsigned long)size >> 10);
}

/* Defective RAM is never handed out; showing it as hwpoison makes the
 * firmware's knowledge visible in `page` and `memmap`. */
static void mark_defective_ram(void)
{
	for (int i = 0; i < boot_info.nr_ranges; i++) {
		const struct memory_range *r = &boot_info.ranges[i];
		if (r->type != MEMORY_BADRAM)
			continue;
		unsigned long first = r->base >> PAGE_SHIFT;
		unsigned long last = (r->base + r->length - 1) >> PAGE_SHIFT;
		for (unsigned long pfn = first; pfn <= last && pfn < max_pfn; pfn++)
			page_set(pfn_to_page(pfn), PG_hwpoison);
		pr_warn("mm: %lu defective frames at [mem %#lx-%#lx] will never be used\n",
			last - first + 1, r->base, r->base + r->length - 1);
	}
}

static void release_free_range(phys_addr_t base, phys_addr_t end)
{
	unsigned long start_pfn = base >> PAGE_SHIFT, end_pfn = end >> PAGE_SHIFT;

	for (unsigned long pfn = start_pfn; pfn < end_pfn; pfn++)
		page_clear(pfn_to_page(pfn), PG_reserved);
	buddy_free_range(start_pfn, end_pfn);
}

void mm_init(void)
{
	add_memory_ranges();
	reserve_in_use();
	paging_init((phys_addr_t)max_pfn << PAGE_SHIFT);
	alloc_mem_map();
	mark_defective_ram();
	memblock_dump_reserved();
	buddy_init();
	lruvec_init();
	memblock_for_each_free_range(release_free_range);
	init_per_zone_wmark_min();
	kmalloc_init();
	page_wait_table_init();

	unsigned long total_kb = memblock_total_ram() >> 10;
	unsigned long avail_kb = zone.managed_pages << (PAGE_SHIFT - 10);
	pr_info("Memory: %luK/%luK available (%luK kernel code, %luK reserved)\n",
		avail_kb, total_kb, (unsigned long)(_etext - _text) >> 10,
		total_kb - avail_kb);
}
