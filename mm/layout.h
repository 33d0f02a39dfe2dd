/*
 * The kernel's virtual address space (see docs/architecture.md):
 *
 *   0x0000000000000000 - 0x00007fffffffffff  user space (docs/processes.md)
 *   0xffff888000000000 - ...                 direct map of all physical RAM
 *   0xffffffff80000000 - 0xffffffffbfffffff  the kernel image (first 1 GiB
 *                                            of physical memory)
 *
 * The direct map's base is a variable, page_offset_base, as in Linux: it is
 * 0 during early boot, while the boot page tables identity-map low memory,
 * and becomes 0xffff888000000000 once mm/paging.c has built the real map.
 */
#ifndef MM_LAYOUT_H
#define MM_LAYOUT_H

#include "lib/types.h"

#define PAGE_SHIFT 12
#define PAGE_SIZE (1UL << PAGE_SHIFT)
#define PAGE_MASK (~(PAGE_SIZE - 1))

#define KERNEL_VMA 0xffffffff80000000UL
#define KERNEL_MAP_SIZE (1UL << 30)
#define DIRECT_MAP_BASE 0xffff888000000000UL
#define PAGE_OFFSET_BASE_MIN 0xffff800000000000UL /* lowest kernel address */

extern uintptr_t page_offset_base;

/* Physical address to its direct-map virtual address, and back. */
static inline void *__va(phys_addr_t pa)
{
	return (void *)(pa + page_offset_base);
}

static inline phys_addr_t __pa(const void *va)
{
	uintptr_t v = (uintptr_t)va;

	if (v >= KERNEL_VMA)
		return v - KERNEL_VMA; /* inside the kernel image */
	return v - page_offset_base;
}

#endif
