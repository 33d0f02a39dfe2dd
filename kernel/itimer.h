/* Interval timers (kernel/itimer.c): alarm, setitimer, getitimer. */
#ifndef KERNEL_ITIMER_H
#define KERNEL_ITIMER_H

#include "lib/types.h"

struct proc;
struct signal_struct;

/* ITIMER_VIRTUAL or ITIMER_PROF (Linux: cpu_itimer): when the process's
 * user time (user and system time) reaches expires, its signal, and
 * expires moves on by incr. Times in ns; expires 0: disarmed. */
struct cpu_itimer {
	uint64_t expires, incr;
};

/* The tick charged p's process more CPU time (kernel/cputime.c): send
 * the signals of the CPU-time timers that ran out. */
void run_cpu_itimers(struct proc *p);

/* The process's last thread exits: its ITIMER_REAL stops. */
void exit_itimers(struct signal_struct *sig);

#endif
