/*
 * Slabs are single pages (PG_slab). The struct page of a slab says which
 * cache owns it (slab_cache), where its first free slot is (freelist) and
 * how many slots are taken (inuse), so kfree() finds everything from the
 * object's address alone. A slab that becomes empty goes straight back to
 * the buddy allocator.
 */
#include "mm/slab.h"
#include "fs/seq_file.h"
#include "kernel/panic.h"
#include "kernel/printk.h"
#include "lib/string.h"
#include "mm/buddy.h"

static const size_t kmalloc_sizes[] = { 8, 16, 32, 64, 96, 128, 192, 256, 512, 1024, 2048,
					4096 };
static const char *const kmalloc_names[] = {
	"kmalloc-8", "kmalloc-16", "kmalloc-32", "kmalloc-64", "kmalloc-96",
	"kmalloc-128", "kmalloc-192", "kmalloc-256", "kmalloc-512",
	"kmalloc-1k", "kmalloc-2k", "kmalloc-4k",
};
static struct kmem_cache kmalloc_caches[ARRAY_SIZE(kmalloc_sizes)];
static unsigned long nr_slab_pages;
static struct list_head slab_caches = LIST_HEAD_INIT(slab_caches);

void kmem_cache_init(struct kmem_cache *cache, const char *name, size_t size)
{
	size = ALIGN_UP(MAX(size, sizeof(void *)), sizeof(void *));
	*cache = (struct kmem_cache){
		.name = name,
		.size = size,
		.objs_per_slab = (unsigned int)(PAGE_SIZE / size),
	};
	INIT_LIST_HEAD(&cache->partial);
	INIT_LIST_HEAD(&cache->full);
	list_add_tail(&cache->list, &slab_caches);
}

/* A fresh page, every slot chained on its free list. */
static struct page *new_slab(struct kmem_cache *cache)
{
	struct page *page = alloc_pages(GFP_NOIO, 0); /* kmalloc never sleeps (mm/buddy.h) */

	if (!page)
		return NULL;
	char *base = page_address(page);
	void **next = &page->freelist;
	for (unsigned int i = 0; i < cache->objs_per_slab; i++) {
		*next = base + i * cache->size;
		next = (void **)*next;
	}
	*next = NULL;
	page_set(page, PG_slab);
	page->slab_cache = cache;
	page->inuse = 0;
	list_add(&page->slab_list, &cache->partial);
	cache->nr_slabs++;
	nr_slab_pages++;
	return page;
}

static void discard_slab(struct kmem_cache *cache, struct page *page)
{
	list_del(&page->slab_list);
	page_clear(page, PG_slab);
	page->slab_cache = NULL;
	page->freelist = NULL;
	cache->nr_slabs--;
	nr_slab_pages--;
	free_page(page);
}

void *kmem_cache_alloc(struct kmem_cache *cache)
{
	struct page *page;

	if (list_empty(&cache->partial) && !new_slab(cache))
		return NULL;
	page = list_first_entry(&cache->partial, struct page, slab_list);
	void *obj = page->freelist;
	page->freelist = *(void **)obj;
	page->inuse++;
	cache->nr_objects++;
	if (!page->freelist) {
		list_del(&page->slab_list);
		list_add(&page->slab_list, &cache->full);
	}
	return obj;
}

void kmem_cache_free(struct kmem_cache *cache, void *obj)
{
	struct page *page = virt_to_page(obj);
	size_t offset = (uintptr_t)obj & (PAGE_SIZE - 1);

	if (!page_test(page, PG_slab) || page->slab_cache != cache ||
	    offset % cache->size || offset / cache->size >= cache->objs_per_slab)
		panic("kmem_cache_free: %p is not an object of %s", obj, cache->name);
	for (void *free = page->freelist; free; free = *(void **)free)
		if (free == obj)
			panic("kmem_cache_free: double free of %p in %s", obj, cache->name);
	if (!page->freelist) { /* was full: it has a free slot again */
		list_del(&page->slab_list);
		list_add(&page->slab_list, &cache->partial);
	}
	*(void **)obj = page->freelist;
	page->freelist = obj;
	page->inuse--;
	cache->nr_objects--;
	if (page->inuse == 0)
		discard_slab(cache, page);
}

void kmalloc_init(void)
{
	for (size_t i = 0; i < ARRAY_SIZE(kmalloc_sizes); i++)
		kmem_cache_init(&kmalloc_caches[i], kmalloc_names[i], kmalloc_sizes[i]);
}

/* Requests larger than any cache get a compound page of the order that
 * fits (at least 2 pages: one page is the kmalloc-4k cache's), so kfree()
 * and memory_failure() find the whole block from any of its frames. */
static void *kmalloc_large(size_t size)
{
	unsigned int order = MAX(1u, get_order(size));

	if (order >= MAX_ORDER)
		return NULL;
	struct page *page = alloc_pages(GFP_NOIO | __GFP_COMP, order);
	if (!page)
		return NULL;
	return page_address(page);
}

void *kmalloc(size_t size)
{
	if (size == 0)
		return NULL;
	if (size > KMALLOC_MAX_CACHE_SIZE)
		return kmalloc_large(size);
	for (size_t i = 0;; i++)
		if (kmalloc_sizes[i] >= size)
			return kmem_cache_alloc(&kmalloc_caches[i]);
}

void *kzalloc(size_t size)
{
	void *p = kmalloc(size);

	if (p)
		memset(p, 0, size);
	return p;
}

void kfree(const void *obj)
{
	if (!obj)
		return;
	struct page *page = virt_to_page(obj);
	if (page_test(page, PG_slab)) {
		kmem_cache_free(page->slab_cache, (void *)obj);
		return;
	}
	if (!page_test(page, PG_head) || page_address(page) != obj)
		panic("kfree: %p was not allocated by kmalloc", obj);
	free_pages(page, compound_order(page));
}

unsigned long slab_pages(void)
{
	return nr_slab_pages;
}

int slabinfo_show(struct seq_file *m)
{
	seq_puts(m, "# name            <active_objs> <num_objs> <objsize> <objperslab> <num_slabs>\n");
	for (struct list_head *e = slab_caches.next; e != &slab_caches; e = e->next) {
		const struct kmem_cache *c = list_entry(e, struct kmem_cache, list);
		seq_printf(m, "%-17s %13lu %10lu %9lu %12u %11lu\n", c->name, c->nr_objects,
			   c->nr_slabs * c->objs_per_slab, (unsigned long)c->size,
			   c->objs_per_slab, c->nr_slabs);
	}
	return 0;
}
