/* The periodic timer tick (PIT channel 0). */
#ifndef KERNEL_TIMER_H
#define KERNEL_TIMER_H

#include "lib/types.h"

#define HZ 100 /* ticks per second */

#include "lib/list.h"

extern volatile uint64_t jiffies; /* ticks since boot */

/* A function to call from the timer interrupt once jiffies reaches
 * `expires` (Linux's struct timer_list). It runs with interrupts off. */
struct timer_list {
	struct list_head entry;
	uint64_t expires;
	void (*function)(struct timer_list *timer);
};

void timer_init(void);
/* (Re)arm a timer; it may be called from the timer's own function. */
void mod_timer(struct timer_list *timer, uint64_t expires);

#endif
