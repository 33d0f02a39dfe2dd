#ifndef MM_FORK_H
#define MM_FORK_H

#include "mm/mm_types.h"

/* A copy-on-write copy of src for a child process; NULL if out of memory. */
struct mm_struct *dup_mm(struct mm_struct *src);

#endif
