#include "kernel/uaccess.h"
#include "kernel/errno.h"

size_t copy_user_bytes(void *dst, const void *src, size_t n); /* copy_user.asm */

bool access_ok(uint64_t addr, size_t n)
{
	return addr < TASK_SIZE && n <= TASK_SIZE - addr;
}

int copy_from_user(void *dst, uint64_t src, size_t n)
{
	if (!access_ok(src, n) || copy_user_bytes(dst, (const void *)src, n))
		return -EFAULT;
	return 0;
}

int copy_to_user(uint64_t dst, const void *src, size_t n)
{
	if (!access_ok(dst, n) || copy_user_bytes((void *)dst, src, n))
		return -EFAULT;
	return 0;
}

long strncpy_from_user(char *dst, uint64_t src, size_t max)
{
	for (size_t i = 0; i < max; i++) {
		if (copy_from_user(&dst[i], src + i, 1))
			return -EFAULT;
		if (!dst[i])
			return (long)i;
	}
	return -ENAMETOOLONG;
}
