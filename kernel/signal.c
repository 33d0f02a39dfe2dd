/*
 * Signals (Linux: kernel/signal.c): sending, group stops, and the system
 * calls that change what a process does with them.
 *
 * A signal is first made pending - on one thread, or on its process for
 * any thread that does not block it. On every return to user mode,
 * get_signal() takes the lowest pending signal that is not blocked and
 * does its default (ignore, stop or die), or hands it to do_signal()
 * (kernel/signal_frame.c), which runs its handler.
 */
#include "kernel/signal.h"
#include "kernel/cred.h"
#include "kernel/errno.h"
#include "kernel/hrtimer.h"
#include "kernel/printk.h"
#include "kernel/proc.h"
#include "kernel/timekeeping.h"
#include "kernel/uaccess.h"
#include "kernel/x86.h"
#include "lib/string.h"

#define SIG_BLOCK 0
#define SIG_UNBLOCK 1
#define SIG_SETMASK 2

static bool default_ignored(int sig)
{
	return sig == SIGCHLD || sig == SIGURG || sig == SIGWINCH || sig == SIGCONT;
}

#define STOP_SIGNALS (sigmask(SIGSTOP) | sigmask(SIGTSTP) | sigmask(SIGTTIN) | sigmask(SIGTTOU))

/* Linux's sig_kernel_stop: the default action is to stop. */
static bool default_stops(int sig)
{
	return STOP_SIGNALS & sigmask(sig);
}

/* The signals pending for p: its own and its process's. */
static uint64_t pending_signals(const struct proc *p)
{
	return p->pending.signal | p->signal->shared_pending.signal;
}

/* A group stop asking p to stop counts too: it ends a sleep the same way. */
bool signal_pending(const struct proc *p)
{
	return fatal_signal_pending(p) || (pending_signals(p) & ~p->blocked) ||
	       (p->jobctl & JOBCTL_STOP_PENDING);
}

/* The group is dying, or this thread was killed alone by an execve in
 * another thread (zap_other_threads). */
bool fatal_signal_pending(const struct proc *p)
{
	return (p->signal->flags & SIGNAL_GROUP_EXIT) || (p->pending.signal & sigmask(SIGKILL));
}

/* Delivering sig would kill p (Linux: sig_fatal). A signal that
 * rt_sigtimedwait waits for is unblocked only so that it wakes the
 * waiter, which takes it: it kills nobody (real_blocked). */
static bool sig_fatal(const struct proc *p, int sig)
{
	return p->sighand->action[sig].handler == SIG_DFL && !default_ignored(sig) &&
	       !default_stops(sig) && !((p->blocked | p->real_blocked) & sigmask(sig));
}

/* Take the signals in mask out of everything pending for p's process:
 * the shared set and each thread's own (Linux: flush_sigqueue_mask). */
static void flush_signals_mask(struct proc *p, uint64_t mask)
{
	p->signal->shared_pending.signal &= ~mask;
	for (struct proc *t = first_thread(p); t; t = next_thread(t))
		t->pending.signal &= ~mask;
}

/*
 * What sending sig does before it is even queued, whatever its action
 * (Linux: prepare_signal): a stop signal cancels a pending SIGCONT, and
 * SIGCONT cancels pending stop signals and resumes a stopped process.
 */
static void prepare_signal(struct proc *p, int sig)
{
	if (default_stops(sig)) {
		flush_signals_mask(p, sigmask(SIGCONT));
	} else if (sig == SIGCONT) {
		flush_signals_mask(p, STOP_SIGNALS);
		proc_continue(p);
	}
}

void send_signal(struct proc *p, int sig, const struct sig_pending_info *info)
{
	do_send_sig_info(sig, info, p, PIDTYPE_TGID);
}

/* A signal whose action is to ignore it is dropped - unless t blocks
 * it: the action may change before it is unblocked (Linux: sig_ignored). */
static bool sig_ignored(const struct proc *t, int sig)
{
	uint64_t handler = t->sighand->action[sig].handler;

	if ((t->blocked | t->real_blocked) & sigmask(sig))
		return false;
	return handler == SIG_IGN || (handler == SIG_DFL && default_ignored(sig));
}

/* t may take sig now (Linux: wants_signal): it does not block it, is
 * not exiting, and is not stopped (only SIGKILL reaches a stopped
 * thread); a thread with a signal of its own to handle already is
 * passed over, so that the load spreads. */
static bool wants_signal(int sig, const struct proc *t)
{
	if ((t->blocked & sigmask(sig)) || (t->flags & PF_EXITING))
		return false;
	if (sig == SIGKILL)
		return true;
	if (t->state == STOPPED)
		return false;
	return t == current || !(t->pending.signal & ~t->blocked);
}

/*
 * The thread to take sig, sent to p (type: that thread, or its process):
 * p if p wants it, else for a process's signal the first thread in
 * thread order that does; NULL if none does - it waits until one
 * unblocks it. Linux: complete_signal's choice.
 */
static struct proc *signal_target(int sig, struct proc *p, enum pid_type type)
{
	if (wants_signal(sig, p))
		return p;
	for (struct proc *t = first_thread(p); type == PIDTYPE_TGID && t; t = next_thread(t))
		if (wants_signal(sig, t))
			return t;
	return NULL;
}

/*
 * sig is queued: wake the thread chosen to take it (Linux:
 * complete_signal). If the signal will kill it, the whole process dies
 * now, so that long system calls in any thread notice and end.
 */
static void complete_signal(int sig, struct proc *p, struct proc *t)
{
	if (!t)
		return;
	if (sig_fatal(t, sig) && !(p->signal->flags & SIGNAL_GROUP_EXIT)) {
		proc_kill(p, sig); /* wait status: killed by sig */
		return;
	}
	proc_wake(t);
}

void do_send_sig_info(int sig, const struct sig_pending_info *info, struct proc *p,
		      enum pid_type type)
{
	struct sigpending *q = type == PIDTYPE_PID ? &p->pending : &p->signal->shared_pending;
	uint64_t handler = p->sighand->action[sig].handler;

	/* Like Linux, init is deaf to signals sent to it (kill, tkill) that
	 * it has no handler for - even SIGKILL: its death would panic. */
	if (init_task && p->signal == init_task->signal && handler == SIG_DFL &&
	    (info->code == SI_USER || info->code == SI_TKILL))
		return;
	bool was_on = irq_save();
	prepare_signal(p, sig);
	if (sig_ignored(p, sig)) {
		irq_restore(was_on);
		return;
	}
	struct proc *t = signal_target(sig, p, type); /* before it is pending: see wants_signal */
	if (!(q->signal & sigmask(sig))) { /* a standard signal is pending once */
		q->signal |= sigmask(sig);
		q->info[sig] = *info;
	}
	complete_signal(sig, p, t);
	irq_restore(was_on);
}

/* Someone else may have to take the process's signals that t, which
 * blocks them now or is exiting, will not (Linux:
 * retarget_shared_pending): each wakes a thread that wants it. */
static void retarget_shared_pending(struct proc *t, uint64_t which)
{
	uint64_t left = t->signal->shared_pending.signal & which;

	for (struct proc *u = first_thread(t); left && u; u = next_thread(u)) {
		if (u == t || (u->flags & PF_EXITING) || !(left & ~u->blocked))
			continue;
		left &= u->blocked;
		proc_wake(u);
	}
}

void proc_wake(struct proc *p)
{
	bool was_on = irq_save();

	if (p->state == SLEEPING) {
		list_del(&p->run); /* off its wait queue */
		make_runnable(p);
	}
	irq_restore(was_on);
}

/* The group stop is over: nobody is asked to stop any more, and the
 * stopped threads run again; true if one had stopped. */
static bool end_group_stop(struct proc *p)
{
	bool woke = false;

	p->signal->group_stop_count = 0;
	p->signal->flags &= ~SIGNAL_STOP_STOPPED;
	for (struct proc *t = first_thread(p); t; t = next_thread(t)) {
		t->jobctl &= ~JOBCTL_STOP_PENDING;
		if (t->state == STOPPED) {
			make_runnable(t);
			woke = true;
		}
	}
	return woke;
}

void proc_kill(struct proc *p, int code)
{
	struct signal_struct *s = p->signal;
	bool was_on = irq_save();

	if (!(s->flags & SIGNAL_GROUP_EXIT)) {
		s->flags |= SIGNAL_GROUP_EXIT;
		s->group_exit_code = code;
	}
	end_group_stop(p); /* SIGKILL wakes even a stopped process */
	s->stop_code = 0;
	for (struct proc *t = first_thread(p); t; t = next_thread(t))
		proc_wake(t);
	irq_restore(was_on);
}

int zap_other_threads(struct proc *p)
{
	int count = 0;

	for (struct proc *t = first_thread(p); t; t = next_thread(t)) {
		if (t == p || (t->flags & PF_EXITING))
			continue;
		count++;
		t->pending.signal |= sigmask(SIGKILL);
		t->jobctl &= ~JOBCTL_STOP_PENDING;
		if (t->state == STOPPED)
			make_runnable(t);
		proc_wake(t);
	}
	return count;
}

void proc_continue(struct proc *p)
{
	struct signal_struct *s = p->signal;
	bool was_on = irq_save();
	bool was_stopped = s->flags & SIGNAL_STOP_STOPPED;

	if (end_group_stop(p) || was_stopped) {
		s->stop_code = 0; /* a stop not yet reported never will be */
		s->flags |= SIGNAL_STOP_CONTINUED;
		notify_parent(p->group_leader, CLD_CONTINUED, SIGCONT);
	}
	irq_restore(was_on);
}

/* current has stopped for the group stop; the last thread to do so
 * completes it, and the parent hears of it once (Linux:
 * task_participate_group_stop). */
static void participate_group_stop(struct proc *t)
{
	struct signal_struct *s = t->signal;

	t->jobctl &= ~JOBCTL_STOP_PENDING;
	if (!s->group_stop_count || --s->group_stop_count > 0 || (s->flags & SIGNAL_GROUP_EXIT))
		return;
	s->flags |= SIGNAL_STOP_STOPPED;
	notify_parent(t->group_leader, CLD_STOPPED, s->stop_code);
}

/*
 * A stop signal's default action (Linux: do_signal_stop). The first
 * thread to take one starts a group stop: every thread of the process
 * is asked to stop (and woken to notice); each stops on its way back to
 * user mode, until SIGCONT or SIGKILL.
 */
void do_signal_stop(int sig)
{
	struct proc *t = current;
	struct signal_struct *s = t->signal;
	bool was_on = irq_save();

	if (!(t->jobctl & JOBCTL_STOP_PENDING)) {
		s->stop_code = sig;
		s->flags &= ~SIGNAL_STOP_CONTINUED;
		s->group_stop_count = 0;
		for (struct proc *u = first_thread(t); u; u = next_thread(u)) {
			if (u->flags & PF_EXITING)
				continue;
			u->jobctl |= JOBCTL_STOP_PENDING;
			s->group_stop_count++;
			if (u != t)
				proc_wake(u);
		}
	}
	participate_group_stop(t);
	t->state = STOPPED;
	sched(); /* until proc_continue or proc_kill */
	irq_restore(was_on);
}

void task_join_group_stop(struct proc *t)
{
	struct signal_struct *s = t->signal;

	if (s->group_stop_count) {
		s->group_stop_count++;
		t->jobctl |= JOBCTL_STOP_PENDING;
	}
}

void exit_signals(struct proc *t)
{
	bool was_on = irq_save();

	t->flags |= PF_EXITING;
	if (t->jobctl & JOBCTL_STOP_PENDING)
		participate_group_stop(t);
	retarget_shared_pending(t, ~t->blocked);
	irq_restore(was_on);
}

void force_sig_fault(int sig, int code, uint64_t addr, short addr_lsb)
{
	struct k_sigaction *ka = &current->sighand->action[sig];
	struct sig_pending_info info = { .code = code, .addr = addr, .addr_lsb = addr_lsb };

	/* Blocked or ignored, a fault signal would just fault again: make
	 * the default action (death) happen instead. */
	if ((current->blocked & sigmask(sig)) || ka->handler == SIG_IGN) {
		current->blocked &= ~sigmask(sig);
		ka->handler = SIG_DFL;
	}
	do_send_sig_info(sig, &info, current, PIDTYPE_PID);
}

/* The siginfo a handler sees, laid out for the kind of signal it is. */
void build_siginfo(struct siginfo *si, int sig, const struct sig_pending_info *pi)
{
	memset(si, 0, sizeof(*si));
	si->si_signo = sig;
	si->si_code = pi->code;
	if (sig == SIGSEGV || sig == SIGBUS || sig == SIGILL || sig == SIGFPE) {
		si->fault.addr = pi->addr;
		si->fault.addr_lsb = pi->addr_lsb;
	} else {
		si->proc.pid = pi->pid;
		si->proc.status = pi->status;
	}
}

/*
 * The lowest signal pending for p that is not in `mask`, taken off its
 * queue with what its siginfo says: the thread's own signals first, then
 * its process's (Linux: dequeue_signal). 0 if none.
 */
static int dequeue_signal(struct proc *p, uint64_t mask, struct sig_pending_info *info)
{
	struct sigpending *q = &p->pending;

	if (!(q->signal & ~mask))
		q = &p->signal->shared_pending;
	uint64_t ready = q->signal & ~mask;
	if (!ready)
		return 0;
	int sig = __builtin_ctzll(ready) + 1;
	*info = q->info[sig];
	q->signal &= ~sigmask(sig);
	return sig;
}

/*
 * Take pending signals that are not blocked, lowest first, until one
 * has a handler to run or none is left (Linux: get_signal): ignored ones
 * are dropped, a stop signal stops the process here until SIGCONT, any
 * other default action kills it. Returns the signal whose handler is to
 * run, with its siginfo in *info; 0 if none.
 */
int get_signal(struct sig_pending_info *info)
{
	struct proc *t = current;

	for (;;) {
		if (t->signal->flags & SIGNAL_GROUP_EXIT)
			do_exit(t->signal->group_exit_code);
		if (fatal_signal_pending(t))
			do_exit(SIGKILL); /* zap_other_threads: this thread alone */
		if (t->jobctl & JOBCTL_STOP_PENDING) {
			do_signal_stop(0); /* another thread began a group stop */
			continue;
		}
		int sig = dequeue_signal(t, t->blocked, info);
		if (!sig)
			return 0;
		struct k_sigaction *ka = &t->sighand->action[sig];

		if (ka->handler == SIG_IGN || (ka->handler == SIG_DFL && default_ignored(sig)))
			continue;
		if (ka->handler == SIG_DFL && default_stops(sig)) {
			do_signal_stop(sig);
			continue;
		}
		if (ka->handler == SIG_DFL)
			do_group_exit(sig); /* wait status: killed by sig */
		return sig;
	}
}

/* sig's handler frame is set up: block what the handler asked to, and
 * sig itself unless SA_NODEFER (Linux: signal_setup_done). */
void signal_setup_done(int sig)
{
	struct proc *t = current;
	struct k_sigaction *ka = &t->sighand->action[sig];

	t->blocked |= ka->mask & ~SIG_KERNEL_ONLY_MASK;
	if (!(ka->flags & SA_NODEFER))
		t->blocked |= sigmask(sig);
	if (ka->flags & SA_RESETHAND)
		ka->handler = SIG_DFL;
}

/* No handler ran: a mask saved by sigsuspend or ppoll comes back now
 * (Linux: restore_saved_sigmask). */
void restore_saved_sigmask(void)
{
	struct proc *t = current;

	if (t->restore_sigmask) {
		t->restore_sigmask = false;
		t->blocked = t->saved_sigmask;
	}
}

void flush_signal_handlers(struct sighand_struct *sighand)
{
	for (int sig = 1; sig <= NSIG; sig++)
		if (sighand->action[sig].handler != SIG_IGN)
			sighand->action[sig] = (struct k_sigaction){ 0 };
}

long sys_rt_sigaction(uint64_t sig, uint64_t act, uint64_t oact, uint64_t size)
{
	struct k_sigaction *ka = &current->sighand->action[sig < NSIG + 1 ? sig : 0];
	struct k_sigaction new;

	if (size != sizeof(uint64_t) || sig < 1 || sig > NSIG)
		return -EINVAL;
	if (act && (sig == SIGKILL || sig == SIGSTOP))
		return -EINVAL;
	if (act && copy_from_user(&new, act, sizeof(new)))
		return -EFAULT;
	if (oact && copy_to_user(oact, ka, sizeof(*ka)))
		return -EFAULT;
	if (act) {
		*ka = new;
		ka->mask &= ~SIG_KERNEL_ONLY_MASK;
		if (new.handler == SIG_IGN || (new.handler == SIG_DFL && default_ignored((int)sig)))
			flush_signals_mask(current, sigmask((int)sig)); /* discard it */
	}
	return 0;
}

long sys_rt_sigprocmask(uint64_t how, uint64_t set, uint64_t oset, uint64_t size)
{
	struct proc *t = current;
	uint64_t mask, old = t->blocked;

	if (size != sizeof(uint64_t))
		return -EINVAL;
	if (set) {
		if (copy_from_user(&mask, set, sizeof(mask)))
			return -EFAULT;
		if (how == SIG_BLOCK)
			t->blocked |= mask;
		else if (how == SIG_UNBLOCK)
			t->blocked &= ~mask;
		else if (how == SIG_SETMASK)
			t->blocked = mask;
		else
			return -EINVAL;
		t->blocked &= ~SIG_KERNEL_ONLY_MASK;
		retarget_shared_pending(t, t->blocked & ~old);
	}
	if (oset && copy_to_user(oset, &old, sizeof(old))) {
		t->blocked = old;
		return -EFAULT;
	}
	return 0;
}

/* The signals that are pending because they are blocked. */
void wait_for_signal(void)
{
	static struct wait_queue_head never = WAIT_QUEUE_INIT(never);

	cli();
	while (!signal_pending(current))
		sleep_on(&never); /* only a signal (proc_wake) ends this */
	sti();
}

/* rt_sigsuspend: wait for a signal with the mask `uset` in place, which
 * no signal can slip past (Linux: sigsuspend). The old mask comes back
 * as the signal is delivered: into the handler's frame, for sigreturn
 * to restore, or at once if no handler runs (do_signal). */
long sys_rt_sigsuspend(uint64_t uset, uint64_t size)
{
	uint64_t set;

	if (size != sizeof(set))
		return -EINVAL;
	if (copy_from_user(&set, uset, sizeof(set)))
		return -EFAULT;
	current->saved_sigmask = current->blocked;
	current->restore_sigmask = true;
	current->blocked = set & ~SIG_KERNEL_ONLY_MASK;
	wait_for_signal();
	return -ERESTARTNOHAND; /* EINTR after a handler */
}

/*
 * rt_sigtimedwait: take one of the signals in `uset` (blocked, usually)
 * as it comes, without running a handler - waiting for one until the
 * timeout (EAGAIN), or until another signal is delivered (EINTR). While
 * we wait, the set is unblocked so that its signals wake us (Linux:
 * do_sigtimedwait). Returns the signal; its siginfo goes to uinfo.
 */
long sys_rt_sigtimedwait(uint64_t uset, uint64_t uinfo, uint64_t uts, uint64_t size)
{
	static struct wait_queue_head never = WAIT_QUEUE_INIT(never);
	struct proc *t = current;
	struct sig_pending_info info;
	uint64_t set, ns = 0, deadline = (uint64_t)KTIME_MAX;

	if (size != sizeof(set))
		return -EINVAL;
	if (copy_from_user(&set, uset, sizeof(set)))
		return -EFAULT;
	set &= ~SIG_KERNEL_ONLY_MASK;
	if (uts) {
		long err = get_timespec_ns(uts, &ns);
		if (err)
			return err;
		deadline = ktime_add_safe(ktime_get_ns(), ns);
	}
	cli();
	int sig = dequeue_signal(t, ~set, &info);
	/* No timeout means wait for as long as it takes; a zero one, not
	 * at all (a poll). */
	if (!sig && (!uts || ns != 0)) {
		t->real_blocked = t->blocked;
		t->blocked &= ~set;
		schedule_hrtimeout_on(&never, deadline);
		t->blocked = t->real_blocked;
		t->real_blocked = 0;
		sig = dequeue_signal(t, ~set, &info);
	}
	sti();
	if (!sig)
		return uts && ktime_get_ns() >= deadline ? -EAGAIN : -EINTR;
	struct siginfo si;
	build_siginfo(&si, sig, &info);
	if (uinfo && copy_to_user(uinfo, &si, sizeof(si)))
		return -EFAULT;
	return sig;
}

long sys_rt_sigpending(uint64_t set, uint64_t size)
{
	uint64_t pending = pending_signals(current) & current->blocked;

	if (size > sizeof(pending))
		return -EINVAL;
	return copy_to_user(set, &pending, size);
}

/* A signal for one thread; tgid < 0: of any process (tkill). */
static long do_tkill(int tgid, int tid, uint64_t sig)
{
	struct proc *p = find_task_by_pid(tid);
	struct sig_pending_info info = { .code = SI_TKILL, .pid = current->tgid };

	if (sig > NSIG || tid <= 0)
		return -EINVAL;
	if (!p || !p->mm || p->state == ZOMBIE || (tgid > 0 && p->tgid != tgid))
		return -ESRCH;
	if (!kill_ok_by_cred(p))
		return -EPERM;
	if (sig)
		do_send_sig_info((int)sig, &info, p, PIDTYPE_PID);
	return 0;
}

long sys_tkill(uint64_t tid, uint64_t sig)
{
	return do_tkill(-1, (int)tid, sig);
}

long sys_tgkill(uint64_t tgid, uint64_t tid, uint64_t sig)
{
	if ((int)tgid <= 0)
		return -EINVAL;
	return do_tkill((int)tgid, (int)tid, sig);
}
