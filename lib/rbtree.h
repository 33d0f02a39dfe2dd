/*
 * Red-black trees (Linux: include/linux/rbtree.h, with its names). A
 * balanced binary search tree: a lookup, an insertion or a removal costs
 * O(log n). The tree knows nothing about keys: a user embeds a struct
 * rb_node in its own structure, walks down from rb_root comparing keys
 * itself to find where a new node goes, links it there (rb_link_node),
 * and lets rb_insert_color rebalance. See find_vma in mm/vma.c.
 *
 * Unlike Linux, the parent pointer and the colour are separate fields
 * (Linux packs the colour into the pointer's low bit to save a word).
 */
#ifndef LIB_RBTREE_H
#define LIB_RBTREE_H

#include "lib/types.h"

struct rb_node {
	struct rb_node *rb_parent; /* NULL at the root */
	union {
		struct {
			struct rb_node *rb_left, *rb_right;
		};
		/* The same two pointers by direction (0 left, 1 right), so that
		 * one piece of code handles a case and its mirror image. */
		struct rb_node *rb_child[2];
	};
	bool rb_red;
};

struct rb_root {
	struct rb_node *rb_node; /* NULL: the tree is empty */
};

#define RB_ROOT ((struct rb_root){ NULL })
#define rb_entry(ptr, type, member) container_of(ptr, type, member)

/* Put node into the tree as the child *link of parent (found by the
 * caller's search, which ended at the empty slot *link). */
static inline void rb_link_node(struct rb_node *node, struct rb_node *parent,
				struct rb_node **link)
{
	node->rb_parent = parent;
	node->rb_left = node->rb_right = NULL;
	node->rb_red = true;
	*link = node;
}

/* Rebalance after rb_link_node. */
void rb_insert_color(struct rb_node *node, struct rb_root *root);
/* Take node out of the tree and rebalance. */
void rb_erase(struct rb_node *node, struct rb_root *root);

/*
 * Augmented trees: each node also keeps a summary of its subtree (for
 * the areas: the largest free gap below any of them), which update
 * recomputes for one node from the node and its children. These keep
 * the summaries right through insertion, removal and rebalancing; after
 * changing a node's own data, rb_augment_propagate updates it and every
 * node above it.
 */
typedef void (*rb_update_fn)(struct rb_node *node);
void rb_insert_augmented(struct rb_node *node, struct rb_root *root, rb_update_fn update);
void rb_erase_augmented(struct rb_node *node, struct rb_root *root, rb_update_fn update);
void rb_augment_propagate(struct rb_node *node, rb_update_fn update);

/* In-order iteration: the smallest and largest nodes, and a node's
 * neighbours (NULL past either end). */
struct rb_node *rb_first(const struct rb_root *root);
struct rb_node *rb_last(const struct rb_root *root);
struct rb_node *rb_next(const struct rb_node *node);
struct rb_node *rb_prev(const struct rb_node *node);

#endif
