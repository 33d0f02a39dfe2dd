/*
 * The red-black tree (lib/rbtree.c) and the areas kept in it (mm/vma.c),
 * driven at random and checked after every step against a reference
 * model: one flag per page for "mapped" and one for "an area starts here";
 * and the file references of areas that map a file.
 */
#include <stdlib.h>
#include <string.h>

#include "fs/file.h"
#include "kernel/errno.h"
#include "mm/mmap.h"
#include "mm/slab.h"
#include "tests/unit/host_kernel.h"
#include "tests/unit/test.h"

#define BASE 0x10000000UL
#define NPAGES 1024
#define STEPS 20000

static struct mm_struct mm;
static bool mapped[NPAGES + 1], starts[NPAGES + 1]; /* [NPAGES]: always false */

static unsigned long addr_of(int page)
{
	return BASE + (unsigned long)page * PAGE_SIZE;
}

static void setup(void)
{
	host_mm_init(&mm);
	mm.mmap_base = addr_of(NPAGES);
	memset(mapped, 0, sizeof(mapped));
	memset(starts, 0, sizeof(starts));
}

/* The red-black rules below node; returns its black height, -1 if broken. */
static int black_height(const struct rb_node *node, const struct rb_node *parent)
{
	if (!node)
		return 1;
	if (node->rb_parent != parent || (node->rb_red && parent && parent->rb_red))
		return -1;
	int left = black_height(node->rb_left, node), right = black_height(node->rb_right, node);
	if (left < 0 || left != right)
		return -1;
	return left + !node->rb_red;
}

/* Every area's rb_subtree_gap is the largest gap below an area of its
 * subtree; returns that largest gap, or -1 if one is wrong. */
static long check_gaps(const struct rb_node *node)
{
	if (!node)
		return 0;
	const struct vm_area_struct *vma = rb_entry(node, struct vm_area_struct, vm_rb);
	const struct rb_node *prev = rb_prev(node);
	long gap = (long)(vma->vm_start -
			  (prev ? rb_entry(prev, struct vm_area_struct, vm_rb)->vm_end : 0));
	long left = check_gaps(node->rb_left), right = check_gaps(node->rb_right);
	if (left < 0 || right < 0)
		return -1;
	gap = gap > left ? gap : left;
	gap = gap > right ? gap : right;
	return (unsigned long)gap == vma->rb_subtree_gap ? gap : -1;
}

/* The tree, the list and the model agree. */
static bool consistent(void)
{
	const struct rb_node *root = mm.mm_rb.rb_node;
	if (black_height(root, NULL) < 0 || (root && root->rb_red) || check_gaps(root) < 0)
		return false;
	struct rb_node *node = rb_first(&mm.mm_rb);
	int count = 0;
	for (struct list_head *l = mm.mmap.next; l != &mm.mmap; l = l->next, count++) {
		struct vm_area_struct *vma = list_entry(l, struct vm_area_struct, list);
		if (node != &vma->vm_rb || vma->vm_pgoff != vma->vm_start >> PAGE_SHIFT)
			return false;
		node = rb_next(node);
		int first = (int)((vma->vm_start - BASE) / PAGE_SIZE);
		int last = (int)((vma->vm_end - BASE) / PAGE_SIZE);
		if (!starts[first] || (mapped[last] && !starts[last]))
			return false;
		for (int p = first; p < last; p++)
			if (!mapped[p] || (p > first && starts[p]))
				return false;
	}
	int model_count = 0;
	for (int p = 0; p < NPAGES; p++)
		model_count += starts[p];
	return !node && count == model_count;
}

/* find_vma as the model answers it: the first area ending above page. */
static bool find_vma_agrees(int page)
{
	struct vm_area_struct *vma = find_vma(&mm, addr_of(page));
	int p = page;

	while (p < NPAGES && !mapped[p])
		p++;
	if (p == NPAGES)
		return vma == NULL;
	while (!starts[p])
		p--;
	return vma && vma->vm_start == addr_of(p);
}

static bool model_free(int first, int last)
{
	for (int p = first; p < last; p++)
		if (mapped[p])
			return false;
	return true;
}

static bool model_mapped(int first, int last)
{
	for (int p = first; p < last; p++)
		if (!mapped[p])
			return false;
	return true;
}

static void model_split(int page)
{
	if (mapped[page])
		starts[page] = true;
}

/* The highest free run of n pages ending at or below mmap_base (the top
 * of the window); the pages below the window are all free. */
static unsigned long model_unmapped_area(int n)
{
	int p = NPAGES - n;

	while (p >= 0 && !model_free(p, p + n))
		p--;
	if (p < 0) { /* in the gap reaching down from the lowest area */
		int lowest = 0;
		while (lowest < NPAGES && !mapped[lowest])
			lowest++;
		p = lowest - n;
	}
	return BASE + (unsigned long)((long)p * (long)PAGE_SIZE);
}

static void random_step(void)
{
	int first = rand() % NPAGES, last = first + 1 + rand() % 16;

	last = last > NPAGES ? NPAGES : last;
	switch (rand() % 5) {
	case 4: { /* get_unmapped_area */
		int n = 1 + rand() % 24;
		CHECK(get_unmapped_area(&mm, (unsigned long)n * PAGE_SIZE) == model_unmapped_area(n));
		break;
	}
	case 0: { /* insert */
		int err = insert_vma(&mm, addr_of(first), addr_of(last), VM_READ);
		bool fits = model_free(first, last);
		CHECK(err == (fits ? 0 : -EEXIST));
		if (!fits)
			break;
		for (int p = first; p < last; p++)
			mapped[p] = true, starts[p] = false;
		starts[first] = true;
		break;
	}
	case 1: /* split */
		CHECK(split_at(&mm, addr_of(first), addr_of(last)) == 0);
		model_split(first);
		model_split(last);
		break;
	case 2: /* remove, as munmap does */
		CHECK(split_at(&mm, addr_of(first), addr_of(last)) == 0);
		remove_vmas(&mm, addr_of(first), addr_of(last));
		model_split(last);
		for (int p = first; p < last; p++)
			mapped[p] = starts[p] = false;
		break;
	default: /* range_mapped */
		CHECK(range_mapped(&mm, addr_of(first), addr_of(last)) == model_mapped(first, last));
	}
}

static void test_random_insert_split_remove_match_the_model(void)
{
	setup();
	srand(42);
	for (int step = 0; step < STEPS && !current_failed; step++) {
		random_step();
		CHECK(consistent());
		CHECK(find_vma_agrees(rand() % NPAGES));
	}
	remove_vmas(&mm, addr_of(0), addr_of(NPAGES));
	CHECK(mm.mm_rb.rb_node == NULL && list_empty(&mm.mmap));
}

/* Thousands of areas in address order and in reverse: the tree stays
 * balanced (its height is what makes find_vma O(log n)). */
static int height(const struct rb_node *node)
{
	if (!node)
		return 0;
	int l = height(node->rb_left), r = height(node->rb_right);
	return 1 + (l > r ? l : r);
}

static void test_tree_stays_balanced(void)
{
	setup();
	for (int p = 0; p < NPAGES; p += 2) { /* ascending */
		CHECK(insert_vma(&mm, addr_of(p), addr_of(p + 1), VM_READ) == 0);
		mapped[p] = starts[p] = true;
	}
	for (int p = NPAGES - 1; p > 0; p -= 2) { /* descending, into the gaps */
		CHECK(insert_vma(&mm, addr_of(p), addr_of(p + 1), VM_READ) == 0);
		mapped[p] = starts[p] = true;
	}
	CHECK(height(mm.mm_rb.rb_node) <= 2 * 11); /* 2 log2(n + 1) */
	CHECK(consistent());
	for (int p = 0; p < NPAGES; p++)
		CHECK(find_vma_agrees(p));
}

/* get_unmapped_area gives the highest gap that fits below mmap_base. */
static void test_unmapped_area_is_the_highest_gap(void)
{
	setup();
	CHECK(get_unmapped_area(&mm, 4 * PAGE_SIZE) == addr_of(NPAGES - 4));
	CHECK(insert_vma(&mm, addr_of(NPAGES - 4), addr_of(NPAGES + 4), VM_READ) == 0); /* across the top */
	CHECK(insert_vma(&mm, addr_of(NPAGES - 10), addr_of(NPAGES - 6), VM_READ) == 0);
	CHECK(get_unmapped_area(&mm, 2 * PAGE_SIZE) == addr_of(NPAGES - 6));
	CHECK(get_unmapped_area(&mm, 3 * PAGE_SIZE) == addr_of(NPAGES - 13));
	CHECK(get_unmapped_area(&mm, BASE + NPAGES * PAGE_SIZE) == 0); /* nothing that big below */
}

/* How many areas are on mapping's i_mmap. */
static int mappers(const struct address_space *mapping)
{
	int n = 0;

	for (const struct list_head *l = mapping->i_mmap.next; l != &mapping->i_mmap; l = l->next)
		n++;
	return n;
}

/* An area mapping a file holds a reference to it and is on its i_mmap:
 * a split makes two such areas, unmapping takes each one's away. */
static void test_file_areas_hold_their_file(void)
{
	static const struct file_operations fops;
	static struct address_space mapping;
	setup();
	struct file *file = alloc_file(&fops, O_RDWR, NULL);
	INIT_LIST_HEAD(&mapping.i_mmap);
	file->f_mapping = &mapping;
	CHECK(insert_vma(&mm, addr_of(0), addr_of(8), VM_READ | VM_SHARED) == 0);
	struct vm_area_struct *vma = find_vma(&mm, addr_of(0));
	get_file(file);
	vma->vm_file = file;
	vma->vm_pgoff = 100;
	vma_link_file(vma);
	CHECK(file->f_count == 2 && mappers(&mapping) == 1);
	CHECK(split_at(&mm, addr_of(2), addr_of(6)) == 0);
	CHECK(file->f_count == 4 && mappers(&mapping) == 3);
	CHECK(find_vma(&mm, addr_of(6))->vm_pgoff == 106 && find_vma(&mm, addr_of(6))->vm_file == file);
	remove_vmas(&mm, addr_of(2), addr_of(6));
	CHECK(file->f_count == 3 && mappers(&mapping) == 2);
	remove_vmas(&mm, addr_of(0), addr_of(8));
	CHECK(file->f_count == 1 && mappers(&mapping) == 0);
	fput(file);
}

int main(void)
{
	RUN(test_random_insert_split_remove_match_the_model);
	RUN(test_tree_stays_balanced);
	RUN(test_unmapped_area_is_the_highest_gap);
	RUN(test_file_areas_hold_their_file);
	return finish("unit vma");
}
