#include "kernel/copy_mc.h"
#include "kernel/uaccess.h"

size_t copy_mc_bytes(void *dst, const void *src, size_t n); /* copy_user.asm */

size_t copy_mc_to_kernel(void *dst, const void *src, size_t n)
{
	return copy_mc_bytes(dst, src, n);
}

size_t copy_mc_to_user(uint64_t dst, const void *src, size_t n)
{
	if (!access_ok(dst, n))
		return n;
	return copy_mc_bytes((void *)dst, src, n);
}
