/*
 * mm->mmap_lock (Linux: include/linux/mmap_lock.h): the areas of an
 * address space and its page tables. A page fault holds it for reading,
 * so any number of faults (threads, later) may run at once; a call that
 * changes the areas - mmap, munmap, mprotect, brk, madvise, mlock, fork
 * copying them - holds it for writing. While it holds the lock for
 * writing a call must not touch user memory: the fault that would cause
 * needs the lock for reading, and would wait for ever (the kernel panics
 * instead, saying so).
 */
#ifndef MM_MMAP_LOCK_H
#define MM_MMAP_LOCK_H

#include "kernel/mutex.h"
#include "mm/mm_types.h"

static inline void mmap_read_lock(struct mm_struct *mm)
{
	down_read(&mm->mmap_lock);
}

static inline void mmap_read_unlock(struct mm_struct *mm)
{
	up_read(&mm->mmap_lock);
}

static inline void mmap_write_lock(struct mm_struct *mm)
{
	down_write(&mm->mmap_lock);
}

static inline void mmap_write_unlock(struct mm_struct *mm)
{
	up_write(&mm->mmap_lock);
}

/* Someone holds it to write: the areas or page tables are being changed. */
static inline bool mmap_lock_is_write_locked(const struct mm_struct *mm)
{
	return mm->mmap_lock.writer != NULL;
}

#endif
