/* The periodic timer tick (PIT channel 0) and its jiffies. */
#ifndef KERNEL_TIMER_H
#define KERNEL_TIMER_H

#include "lib/types.h"

#define HZ 100 /* ticks per second */
#define TICK_NSEC (1000000000ULL / HZ)
/* What times(), /proc/stat and /proc/PID/stat count in: USER_HZ ticks,
 * 100 a second on x86-64 whatever HZ is (Linux: nsec_to_clock_t). */
#define USER_HZ 100
static inline uint64_t nsec_to_clock_t(uint64_t ns)
{
	return ns / (1000000000ULL / USER_HZ);
}
#define PIT_FREQUENCY 1193182 /* Hz: the 8254's input clock, on every PC */

#include "lib/list.h"

/* Ticks since boot. QEMU drops ticks when the host is busy, so this is
 * no clock: time comes from kernel/timekeeping.h. */
extern volatile uint64_t jiffies;

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
