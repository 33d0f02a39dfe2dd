/*
 * Reading a cpio archive in the "newc" format, the one Linux uses for its
 * initramfs (`cpio -o -H newc`). Each member is a 110-byte ASCII header,
 * the NUL-terminated name, then the data; name and data are each padded
 * to a multiple of 4 bytes. A member named "TRAILER!!!" ends the archive.
 *
 * The parser touches nothing but the archive, so the host unit tests run
 * it as is (tests/unit/test_cpio.c).
 */
#ifndef FS_CPIO_H
#define FS_CPIO_H

#include "lib/types.h"

/* File type bits of cpio_entry.mode: Linux's S_IFMT and S_IFREG. */
#define CPIO_MODE_TYPE 0170000
#define CPIO_MODE_REGULAR 0100000

struct cpio_entry {
	const char *name;  /* inside the archive, NUL-terminated */
	size_t name_len;   /* without the NUL */
	const void *data;  /* inside the archive */
	size_t size;
	uint32_t mode;     /* type and permission bits, as in st_mode */
};

/*
 * Call fn for each member before the trailer, in archive order. fn returns
 * 0 to go on; any other value stops the walk and is returned. Returns 0
 * after the trailer, or -EINVAL for a malformed or truncated archive (bad
 * magic, a header field that is not 8 hex digits, a name without its NUL,
 * a name or data running past `size`, no trailer). Nothing outside
 * [archive, archive + size) is read. Members before the fault have been
 * passed to fn already: a caller that wants all or nothing must undo.
 */
int cpio_for_each(const void *archive, size_t size,
		  int (*fn)(const struct cpio_entry *e, void *arg), void *arg);

#endif
