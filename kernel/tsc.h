/* The time-stamp counter as a nanosecond clock (kernel/tsc.c). */
#ifndef KERNEL_TSC_H
#define KERNEL_TSC_H

#include "lib/types.h"

#define NSEC_PER_SEC 1000000000ULL
#define NSEC_PER_USEC 1000ULL

extern uint64_t tsc_khz; /* measured at boot; 0 before tsc_init() */

static inline uint64_t rdtsc(void)
{
	uint32_t lo, hi;
	__asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return ((uint64_t)hi << 32) | lo;
}

/* Measure the TSC's rate against the PIT. Interrupts must be off. */
void tsc_init(void);
/* Nanoseconds since tsc_init(); 0 before it. Never goes backwards. */
uint64_t tsc_read_ns(void);

#endif
