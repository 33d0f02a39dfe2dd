/*
 * The xarray (lib/xarray.h) as a radix tree of 64-slot nodes (Linux:
 * lib/xarray.c, lib/radix-tree.c).
 *
 * An index is cut into 6-bit digits, the most significant first: the
 * root node's slot is chosen by the top digit, its child's by the next,
 * and a leaf node (shift 0) holds the entries themselves. A tree of
 * height h covers indices below 64^h; storing a larger index first adds
 * new roots on top, and erasing shrinks the tree again.
 *
 * Each node keeps bitmaps of its slots: `present` (the slot is used) and
 * one per mark (the entry, or something under the child, carries the
 * mark). So a node's mark bitmap is non-zero exactly when a marked entry
 * is somewhere below it, and xa_find looks only into subtrees whose bit
 * is set - finding the next dirty page of a file costs the height of the
 * tree, not the number of clean pages before it.
 */
#include "lib/xarray.h"
#include "kernel/errno.h"
#include "mm/slab.h"
#include "kernel/x86.h"

#define XA_CHUNK_SHIFT 6
#define XA_CHUNK_SIZE (1u << XA_CHUNK_SHIFT)
#define XA_CHUNK_MASK (XA_CHUNK_SIZE - 1)
/* ceil(64 / 6): enough levels for every unsigned long. */
#define XA_MAX_HEIGHT 11

struct xa_node {
	unsigned char shift;     /* 0: slots hold entries; else child nodes */
	unsigned char offset;    /* our slot in parent */
	struct xa_node *parent;  /* NULL for the root */
	uint64_t present;        /* bit per used slot */
	uint64_t marks[XA_MAX_MARKS]; /* bit per slot whose subtree has the mark */
	void *slots[XA_CHUNK_SIZE];
};

static unsigned int slot_of(const struct xa_node *node, unsigned long index)
{
	return (index >> node->shift) & XA_CHUNK_MASK;
}

/* Whether a tree of this height has a slot for index. */
static bool fits(unsigned int height, unsigned long index)
{
	unsigned int bits = height * XA_CHUNK_SHIFT;

	return bits >= 64 || (index >> bits) == 0;
}

static unsigned int height_for(unsigned long index)
{
	unsigned int height = 1;

	while (!fits(height, index))
		height++;
	return height;
}

/* The leaf node whose slots hold index, or NULL if there is none. */
static struct xa_node *leaf_of(const struct xarray *xa, unsigned long index)
{
	struct xa_node *node = xa->xa_head;

	if (!node || !fits(xa->xa_height, index))
		return NULL;
	while (node->shift) {
		node = node->slots[slot_of(node, index)];
		if (!node)
			return NULL;
	}
	return node;
}

void *xa_load(const struct xarray *xa, unsigned long index)
{
	struct xa_node *leaf = leaf_of(xa, index);

	return leaf ? leaf->slots[index & XA_CHUNK_MASK] : NULL;
}

/* ---- storing ------------------------------------------------------ */

/* The nodes a store will link in, all allocated before the tree is
 * touched: a store either succeeds or changes nothing. */
struct node_reserve {
	struct xa_node *nodes[2 * XA_MAX_HEIGHT];
	unsigned int nr;
};

/* Nodes set aside by xa_preload for a store made with interrupts off,
 * when kzalloc may not reclaim (Linux: radix_tree_preload's per-CPU
 * pool). They stay here until a store takes them. */
static struct node_reserve preloaded;

/* count nodes in res: the preloaded ones first, then new ones. */
static int reserve_nodes(struct node_reserve *res, unsigned int count)
{
	res->nr = 0;
	while (res->nr < count && preloaded.nr)
		res->nodes[res->nr++] = preloaded.nodes[--preloaded.nr];
	while (res->nr < count) {
		struct xa_node *node = kzalloc(sizeof(*node));

		if (!node) {
			while (res->nr)
				kfree(res->nodes[--res->nr]);
			return -ENOMEM;
		}
		res->nodes[res->nr++] = node;
	}
	return 0;
}

static struct xa_node *take_node(struct node_reserve *res, unsigned int shift,
				 struct xa_node *parent, unsigned int offset)
{
	struct xa_node *node = res->nodes[--res->nr];

	node->shift = (unsigned char)shift;
	node->parent = parent;
	node->offset = (unsigned char)offset;
	return node;
}

/* How many nodes a store at index must add: new roots on top, and the
 * missing nodes on the path from the root down to index's leaf. */
static unsigned int nodes_needed(const struct xarray *xa, unsigned long index)
{
	unsigned int height = height_for(index);
	struct xa_node *node = xa->xa_head;
	unsigned int existing = 0;

	if (!node)
		return height;
	if (height > xa->xa_height)
		/* The old tree goes down slot 0 of the new top; index's top
		 * digit is not 0 (height is the least that fits it), so its
		 * path below the top is all new. */
		return (height - xa->xa_height) + (height - 1);
	while (node) {
		existing++;
		if (!node->shift)
			break;
		node = node->slots[slot_of(node, index)];
	}
	return xa->xa_height - existing;
}

/* Put new roots on top until the tree is height high; the old root
 * becomes slot 0 of each new one, with its marks summed up there. */
static void grow(struct xarray *xa, unsigned int height, struct node_reserve *res)
{
	while (xa->xa_height < height) {
		struct xa_node *old = xa->xa_head;
		struct xa_node *top = take_node(res, old->shift + XA_CHUNK_SHIFT, NULL, 0);

		top->slots[0] = old;
		top->present = 1;
		for (xa_mark_t mark = 0; mark < XA_MAX_MARKS; mark++)
			if (old->marks[mark])
				top->marks[mark] = 1;
		old->parent = top;
		xa->xa_head = top;
		xa->xa_height++;
	}
}

int xa_preload(const struct xarray *xa, unsigned long index)
{
	bool was_on = irq_save();
	unsigned int count = nodes_needed(xa, index);

	irq_restore(was_on);
	while (preloaded.nr < count) {
		struct xa_node *node = kzalloc(sizeof(*node));

		if (!node)
			return -ENOMEM;
		was_on = irq_save();
		if (preloaded.nr < count) { /* another preload may have topped it up meanwhile */
			preloaded.nodes[preloaded.nr++] = node;
			node = NULL;
		}
		irq_restore(was_on);
		kfree(node);
	}
	return 0;
}

int xa_store(struct xarray *xa, unsigned long index, void *entry)
{
	unsigned int height = height_for(index);
	struct node_reserve res;
	struct xa_node *node;
	unsigned int offset;

	if (reserve_nodes(&res, nodes_needed(xa, index)))
		return -ENOMEM;
	if (!xa->xa_head) {
		xa->xa_head = take_node(&res, (height - 1) * XA_CHUNK_SHIFT, NULL, 0);
		xa->xa_height = height;
	}
	grow(xa, height, &res);
	for (node = xa->xa_head; node->shift; node = node->slots[offset]) {
		offset = slot_of(node, index);
		if (!node->slots[offset]) {
			node->slots[offset] = take_node(&res, node->shift - XA_CHUNK_SHIFT, node, offset);
			node->present |= 1ULL << offset;
		}
	}
	offset = index & XA_CHUNK_MASK;
	node->slots[offset] = entry;
	node->present |= 1ULL << offset;
	return 0;
}

/* ---- marks -------------------------------------------------------- */

/* node's mark bitmap changed: make its parents' bits agree (a parent's
 * bit is set when the child's bitmap is not empty), as far up as that
 * changes anything. */
static void propagate_mark(struct xa_node *node, xa_mark_t mark)
{
	while (node->parent) {
		struct xa_node *parent = node->parent;
		uint64_t bit = 1ULL << node->offset;
		bool has = node->marks[mark] != 0;

		if (has == ((parent->marks[mark] & bit) != 0))
			return;
		if (has)
			parent->marks[mark] |= bit;
		else
			parent->marks[mark] &= ~bit;
		node = parent;
	}
}

void xa_set_mark(struct xarray *xa, unsigned long index, xa_mark_t mark)
{
	struct xa_node *leaf = leaf_of(xa, index);
	uint64_t bit = 1ULL << (index & XA_CHUNK_MASK);

	if (!leaf || !(leaf->present & bit) || (leaf->marks[mark] & bit))
		return;
	leaf->marks[mark] |= bit;
	propagate_mark(leaf, mark);
}

void xa_clear_mark(struct xarray *xa, unsigned long index, xa_mark_t mark)
{
	struct xa_node *leaf = leaf_of(xa, index);
	uint64_t bit = 1ULL << (index & XA_CHUNK_MASK);

	if (!leaf || !(leaf->marks[mark] & bit))
		return;
	leaf->marks[mark] &= ~bit;
	propagate_mark(leaf, mark);
}

bool xa_get_mark(const struct xarray *xa, unsigned long index, xa_mark_t mark)
{
	struct xa_node *leaf = leaf_of(xa, index);

	return leaf && (leaf->marks[mark] & (1ULL << (index & XA_CHUNK_MASK)));
}

bool xa_marked(const struct xarray *xa, xa_mark_t mark)
{
	return xa->xa_head && xa->xa_head->marks[mark];
}

/* ---- erasing ------------------------------------------------------ */

/* While the root uses only slot 0, the tree is one level too high. */
static void shrink(struct xarray *xa)
{
	while (xa->xa_height > 1 && xa->xa_head->present == 1) {
		struct xa_node *child = xa->xa_head->slots[0];

		kfree(xa->xa_head);
		child->parent = NULL;
		child->offset = 0;
		xa->xa_head = child;
		xa->xa_height--;
	}
}

/* Slot offset of node became empty: free the nodes that have nothing
 * left, and fix the marks above what remains. */
static void clear_slot(struct xarray *xa, struct xa_node *node, unsigned int offset)
{
	for (;;) {
		uint64_t bit = 1ULL << offset;
		struct xa_node *parent = node->parent;

		node->present &= ~bit;
		for (xa_mark_t mark = 0; mark < XA_MAX_MARKS; mark++)
			node->marks[mark] &= ~bit;
		if (node->present)
			break;
		offset = node->offset;
		kfree(node);
		if (!parent) {
			xa_init(xa);
			return;
		}
		parent->slots[offset] = NULL;
		node = parent;
	}
	for (xa_mark_t mark = 0; mark < XA_MAX_MARKS; mark++)
		propagate_mark(node, mark);
	shrink(xa);
}

void *xa_erase(struct xarray *xa, unsigned long index)
{
	struct xa_node *leaf = leaf_of(xa, index);
	unsigned int offset = index & XA_CHUNK_MASK;
	void *entry;

	if (!leaf || !leaf->slots[offset])
		return NULL;
	entry = leaf->slots[offset];
	leaf->slots[offset] = NULL;
	clear_slot(xa, leaf, offset);
	return entry;
}

/* ---- searching ---------------------------------------------------- */

/* The first entry under node (whose first index is base) from start to
 * max that passes filter; its index in *found. */
static void *node_find(const struct xa_node *node, unsigned long base, unsigned long start,
		       unsigned long max, unsigned int filter, unsigned long *found)
{
	unsigned int first = start > base ? (start - base) >> node->shift : 0;
	uint64_t bits = filter == XA_PRESENT ? node->present : node->marks[filter];

	for (bits &= ~0ULL << first; bits; bits &= bits - 1) {
		unsigned int offset = (unsigned int)__builtin_ctzll(bits);
		unsigned long slot_base = base + ((unsigned long)offset << node->shift);
		void *entry;

		if (slot_base > max)
			return NULL;
		if (!node->shift) {
			*found = slot_base;
			return node->slots[offset];
		}
		entry = node_find(node->slots[offset], slot_base, start, max, filter, found);
		if (entry)
			return entry;
	}
	return NULL;
}

void *xa_find(const struct xarray *xa, unsigned long *index, unsigned long max,
	      unsigned int filter)
{
	unsigned long found;
	void *entry;

	if (!xa->xa_head || *index > max || !fits(xa->xa_height, *index))
		return NULL;
	entry = node_find(xa->xa_head, 0, *index, max, filter, &found);
	if (entry)
		*index = found;
	return entry;
}

static void free_node(struct xa_node *node)
{
	if (node->shift)
		for (uint64_t bits = node->present; bits; bits &= bits - 1)
			free_node(node->slots[__builtin_ctzll(bits)]);
	kfree(node);
}

void xa_destroy(struct xarray *xa)
{
	if (xa->xa_head)
		free_node(xa->xa_head);
	xa_init(xa);
}
