/*
 * The areas of an address space, kept twice: in a red-black tree keyed by
 * address (mm->mm_rb), so that finding the area of an address costs
 * O(log n) however many areas there are, and in a list sorted by address
 * (mm->mmap), so that walking a range of areas in order is one step per
 * area. Linux kept the same pair until 6.1 replaced both by a maple tree.
 * Areas never overlap, so ordering them by start or by end is the same.
 *
 * The tree is augmented, as Linux's was: each area also keeps the largest
 * free gap below any area of its subtree (the gap below an area reaches
 * down to the end of the area before it). So get_unmapped_area finds the
 * highest gap that fits in O(log n), skipping every subtree without one.
 */
#include "fs/file.h"
#include "kernel/errno.h"
#include "mm/fault.h"
#include "mm/huge_mm.h"
#include "mm/hugetlb.h"
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

static struct vm_area_struct *vma_prev(struct mm_struct *mm, struct vm_area_struct *vma)
{
	return vma->list.prev == &mm->mmap ? NULL
					   : list_entry(vma->list.prev, struct vm_area_struct, list);
}

/* Where the free gap below vma starts: the end of the area before it. */
static unsigned long gap_start(struct mm_struct *mm, struct vm_area_struct *vma)
{
	struct vm_area_struct *prev = vma_prev(mm, vma);

	return prev ? prev->vm_end : 0;
}

static unsigned long subtree_gap(const struct rb_node *node)
{
	return node ? rb_entry(node, struct vm_area_struct, vm_rb)->rb_subtree_gap : 0;
}

/* The tree's update function (lib/rbtree.h): the largest gap of the
 * subtree, from the area's own and its children's. */
static void update_subtree_gap(struct rb_node *node)
{
	struct vm_area_struct *vma = rb_entry(node, struct vm_area_struct, vm_rb);
	unsigned long gap = vma->vm_start - gap_start(vma->vm_mm, vma);

	gap = MAX(gap, subtree_gap(node->rb_left));
	vma->rb_subtree_gap = MAX(gap, subtree_gap(node->rb_right));
}

/* The gap below the area after vma changed with vma (vma == NULL: the
 * first area's did). */
static void next_gap_changed(struct vm_area_struct *next)
{
	if (next)
		rb_augment_propagate(&next->vm_rb, update_subtree_gap);
}

/* Put vma (not overlapping any other) into the list and the tree. */
static void vma_link(struct mm_struct *mm, struct vm_area_struct *vma)
{
	struct rb_node **link = &mm->mm_rb.rb_node, *parent = NULL;
	struct vm_area_struct *prev = NULL; /* the area just below vma */

	while (*link) {
		parent = *link;
		struct vm_area_struct *here = rb_entry(parent, struct vm_area_struct, vm_rb);
		if (vma->vm_start < here->vm_start) {
			link = &parent->rb_left;
		} else {
			prev = here;
			link = &parent->rb_right;
		}
	}
	list_add(&vma->list, prev ? &prev->list : &mm->mmap); /* first: gaps need it */
	rb_link_node(&vma->vm_rb, parent, link);
	rb_insert_augmented(&vma->vm_rb, &mm->mm_rb, update_subtree_gap);
	next_gap_changed(vma_next(mm, vma));
}

void vma_set_end(struct mm_struct *mm, struct vm_area_struct *vma, unsigned long end)
{
	vma->vm_end = end;
	next_gap_changed(vma_next(mm, vma));
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
					.vm_flags = vm_flags | mm->def_flags, .vm_mm = mm,
					.vm_pgoff = start >> PAGE_SHIFT, .vm_ops = &anon_vm_ops };
	vma_link(mm, vma);
	return 0;
}

void vma_link_file(struct vm_area_struct *vma)
{
	if (vma->vm_file)
		list_add_tail(&vma->shared, &vma->vm_file->f_mapping->i_mmap);
}

/* The area no longer maps its file: off i_mmap, and its reference goes. */
static void vma_unlink_file(struct vm_area_struct *vma)
{
	if (!vma->vm_file)
		return;
	list_del(&vma->shared);
	fput(vma->vm_file);
	vma->vm_file = NULL;
}

/* Make addr a boundary: vma becomes [vm_start, addr), a new area
 * [addr, vm_end) follows it, sharing its reverse map. */
static int split_vma(struct mm_struct *mm, struct vm_area_struct *vma, unsigned long addr)
{
	/* A hugetlb area's pages are 2 MiB: it splits only between them
	 * (Linux: hugetlb_vm_op_split) - munmap, mprotect inside one: EINVAL. */
	if (is_vm_hugetlb_page(vma) && (addr & ~HPAGE_MASK))
		return -EINVAL;
	struct vm_area_struct *tail = kzalloc(sizeof(*tail));

	if (!tail)
		return -ENOMEM;
	vma_adjust_trans_huge(vma, addr);
	*tail = *vma;
	tail->vm_start = addr;
	tail->vm_pgoff += (addr - vma->vm_start) >> PAGE_SHIFT;
	vma->vm_end = addr; /* its place in the tree stays right: nothing lies between */
	vma_link(mm, tail); /* no gap changes but tail's own, 0 */
	anon_vma_link(tail, vma);
	if (tail->vm_file)
		get_file(tail->vm_file);
	vma_link_file(tail);
	if (tail->vm_ops && tail->vm_ops->open)
		tail->vm_ops->open(tail);
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
	struct vm_area_struct *next = vma_next(mm, vma);

	list_del(&vma->list);
	rb_erase_augmented(&vma->vm_rb, &mm->mm_rb, update_subtree_gap);
	next_gap_changed(next);
	anon_vma_unlink(vma);
	if (vma->vm_ops && vma->vm_ops->close)
		vma->vm_ops->close(vma);
	vma_unlink_file(vma);
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

/*
 * The highest address a with [a, a + len) free, a >= PAGE_SIZE and
 * a + len <= top, in a gap below an area of node's subtree; 0 if none.
 * Subtrees whose largest gap is too small are skipped, and so are right
 * subtrees lying wholly above top: the search follows O(log n) paths.
 */
static unsigned long highest_fit(struct mm_struct *mm, struct rb_node *node, unsigned long len,
				 unsigned long top)
{
	if (!node || subtree_gap(node) < len)
		return 0;
	struct vm_area_struct *vma = rb_entry(node, struct vm_area_struct, vm_rb);
	unsigned long addr = 0;
	if (vma->vm_end <= top - len) /* higher areas, whose gaps start above vm_end */
		addr = highest_fit(mm, node->rb_right, len, top);
	if (addr)
		return addr;
	unsigned long start = MAX(gap_start(mm, vma), PAGE_SIZE), end = MIN(vma->vm_start, top);
	if (end >= start && end - start >= len)
		return end - len;
	return highest_fit(mm, node->rb_left, len, top);
}

/* A free range of len bytes, as high as possible below mmap_base: above
 * the last area, or else in the highest gap between areas that fits. */
unsigned long get_unmapped_area(struct mm_struct *mm, unsigned long len)
{
	unsigned long top = mm->mmap_base;

	if (top < PAGE_SIZE || len > top - PAGE_SIZE)
		return 0;
	if (list_empty(&mm->mmap) ||
	    list_entry(mm->mmap.prev, struct vm_area_struct, list)->vm_end <= top - len)
		return top - len;
	return highest_fit(mm, mm->mm_rb.rb_node, len, top);
}
