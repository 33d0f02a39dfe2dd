/* Copying through an iov_iter (see fs/iov_iter.h). */
#include "fs/iov_iter.h"
#include "kernel/copy_mc.h"
#include "kernel/uaccess.h"
#include "lib/string.h"
#include "mm/layout.h"

void iov_iter_init(struct iov_iter *i, const struct iovec *iov, size_t count)
{
	i->kvec = false;
	i->iov = iov;
	i->iov_offset = 0;
	i->count = count;
}

void iov_iter_kvec(struct iov_iter *i, const struct iovec *iov, size_t count)
{
	iov_iter_init(i, iov, count);
	i->kvec = true;
}

enum copy_dir {
	FROM_ITER,
	TO_ITER,
	MC_TO_ITER, /* from memory that may be bad: copy_mc */
};

/* One piece between buf and a segment: 0, or nonzero for a bad user
 * address (or, MC_TO_ITER, bad memory in buf). */
static int copy_chunk(const struct iov_iter *i, char *buf, uint64_t addr, size_t n,
		      enum copy_dir dir)
{
	if (dir == MC_TO_ITER)
		return i->kvec ? copy_mc_to_kernel((void *)addr, buf, n) != 0
			       : copy_mc_to_user(addr, buf, n) != 0;
	if (i->kvec) {
		if (dir == TO_ITER)
			memcpy((void *)addr, buf, n);
		else
			memcpy(buf, (const void *)addr, n);
		return 0;
	}
	return dir == TO_ITER ? copy_to_user(addr, buf, n) : copy_from_user(buf, addr, n);
}

/* Copy n bytes (at most count) between buf and the segments. */
static size_t copy_iter(char *buf, size_t n, struct iov_iter *i, enum copy_dir dir)
{
	size_t done = 0;

	n = MIN(n, i->count);
	while (done < n) {
		const struct iovec *v = i->iov;
		size_t chunk = MIN(n - done, v->iov_len - i->iov_offset);
		if (chunk && copy_chunk(i, buf + done, v->iov_base + i->iov_offset, chunk, dir))
			break;
		done += chunk;
		i->count -= chunk;
		i->iov_offset += chunk;
		if (i->iov_offset == v->iov_len) { /* also steps over empty segments */
			i->iov++;
			i->iov_offset = 0;
		}
	}
	return done;
}

size_t copy_to_iter(const void *src, size_t n, struct iov_iter *i)
{
	/* copy_iter only reads buf when copying to the iterator. */
	return copy_iter((char *)src, n, i, TO_ITER);
}

size_t copy_mc_to_iter(const void *src, size_t n, struct iov_iter *i)
{
	return copy_iter((char *)src, n, i, MC_TO_ITER);
}

size_t copy_from_iter(void *dst, size_t n, struct iov_iter *i)
{
	return copy_iter(dst, n, i, FROM_ITER);
}

size_t fault_in_iov_iter_readable(const struct iov_iter *i, size_t size)
{
	uint64_t start, end, addr;
	char byte;

	size = MIN(size, i->count);
	if (!size || i->kvec) /* kernel memory does not fault */
		return 0;
	size = MIN(size, i->iov->iov_len - i->iov_offset);
	start = i->iov->iov_base + i->iov_offset;
	end = start + size; /* exclusive */
	for (addr = start; addr < end; addr = (addr | (PAGE_SIZE - 1)) + 1)
		if (copy_from_user(&byte, addr, 1))
			return (size_t)(end - addr);
	return 0;
}
