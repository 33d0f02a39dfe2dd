/*
 * Deferred work: something an interrupt or exception handler wants done
 * later, in normal kernel context where it may take its time (Linux's
 * schedule_work). The kernel thread kworker runs it.
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
/* Start the kworker thread. */
void workqueue_init(void);
/* Wait until everything queued so far has run. */
void flush_work(void);

#endif
