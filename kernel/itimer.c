/*
 * Interval timers: alarm, setitimer and getitimer (Linux's
 * kernel/time/itimer.c). ITIMER_REAL counts wall time on CLOCK_MONOTONIC
 * and sends the process SIGALRM when it runs out, then starts again from
 * its interval if it has one. ITIMER_VIRTUAL counts the process's user
 * time and sends SIGVTALRM, ITIMER_PROF its user and system time and
 * sends SIGPROF: both are checked by the timer tick, which is what
 * measures those times (kernel/cputime.c). The timers belong to the
 * process (every thread shares them), are not inherited by a fork child
 * and survive execve, as POSIX says.
 */
#include "kernel/errno.h"
#include "kernel/hrtimer.h"
#include "kernel/itimer.h"
#include "kernel/proc.h"
#include "kernel/syscall.h"
#include "kernel/timekeeping.h"
#include "kernel/timer.h"
#include "kernel/tsc.h"
#include "kernel/uaccess.h"
#include "kernel/x86.h"

#define ITIMER_REAL 0
#define ITIMER_VIRTUAL 1
#define ITIMER_PROF 2
#define NSEC_PER_USEC 1000ULL
#define USEC_PER_SEC 1000000ULL

struct timeval_user {
	int64_t tv_sec, tv_usec;
};

struct itimerval_user {
	struct timeval_user it_interval, it_value;
};

/* The timer ran out (interrupts off): SIGALRM, and again after the
 * interval (Linux: it_real_fn). */
static void it_real_fn(struct hrtimer *timer)
{
	struct signal_struct *sig = container_of(timer, struct signal_struct, real_timer);
	struct sig_pending_info info = { .code = SI_KERNEL };
	/* Any thread names the process; exit_itimers stops us before the
	 * last one goes. */
	struct proc *p = list_first_entry(&sig->thread_head, struct proc, thread_node);

	send_signal(p, SIGALRM, &info);
	if (sig->it_real_incr)
		hrtimer_start(timer, ktime_get_ns() + sig->it_real_incr);
}

static uint64_t timeval_to_ns(const struct timeval_user *tv)
{
	return (uint64_t)tv->tv_sec * NSEC_PER_SEC + (uint64_t)tv->tv_usec * NSEC_PER_USEC;
}

/* Round up to a microsecond, so that a timer still running never reads
 * as 0 (which would mean "disarmed"). */
static struct timeval_user ns_to_timeval(uint64_t ns)
{
	uint64_t us = (ns + NSEC_PER_USEC - 1) / NSEC_PER_USEC;

	return (struct timeval_user){ (int64_t)(us / USEC_PER_SEC), (int64_t)(us % USEC_PER_SEC) };
}

static bool timeval_valid(const struct timeval_user *tv)
{
	return tv->tv_sec >= 0 && tv->tv_usec >= 0 && (uint64_t)tv->tv_usec < USEC_PER_SEC;
}

/* What is left of ITIMER_REAL, and its interval (Linux: get_itimer). */
static struct itimerval_user get_real(struct signal_struct *sig)
{
	struct itimerval_user it = { .it_interval = ns_to_timeval(sig->it_real_incr) };
	uint64_t now = ktime_get_ns();

	if (sig->real_timer.enqueued) {
		uint64_t expires = sig->real_timer.node.expires;
		/* Due but not yet run: Linux reports the smallest time left. */
		it.it_value = ns_to_timeval(expires > now ? expires - now : 1);
	}
	return it;
}

static void set_real(struct signal_struct *sig, const struct itimerval_user *it)
{
	bool was_on = irq_save();

	if (!sig->real_timer_ready) {
		hrtimer_init(&sig->real_timer, HRTIMER_BASE_MONOTONIC, it_real_fn);
		sig->real_timer_ready = true;
	}
	hrtimer_cancel(&sig->real_timer);
	sig->it_real_incr = timeval_to_ns(&it->it_interval);
	uint64_t value = timeval_to_ns(&it->it_value);
	if (value)
		hrtimer_start(&sig->real_timer, ktime_get_ns() + value);
	irq_restore(was_on);
}

/* The CPU-time timers, by which - 1: the signal each sends. */
static const int cpu_itimer_signal[] = { SIGVTALRM, SIGPROF };

/* The process's clock a CPU-time timer counts (Linux: the VIRT and PROF
 * samples of thread_group_sample_cputime). */
static uint64_t cpu_clock(const struct signal_struct *sig, int which)
{
	return sig->cputime.utime + (which == ITIMER_PROF ? sig->cputime.stime : 0);
}

/* What is left of ITIMER_VIRTUAL or ITIMER_PROF (Linux: get_cpu_itimer):
 * one tick if it is due. Interrupts off. */
static struct itimerval_user get_cpu_itimer(struct signal_struct *sig, int which)
{
	const struct cpu_itimer *it = &sig->it[which - 1];
	struct itimerval_user value = { .it_interval = ns_to_timeval(it->incr) };

	if (it->expires) {
		uint64_t now = cpu_clock(sig, which);
		value.it_value = ns_to_timeval(it->expires > now ? it->expires - now : TICK_NSEC);
	}
	return value;
}

/* Linux's set_cpu_itimer: a tick more than asked, since the tick that
 * sees it run out may come up to a tick late... or early: a tick
 * charges the whole tick to whoever it finds. Interrupts off. */
static void set_cpu_itimer(struct signal_struct *sig, int which, const struct itimerval_user *new)
{
	struct cpu_itimer *it = &sig->it[which - 1];
	uint64_t value = timeval_to_ns(&new->it_value);

	it->expires = value ? cpu_clock(sig, which) + value + TICK_NSEC : 0;
	it->incr = timeval_to_ns(&new->it_interval);
}

void run_cpu_itimers(struct proc *p)
{
	struct signal_struct *sig = p->signal;
	struct sig_pending_info info = { .code = SI_KERNEL };

	for (int which = ITIMER_VIRTUAL; which <= ITIMER_PROF; which++) {
		struct cpu_itimer *it = &sig->it[which - 1];
		if (!it->expires || cpu_clock(sig, which) < it->expires)
			continue;
		it->expires = it->incr ? it->expires + it->incr : 0;
		send_signal(p, cpu_itimer_signal[which - 1], &info);
	}
}

/* Linux's do_setitimer. */
static long do_setitimer(int which, const struct itimerval_user *new, struct itimerval_user *old)
{
	struct signal_struct *sig = current->signal;

	if (which != ITIMER_REAL && which != ITIMER_VIRTUAL && which != ITIMER_PROF)
		return -EINVAL;
	if (!timeval_valid(&new->it_value) || !timeval_valid(&new->it_interval))
		return -EINVAL;
	if (which == ITIMER_REAL) {
		if (old)
			*old = get_real(sig);
		set_real(sig, new);
		return 0;
	}
	bool was_on = irq_save();
	if (old)
		*old = get_cpu_itimer(sig, which);
	set_cpu_itimer(sig, which, new);
	irq_restore(was_on);
	return 0;
}

long sys_setitimer(uint64_t which, uint64_t unew, uint64_t uold)
{
	struct itimerval_user new = { 0 }, old;

	/* A NULL new value disarms the timer (an old misfeature Linux keeps). */
	if (unew && copy_from_user(&new, unew, sizeof(new)))
		return -EFAULT;
	long err = do_setitimer((int)which, &new, uold ? &old : NULL);
	if (err)
		return err;
	if (uold && copy_to_user(uold, &old, sizeof(old)))
		return -EFAULT;
	return 0;
}

long sys_getitimer(uint64_t uwhich, uint64_t uvalue)
{
	int which = (int)uwhich;
	struct itimerval_user it;

	if (which == ITIMER_REAL) {
		it = get_real(current->signal);
	} else if (which == ITIMER_VIRTUAL || which == ITIMER_PROF) {
		bool was_on = irq_save();
		it = get_cpu_itimer(current->signal, which);
		irq_restore(was_on);
	} else {
		return -EINVAL;
	}
	return copy_to_user(uvalue, &it, sizeof(it)) ? -EFAULT : 0;
}

/* alarm(seconds): ITIMER_REAL without an interval; the seconds that were
 * left, rounded as Linux's alarm_setitimer does (never 0 for a timer
 * that was running). */
long sys_alarm(uint64_t seconds)
{
	struct itimerval_user new = { .it_value = { (int64_t)(unsigned int)seconds, 0 } }, old;

	do_setitimer(ITIMER_REAL, &new, &old);
	if ((!old.it_value.tv_sec && old.it_value.tv_usec) || old.it_value.tv_usec >= 500000)
		old.it_value.tv_sec++;
	return old.it_value.tv_sec;
}

void exit_itimers(struct signal_struct *sig)
{
	if (sig->real_timer_ready)
		hrtimer_cancel(&sig->real_timer);
}
