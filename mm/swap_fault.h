#ifndef MM_SWAP_FAULT_H
#define MM_SWAP_FAULT_H

#include "mm/mm_types.h"

/* A fault at addr found the swap entry at pte (Linux: do_swap_page): 0
 * (retry the access), -ENOMEM, or -EIO (SIGBUS: the slot could not be
 * read). */
int do_swap_page(struct vm_area_struct *vma, unsigned long addr, uint64_t *pte, bool write);

#endif
