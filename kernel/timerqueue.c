/*
 * The timer queue is a pairing heap: a tree in which every node expires
 * no later than its children, kept as first-child/next-sibling links.
 * The soonest timer is the root. Adding melds a one-node tree with the
 * root: O(1). Removing a node cuts it out and melds its children back in
 * pairs (first pairwise left to right, then into one from the right),
 * which keeps the tree shallow: O(log n) amortized (Fredman, Sedgewick,
 * Sleator and Tarjan, 1986). Linux uses a red-black tree for the same
 * job; a pairing heap needs far less code.
 */
#include "kernel/timerqueue.h"

/* Make the later of two trees the first child of the other. */
static struct timerqueue_node *meld(struct timerqueue_node *a, struct timerqueue_node *b)
{
	if (!a)
		return b;
	if (!b)
		return a;
	if (b->expires < a->expires) {
		struct timerqueue_node *t = a;
		a = b;
		b = t;
	}
	b->prev = a;
	b->next = a->child;
	if (a->child)
		a->child->prev = b;
	a->child = b;
	return a;
}

/* Meld a list of sibling trees into one. */
static struct timerqueue_node *merge_pairs(struct timerqueue_node *first)
{
	struct timerqueue_node *pairs = NULL; /* pass 1's results, last first */

	while (first) {
		struct timerqueue_node *a = first, *b = a->next;
		first = b ? b->next : NULL;
		a->next = a->prev = NULL;
		if (b)
			b->next = b->prev = NULL;
		struct timerqueue_node *m = meld(a, b);
		m->next = pairs;
		pairs = m;
	}
	struct timerqueue_node *root = NULL;
	while (pairs) {
		struct timerqueue_node *m = pairs;
		pairs = m->next;
		m->next = NULL;
		root = meld(root, m);
	}
	return root;
}

void timerqueue_add(struct timerqueue_head *head, struct timerqueue_node *node)
{
	node->child = node->next = node->prev = NULL;
	head->root = meld(head->root, node);
}

void timerqueue_del(struct timerqueue_head *head, struct timerqueue_node *node)
{
	struct timerqueue_node *subtree = merge_pairs(node->child);

	if (node == head->root) {
		head->root = subtree;
	} else {
		if (node->prev->child == node)
			node->prev->child = node->next;
		else
			node->prev->next = node->next;
		if (node->next)
			node->next->prev = node->prev;
		head->root = meld(head->root, subtree);
	}
	node->child = node->next = node->prev = NULL;
}
