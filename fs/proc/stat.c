/*
 * /proc/stat and /proc/loadavg (Linux: fs/proc/stat.c, fs/proc/loadavg.c),
 * in Linux 6.1's formats: what top, vmstat and ps read about the whole
 * system. Antidote has one CPU, so the "cpu" line and "cpu0" agree;
 * time is in USER_HZ (100) ticks, as the tick counted it
 * (kernel/cputime.c). What Antidote does not tell apart - nice, iowait,
 * irq and softirq time, steal and guest time, softirqs, blocked tasks,
 * load averages - reads 0.
 */
#include "fs/proc/internal.h"
#include "kernel/cputime.h"
#include "kernel/irq.h"
#include "kernel/proc.h"
#include "kernel/timekeeping.h"
#include "kernel/timer.h"
#include "kernel/tsc.h"

#define NR_SOFTIRQS 10

/* user nice system idle iowait irq softirq steal guest guest_nice */
static void show_cpu(struct seq_file *m, const char *name, const struct kernel_cpustat *cpu)
{
	seq_printf(m, "%s %llu 0 %llu %llu 0 0 0 0 0 0\n", name,
		   (unsigned long long)nsec_to_clock_t(cpu->user),
		   (unsigned long long)nsec_to_clock_t(cpu->system),
		   (unsigned long long)nsec_to_clock_t(cpu->idle));
}

int stat_show(struct seq_file *m)
{
	unsigned long long intr = 0;
	uint64_t boot_ns = ktime_get_real_ns() - ktime_get_boottime_ns();
	/* One copy of the counts, so that a tick or an interrupt while the
	 * lines are printed cannot make "cpu" and "cpu0", or the intr total
	 * and its parts, disagree. */
	struct kernel_cpustat cpu = kcpustat;
	unsigned long irqs[NR_IRQS];

	show_cpu(m, "cpu ", &cpu);
	show_cpu(m, "cpu0", &cpu);
	for (int irq = 0; irq < NR_IRQS; irq++) {
		irqs[irq] = kstat_irqs(irq);
		intr += irqs[irq];
	}
	seq_printf(m, "intr %llu", intr); /* the sum, then each line's */
	for (int irq = 0; irq < NR_IRQS; irq++)
		seq_printf(m, " %lu", irqs[irq]);
	seq_printf(m, "\nctxt %llu\nbtime %llu\nprocesses %lu\nprocs_running %u\nprocs_blocked 0\n",
		   (unsigned long long)nr_context_switches(),
		   (unsigned long long)(boot_ns / NSEC_PER_SEC), total_forks, nr_running());
	seq_puts(m, "softirq 0"); /* the sum, then each kind's */
	for (int i = 0; i < NR_SOFTIRQS; i++)
		seq_puts(m, " 0");
	seq_puts(m, "\n");
	return 0;
}

/* The three load averages, running/all tasks, the last pid given out. */
int loadavg_show(struct seq_file *m)
{
	seq_printf(m, "0.00 0.00 0.00 %u/%lu %d\n", nr_running(), nr_kernel_stacks,
		   last_pid_allocated());
	return 0;
}
