/*
 * /proc/kpageflags and /proc/kpagecount (Linux: fs/proc/page.c): one
 * 64-bit word per frame, the frame number times 8 being its offset, so
 * that pread(fd, &w, 8, pfn * 8) asks about one frame. kpageflags gives
 * the KPF_* bits (fs/proc/kernel-page-flags.h), kpagecount how many page
 * table entries map the frame. Reads must be whole, aligned words
 * (EINVAL otherwise); from the end of memory on they read nothing.
 */
#include "mm/kernel-page-flags.h"
#include "fs/proc/internal.h"
#include "fs/file.h"
#include "fs/iov_iter.h"
#include "kernel/errno.h"
#include "mm/page.h"

#define KPMSIZE sizeof(uint64_t)
#define KPMMASK (KPMSIZE - 1)

/* Frames with no struct page (beyond the end of memory) are "no page". */
static uint64_t kpageflags_of(unsigned long pfn)
{
	return stable_page_flags(pfn_valid(pfn) ? pfn_to_page(pfn) : NULL);
}

/* The page table entries mapping the frame (a compound page's: its
 * head's); slab pages count 0, as on Linux. */
static uint64_t kpagecount_of(unsigned long pfn)
{
	if (!pfn_valid(pfn))
		return 0;
	const struct page *head = compound_head(pfn_to_page(pfn));
	if (page_test(head, PG_slab) || head->mapcount < 0)
		return 0;
	return (uint64_t)head->mapcount;
}

static long kpage_read(struct iov_iter *to, loff_t *pos, uint64_t (*word)(unsigned long pfn))
{
	size_t count = iov_iter_count(to);
	long done = 0;

	if ((*pos & KPMMASK) || (count & KPMMASK))
		return -EINVAL;
	for (unsigned long pfn = (unsigned long)*pos / KPMSIZE; count && pfn < max_pfn; pfn++) {
		uint64_t w = word(pfn);
		if (copy_to_iter(&w, KPMSIZE, to) != KPMSIZE)
			return done ? done : -EFAULT;
		done += KPMSIZE;
		count -= KPMSIZE;
	}
	*pos += done;
	return done;
}

static long kpageflags_read(struct file *f, struct iov_iter *to, loff_t *pos)
{
	(void)f;
	return kpage_read(to, pos, kpageflags_of);
}

static long kpagecount_read(struct file *f, struct iov_iter *to, loff_t *pos)
{
	(void)f;
	return kpage_read(to, pos, kpagecount_of);
}

static loff_t kpage_llseek(struct file *f, loff_t offset, int whence)
{
	return fixed_size_llseek(f, offset, whence, (loff_t)(max_pfn * KPMSIZE));
}

const struct file_operations proc_kpageflags_operations = {
	.read = kpageflags_read,
	.llseek = kpage_llseek,
};

const struct file_operations proc_kpagecount_operations = {
	.read = kpagecount_read,
	.llseek = kpage_llseek,
};
