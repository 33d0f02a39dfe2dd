/* A process's address space (Linux: struct mm_struct) and its areas. */
#ifndef MM_MM_TYPES_H
#define MM_MM_TYPES_H

#include "lib/list.h"
#include "lib/types.h"

/* vm_flags, Linux's values. */
#define VM_READ 0x1UL
#define VM_WRITE 0x2UL
#define VM_EXEC 0x4UL
#define VM_SHARED 0x8UL
#define VM_GROWSDOWN 0x100UL /* the stack */
#define VM_LOCKED 0x2000UL   /* mlock(): kept in memory */

/* One contiguous range of user addresses with the same rights. */
struct anon_vma;
struct proc;

struct vm_area_struct {
	unsigned long vm_start, vm_end; /* [vm_start, vm_end), page aligned */
	unsigned long vm_flags;
	struct list_head list;          /* in mm->mmap, sorted by address */
	struct mm_struct *vm_mm;
	struct anon_vma *anon_vma;      /* reverse map of its pages (mm/rmap.c) */
	struct list_head anon_vma_node; /* on anon_vma->vmas */
};

struct mm_struct {
	uint64_t *pgd;                  /* the top-level page table (PML4) */
	struct list_head mmap;          /* the areas, lowest address first */
	unsigned long start_brk, brk;   /* the heap: [start_brk, brk) */
	unsigned long mmap_base;        /* mmap() hands out addresses below this */
	unsigned long start_stack;
	unsigned long rss;              /* pages mapped */
	struct proc *owner;             /* the process using it */
};

#endif
