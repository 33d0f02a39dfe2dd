#ifndef MM_MM_INIT_H
#define MM_MM_INIT_H

/* Bring up memory management from GRUB's memory map: memblock, the real
 * page tables, the struct page array and the buddy allocator. */
void mm_init(void);

#endif
