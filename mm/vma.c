/*
 * The areas of an address space, kept twice: in a red-black tree keyed by
 * address (mm->mm_rb), so that finding the area of an address costs
 * O(log n) however many areas there are, and in a list sorted by address
 * (mm->mmap), so that walking a range of areas in order is one step per
 * area. Linux kept the same pair until 6.1 replaced both by a maple tree.
 * Areas never overlap, so ordering them by start or by end is the same.
 */
#include "kernel/errno.h"
#include "mm/fault.h"
#include "mm/mmap.h"
#include "mm/rmap.h"
#include "mm/slab.h"

struct vm_area_struct *find_vma(struct mm_struct *mm, unsigned long addr)
{
	struct rb_node *node = mm->mm_rb.rb_node;
	struct vm_area_struct *found = NULL;

	while (node) {
		struct vm_area_struct *vma = rb_entry(node, struct vm_area_struct, vm_rb);
		if (vma->vm_end > addr) {
			found = vma; /* a candidate; a lower one may still end above addr */
			if (vma->vm_start <= addr)
				break;
			node = node->rb_left;
		} else {
			node = node->rb_right;
		}
	}
	return found;
}

struct vm_area_struct *vma_next(struct mm_struct *mm, struct vm_area_struct *vma)
{
	return vma->list.next == &mm->mmap ? NULL
					   : list_entry(vma->list.next, struct vm_area_struct, list);
}

/* Put vma (not overlapping any other) into the tree and the list. */
static void vma_link(struct mm_struct *mm, struct vm_area_struct *vma)
{
	struct rb_node **link = &mm->mm_rb.rb_node, *parent = NULL;

	while (*link) {
		parent = *link;
		struct vm_area_struct *here = rb_entry(parent, struct vm_area_struct, vm_rb);
		link = vma->vm_start < here->vm_start ? &parent->rb_left : &parent->rb_right;
	}
	rb_link_node(&vma->vm_rb, parent, link);
	rb_insert_color(&vma->vm_rb, &mm->mm_rb);
	struct rb_node *next = rb_next(&vma->vm_rb);
	list_add_tail(&vma->list, /* just before the next area, or at the end */
		      next ? &rb_entry(next, struct vm_area_struct, vm_rb)->list : &mm->mmap);
	mm->map_count++;
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
	vma_link(mm, vma);
	return 0;
}

/* Make addr a boundary: vma becomes [vm_start, addr), a new area
 * [addr, vm_end) follows it, sharing its reverse map. */
static int split_vma(struct mm_struct *mm, struct vm_area_struct *vma, unsigned long addr)
{
	struct vm_area_struct *tail = kzalloc(sizeof(*tail));

	if (!tail)
		return -ENOMEM;
	*tail = *vma;
	tail->vm_start = addr;
	tail->vm_pgoff += (addr - vma->vm_start) >> PAGE_SHIFT;
	vma->vm_end = addr; /* its place in the tree stays right: nothing lies between */
	vma_link(mm, tail);
	anon_vma_link(tail, vma);
	return 0;
}

int split_at(struct mm_struct *mm, unsigned long start, unsigned long end)
{
	struct vm_area_struct *vma = find_vma(mm, start);
	int err = 0;

	if (vma && vma->vm_start < start && vma->vm_end > start)
		err = split_vma(mm, vma, start);
	vma = find_vma(mm, end);
	if (!err && vma && vma->vm_start < end && vma->vm_end > end)
		err = split_vma(mm, vma, end);
	return err;
}

void remove_vma(struct mm_struct *mm, struct vm_area_struct *vma)
{
	rb_erase(&vma->vm_rb, &mm->mm_rb);
	list_del(&vma->list);
	mm->map_count--;
	anon_vma_unlink(vma);
	kfree(vma);
}

void remove_vmas(struct mm_struct *mm, unsigned long start, unsigned long end)
{
	struct vm_area_struct *vma = find_vma(mm, start), *next;

	for (; vma && vma->vm_start < end; vma = next) {
		next = vma_next(mm, vma);
		remove_vma(mm, vma);
	}
}

bool range_mapped(struct mm_struct *mm, unsigned long start, unsigned long end)
{
	struct vm_area_struct *vma = find_vma(mm, start);

	for (; start < end; vma = vma_next(mm, vma)) {
		if (!vma || vma->vm_start > start)
			return false;
		start = vma->vm_end;
	}
	return true;
}

int for_each_vma_in(struct mm_struct *mm, unsigned long start, unsigned long end,
		    int (*fn)(struct vm_area_struct *vma, void *arg), void *arg)
{
	if (!range_mapped(mm, start, end))
		return -ENOMEM;
	int err = split_at(mm, start, end);
	for (struct vm_area_struct *vma = find_vma(mm, start); !err && vma && vma->vm_start < end;
	     vma = vma_next(mm, vma))
		err = fn(vma, arg);
	return err;
}

static struct vm_area_struct *vma_prev(struct mm_struct *mm, struct vm_area_struct *vma)
{
	return vma->list.prev == &mm->mmap ? NULL
					   : list_entry(vma->list.prev, struct vm_area_struct, list);
}

/*
 * A free range of len bytes, as high as possible below mmap_base. The
 * tree finds the area at the top at once; from there the search steps
 * down through the areas whose gaps are too small. (Linux also keeps the
 * largest gap of each subtree in the tree, to skip those in O(log n).)
 */
unsigned long get_unmapped_area(struct mm_struct *mm, unsigned long len)
{
	unsigned long top = mm->mmap_base;
	struct vm_area_struct *vma = find_vma(mm, top);

	if (!vma)
		vma = list_empty(&mm->mmap) ? NULL : list_entry(mm->mmap.prev, struct vm_area_struct, list);
	else if (vma->vm_start >= top)
		vma = vma_prev(mm, vma);
	for (; vma && vma->vm_end + len > top; vma = vma_prev(mm, vma))
		top = vma->vm_start;
	return top >= len + PAGE_SIZE ? top - len : 0;
}
