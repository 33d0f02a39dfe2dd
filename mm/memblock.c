#include "mm/memblock.h"
#include "kernel/panic.h"
#include "kernel/printk.h"
#include "lib/string.h"
#include "mm/layout.h"

#define MAX_REGIONS 128

struct region_list {
	struct memblock_region regions[MAX_REGIONS];
	int count;
};

static struct region_list memory, reserved;

/* Keep each list sorted by base, so free ranges fall out of one walk. */
static void insert(struct region_list *list, phys_addr_t base, phys_addr_t end,
		   const char *what)
{
	int i;

	if (base >= end)
		return;
	for (i = list->count; i > 0 && list->regions[i - 1].base > base; i--)
		;
	struct memblock_region *prev = i > 0 ? &list->regions[i - 1] : NULL;
	if (prev && prev->end == base && prev->what == what) {
		prev->end = end; /* grow the neighbour: one line in the log */
		return;
	}
	if (list->count == MAX_REGIONS)
		panic("memblock: more than %d regions", MAX_REGIONS);
	for (int j = list->count; j > i; j--)
		list->regions[j] = list->regions[j - 1];
	list->regions[i] = (struct memblock_region){ base, end, what };
	list->count++;
}

void memblock_add(phys_addr_t base, phys_addr_t end)
{
	insert(&memory, base, end, "RAM");
}

void memblock_reserve(phys_addr_t base, phys_addr_t end, const char *what)
{
	insert(&reserved, ALIGN_DOWN(base, PAGE_SIZE), ALIGN_UP(end, PAGE_SIZE), what);
}

static bool overlaps_reserved(phys_addr_t base, phys_addr_t end)
{
	for (int i = 0; i < reserved.count; i++)
		if (base < reserved.regions[i].end && reserved.regions[i].base < end)
			return true;
	return false;
}

phys_addr_t memblock_alloc(size_t size, size_t align, phys_addr_t limit)
{
	for (int i = 0; i < memory.count; i++) {
		const struct memblock_region *r = &memory.regions[i];
		for (phys_addr_t base = ALIGN_UP(r->base, align);
		     base + size <= MIN(r->end, limit); base += align) {
			if (overlaps_reserved(base, base + size))
				continue;
			memblock_reserve(base, base + size, "boot allocations");
			memset(__va(base), 0, size);
			return base;
		}
	}
	panic("memblock: no room for %lu bytes at boot", (unsigned long)size);
}

phys_addr_t memblock_end_of_ram(void)
{
	phys_addr_t end = 0;

	for (int i = 0; i < memory.count; i++)
		end = MAX(end, memory.regions[i].end);
	return end;
}

void memblock_dump_reserved(void)
{
	for (int i = 0; i < reserved.count; i++)
		pr_info("memblock: reserved [mem 0x%08lx-0x%08lx] %s\n",
			reserved.regions[i].base, reserved.regions[i].end - 1,
			reserved.regions[i].what);
}

bool memblock_is_memory(phys_addr_t addr)
{
	for (int i = 0; i < memory.count; i++)
		if (addr >= memory.regions[i].base && addr < memory.regions[i].end)
			return true;
	return false;
}

phys_addr_t memblock_total_ram(void)
{
	phys_addr_t total = 0;

	for (int i = 0; i < memory.count; i++)
		total += memory.regions[i].end - memory.regions[i].base;
	return total;
}

/* One memory region minus the (sorted) reserved ones. */
static void free_ranges_of(const struct memblock_region *mem,
			   void (*fn)(phys_addr_t, phys_addr_t))
{
	phys_addr_t cursor = ALIGN_UP(mem->base, PAGE_SIZE);
	phys_addr_t end = ALIGN_DOWN(mem->end, PAGE_SIZE);

	for (int i = 0; i < reserved.count && cursor < end; i++) {
		const struct memblock_region *r = &reserved.regions[i];
		if (r->end <= cursor)
			continue;
		if (r->base >= end)
			break;
		if (r->base > cursor)
			fn(cursor, r->base);
		cursor = MAX(cursor, r->end);
	}
	if (cursor < end)
		fn(cursor, end);
}

void memblock_for_each_free_range(void (*fn)(phys_addr_t base, phys_addr_t end))
{
	for (int i = 0; i < memory.count; i++)
		free_ranges_of(&memory.regions[i], fn);
}
