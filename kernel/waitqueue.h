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
	struct list_head entries;  /* struct wait_queue_entry: watchers that sleep elsewhere */
};

/* One who wants to hear of a queue's wake-ups without sleeping on it:
 * poll() and select() watch many queues at once (fs/select.c). wake_up
 * calls func, which wakes the watcher wherever it sleeps (Linux's
 * wait_queue_entry and pollwake). */
struct wait_queue_entry {
	struct list_head entry; /* on wq->entries */
	void (*func)(struct wait_queue_entry *wait);
};

#define WAIT_QUEUE_INIT(name) { { &(name).sleepers, &(name).sleepers }, \
				{ &(name).entries, &(name).entries } }

void init_waitqueue_head(struct wait_queue_head *wq);
/* Sleep until woken. Call with interrupts off, after checking the
 * condition, so that a wake_up cannot slip in between. */
void sleep_on(struct wait_queue_head *wq);
void wake_up(struct wait_queue_head *wq);
/* Watch wq (interrupts are turned off inside): until removed, each
 * wake_up(wq) calls wait->func. */
void add_wait_queue(struct wait_queue_head *wq, struct wait_queue_entry *wait);
void remove_wait_queue(struct wait_queue_entry *wait);

#endif
