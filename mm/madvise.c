/*
 * madvise(): advice about a range of memory. Besides the usual hints, two
 * requests exist for testing memory-failure handling from user space, as
 * in Linux: MADV_HWPOISON poisons the pages behind a range as a hardware
 * error would, and MADV_SOFT_OFFLINE moves their contents to healthy
 * pages and retires the old ones, with nobody noticing.
 */
#include "kernel/errno.h"
#include "kernel/printk.h"
#include "kernel/proc.h"
#include "kernel/syscall.h"
#include "kernel/uaccess.h"
#include "mm/fault.h"
#include "mm/memory-failure.h"
#include "mm/mmap.h"
#include "mm/page.h"
#include "mm/pgtable.h"

#define MADV_NORMAL 0
#define MADV_RANDOM 1
#define MADV_SEQUENTIAL 2
#define MADV_WILLNEED 3
#define MADV_DONTNEED 4
#define MADV_FREE 8
#define MADV_HWPOISON 100
#define MADV_SOFT_OFFLINE 101

/* Each page of the range in turn; a page that cannot be had (unmapped,
 * or already poisoned) ends it with -EFAULT, as get_user_pages would. */
static long inject_error(int advice, unsigned long start, unsigned long end)
{
	for (unsigned long va = start; va < end; va += PAGE_SIZE) {
		struct page *page = get_user_page(current->mm, va);
		if (!page)
			return -EFAULT;
		unsigned long pfn = page_to_pfn(page);
		if (advice == MADV_SOFT_OFFLINE) {
			pr_info("Soft offlining pfn %#lx at process virtual address %#lx\n", pfn, va);
			if (soft_offline_page(pfn))
				return -EBUSY;
			continue;
		}
		pr_info("Injecting memory failure for pfn %#lx at process virtual address %#lx\n",
			pfn, va);
		int err = memory_failure(pfn, MF_SW_SIMULATED);
		if (err && err != -EBUSY)
			return err;
	}
	return 0;
}

long sys_madvise(uint64_t start, uint64_t len, uint64_t advice)
{
	unsigned long end = start + ALIGN_UP(len, PAGE_SIZE);

	if (start & ~PAGE_MASK || !access_ok(start, end - start))
		return -EINVAL;
	if (advice == MADV_HWPOISON || advice == MADV_SOFT_OFFLINE)
		return inject_error((int)advice, start, end); /* before any range check */
	if (advice > MADV_WILLNEED && advice != MADV_DONTNEED && advice != MADV_FREE)
		return -EINVAL;
	if (!range_mapped(current->mm, start, end))
		return -ENOMEM;
	if (advice == MADV_DONTNEED || advice == MADV_FREE)
		unmap_range(current->mm, start, end); /* next touch: fresh zero pages */
	return 0;
}
