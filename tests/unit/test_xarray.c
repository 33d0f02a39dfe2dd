/* The xarray (lib/xarray.c), checked against a plain array of
 * (index, entry, marks) that is searched linearly. */
#include <stdlib.h>
#include <string.h>

#include "kernel/errno.h"
#include "lib/xarray.h"
#include "mm/buddy.h"
#include "mm/slab.h"
#include "tests/unit/host_kernel.h"
#include "tests/unit/test.h"

#define REF_MAX 4000

/* The reference: what the xarray should hold. */
static struct {
	unsigned long index;
	void *entry;
	unsigned int marks; /* bit per xa_mark_t */
} ref[REF_MAX];
static int nref;

static unsigned long free_at_start;

static void setup(void)
{
	host_memory_init();
	host_memory_give(1, HOST_PAGES);
	kmalloc_init();
	free_at_start = nr_free_pages();
	nref = 0;
}

/* Every node went back: no slab page is left. */
static bool all_nodes_freed(void)
{
	return slab_pages() == 0 && nr_free_pages() == free_at_start;
}

static int ref_find(unsigned long index)
{
	for (int i = 0; i < nref; i++)
		if (ref[i].index == index)
			return i;
	return -1;
}

static void *entry_for(unsigned long index)
{
	return (void *)((index << 2) | 2); /* never NULL, never a real object */
}

static void ref_store(struct xarray *xa, unsigned long index)
{
	int i = ref_find(index);

	CHECK(xa_store(xa, index, entry_for(index)) == 0);
	if (i < 0) {
		i = nref++;
		ref[i].index = index;
		ref[i].marks = 0;
	}
	ref[i].entry = entry_for(index);
}

static void ref_erase(struct xarray *xa, unsigned long index)
{
	int i = ref_find(index);
	void *old = xa_erase(xa, index);

	if (i < 0) {
		CHECK(old == NULL);
		return;
	}
	CHECK(old == ref[i].entry);
	ref[i] = ref[--nref];
}

static void ref_mark(struct xarray *xa, unsigned long index, xa_mark_t mark, bool set)
{
	int i = ref_find(index);

	if (set)
		xa_set_mark(xa, index, mark);
	else
		xa_clear_mark(xa, index, mark);
	if (i < 0)
		return;
	if (set)
		ref[i].marks |= 1u << mark;
	else
		ref[i].marks &= ~(1u << mark);
}

/* The reference's answer to xa_find(start, max, filter): -1 for none. */
static int ref_next(unsigned long start, unsigned long max, unsigned int filter)
{
	int best = -1;

	for (int i = 0; i < nref; i++) {
		if (ref[i].index < start || ref[i].index > max)
			continue;
		if (filter != XA_PRESENT && !(ref[i].marks & (1u << filter)))
			continue;
		if (best < 0 || ref[i].index < ref[best].index)
			best = i;
	}
	return best;
}

static void check_find(const struct xarray *xa, unsigned long start, unsigned long max,
		       unsigned int filter)
{
	unsigned long index = start;
	void *entry = xa_find(xa, &index, max, filter);
	int want = ref_next(start, max, filter);

	if (want < 0) {
		CHECK(entry == NULL);
		return;
	}
	CHECK(entry == ref[want].entry);
	CHECK(index == ref[want].index);
}

/* Everything the xarray answers agrees with the reference. */
static void check_all(const struct xarray *xa, unsigned long probe_max)
{
	bool any[XA_MAX_MARKS] = { false };

	for (int i = 0; i < nref; i++) {
		CHECK(xa_load(xa, ref[i].index) == ref[i].entry);
		for (xa_mark_t m = 0; m < XA_MAX_MARKS; m++) {
			bool marked = ref[i].marks & (1u << m);

			CHECK(xa_get_mark(xa, ref[i].index, m) == marked);
			any[m] |= marked;
		}
		check_find(xa, ref[i].index, ~0UL, XA_PRESENT);
		check_find(xa, ref[i].index + 1, ~0UL, XA_MARK_0);
	}
	for (xa_mark_t m = 0; m < XA_MAX_MARKS; m++)
		CHECK(xa_marked(xa, m) == any[m]);
	CHECK(xa_empty(xa) == (nref == 0));
	for (int probe = 0; probe < 50; probe++) {
		unsigned long start = (unsigned long)rand() % probe_max;
		unsigned long max = start + (unsigned long)rand() % probe_max;

		if (ref_find(start) < 0)
			CHECK(xa_load(xa, start) == NULL);
		check_find(xa, start, max, XA_PRESENT);
		for (xa_mark_t m = 0; m < XA_MAX_MARKS; m++)
			check_find(xa, start, max, m);
	}
}

static void random_ops(struct xarray *xa, int ops, unsigned long (*pick)(void))
{
	for (int op = 0; op < ops; op++) {
		unsigned long index = pick();
		int what = rand() % 10;

		if (what < 4 && nref < REF_MAX)
			ref_store(xa, index);
		else if (what < 6)
			ref_erase(xa, nref && rand() % 2 ? ref[rand() % nref].index : index);
		else if (nref)
			ref_mark(xa, ref[rand() % nref].index, (xa_mark_t)(rand() % XA_MAX_MARKS),
				 what < 9);
		if (op % 97 == 0)
			check_all(xa, 5000);
	}
	check_all(xa, 5000);
}

static unsigned long pick_dense(void)
{
	return (unsigned long)rand() % 5000;
}

/* Mostly small, sometimes anywhere in the 64-bit range. */
static unsigned long pick_sparse(void)
{
	if (rand() % 4)
		return (unsigned long)rand() % 300;
	return ((unsigned long)rand() << 40) ^ ((unsigned long)rand() << 10) ^ (unsigned long)rand();
}

static void erase_everything(struct xarray *xa)
{
	while (nref)
		ref_erase(xa, ref[rand() % nref].index);
	CHECK(xa_empty(xa));
}

static void test_random_dense(void)
{
	struct xarray xa = XARRAY_INIT;

	setup();
	srand(1);
	random_ops(&xa, 8000, pick_dense);
	erase_everything(&xa);
	CHECK(all_nodes_freed());
}

static void test_random_sparse(void)
{
	struct xarray xa = XARRAY_INIT;

	setup();
	srand(2);
	random_ops(&xa, 4000, pick_sparse);
	erase_everything(&xa);
	CHECK(all_nodes_freed());
}

static void test_extreme_indices(void)
{
	struct xarray xa = XARRAY_INIT;
	unsigned long index;

	setup();
	ref_store(&xa, ~0UL);
	ref_store(&xa, 0);
	ref_store(&xa, 1UL << 63);
	ref_mark(&xa, ~0UL, XA_MARK_1, true);
	check_all(&xa, 1000);
	index = 1;
	CHECK(xa_find(&xa, &index, ~0UL, XA_MARK_1) == entry_for(~0UL) && index == ~0UL);
	index = 1;
	CHECK(xa_find(&xa, &index, ~0UL, XA_PRESENT) == entry_for(1UL << 63) &&
	      index == 1UL << 63);
	ref_erase(&xa, 0);
	ref_erase(&xa, ~0UL);
	check_all(&xa, 1000);
	ref_erase(&xa, 1UL << 63);
	CHECK(xa_empty(&xa) && all_nodes_freed());
}

/* Erasing the one far index takes the tree back down to one node. */
static void test_tree_shrinks(void)
{
	struct xarray xa = XARRAY_INIT;
	unsigned long one_node;

	setup();
	ref_store(&xa, 3);
	one_node = slab_pages();
	ref_store(&xa, 1UL << 40);
	CHECK(slab_pages() > one_node);
	ref_erase(&xa, 1UL << 40);
	CHECK(slab_pages() == one_node);
	check_all(&xa, 1000);
	ref_erase(&xa, 3);
	CHECK(all_nodes_freed());
}

static void test_marks_summarize_subtrees(void)
{
	struct xarray xa = XARRAY_INIT;
	unsigned long index = 0;

	setup();
	for (unsigned long i = 0; i < 3000; i++)
		ref_store(&xa, i);
	ref_mark(&xa, 2999, XA_MARK_0, true);
	CHECK(xa_marked(&xa, XA_MARK_0));
	CHECK(xa_find(&xa, &index, ~0UL, XA_MARK_0) == entry_for(2999) && index == 2999);
	/* Replacing an entry keeps its marks. */
	CHECK(xa_store(&xa, 2999, entry_for(7)) == 0);
	CHECK(xa_get_mark(&xa, 2999, XA_MARK_0));
	ref_mark(&xa, 2999, XA_MARK_0, false);
	CHECK(!xa_marked(&xa, XA_MARK_0));
	index = 0;
	CHECK(xa_find(&xa, &index, ~0UL, XA_MARK_0) == NULL);
	/* Marking an index that holds nothing does nothing. */
	xa_set_mark(&xa, 5000, XA_MARK_2);
	CHECK(!xa_marked(&xa, XA_MARK_2));
	xa_destroy(&xa);
	CHECK(xa_empty(&xa) && all_nodes_freed());
}

/* Take every free frame, so that the next node allocation fails. */
static struct page *hog[HOST_PAGES];

static int exhaust_memory(void)
{
	int n = 0;

	while ((hog[n] = alloc_pages(GFP_KERNEL, 0)) != NULL)
		n++;
	/* The free slots of every kmalloc cache's partial slabs too
	 * (setup() starts the next test with fresh memory). */
	for (size_t size = 8; size <= KMALLOC_MAX_CACHE_SIZE; size *= 2)
		while (kmalloc(size) != NULL)
			;
	return n;
}

static void test_enomem_changes_nothing(void)
{
	struct xarray xa = XARRAY_INIT;
	int hogged;

	setup();
	srand(3);
	for (int i = 0; i < 200; i++)
		ref_store(&xa, (unsigned long)rand() % 100000);
	ref_mark(&xa, ref[0].index, XA_MARK_0, true);
	hogged = exhaust_memory();
	/* A store that needs new nodes fails and changes nothing... */
	CHECK(xa_store(&xa, 1UL << 40, entry_for(1)) == -ENOMEM);
	CHECK(xa_store(&xa, 200001, entry_for(1)) == -ENOMEM);
	check_all(&xa, 200000);
	/* ...one into an existing leaf needs none. */
	ref_store(&xa, ref[0].index ^ 1);
	check_all(&xa, 200000);
	for (int i = 0; i < hogged; i++)
		free_pages(hog[i], 0);
	ref_store(&xa, 1UL << 40);
	check_all(&xa, 200000);
	xa_destroy(&xa);
	CHECK(xa_empty(&xa));
}

/* xa_preload sets the nodes a store will need aside while memory may
 * still be had; the store then needs no allocation (the page cache's
 * stores under interrupts off: mm/filemap.c:add_to_page_cache_lru). */
static void test_preload_serves_a_later_store(void)
{
	struct xarray xa = XARRAY_INIT;
	int hogged;

	setup();
	for (unsigned long i = 0; i < 100; i++)
		ref_store(&xa, i);
	CHECK(xa_preload(&xa, 1UL << 40) == 0);
	CHECK(xa_preload(&xa, 1UL << 40) == 0); /* twice: no more set aside */
	hogged = exhaust_memory();
	ref_store(&xa, 1UL << 40);              /* CHECKs that it succeeds */
	check_all(&xa, 200);
	/* The reserve is used up: the next store that needs nodes fails. */
	CHECK(xa_store(&xa, 1UL << 50, entry_for(1)) == -ENOMEM);
	CHECK(xa_preload(&xa, 1UL << 50) == -ENOMEM);
	check_all(&xa, 200);
	for (int i = 0; i < hogged; i++)
		free_pages(hog[i], 0);
	xa_destroy(&xa);
	CHECK(xa_empty(&xa));
}

int main(void)
{
	RUN(test_random_dense);
	RUN(test_random_sparse);
	RUN(test_extreme_indices);
	RUN(test_tree_shrinks);
	RUN(test_marks_summarize_subtrees);
	RUN(test_enomem_changes_nothing);
	RUN(test_preload_serves_a_later_store);
	return finish("xarray");
}
