/* The local APIC's timer, one-shot (kernel/lapic.c), for hrtimers. */
#ifndef KERNEL_LAPIC_H
#define KERNEL_LAPIC_H

#include "lib/types.h"

/* Linux's vector numbers for the local APIC's own interrupts. */
#define LOCAL_TIMER_VECTOR 0xec
#define SPURIOUS_APIC_VECTOR 0xff

/* Find, enable and calibrate the local APIC; without one, hrtimers
 * run from the periodic tick. After paging_init and tsc_init. */
void lapic_init(void);
/* Whether lapic_timer_set_ns does anything. */
bool lapic_timer_present(void);
/* Interrupt once, delta_ns from now (or at the timer's longest reach). */
void lapic_timer_set_ns(int64_t delta_ns);
void lapic_timer_stop(void);
/* kernel/trap.c: one of the vectors above arrived. */
void lapic_interrupt(uint64_t vector);

#endif
