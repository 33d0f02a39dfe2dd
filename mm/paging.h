/* The kernel's own page tables (see mm/layout.h for the map). */
#ifndef MM_PAGING_H
#define MM_PAGING_H

#include "lib/types.h"

/* Page-table entry bits. */
#define PTE_PRESENT (1UL << 0)
#define PTE_WRITE (1UL << 1)
#define PTE_USER (1UL << 2)
#define PTE_ACCESSED (1UL << 5) /* set by the CPU on any access */
#define PTE_DIRTY (1UL << 6)    /* set by the CPU on a write */
#define PTE_HUGE (1UL << 7)   /* in a PD: this entry maps 2 MiB directly */
#define PTE_GLOBAL (1UL << 8)
#define PTE_SOFTW1 (1UL << 9) /* bits 9-11: the CPU ignores them, software's */
#define PTE_NX (1UL << 63)
#define PTE_ADDR_MASK 0x000ffffffffff000UL

#define APIC_DEFAULT_PHYS_BASE 0xfee00000UL /* the local APIC, in the direct map too */

/*
 * Replace the boot page tables with the real ones: every frame below
 * ram_end (RAM, defective RAM and the holes between) and the local APIC's
 * registers in the direct map, and the kernel image in the top 2 GiB. After
 * this, page_offset_base is DIRECT_MAP_BASE and low addresses are unmapped,
 * so a NULL pointer dereference faults.
 */
void paging_init(phys_addr_t ram_end);

/* 2 MiB pages of the direct map, the APIC's too (meminfo's DirectMap2M),
 * and 4 KiB ones, where a 2 MiB page was split (DirectMap4k). */
extern unsigned long direct_map_huge_pages, direct_map_small_pages;

/* Take the frame out of the direct map, so that every kernel access
 * faults (the emulated memory controller's armed frames, mce/latent.c;
 * Linux unmaps a poisoned page the same way: set_mce_nospec): 0 or
 * -ENOMEM. And put it back. */
int set_direct_map_invalid(unsigned long pfn);
void set_direct_map_default(unsigned long pfn);

#endif
