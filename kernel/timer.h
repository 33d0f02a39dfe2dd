/* The periodic timer tick (PIT channel 0). */
#ifndef KERNEL_TIMER_H
#define KERNEL_TIMER_H

#include "lib/types.h"

#define HZ 100 /* ticks per second */

extern volatile uint64_t jiffies; /* ticks since boot */

void timer_init(void);

#endif
