/* Managing the areas of an address space, and the system calls that
 * change them (brk, mmap, munmap). */
#ifndef MM_MMAP_H
#define MM_MMAP_H

#include "mm/mm_types.h"

/* mmap() arguments, Linux's values. */
#define PROT_READ 0x1
#define PROT_WRITE 0x2
#define PROT_EXEC 0x4
#define MAP_SHARED 0x01
#define MAP_PRIVATE 0x02
#define MAP_FIXED 0x10
#define MAP_ANONYMOUS 0x20

struct mm_struct *mm_alloc(void);
void mm_release(struct mm_struct *mm);

/* The first area ending above addr (it may start above addr too). */
struct vm_area_struct *find_vma(struct mm_struct *mm, unsigned long addr);
/* Add [start, end) as a new area; -EEXIST if it overlaps one, -ENOMEM. */
int insert_vma(struct mm_struct *mm, unsigned long start, unsigned long end,
	       unsigned long vm_flags);
/* Remove [start, end) from every area (splitting as needed) and unmap it. */
int do_munmap(struct mm_struct *mm, unsigned long start, unsigned long len);
bool range_mapped(struct mm_struct *mm, unsigned long start, unsigned long end);
/* Call fn on each area of the mapped range [start, end), split so that
 * the areas cover exactly the range; -ENOMEM if part is unmapped. */
int for_each_vma_in(struct mm_struct *mm, unsigned long start, unsigned long end,
		    void (*fn)(struct vm_area_struct *vma, void *arg), void *arg);
unsigned long prot_to_vm_flags(uint64_t prot);

long sys_brk(uint64_t brk);
long sys_mmap(uint64_t addr, uint64_t len, uint64_t prot, uint64_t flags, uint64_t fd,
	      uint64_t off);
long sys_munmap(uint64_t addr, uint64_t len);

#endif
