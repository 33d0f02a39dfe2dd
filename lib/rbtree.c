/*
 * Red-black tree balancing, after Cormen et al., "Introduction to
 * Algorithms", chapter 13. The rules: every node is red or black, the
 * root is black, a red node has no red child, and every path from a node
 * down to an empty slot passes the same number of black nodes. So no path
 * is more than twice as long as another: the height is O(log n).
 *
 * Each fix-up has a case and its mirror image; `dir` names the side
 * (0 left, 1 right) so that one piece of code handles both.
 *
 * An augmented tree keeps in each node a summary of its subtree (the
 * areas keep their largest gap). Whatever changes a subtree - a new or
 * removed node below, a rotation - calls the user's update function on
 * the nodes concerned, lowest first; update is NULL for a plain tree.
 */
#include "lib/rbtree.h"

static bool is_red(const struct rb_node *node)
{
	return node && node->rb_red; /* empty slots count as black */
}

/* Put new where old was under old's parent (or at the root). */
static void replace_child(struct rb_root *root, struct rb_node *old, struct rb_node *new)
{
	struct rb_node *parent = old->rb_parent;

	if (!parent)
		root->rb_node = new;
	else
		parent->rb_child[parent->rb_right == old] = new;
	if (new)
		new->rb_parent = parent;
}

/*
 * Rotate node down towards dir: its child on the other side takes its
 * place and node becomes that child's dir-side child. dir 0 is the usual
 * "rotate left". The in-order sequence does not change.
 */
static void rotate(struct rb_root *root, struct rb_node *node, int dir, rb_update_fn update)
{
	struct rb_node *up = node->rb_child[!dir];

	node->rb_child[!dir] = up->rb_child[dir];
	if (up->rb_child[dir])
		up->rb_child[dir]->rb_parent = node;
	replace_child(root, node, up);
	up->rb_child[dir] = node;
	node->rb_parent = up;
	if (update) { /* node is now below up */
		update(node);
		update(up);
	}
}

void rb_augment_propagate(struct rb_node *node, rb_update_fn update)
{
	for (; node; node = node->rb_parent)
		update(node);
}

void rb_insert_color(struct rb_node *node, struct rb_root *root)
{
	rb_insert_augmented(node, root, NULL);
}

void rb_insert_augmented(struct rb_node *node, struct rb_root *root, rb_update_fn update)
{
	struct rb_node *parent;

	if (update)
		rb_augment_propagate(node, update);

	/* node is red; the only broken rule can be a red parent. */
	while ((parent = node->rb_parent) && parent->rb_red) {
		struct rb_node *gparent = parent->rb_parent; /* exists: the root is black */
		int dir = gparent->rb_right == parent;
		struct rb_node *uncle = gparent->rb_child[!dir];

		if (is_red(uncle)) { /* push the red up two levels and go on there */
			parent->rb_red = uncle->rb_red = false;
			gparent->rb_red = true;
			node = gparent;
			continue;
		}
		if (node == parent->rb_child[!dir]) { /* zig-zag: make it a straight line */
			rotate(root, parent, dir, update);
			node = parent;
			parent = node->rb_parent;
		}
		parent->rb_red = false;
		gparent->rb_red = true;
		rotate(root, gparent, !dir, update);
		break;
	}
	root->rb_node->rb_red = false;
}

/* A black node was removed above `node` (maybe an empty slot) under
 * parent: that side has one black too few. */
static void erase_fixup(struct rb_root *root, struct rb_node *node, struct rb_node *parent,
			rb_update_fn update)
{
	while (node != root->rb_node && !is_red(node)) {
		int dir = parent->rb_left != node; /* node's side */
		struct rb_node *sibling = parent->rb_child[!dir]; /* exists: it has the extra black */

		if (sibling->rb_red) { /* make the sibling black */
			sibling->rb_red = false;
			parent->rb_red = true;
			rotate(root, parent, dir, update);
			sibling = parent->rb_child[!dir];
		}
		if (!is_red(sibling->rb_left) && !is_red(sibling->rb_right)) {
			sibling->rb_red = true; /* both sides short now: move up */
			node = parent;
			parent = node->rb_parent;
			continue;
		}
		if (!is_red(sibling->rb_child[!dir])) { /* its red child is on the near side */
			sibling->rb_child[dir]->rb_red = false;
			sibling->rb_red = true;
			rotate(root, sibling, !dir, update);
			sibling = parent->rb_child[!dir];
		}
		sibling->rb_red = parent->rb_red;
		parent->rb_red = false;
		sibling->rb_child[!dir]->rb_red = false;
		rotate(root, parent, dir, update);
		node = root->rb_node;
	}
	if (node)
		node->rb_red = false;
}

void rb_erase(struct rb_node *node, struct rb_root *root)
{
	rb_erase_augmented(node, root, NULL);
}

void rb_erase_augmented(struct rb_node *node, struct rb_root *root, rb_update_fn update)
{
	struct rb_node *child, *parent;
	bool removed_red;

	if (!node->rb_left || !node->rb_right) { /* at most one child: it moves up */
		child = node->rb_left ? node->rb_left : node->rb_right;
		parent = node->rb_parent;
		removed_red = node->rb_red;
		replace_child(root, node, child);
	} else { /* two children: the next node in order takes its place */
		struct rb_node *next = node->rb_right;
		while (next->rb_left)
			next = next->rb_left;
		removed_red = next->rb_red;
		child = next->rb_right;
		if (next->rb_parent == node) {
			parent = next;
		} else {
			parent = next->rb_parent;
			replace_child(root, next, child);
			next->rb_right = node->rb_right;
			next->rb_right->rb_parent = next;
		}
		replace_child(root, node, next);
		next->rb_left = node->rb_left;
		next->rb_left->rb_parent = next;
		next->rb_red = node->rb_red;
	}
	if (update) /* from the lowest node whose subtree lost a node */
		rb_augment_propagate(parent, update);
	if (!removed_red)
		erase_fixup(root, child, parent, update);
}

/* The far end of the subtree below node in direction dir. */
static struct rb_node *extreme(struct rb_node *node, int dir)
{
	while (node && node->rb_child[dir])
		node = node->rb_child[dir];
	return node;
}

struct rb_node *rb_first(const struct rb_root *root)
{
	return extreme(root->rb_node, 0);
}

struct rb_node *rb_last(const struct rb_root *root)
{
	return extreme(root->rb_node, 1);
}

/* The neighbour in direction dir: the near end of that subtree, or the
 * first ancestor we reach from its other side. */
static struct rb_node *neighbour(const struct rb_node *node, int dir)
{
	if (node->rb_child[dir])
		return extreme(node->rb_child[dir], !dir);
	while (node->rb_parent && node == node->rb_parent->rb_child[dir])
		node = node->rb_parent;
	return node->rb_parent;
}

struct rb_node *rb_next(const struct rb_node *node)
{
	return neighbour(node, 1);
}

struct rb_node *rb_prev(const struct rb_node *node)
{
	return neighbour(node, 0);
}
