#include "kernel/workqueue.h"
#include "kernel/proc.h"
#include "kernel/x86.h"

static struct list_head pending = { &pending, &pending };
static struct wait_queue_head work_arrived = WAIT_QUEUE_INIT(work_arrived);
static struct wait_queue_head work_done = WAIT_QUEUE_INIT(work_done);
static bool busy; /* kworker is running an item */

void schedule_work(struct work_struct *work)
{
	bool was_on = irq_save();

	if (!work->pending) {
		work->pending = true;
		list_add_tail(&work->entry, &pending);
		wake_up(&work_arrived);
	}
	irq_restore(was_on);
}

/* kworker: run queued work in order, sleep when there is none. */
static void worker_thread(void *unused)
{
	(void)unused;
	for (;;) {
		cli();
		if (list_empty(&pending)) {
			busy = false;
			wake_up(&work_done);
			sleep_on(&work_arrived);
			sti();
			continue;
		}
		struct work_struct *work = list_first_entry(&pending, struct work_struct, entry);
		list_del(&work->entry);
		work->pending = false;
		busy = true;
		sti();
		work->func(work);
	}
}

void workqueue_init(void)
{
	kthread_create("kworker", worker_thread, NULL);
}

void flush_work(void)
{
	cli();
	while (busy || !list_empty(&pending))
		sleep_on(&work_done);
	sti();
}
