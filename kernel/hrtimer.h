/*
 * High-resolution timers (kernel/hrtimer.c): call a function at a given
 * nanosecond on a given clock, not at the next jiffy. The periodic tick's
 * timer_list (kernel/timer.h) remains for timeouts that need no more
 * than HZ precision.
 */
#ifndef KERNEL_HRTIMER_H
#define KERNEL_HRTIMER_H

#include "kernel/timerqueue.h"
#include "kernel/waitqueue.h"

/* The clocks a timer can be set on. A REALTIME timer follows the date:
 * clock_settime moves when it fires. */
enum hrtimer_base_type { HRTIMER_BASE_MONOTONIC, HRTIMER_BASE_REALTIME, HRTIMER_MAX_CLOCK_BASES };

struct hrtimer {
	struct timerqueue_node node;        /* expiry on its clock; queue links (hrtimer.c's) */
	void (*function)(struct hrtimer *); /* the owner's; runs with interrupts off */
	enum hrtimer_base_type base;        /* set by hrtimer_init */
	bool enqueued;                      /* hrtimer.c's: waiting to fire */
};

/* A process asleep until its timer fires (Linux's hrtimer_sleeper). */
struct hrtimer_sleeper {
	struct hrtimer timer;
	struct wait_queue_head wq; /* the sleeper */
};

void hrtimer_init(struct hrtimer *timer, enum hrtimer_base_type base,
		  void (*function)(struct hrtimer *));
/* Fire at `expires` ns on the timer's clock (a time past fires at once).
 * Starting a queued timer moves it. */
void hrtimer_start(struct hrtimer *timer, uint64_t expires);
/* Take a timer off the queue if it has not fired yet. */
void hrtimer_cancel(struct hrtimer *timer);
void hrtimer_init_sleeper(struct hrtimer_sleeper *sl, enum hrtimer_base_type base);
/* Sleep once on wq, until a wake-up, a signal or `deadline` (ns on
 * CLOCK_MONOTONIC; KTIME_MAX: none) - at once back if a signal is
 * pending or the deadline passed. Call with interrupts off, after
 * checking the condition (Linux: schedule_hrtimeout). */
void schedule_hrtimeout_on(struct wait_queue_head *wq, uint64_t deadline);

/* Run every timer that is due and program the next interrupt: from the
 * local APIC timer's interrupt and, in case it is late or absent, from
 * every tick. */
void hrtimer_interrupt(void);
/* How precisely timers fire, in ns (clock_getres): 1 with the local
 * APIC's timer, a tick without. */
uint64_t hrtimer_resolution(void);
/* REALTIME was set: its timers now fire at other monotonic times. */
void clock_was_set(void);

#endif
