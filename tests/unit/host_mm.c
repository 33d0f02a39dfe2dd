#include "tests/unit/host_mm.h"

#include <string.h>

#include "mm/fault.h"
#include "mm/rmap.h"
#include "mm/slab.h"
#include "tests/unit/host_kernel.h"

/* insert_vma names the anonymous fault handler; nothing faults here. */
const struct vm_operations_struct anon_vm_ops = { .name = "anon" };

/* split_vma and remove_vma keep the reverse map; these areas have none. */
void anon_vma_link(struct vm_area_struct *copy, struct vm_area_struct *vma)
{
	copy->anon_vma = vma->anon_vma;
}

void anon_vma_unlink(struct vm_area_struct *vma)
{
	vma->anon_vma = NULL;
}

void host_mm_init(struct mm_struct *mm)
{
	host_memory_init();
	host_memory_give(1, HOST_PAGES);
	kmalloc_init();
	memset(mm, 0, sizeof(*mm));
	mm->mm_rb = RB_ROOT;
	INIT_LIST_HEAD(&mm->mmap);
}
