/*
 * The scheduler: round robin over one run queue. scheduler() runs on the
 * boot stack in a loop - take the first runnable process, switch to it;
 * when it gives the CPU back (sched()), take the next. With nothing to
 * run it halts until an interrupt makes something runnable.
 *
 * There is one CPU, and a process in the kernel is never preempted: the
 * timer only takes the CPU away from code running in user mode. So
 * kernel data needs no locks, only interrupts off where an interrupt
 * handler touches the same data (run queue, wait queues).
 */
#include "kernel/proc.h"
#include "kernel/rseq.h"
#include "kernel/serial.h"
#include "kernel/gdt.h"
#include "kernel/timekeeping.h"
#include "kernel/timer.h"
#include "kernel/x86.h"
#include "kernel/backtrace.h"
#include "kernel/printk.h"
#include "mm/pgtable.h"

#define SLICE_TICKS 5 /* 50 ms */

struct proc *current;
static struct list_head run_queue = { &run_queue, &run_queue };
static struct context *scheduler_context;
static uint64_t slice_start;

void swtch(struct context **old, struct context *new); /* kernel/switch.asm */

void make_runnable(struct proc *p)
{
	bool was_on = irq_save();

	p->state = RUNNABLE;
	list_add_tail(&p->run, &run_queue);
	irq_restore(was_on);
}

/* Load p's world: address space, kernel stack for traps and system
 * calls, and the user registers the kernel itself never touches. */
static void switch_to(struct proc *p)
{
	switch_mm(p->mm);
	set_kernel_stack((uint64_t)p->kstack + KSTACK_SIZE);
	if (p->mm) {
		fpu_restore(&p->fpu);
		wrmsr(MSR_FS_BASE, p->fs_base);
	}
}

static uint64_t idle_ns; /* time with nothing to run (/proc/uptime) */
static uint64_t nr_switches; /* tasks giving the CPU back (/proc/stat's ctxt) */

uint64_t sched_idle_ns(void)
{
	return idle_ns;
}

uint64_t nr_context_switches(void)
{
	return nr_switches;
}

unsigned int nr_running(void)
{
	bool was_on = irq_save();
	unsigned int n = current ? 1 : 0;

	for (struct list_head *l = run_queue.next; l != &run_queue; l = l->next)
		n++;
	irq_restore(was_on);
	return n;
}

void scheduler(void)
{
	for (;;) {
		cli();
		if (list_empty(&run_queue)) {
			uint64_t start = ktime_get_ns();
			serial_kick(); /* output waits for spare time: this is it */
			sti_hlt();
			idle_ns += ktime_get_ns() - start;
			continue;
		}
		struct proc *p = list_first_entry(&run_queue, struct proc, run);
		list_del(&p->run);
		p->state = RUNNING;
		current = p;
		switch_to(p);
		slice_start = jiffies;
		p->exec_start = ktime_get_ns();
		swtch(&scheduler_context, p->context);
		current = NULL; /* p gave the CPU back */
		if (p->state == DEAD)
			put_task_struct(p); /* an exited thread: now off its stack (kernel/exit.c) */
	}
}

/* Give the CPU back to the scheduler. Interrupts must be off and
 * current->state already say why (runnable, sleeping, zombie). */
void sched(void)
{
	struct proc *p = current;
	static bool warned;

	/* With interrupts on, the wake-up a sleeper waits for can come
	 * between its test and its sleep and be lost - and it would come
	 * back with them off. Say so once, and go on safely. */
	if (!irqs_disabled()) {
		cli();
		if (!warned) {
			warned = true;
			pr_err("BUG: sched() with interrupts on in %s[%d]\n", p->comm, p->pid);
			dump_stack();
		}
	}
	p->sum_exec_runtime += ktime_get_ns() - p->exec_start;
	/* As Linux counts them for getrusage: a task that goes on running
	 * later (preempted, yielding) switches involuntarily. */
	if (p->state == RUNNABLE)
		p->nivcsw++;
	else
		p->nvcsw++;
	nr_switches++;
	rseq_preempt(p); /* a critical section it is in must start over */
	if (p->mm) {
		fpu_save(&p->fpu);
		p->fs_base = rdmsr(MSR_FS_BASE);
	}
	swtch(&p->context, scheduler_context);
}

uint64_t task_sched_runtime(const struct proc *p)
{
	bool was_on = irq_save();
	uint64_t ns = p->sum_exec_runtime + (p == current ? ktime_get_ns() - p->exec_start : 0);

	irq_restore(was_on);
	return ns;
}

uint64_t thread_group_sched_runtime(const struct proc *p)
{
	uint64_t ns = p->signal->sum_sched_runtime;

	for (const struct proc *t = first_thread(p); t; t = next_thread(t))
		ns += task_sched_runtime(t);
	return ns;
}

void yield(void)
{
	bool was_on = irq_save();

	make_runnable(current);
	sched();
	irq_restore(was_on);
}

/* The current process has used up its slice and someone else waits. */
static bool need_resched(void)
{
	return !list_empty(&run_queue) && jiffies - slice_start >= SLICE_TICKS;
}

/* After an interrupt: a user process whose time is up goes to the back
 * of the queue, if anyone else is waiting. */
void sched_tick(struct trapframe *tf)
{
	if (current && from_user(tf) && need_resched())
		yield();
}

void cond_resched(void)
{
	if (need_resched())
		yield();
}

void init_waitqueue_head(struct wait_queue_head *wq)
{
	INIT_LIST_HEAD(&wq->sleepers);
	INIT_LIST_HEAD(&wq->entries);
}

void add_wait_queue(struct wait_queue_head *wq, struct wait_queue_entry *wait)
{
	bool was_on = irq_save();

	list_add_tail(&wait->entry, &wq->entries);
	irq_restore(was_on);
}

void remove_wait_queue(struct wait_queue_entry *wait)
{
	bool was_on = irq_save();

	list_del(&wait->entry);
	irq_restore(was_on);
}

void sleep_on(struct wait_queue_head *wq)
{
	current->state = SLEEPING;
	list_add_tail(&current->run, &wq->sleepers);
	sched();
}

void wake_up(struct wait_queue_head *wq)
{
	bool was_on = irq_save();

	while (!list_empty(&wq->sleepers)) {
		struct proc *p = list_first_entry(&wq->sleepers, struct proc, run);
		list_del(&p->run);
		make_runnable(p);
	}
	for (struct list_head *l = wq->entries.next; l != &wq->entries; l = l->next) {
		struct wait_queue_entry *wait = list_entry(l, struct wait_queue_entry, entry);
		wait->func(wait);
	}
	irq_restore(was_on);
}

/* A sleep of a few ticks that only the timer ends (Linux's
 * schedule_timeout_uninterruptible): the waiter's own queue, woken by
 * its own timer. */
struct timeout_sleep {
	struct timer_list timer;
	struct wait_queue_head wq;
	bool done;
};

static void timeout_sleep_end(struct timer_list *timer)
{
	struct timeout_sleep *s = container_of(timer, struct timeout_sleep, timer);

	s->done = true;
	wake_up(&s->wq);
}

void schedule_timeout_uninterruptible(uint64_t ticks)
{
	struct timeout_sleep s = { .timer = { .function = timeout_sleep_end }, .done = false };
	bool was_on = irq_save();

	INIT_LIST_HEAD(&s.timer.entry);
	init_waitqueue_head(&s.wq);
	mod_timer(&s.timer, jiffies + ticks);
	while (!s.done)
		sleep_on(&s.wq);
	irq_restore(was_on);
}
