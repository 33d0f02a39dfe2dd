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
#include "lib/string.h"
#include "mm/buddy.h"
#include "mm/fault.h"
#include "mm/memory-failure.h"
#include "mm/mmap.h"
#include "mm/paging.h"
#include "mm/pgtable.h"
#include "mm/rmap.h"

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

/* Move one mapping of old to new. */
static void move_mapping(struct vm_area_struct *vma, unsigned long addr, uint64_t *pte, void *arg)
{
	struct page *new = arg;
	struct page *old = pfn_to_page((*pte & PTE_ADDR_MASK) >> PAGE_SHIFT);

	*pte = (*pte & ~PTE_ADDR_MASK) | ((uint64_t)page_to_pfn(new) << PAGE_SHIFT);
	flush_tlb_page(vma->vm_mm, addr);
	new->mapcount++;
	get_page(new);
	old->mapcount--;
	put_page(old);
}

int soft_offline_page(unsigned long pfn)
{
	struct page *old = pfn_to_page(pfn);

	if (page_test(old, PG_hwpoison)) {
		pr_info("soft offline: %#lx: page already poisoned\n", pfn);
		return 0;
	}
	if (take_page_off_buddy(old)) {
		page_set(old, PG_hwpoison);
		num_poisoned_pages++;
		return 0;
	}
	if (!page_test(old, PG_anon))
		return -EBUSY; /* kernel memory cannot be moved */
	struct page *new = alloc_page();
	if (!new)
		return -ENOMEM;
	memcpy(page_address(new), page_address(old), PAGE_SIZE);
	new->flags |= old->flags & ((1UL << PG_anon) | (1UL << PG_swapbacked) | (1UL << PG_dirty));
	new->mapping = old->mapping;
	new->index = old->index;
	get_page(old); /* the retired frame stays ours */
	rmap_walk(old, move_mapping, new);
	put_page(new); /* alloc_page()'s reference: the mappings hold it now */
	page_set(old, PG_hwpoison);
	num_poisoned_pages++;
	pr_info("soft offline: %#lx: contents moved to %#lx\n", pfn, page_to_pfn(new));
	return 0;
}
