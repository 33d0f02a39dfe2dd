/*
 * Wait queues: a place to sleep until something happens (Linux's
 * wait_queue_head). Whoever makes the thing happen calls wake_up(), which
 * makes every sleeper runnable; each rechecks its condition.
 */
#ifndef KERNEL_WAITQUEUE_H
#define KERNEL_WAITQUEUE_H

#include "lib/list.h"

struct wait_queue_head {
	struct list_head sleepers; /* struct proc, through proc->run */
};

#define WAIT_QUEUE_INIT(name) { { &(name).sleepers, &(name).sleepers } }

void init_waitqueue_head(struct wait_queue_head *wq);
/* Sleep until woken. Call with interrupts off, after checking the
 * condition, so that a wake_up cannot slip in between. */
void sleep_on(struct wait_queue_head *wq);
void wake_up(struct wait_queue_head *wq);

#endif
