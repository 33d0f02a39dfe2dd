#ifndef FS_SYSFS_H
#define FS_SYSFS_H

#include "lib/format.h"
#include "lib/types.h"

/* Register sysfs (fs/do_mounts.c mounts it). */
void sysfs_init(void);

/* One file of a sysfs directory (Linux: struct kobj_attribute): show
 * writes its text into buf (size bytes) and returns the length or
 * -errno; store gets what was written, count bytes and a NUL after them,
 * and returns count or -errno. No store: the file is read-only (0444). */
struct kobj_attribute {
	const char *name;
	long (*show)(char *buf, size_t size);
	long (*store)(const char *buf, size_t count);
};

/* show()'s printf: the length, never more than size (Linux: sysfs_emit). */
__attribute__((format(printf, 3, 4))) static inline long sysfs_emit(char *buf, size_t size,
								    const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	int len = vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return (long)MIN((size_t)len, size);
}

#endif
