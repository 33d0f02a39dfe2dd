/* The slab allocator (mm/slab.c) over the host buddy allocator. */
#include <stdlib.h>
#include <string.h>

#include "mm/buddy.h"
#include "mm/slab.h"
#include "tests/unit/host_kernel.h"
#include "tests/unit/test.h"

#define OBJECTS 3000

static void setup(void)
{
	host_memory_init();
	host_memory_give(1, HOST_PAGES);
	kmalloc_init();
}

static void test_objects_are_distinct_and_kept(void)
{
	static unsigned char *obj[OBJECTS];
	static size_t size[OBJECTS];
	unsigned long free_before;

	setup();
	free_before = nr_free_pages();
	srand(7);
	for (int i = 0; i < OBJECTS; i++) {
		size[i] = i % 150 == 0 ? 5000 + (size_t)(rand() % 9000) : 1 + (size_t)(rand() % 2048);
		obj[i] = kmalloc(size[i]);
		CHECK(obj[i] != NULL);
		CHECK(((uintptr_t)obj[i] & 7) == 0);
		memset(obj[i], i & 0xff, size[i]); /* ASan flags any overlap or overrun */
	}
	CHECK(slab_pages() > 0);
	for (int i = 0; i < OBJECTS; i++)
		for (size_t b = 0; b < size[i]; b++)
			if (!CHECK(obj[i][b] == (unsigned char)(i & 0xff)))
				break;
	for (int i = 0, k = 0; i < OBJECTS; i++, k = (k + 11) % OBJECTS)
		kfree(obj[k]);
	CHECK(slab_pages() == 0);
	CHECK(nr_free_pages() == free_before);
}

static void test_cache_slots(void)
{
	struct kmem_cache cache;
	void *a, *b;

	setup();
	kmem_cache_init(&cache, "test-100", 100);
	CHECK(cache.size == 104); /* rounded up to pointer alignment */
	CHECK(cache.objs_per_slab == PAGE_SIZE / 104);
	a = kmem_cache_alloc(&cache);
	b = kmem_cache_alloc(&cache);
	CHECK(a != b);
	CHECK(cache.nr_slabs == 1 && cache.nr_objects == 2);
	CHECK(page_test(virt_to_page(a), PG_slab));
	kmem_cache_free(&cache, a);
	kmem_cache_free(&cache, b);
	CHECK(cache.nr_slabs == 0 && cache.nr_objects == 0);
	CHECK(!page_test(virt_to_page(a), PG_slab));
}

static void test_full_slab_moves_back_to_partial(void)
{
	struct kmem_cache cache;
	void *objs[PAGE_SIZE / 512 + 1];

	setup();
	kmem_cache_init(&cache, "test-512", 512);
	for (unsigned i = 0; i < cache.objs_per_slab + 1; i++)
		objs[i] = kmem_cache_alloc(&cache);
	CHECK(cache.nr_slabs == 2);
	CHECK(!list_empty(&cache.full));
	kmem_cache_free(&cache, objs[0]); /* the first slab was full */
	CHECK(list_empty(&cache.full));
	CHECK(kmem_cache_alloc(&cache) == objs[0]); /* its slot is reused */
	for (unsigned i = 0; i < cache.objs_per_slab + 1; i++)
		kmem_cache_free(&cache, objs[i]);
	CHECK(cache.nr_slabs == 0);
}

static void test_kmalloc_edges(void)
{
	setup();
	CHECK(kmalloc(0) == NULL);
	kfree(NULL); /* allowed, does nothing */
	CHECK(kmalloc(PAGE_SIZE << MAX_ORDER) == NULL); /* larger than any block */
	void *big = kmalloc(PAGE_SIZE * 3);
	CHECK(big != NULL);
	CHECK(page_test(virt_to_page(big), PG_head) && compound_order(virt_to_page(big)) == 2);
	kfree(big);
	CHECK(nr_free_pages() == zone.managed_pages);
	unsigned char *z = kzalloc(300);
	for (int i = 0; i < 300; i++)
		CHECK(z[i] == 0);
	kfree(z);
}

static void *bad_pointer;
static struct kmem_cache *bad_cache;

static void do_kfree(void)
{
	kfree(bad_pointer);
}

static void do_cache_free(void)
{
	kmem_cache_free(bad_cache, bad_pointer);
}

static void test_bad_frees_panic(void)
{
	struct kmem_cache a, b;

	setup();
	struct page *page = alloc_page();
	bad_pointer = page_address(page); /* a page, but not from kmalloc */
	CHECK(host_panics(do_kfree));
	CHECK(strstr(host_last_panic, "not allocated by kmalloc") != NULL);

	kmem_cache_init(&a, "a", 64);
	kmem_cache_init(&b, "b", 64);
	char *obj = kmem_cache_alloc(&a);
	bad_cache = &b; /* right size, wrong cache */
	bad_pointer = obj;
	CHECK(host_panics(do_cache_free));
	bad_cache = &a; /* right cache, not the start of a slot */
	bad_pointer = obj + 8;
	CHECK(host_panics(do_cache_free));
	CHECK(strstr(host_last_panic, "is not an object of a") != NULL);
	char *other = kmem_cache_alloc(&a); /* keeps the slab alive */
	kmem_cache_free(&a, obj);
	bad_pointer = obj;
	CHECK(host_panics(do_cache_free)); /* obj is free already */
	CHECK(strstr(host_last_panic, "double free") != NULL);
	kmem_cache_free(&a, other);
	free_page(page);
}

int main(void)
{
	RUN(test_objects_are_distinct_and_kept);
	RUN(test_cache_slots);
	RUN(test_full_slab_moves_back_to_partial);
	RUN(test_kmalloc_edges);
	RUN(test_bad_frees_panic);
	return finish("unit slab");
}
