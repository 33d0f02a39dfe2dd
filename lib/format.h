/* printf-style formatting into a buffer (the kernel has no libc). */
#ifndef LIB_FORMAT_H
#define LIB_FORMAT_H

#include "lib/types.h"

/*
 * Supports %d %i %u %x %X %o %c %s %p %%, the flags '-', '0' and '#', a field
 * width (number or '*'), a precision for %s (number or '*'), and the length modifiers
 * l, ll and z. Returns the length the full result would have, like C's.
 */
int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
int snprintf(char *buf, size_t size, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#endif
