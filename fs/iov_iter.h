/*
 * A walk over user buffers: one for read() and write(), several for
 * readv() and writev() (Linux's iov_iter); or over kernel buffers. A file's read and write
 * operations take one, so each kind of file copies data in one place
 * whatever system call asked for it, and a pipe can end a readv() at
 * the first segment it cannot fill instead of blocking on the next.
 */
#ifndef FS_IOV_ITER_H
#define FS_IOV_ITER_H

#include "lib/types.h"

/* Linux's struct iovec: a user address and a length. */
struct iovec {
	uint64_t iov_base;
	uint64_t iov_len;
};

struct iov_iter {
	bool kvec;               /* the segments are kernel buffers (Linux: ITER_KVEC) */
	const struct iovec *iov; /* the current segment (kernel copies of them) */
	size_t iov_offset;       /* how far into it */
	size_t count;            /* bytes left in this and the later segments */
};

/* Walk iov[], whose lengths add up to count. */
void iov_iter_init(struct iov_iter *i, const struct iovec *iov, size_t count);
/* The same over kernel buffers: a file's read or write for the kernel
 * itself (sendfile). */
void iov_iter_kvec(struct iov_iter *i, const struct iovec *iov, size_t count);

static inline size_t iov_iter_count(const struct iov_iter *i)
{
	return i->count;
}

/* Copy up to n bytes from the kernel to the user buffers, or back, and
 * advance: the bytes copied. Fewer than MIN(n, count) means a bad user
 * address; the iterator then stops before the segment piece that
 * faulted. */
size_t copy_to_iter(const void *src, size_t n, struct iov_iter *i);
size_t copy_from_iter(void *dst, size_t n, struct iov_iter *i);
/* copy_to_iter from memory that may have gone bad (a page-cache page):
 * a machine check while reading src ends the copy short, as a bad user
 * address does (Linux: copy_mc_to_iter; kernel/copy_mc.h). */
size_t copy_mc_to_iter(const void *src, size_t n, struct iov_iter *i);

/* Touch the user pages behind the next size bytes (of the current
 * segment) so that a copy from them will not fault: the bytes that could
 * not be faulted in (0: all were). write() does this before it locks a
 * page-cache page, since the copy's fault could need that very page (a
 * buffer mapped from the same file). */
size_t fault_in_iov_iter_readable(const struct iov_iter *i, size_t size);

#endif
