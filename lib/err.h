/*
 * Error pointers (Linux: include/linux/err.h). A function that returns a
 * pointer can return an errno in it instead: the last page of the address
 * space is never a valid kernel object, so -4095..-1 cast to a pointer
 * mean "failed with that error".
 */
#ifndef LIB_ERR_H
#define LIB_ERR_H

#include "lib/types.h"

#define MAX_ERRNO 4095

static inline void *ERR_PTR(long error)
{
	return (void *)error;
}

static inline long PTR_ERR(const void *ptr)
{
	return (long)ptr;
}

static inline bool IS_ERR(const void *ptr)
{
	return (unsigned long)ptr >= (unsigned long)-MAX_ERRNO;
}

static inline bool IS_ERR_OR_NULL(const void *ptr)
{
	return !ptr || IS_ERR(ptr);
}

#endif
