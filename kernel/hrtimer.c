/*
 * High-resolution timers, as Linux's kernel/time/hrtimer.c: a queue of
 * pending timers per clock (kernel/timerqueue.c), and one hardware timer,
 * the local APIC's one-shot (kernel/lapic.c), programmed for the soonest
 * of them. When it fires, every timer due runs and the next is
 * programmed. So nanosleep(1 ms) wakes 1 ms later, not at the next of the
 * 10 ms ticks.
 *
 * Each clock's queue is ordered by that clock's time. REALTIME is
 * MONOTONIC plus an offset, so its soonest timer fires at its expiry
 * minus the offset on the monotonic clock, which the hardware timer
 * counts; when clock_settime changes the offset, the next interrupt is
 * programmed again.
 */
#include "kernel/hrtimer.h"
#include "kernel/lapic.h"
#include "kernel/proc.h"
#include "kernel/timekeeping.h"
#include "kernel/timer.h"
#include "kernel/tsc.h"
#include "kernel/x86.h"

static struct timerqueue_head queues[HRTIMER_MAX_CLOCK_BASES];

static uint64_t base_now(enum hrtimer_base_type base)
{
	return base == HRTIMER_BASE_REALTIME ? ktime_get_real_ns() : ktime_get_ns();
}

/* When, on the monotonic clock, the soonest timer of a base is due. */
static int64_t base_next_mono(enum hrtimer_base_type base)
{
	struct timerqueue_node *next = timerqueue_getnext(&queues[base]);

	if (!next)
		return KTIME_MAX;
	if (base == HRTIMER_BASE_REALTIME)
		return (int64_t)next->expires - ktime_get_real_offset();
	return (int64_t)next->expires;
}

/* Program the hardware for the soonest timer of all bases. */
static void hrtimer_reprogram(void)
{
	int64_t next = KTIME_MAX;

	for (int b = 0; b < HRTIMER_MAX_CLOCK_BASES; b++)
		next = MIN(next, base_next_mono(b));
	if (next == KTIME_MAX)
		lapic_timer_stop();
	else
		lapic_timer_set_ns(MAX(next - (int64_t)ktime_get_ns(), 0));
}

void hrtimer_init(struct hrtimer *timer, enum hrtimer_base_type base,
		  void (*function)(struct hrtimer *))
{
	*timer = (struct hrtimer){ .function = function, .base = base };
}

static void dequeue(struct hrtimer *timer)
{
	if (timer->enqueued) {
		timerqueue_del(&queues[timer->base], &timer->node);
		timer->enqueued = false;
	}
}

void hrtimer_start(struct hrtimer *timer, uint64_t expires)
{
	bool was_on = irq_save();

	dequeue(timer);
	timer->node.expires = expires;
	timerqueue_add(&queues[timer->base], &timer->node);
	timer->enqueued = true;
	if (timerqueue_getnext(&queues[timer->base]) == &timer->node)
		hrtimer_reprogram(); /* it is the new soonest */
	irq_restore(was_on);
}

void hrtimer_cancel(struct hrtimer *timer)
{
	bool was_on = irq_save();

	dequeue(timer);
	irq_restore(was_on);
}

/* Called with interrupts off. */
void hrtimer_interrupt(void)
{
	for (int b = 0; b < HRTIMER_MAX_CLOCK_BASES; b++) {
		uint64_t now = base_now(b);
		struct timerqueue_node *next;

		while ((next = timerqueue_getnext(&queues[b])) && next->expires <= now) {
			struct hrtimer *timer = container_of(next, struct hrtimer, node);
			dequeue(timer);
			timer->function(timer);
		}
	}
	hrtimer_reprogram();
}

void clock_was_set(void)
{
	bool was_on = irq_save();

	hrtimer_reprogram();
	irq_restore(was_on);
}

uint64_t hrtimer_resolution(void)
{
	return lapic_timer_present() ? 1 : NSEC_PER_SEC / HZ;
}

static void hrtimer_wakeup(struct hrtimer *timer)
{
	wake_up(&container_of(timer, struct hrtimer_sleeper, timer)->wq);
}

void hrtimer_init_sleeper(struct hrtimer_sleeper *sl, enum hrtimer_base_type base)
{
	hrtimer_init(&sl->timer, base, hrtimer_wakeup);
	init_waitqueue_head(&sl->wq);
}

/* The timer of schedule_hrtimeout_on: it takes its task out of whatever
 * queue it sleeps on. */
struct hrtimeout {
	struct hrtimer timer;
	struct proc *task;
};

static void hrtimeout_fn(struct hrtimer *timer)
{
	proc_wake(container_of(timer, struct hrtimeout, timer)->task);
}

void schedule_hrtimeout_on(struct wait_queue_head *wq, uint64_t deadline)
{
	struct hrtimeout t = { .task = current };

	hrtimer_init(&t.timer, HRTIMER_BASE_MONOTONIC, hrtimeout_fn);
	if (!signal_pending(current) && ktime_get_ns() < deadline) {
		if (deadline != (uint64_t)KTIME_MAX)
			hrtimer_start(&t.timer, deadline);
		sleep_on(wq);
	}
	hrtimer_cancel(&t.timer);
}
