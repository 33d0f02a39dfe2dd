/* The timer queue (kernel/timerqueue.c): random adds and removals,
 * checked against a plain array after every step. */
#include <stdlib.h>

#include "kernel/timerqueue.h"
#include "tests/unit/test.h"

#define NODES 2000

static struct timerqueue_node nodes[NODES];
static bool queued[NODES];

/* The soonest expiry among the queued nodes, the slow way. */
static uint64_t reference_min(void)
{
	uint64_t min = UINT64_MAX;

	for (int i = 0; i < NODES; i++)
		if (queued[i] && nodes[i].expires < min)
			min = nodes[i].expires;
	return min;
}

static void test_random_add_and_delete(void)
{
	struct timerqueue_head head = { NULL };
	int count = 0;

	srand(7);
	for (int step = 0; step < 40000; step++) {
		int i = rand() % NODES;
		if (queued[i]) {
			timerqueue_del(&head, &nodes[i]);
			queued[i] = false;
			count--;
		} else {
			nodes[i].expires = (uint64_t)(rand() % 5000); /* many ties */
			timerqueue_add(&head, &nodes[i]);
			queued[i] = true;
			count++;
		}
		struct timerqueue_node *next = timerqueue_getnext(&head);
		if (!CHECK(count ? next && next->expires == reference_min() : next == NULL))
			return;
	}
	/* Drain it in order, as the timer interrupt does. */
	uint64_t last = 0;
	for (struct timerqueue_node *n; (n = timerqueue_getnext(&head)); count--) {
		CHECK(n->expires >= last);
		last = n->expires;
		timerqueue_del(&head, n);
		queued[n - nodes] = false;
	}
	CHECK(count == 0);
}

static void test_delete_the_root_and_a_leaf(void)
{
	struct timerqueue_head head = { NULL };
	struct timerqueue_node a = { .expires = 30 }, b = { .expires = 10 }, c = { .expires = 20 };

	timerqueue_add(&head, &a);
	timerqueue_add(&head, &b);
	timerqueue_add(&head, &c);
	CHECK(timerqueue_getnext(&head) == &b);
	timerqueue_del(&head, &a); /* not the soonest */
	CHECK(timerqueue_getnext(&head) == &b);
	timerqueue_del(&head, &b);
	CHECK(timerqueue_getnext(&head) == &c);
	timerqueue_del(&head, &c);
	CHECK(timerqueue_getnext(&head) == NULL);
}

int main(void)
{
	RUN(test_random_add_and_delete);
	RUN(test_delete_the_root_and_a_leaf);
	return finish("unit timerqueue");
}
