/*
 * The areas of an address space are kept in a list sorted by address.
 * Memory in an area is not allocated when the area is created: the first
 * touch of each page faults, and mm/fault.c gives it a zeroed frame.
 */
#include "mm/mmap.h"
#include "kernel/errno.h"
#include "kernel/proc.h"
#include "kernel/uaccess.h"
#include "mm/fault.h"
#include "mm/page.h"
#include "mm/pgtable.h"
#include "mm/rmap.h"
#include "mm/slab.h"

static void remove_vma(struct vm_area_struct *vma);

struct mm_struct *mm_alloc(void)
{
	struct mm_struct *mm = kzalloc(sizeof(*mm));

	if (!mm)
		return NULL;
	mm->pgd = pgd_alloc();
	if (!mm->pgd) {
		kfree(mm);
		return NULL;
	}
	INIT_LIST_HEAD(&mm->mmap);
	mm->mm_users = 1;
	return mm;
}

void mm_release(struct mm_struct *mm)
{
	while (!list_empty(&mm->mmap))
		remove_vma(list_first_entry(&mm->mmap, struct vm_area_struct, list));
	pgd_free(mm); /* and every page still mapped */
	kfree(mm);
}

struct vm_area_struct *find_vma(struct mm_struct *mm, unsigned long addr)
{
	for (struct list_head *l = mm->mmap.next; l != &mm->mmap; l = l->next) {
		struct vm_area_struct *vma = list_entry(l, struct vm_area_struct, list);
		if (vma->vm_end > addr)
			return vma;
	}
	return NULL;
}

int insert_vma(struct mm_struct *mm, unsigned long start, unsigned long end,
	       unsigned long vm_flags)
{
	struct vm_area_struct *next = find_vma(mm, start);

	if (next && next->vm_start < end)
		return -EEXIST;
	struct vm_area_struct *vma = kzalloc(sizeof(*vma));
	if (!vma)
		return -ENOMEM;
	*vma = (struct vm_area_struct){ .vm_start = start, .vm_end = end,
					.vm_flags = vm_flags, .vm_mm = mm,
					.vm_pgoff = start >> PAGE_SHIFT, .vm_ops = &anon_vm_ops };
	list_add_tail(&vma->list, next ? &next->list : &mm->mmap); /* before next */
	return 0;
}

/* Make addr a boundary: vma becomes [vm_start, addr), a new area
 * [addr, vm_end) follows it, sharing its reverse map. */
static int split_vma(struct vm_area_struct *vma, unsigned long addr)
{
	struct vm_area_struct *tail = kzalloc(sizeof(*tail));

	if (!tail)
		return -ENOMEM;
	*tail = *vma;
	tail->vm_start = addr;
	tail->vm_pgoff += (addr - vma->vm_start) >> PAGE_SHIFT;
	vma->vm_end = addr;
	list_add(&tail->list, &vma->list); /* just after vma */
	anon_vma_link(tail, vma);
	return 0;
}

/* Split areas so that start and end fall on area boundaries. */
static int split_at(struct mm_struct *mm, unsigned long start, unsigned long end)
{
	struct vm_area_struct *vma = find_vma(mm, start);
	int err = 0;

	if (vma && vma->vm_start < start && vma->vm_end > start)
		err = split_vma(vma, start);
	vma = find_vma(mm, end);
	if (!err && vma && vma->vm_start < end && vma->vm_end > end)
		err = split_vma(vma, end);
	return err;
}

static void remove_vma(struct vm_area_struct *vma)
{
	list_del(&vma->list);
	anon_vma_unlink(vma);
	kfree(vma);
}

int do_munmap(struct mm_struct *mm, unsigned long start, unsigned long len)
{
	unsigned long end = start + ALIGN_UP(len, PAGE_SIZE);

	if (start & ~PAGE_MASK || !len || !access_ok(start, end - start))
		return -EINVAL;
	int err = split_at(mm, start, end);
	if (err)
		return err;
	unmap_range(mm, start, end);
	for (struct vm_area_struct *vma = find_vma(mm, start); vma && vma->vm_start < end;
	     vma = find_vma(mm, start))
		remove_vma(vma);
	return 0;
}

/* Every page of [start, end) lies in some area. */
bool range_mapped(struct mm_struct *mm, unsigned long start, unsigned long end)
{
	while (start < end) {
		struct vm_area_struct *vma = find_vma(mm, start);
		if (!vma || vma->vm_start > start)
			return false;
		start = vma->vm_end;
	}
	return true;
}

/* Call fn on each area of [start, end), split to fit exactly. The range
 * must be mapped (-ENOMEM otherwise, as Linux answers). */
int for_each_vma_in(struct mm_struct *mm, unsigned long start, unsigned long end,
		    void (*fn)(struct vm_area_struct *vma, void *arg), void *arg)
{
	if (!range_mapped(mm, start, end))
		return -ENOMEM;
	int err = split_at(mm, start, end);
	if (err)
		return err;
	for (struct vm_area_struct *vma = find_vma(mm, start); vma && vma->vm_start < end;
	     vma = list_entry(vma->list.next, struct vm_area_struct, list)) {
		fn(vma, arg);
		if (vma->list.next == &mm->mmap)
			break;
	}
	return 0;
}

/* A free range of len bytes, as high as possible below mmap_base. */
static unsigned long get_unmapped_area(struct mm_struct *mm, unsigned long len)
{
	unsigned long top = mm->mmap_base;

	for (struct list_head *l = mm->mmap.prev; l != &mm->mmap; l = l->prev) {
		struct vm_area_struct *vma = list_entry(l, struct vm_area_struct, list);
		if (vma->vm_start >= top)
			continue;
		if (vma->vm_end + len <= top)
			break;
		top = vma->vm_start;
	}
	return top >= len + PAGE_SIZE ? top - len : 0;
}

unsigned long prot_to_vm_flags(uint64_t prot)
{
	return (prot & PROT_READ ? VM_READ : 0) | (prot & PROT_WRITE ? VM_WRITE : 0) |
	       (prot & PROT_EXEC ? VM_EXEC : 0);
}

long sys_mmap(uint64_t addr, uint64_t len, uint64_t prot, uint64_t flags, uint64_t fd,
	      uint64_t off)
{
	struct mm_struct *mm = current->mm;
	uint64_t type = flags & (MAP_SHARED | MAP_PRIVATE);

	(void)fd;
	if (!len || len > TASK_SIZE || (type != MAP_SHARED && type != MAP_PRIVATE) ||
	    off & ~PAGE_MASK || prot & ~(uint64_t)(PROT_READ | PROT_WRITE | PROT_EXEC))
		return -EINVAL;
	if (!(flags & MAP_ANONYMOUS))
		return -EBADF; /* no files can be mapped yet */
	len = ALIGN_UP(len, PAGE_SIZE);
	if (flags & MAP_FIXED) {
		if (addr & ~PAGE_MASK || !access_ok(addr, len))
			return -EINVAL;
		do_munmap(mm, addr, len);
	} else {
		addr = get_unmapped_area(mm, len);
		if (!addr)
			return -ENOMEM;
	}
	unsigned long vm_flags = prot_to_vm_flags(prot) | (type == MAP_SHARED ? VM_SHARED : 0);
	int err = insert_vma(mm, addr, addr + len, vm_flags);
	return err ? err : (long)addr;
}

long sys_munmap(uint64_t addr, uint64_t len)
{
	return do_munmap(current->mm, addr, len);
}

/* The heap is one area, [start_brk, brk) rounded up to pages; brk(0) or a
 * failed request returns the current break, as Linux's brk does. */
long sys_brk(uint64_t brk)
{
	struct mm_struct *mm = current->mm;
	unsigned long old_end = ALIGN_UP(mm->brk, PAGE_SIZE), new_end = ALIGN_UP(brk, PAGE_SIZE);

	if (brk < mm->start_brk || !access_ok(brk, 0))
		return (long)mm->brk;
	if (new_end < old_end) {
		do_munmap(mm, new_end, old_end - new_end);
	} else if (new_end > old_end) {
		struct vm_area_struct *heap = find_vma(mm, mm->start_brk);
		struct vm_area_struct *next = find_vma(mm, old_end);
		if (next && next->vm_start < new_end)
			return (long)mm->brk; /* would run into another area */
		if (heap && heap->vm_end == old_end && heap->vm_start == ALIGN_UP(mm->start_brk, PAGE_SIZE))
			heap->vm_end = new_end;
		else if (insert_vma(mm, old_end, new_end, VM_READ | VM_WRITE))
			return (long)mm->brk;
	}
	mm->brk = brk;
	return (long)brk;
}
