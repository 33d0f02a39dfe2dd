/*
 * A queue of timers ordered by expiry (Linux's timerqueue): add, remove
 * any, and find the soonest, each in O(log n) time (amortized) - the
 * queue may hold one timer per sleeping process.
 */
#ifndef KERNEL_TIMERQUEUE_H
#define KERNEL_TIMERQUEUE_H

#include "lib/types.h"

struct timerqueue_node {
	uint64_t expires;               /* the key: set by the owner before adding */
	struct timerqueue_node *child;  /* the rest: the queue's own links */
	struct timerqueue_node *next;   /* next sibling */
	struct timerqueue_node *prev;   /* previous sibling, or parent if first child */
};

struct timerqueue_head {
	struct timerqueue_node *root;   /* the soonest timer; NULL if empty */
};

void timerqueue_add(struct timerqueue_head *head, struct timerqueue_node *node);
void timerqueue_del(struct timerqueue_head *head, struct timerqueue_node *node);

static inline struct timerqueue_node *timerqueue_getnext(const struct timerqueue_head *head)
{
	return head->root;
}

#endif
