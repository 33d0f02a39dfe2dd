/*
 * CPU time accounting (kernel/cputime.c; Linux: kernel/sched/cputime.c):
 * who the timer tick finds on the CPU, and in which mode.
 */
#ifndef KERNEL_CPUTIME_H
#define KERNEL_CPUTIME_H

#include "lib/types.h"

struct proc;

/* Time in user mode and in the kernel, in ns (Linux: task_cputime). */
struct task_cputime {
	uint64_t utime, stime;
};

/* The CPU's ticks, in ns, by what it was doing: /proc/stat's cpu lines
 * (Linux: kernel_cpustat; nice, iowait, irq and the rest are not told
 * apart: they stay 0). */
struct kernel_cpustat {
	uint64_t user, system, idle;
};
extern struct kernel_cpustat kcpustat;

/* Every timer tick (interrupts off): charge the tick to the task it
 * interrupted - user mode or the kernel - or to idle, and run out its
 * process's CPU-time interval timers (Linux: update_process_times). */
void update_process_times(bool user);

/* The ticks' split of p's time (one thread's, or its whole process's)
 * scaled to its precise time on the CPU, as getrusage and times report
 * it (Linux: cputime_adjust). */
struct task_cputime task_cputime_adjusted(const struct proc *p);
struct task_cputime thread_group_cputime_adjusted(const struct proc *p);

#endif
