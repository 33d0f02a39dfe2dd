#include "kernel/workqueue.h"
#include "kernel/x86.h"

static struct list_head pending = { &pending, &pending };

void schedule_work(struct work_struct *work)
{
	bool was_on = irq_save();

	if (!work->pending) {
		work->pending = true;
		list_add_tail(&work->entry, &pending);
	}
	irq_restore(was_on);
}

void run_pending_work(void)
{
	for (;;) {
		bool was_on = irq_save();
		if (list_empty(&pending)) {
			irq_restore(was_on);
			return;
		}
		struct work_struct *work = list_first_entry(&pending, struct work_struct, entry);
		list_del(&work->entry);
		work->pending = false;
		irq_restore(was_on);
		work->func(work); /* with interrupts as they were: it may take long */
	}
}
