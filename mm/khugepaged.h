/* The collapse daemon (mm/khugepaged.c). */
#ifndef MM_KHUGEPAGED_H
#define MM_KHUGEPAGED_H

#include "mm/huge_mm.h"
#include "mm/mm_types.h"

/* /sys/kernel/debug/hwpoison/collapse-copy-mc: 1 (the default) copies
 * with copy_mc; 0 with memcpy, for the experiment that shows why. */
extern int collapse_copy_mc;

/* vma may get huge pages: put its mm on khugepaged's list (once). */
void khugepaged_enter_vma(struct vm_area_struct *vma);
/* The mm is going: off the list. */
void khugepaged_exit(struct mm_struct *mm);
/* madvise(MADV_COLLAPSE) of [start, end), the mmap_lock held to write:
 * 0, or Linux's errno for the first run that could not be collapsed. */
int madvise_collapse(struct mm_struct *mm, unsigned long start, unsigned long end);
/* Start the thread. */
void khugepaged_init(void);
/* /sys/kernel/mm/transparent_hugepage/khugepaged (fs/sysfs.c). */
extern const struct kobj_attribute khugepaged_attrs[];
extern const size_t nr_khugepaged_attrs;

#endif
