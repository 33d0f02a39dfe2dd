/*
 * Deferred work: something an interrupt or exception handler wants done
 * later, in normal kernel context where it may take its time (Linux's
 * schedule_work). Until there are kernel threads, pending work runs
 * whenever the console is about to wait for input.
 */
#ifndef KERNEL_WORKQUEUE_H
#define KERNEL_WORKQUEUE_H

#include "lib/list.h"

struct work_struct {
	struct list_head entry;
	void (*func)(struct work_struct *work);
	bool pending;
};

/* Queue work to run once; safe from any context, a no-op if queued. */
void schedule_work(struct work_struct *work);
/* Run everything queued so far (normal kernel context only). */
void run_pending_work(void);

#endif
