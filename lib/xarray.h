/*
 * An array of pointers indexed by unsigned long, sparse and fast to
 * search (Linux: include/linux/xarray.h, a radix tree underneath). The
 * page cache keeps each file's pages in one, by page number. Each entry
 * can carry three marks; the tree keeps, for each subtree, which marks
 * are set somewhere under it, so finding the next marked entry (the next
 * dirty page) skips whole clean subtrees.
 *
 * The caller serializes changes (the page cache: interrupts off, one
 * CPU). Storing needs memory for tree nodes: xa_store can fail with
 * -ENOMEM and then changes nothing. With interrupts off the allocator
 * cannot reclaim, so such a caller first calls xa_preload, which may.
 */
#ifndef LIB_XARRAY_H
#define LIB_XARRAY_H

#include "lib/types.h"

typedef unsigned int xa_mark_t;
#define XA_MARK_0 0u
#define XA_MARK_1 1u
#define XA_MARK_2 2u
#define XA_MAX_MARKS 3

struct xa_node;

struct xarray {
	struct xa_node *xa_head; /* NULL: empty */
	unsigned int xa_height;  /* levels of nodes under xa_head (internal) */
};

#define XARRAY_INIT { NULL, 0 }

static inline void xa_init(struct xarray *xa)
{
	xa->xa_head = NULL;
	xa->xa_height = 0;
}

static inline bool xa_empty(const struct xarray *xa)
{
	return xa->xa_head == NULL;
}

/* The entry at index, or NULL. */
void *xa_load(const struct xarray *xa, unsigned long index);
/* Put entry (not NULL) at index: 0, or -ENOMEM (nothing changed). An
 * entry already there is replaced and its marks kept. */
int xa_store(struct xarray *xa, unsigned long index, void *entry);
/* Set aside, while the caller may still sleep (interrupts on), the
 * nodes a store at index would need now: 0, or -ENOMEM. The next store
 * takes them first, so a store with interrupts off right after it finds
 * its memory even when free memory is under the watermark (Linux:
 * radix_tree_preload; the xarray's xas_nomem does it after the fact). */
int xa_preload(const struct xarray *xa, unsigned long index);
/* Remove what is at index (and its marks): the old entry, or NULL. Nodes
 * that become empty are freed. */
void *xa_erase(struct xarray *xa, unsigned long index);

void xa_set_mark(struct xarray *xa, unsigned long index, xa_mark_t mark);
void xa_clear_mark(struct xarray *xa, unsigned long index, xa_mark_t mark);
bool xa_get_mark(const struct xarray *xa, unsigned long index, xa_mark_t mark);
/* Whether any entry carries mark. */
bool xa_marked(const struct xarray *xa, xa_mark_t mark);

/* The first entry at an index from *index up to max (inclusive): its
 * index in *index and the entry, or NULL. With XA_PRESENT every entry
 * counts; with a mark only the entries that carry it. */
#define XA_PRESENT 8u
void *xa_find(const struct xarray *xa, unsigned long *index, unsigned long max,
	      unsigned int filter);

/* Free every node (the entries are the caller's). */
void xa_destroy(struct xarray *xa);

#endif
