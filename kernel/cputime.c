/*
 * CPU time accounting, as Linux's tick-based kind (kernel/sched/cputime.c
 * without CONFIG_VIRT_CPU_ACCOUNTING). The scheduler measures each task's
 * time on the CPU precisely (sum_exec_runtime), but not how much of it
 * was spent in user mode: so each timer tick charges a whole tick to
 * whoever it interrupted, user time if it came from user mode, system
 * time if from the kernel, idle if nothing ran. A process's ticks also
 * add up in its signal_struct as they happen, so that the CPU-time
 * interval timers (kernel/itimer.c) can be checked at every tick without
 * visiting its threads.
 */
#include "kernel/cputime.h"
#include "kernel/itimer.h"
#include "kernel/proc.h"
#include "kernel/timer.h"
#include "kernel/tsc.h"


struct kernel_cpustat kcpustat;

void update_process_times(bool user)
{
	struct proc *p = current;

	if (!p) { /* the scheduler's idle loop */
		kcpustat.idle += TICK_NSEC;
		return;
	}
	struct task_cputime *group = &p->signal->cputime;
	if (user) {
		p->cputime.utime += TICK_NSEC;
		group->utime += TICK_NSEC;
		kcpustat.user += TICK_NSEC;
	} else {
		p->cputime.stime += TICK_NSEC;
		group->stime += TICK_NSEC;
		kcpustat.system += TICK_NSEC;
	}
	run_cpu_itimers(p);
}

/* a * b / c through the CPU's 128-bit product (Linux's x86
 * mul_u64_u64_div_u64); the quotient must fit 64 bits. */
static uint64_t mul_u64_u64_div_u64(uint64_t a, uint64_t b, uint64_t c)
{
	uint64_t q, r;

	__asm__("mulq %3\n\tdivq %4" : "=a"(q), "=&d"(r) : "a"(a), "rm"(b), "rm"(c) : "cc");
	return q;
}

/*
 * Split rtime, the precise time, as the ticks split it (Linux:
 * cputime_adjust): a task that ran between ticks has rtime but no
 * ticks, and then it is all user time, as Linux says. Linux also keeps
 * the last values reported so that they never go back; Antidote does not.
 */
static struct task_cputime cputime_adjust(struct task_cputime ticks, uint64_t rtime)
{
	if (ticks.stime == 0)
		return (struct task_cputime){ .utime = rtime };
	if (ticks.utime == 0)
		return (struct task_cputime){ .stime = rtime };
	/* stime < stime + utime: the quotient is below rtime */
	uint64_t stime = mul_u64_u64_div_u64(ticks.stime, rtime, ticks.stime + ticks.utime);
	return (struct task_cputime){ .utime = rtime - stime, .stime = stime };
}

struct task_cputime task_cputime_adjusted(const struct proc *p)
{
	return cputime_adjust(p->cputime, task_sched_runtime(p));
}

struct task_cputime thread_group_cputime_adjusted(const struct proc *p)
{
	return cputime_adjust(p->signal->cputime, thread_group_sched_runtime(p));
}
