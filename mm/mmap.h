/* Managing the areas of an address space, and the system calls that
 * change them (brk, mmap, munmap). */
#ifndef MM_MMAP_H
#define MM_MMAP_H

#include "mm/layout.h"
#include "mm/mm_types.h"

/* mmap() arguments, Linux's values. */
#define PROT_READ 0x1
#define PROT_WRITE 0x2
#define PROT_EXEC 0x4
#define MAP_SHARED 0x01
#define MAP_PRIVATE 0x02
#define MAP_FIXED 0x10
#define MAP_ANONYMOUS 0x20

/*
 * The end of the range a memory call names: start + len with len rounded
 * up to pages. False if that wraps around the top of the address space.
 * (A len within a page of 2^64 rounds up to 0; each call has its own
 * answer to both, as in Linux.)
 */
static inline bool range_end(unsigned long start, unsigned long len, unsigned long *end)
{
	*end = start + ALIGN_UP(len, PAGE_SIZE);
	return *end >= start;
}

struct mm_struct *mm_alloc(void);
void mm_release(struct mm_struct *mm);

/* The areas (mm/vma.c). */
/* The first area ending above addr (it may start above addr too), in
 * O(log n). */
struct vm_area_struct *find_vma(struct mm_struct *mm, unsigned long addr);
/* The area after vma, or NULL. */
struct vm_area_struct *vma_next(struct mm_struct *mm, struct vm_area_struct *vma);
/* Add [start, end) as a new area (locked too after mlockall(MCL_FUTURE));
 * -EEXIST if it overlaps one, -ENOMEM. */
int insert_vma(struct mm_struct *mm, unsigned long start, unsigned long end,
	       unsigned long vm_flags);
/* Put an area whose vm_file is set (with a reference it owns) on the
 * file's mapping->i_mmap, where the reverse map finds it. Removing the
 * area undoes both. */
void vma_link_file(struct vm_area_struct *vma);
/* Move vma's end (the heap grows): the gap after it changes. */
void vma_set_end(struct mm_struct *mm, struct vm_area_struct *vma, unsigned long end);
/* Split areas so that start and end fall on area boundaries. */
int split_at(struct mm_struct *mm, unsigned long start, unsigned long end);
void remove_vma(struct mm_struct *mm, struct vm_area_struct *vma);
/* Remove the areas inside [start, end) (split there first). */
void remove_vmas(struct mm_struct *mm, unsigned long start, unsigned long end);
/* Every page of [start, end) lies in some area. */
bool range_mapped(struct mm_struct *mm, unsigned long start, unsigned long end);
/* Call fn on each area of the mapped range [start, end), split so that
 * the areas cover exactly the range, until fn returns an error; -ENOMEM
 * if part of the range is unmapped (as Linux answers). */
int for_each_vma_in(struct mm_struct *mm, unsigned long start, unsigned long end,
		    int (*fn)(struct vm_area_struct *vma, void *arg), void *arg);
/* The highest free range of len bytes below mm->mmap_base, in O(log n);
 * 0 if none. */
unsigned long get_unmapped_area(struct mm_struct *mm, unsigned long len);

/* Remove [start, end) from every area (splitting as needed) and unmap it. */
int do_munmap(struct mm_struct *mm, unsigned long start, unsigned long len);
unsigned long prot_to_vm_flags(uint64_t prot);
/* Lock vma in memory: VM_LOCKED, every page present and PG_mlocked (mlock,
 * mlockall; mm/mprotect.c). 0, or -EINTR for a fatal signal. */
int mlock_vma(struct vm_area_struct *vma, void *arg);
/* A new area [addr, addr + len) with vm_flags, free before, mapping file
 * from byte off (NULL: anonymous; shared anonymous gets a shmem file):
 * 0 or -errno, nothing left behind. (The exec loader and mmap.) */
long mmap_region(struct mm_struct *mm, struct file *file, unsigned long addr, unsigned long len,
		 unsigned long vm_flags, uint64_t off);

long sys_brk(uint64_t brk);
long sys_mmap(uint64_t addr, uint64_t len, uint64_t prot, uint64_t flags, uint64_t fd,
	      uint64_t off);
long sys_munmap(uint64_t addr, uint64_t len);

#endif
