/*
 * The boot-time memory manager (Linux: memblock). Before struct pages exist
 * the kernel needs a little memory - page tables, the page array itself -
 * and must know which RAM is already taken (kernel image, GRUB's modules).
 * memblock keeps two lists of physical ranges, "memory" and "reserved";
 * everything in memory and not reserved later goes to the buddy allocator.
 */
#ifndef MM_MEMBLOCK_H
#define MM_MEMBLOCK_H

#include "lib/types.h"

struct memblock_region {
	phys_addr_t base, end; /* [base, end) */
	const char *what;      /* why it is reserved (for the boot log) */
};

void memblock_add(phys_addr_t base, phys_addr_t end);
void memblock_reserve(phys_addr_t base, phys_addr_t end, const char *what);
/* Reserve and return `size` bytes of RAM below `limit`, aligned; zeroed
 * through the current direct map. Panics if there is no room (boot only). */
phys_addr_t memblock_alloc(size_t size, size_t align, phys_addr_t limit);
phys_addr_t memblock_end_of_ram(void);
void memblock_dump_reserved(void);
phys_addr_t memblock_total_ram(void);
bool memblock_is_memory(phys_addr_t addr);

/* Call fn for every page-aligned range that is RAM and not reserved. */
void memblock_for_each_free_range(void (*fn)(phys_addr_t base, phys_addr_t end));

#endif
