/*
 * Machine-check-safe copies (Linux: arch/x86/lib/copy_mc.c). For copies
 * of data the kernel did not write itself - a user's page it duplicates
 * (copy-on-write, migration, collapsing into a huge page), a page-cache
 * page it hands to read() - whose memory may have gone bad. A machine
 * check while reading the source does not panic: the #MC handler sends
 * the copy to its fixup (mce/core.c:kernel_recover), and the copy
 * returns the number of bytes it did not copy. The caller then gives up
 * just that page (memory_failure) and carries on.
 */
#ifndef KERNEL_COPY_MC_H
#define KERNEL_COPY_MC_H

#include "lib/types.h"

/* 0, or the bytes not copied, counted from the first word that could not
 * be read. */
size_t copy_mc_to_kernel(void *dst, const void *src, size_t n);
/* The same into user memory: a bad user pointer also stops it (as a
 * page fault, exactly). */
size_t copy_mc_to_user(uint64_t dst, const void *src, size_t n);

#endif
