/* CPU time from the tick (kernel/cputime.c), on the host: which counter
 * each tick goes to, and how the ticks' split is scaled to the precise
 * runtime (cputime_adjust), also where the product overflows 64 bits.
 * The scheduler's runtimes and the interval timers are faked here. */
#include <string.h>

#include "kernel/cputime.h"
#include "kernel/proc.h"
#include "kernel/timer.h"
#include "kernel/tsc.h"
#include "tests/unit/test.h"

#define TICK (NSEC_PER_SEC / HZ)

static struct proc task;
static struct signal_struct sig;
static uint64_t runtime; /* what the scheduler measured, for both fakes */
static int itimer_runs;

uint64_t task_sched_runtime(const struct proc *p)
{
	(void)p;
	return runtime;
}

uint64_t thread_group_sched_runtime(const struct proc *p)
{
	(void)p;
	return runtime;
}

void run_cpu_itimers(struct proc *p)
{
	CHECK(p == &task);
	itimer_runs++;
}

static void setup(void)
{
	memset(&task, 0, sizeof(task));
	memset(&sig, 0, sizeof(sig));
	memset(&kcpustat, 0, sizeof(kcpustat));
	task.signal = &sig;
	itimer_runs = 0;
}

static void test_ticks_go_where_they_found_the_cpu(void)
{
	setup();
	current = &task;
	update_process_times(true);
	update_process_times(true);
	update_process_times(false);
	current = NULL;
	update_process_times(false); /* idle: nobody's, and no timers run */
	CHECK(task.cputime.utime == 2 * TICK && task.cputime.stime == TICK);
	CHECK(sig.cputime.utime == 2 * TICK && sig.cputime.stime == TICK);
	CHECK(kcpustat.user == 2 * TICK && kcpustat.system == TICK && kcpustat.idle == TICK);
	CHECK(itimer_runs == 3);
}

static void test_split_scaled_to_the_runtime(void)
{
	setup();
	task.cputime = (struct task_cputime){ 3 * TICK, TICK };
	runtime = 100000000; /* 100 ms measured for 40 ms of ticks */
	struct task_cputime t = task_cputime_adjusted(&task);
	CHECK(t.stime == 25000000 && t.utime == 75000000);
	task.cputime = (struct task_cputime){ 0, 0 };
	t = task_cputime_adjusted(&task);
	CHECK(t.utime == runtime && t.stime == 0); /* no tick yet: all user time, as Linux */
	task.cputime = (struct task_cputime){ 0, 2 * TICK };
	t = task_cputime_adjusted(&task);
	CHECK(t.utime == 0 && t.stime == runtime);
}

static void test_no_overflow_in_long_runs(void)
{
	setup();
	/* 50 minutes: stime * rtime is about 3e24, past 64 bits. */
	sig.cputime = (struct task_cputime){ 2000000000000ULL, 1000000000000ULL };
	runtime = 3000000000000ULL;
	struct task_cputime t = thread_group_cputime_adjusted(&task);
	CHECK(t.stime == 1000000000000ULL && t.utime == 2000000000000ULL);
	runtime = 3000000000001ULL;
	t = thread_group_cputime_adjusted(&task);
	CHECK(t.stime == 1000000000000ULL && t.utime + t.stime == runtime);
}

int main(void)
{
	RUN(test_ticks_go_where_they_found_the_cpu);
	RUN(test_split_scaled_to_the_runtime);
	RUN(test_no_overflow_in_long_runs);
	return finish("cputime");
}
