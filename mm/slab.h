/*
 * The slab allocator: small objects carved out of whole pages. A cache
 * holds objects of one size; each of its pages (a "slab") is cut into
 * equal slots, the free ones chained through their first word.
 * kmalloc() picks the cache with the smallest slots that fit.
 */
#ifndef MM_SLAB_H
#define MM_SLAB_H

#include "lib/list.h"
#include "lib/types.h"

struct kmem_cache {
	const char *name;
	size_t size;                 /* slot size */
	unsigned int objs_per_slab;
	struct list_head partial;    /* slabs with free slots */
	struct list_head full;       /* slabs with none */
	unsigned long nr_slabs;
	unsigned long nr_objects;    /* slots handed out */
	struct list_head list;       /* every cache, for slabinfo */
};

/* Largest request served from a kmalloc cache; above it kmalloc takes
 * whole pages from the buddy allocator. */
#define KMALLOC_MAX_CACHE_SIZE 4096

void kmem_cache_init(struct kmem_cache *cache, const char *name, size_t size);
void *kmem_cache_alloc(struct kmem_cache *cache);
void kmem_cache_free(struct kmem_cache *cache, void *obj);

void kmalloc_init(void);
void *kmalloc(size_t size);
void *kzalloc(size_t size);
void kfree(const void *obj);

/* Pages the slab caches hold (meminfo's "Slab:"). */
unsigned long slab_pages(void);
/* Console command `slabinfo`. */
struct seq_file;
int slabinfo_show(struct seq_file *m); /* /proc/slabinfo */

#endif
