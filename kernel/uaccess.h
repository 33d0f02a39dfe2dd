/*
 * The only ways the kernel touches user memory. A bad user pointer makes
 * these return -EFAULT (or a short count); it never crashes the kernel.
 */
#ifndef KERNEL_UACCESS_H
#define KERNEL_UACCESS_H

#include "lib/types.h"

#define TASK_SIZE 0x00007ffffffff000UL /* user addresses are below this */

/* [addr, addr + n) lies wholly in user space. */
bool access_ok(uint64_t addr, size_t n);
/* 0, or -EFAULT if any byte could not be copied. */
int copy_from_user(void *dst, uint64_t src, size_t n);
int copy_to_user(uint64_t dst, const void *src, size_t n);
/* Copy a NUL-terminated string of at most max-1 chars: its length,
 * -EFAULT, or -ENAMETOOLONG. */
long strncpy_from_user(char *dst, uint64_t src, size_t max);

#endif
