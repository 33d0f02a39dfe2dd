/*
 * Ending tasks and reaping them (Linux: kernel/exit.c).
 *
 * A thread that exits lets go of what it shares (address space,
 * descriptors, directories) and then, if it is not its process's main
 * thread, is gone at once: nobody waits for a thread. The main thread
 * (the group leader) stays a zombie, holding the pid and the exit
 * status, until the parent reaps it - which wait allows only once the
 * last thread has gone: until then the process is alive.
 */
#include "fs/fdtable.h"
#include "fs/fs_struct.h"
#include "ipc/sem.h"
#include "kernel/errno.h"
#include "kernel/itimer.h"
#include "kernel/panic.h"
#include "kernel/pgrp.h"
#include "kernel/proc.h"
#include "kernel/syscall.h"
#include "kernel/uaccess.h"
#include "kernel/wait.h"
#include "kernel/x86.h"
#include "lib/string.h"
#include "mm/pgtable.h"

/* Only the leader is left of its process: its exit can be reported. */
static bool thread_group_empty(const struct proc *leader)
{
	return leader->signal->nr_threads == 1;
}

/* A wait4 exit status as waitid tells it: si_code and si_status. */
static void decode_exit_status(int status, int *code, int *si_status)
{
	*code = status & 0x7f ? CLD_KILLED : CLD_EXITED;
	*si_status = status & 0x7f ? status & 0x7f : (status >> 8) & 0xff;
}

/* The process's exit status: the group's if it died together (exit_group,
 * a fatal signal), else its main thread's (Linux: wait_task_zombie). */
static int process_exit_code(const struct proc *leader)
{
	const struct signal_struct *sig = leader->signal;

	return sig->flags & SIGNAL_GROUP_EXIT ? sig->group_exit_code : leader->exit_code;
}

static void do_notify_parent(struct proc *p, int sig, int why, int si_status)
{
	struct proc *parent = p->parent;

	if (sig > 0 && !parent->thread_fn) { /* the console hears through wait alone */
		struct sig_pending_info info = { .code = why, .pid = p->pid, .status = si_status };
		send_signal(parent, sig, &info);
	}
	wake_up(&parent->signal->wait_chldexit);
}

/*
 * Tell p's parent that p's process exited, stopped or continued (why:
 * CLD_*): SIGCHLD - for a stop or a continue only if the parent's
 * SIGCHLD action lacks SA_NOCLDSTOP - and always a wake-up for wait.
 */
void notify_parent(struct proc *p, int why, int si_status)
{
	bool nocldstop = p->parent->sighand->action[SIGCHLD].flags & SA_NOCLDSTOP;

	do_notify_parent(p, nocldstop ? 0 : SIGCHLD, why, si_status);
}

/* The exit: the signal clone asked for (fork: SIGCHLD; clone(..., 0): none). */
static void notify_parent_exit(struct proc *leader)
{
	int code, si_status;

	decode_exit_status(process_exit_code(leader), &code, &si_status);
	do_notify_parent(leader, leader->exit_signal, code, si_status);
}

/* Who takes p's children: another thread of its process that is not
 * exiting, else init (our parent if there is no init yet - only possible
 * at boot). Linux: find_new_reaper. */
static struct proc *find_new_reaper(struct proc *p)
{
	struct list_head *threads = &p->signal->thread_head;

	for (struct list_head *l = threads->next; l != threads; l = l->next) {
		struct proc *t = list_entry(l, struct proc, thread_node);
		if (!(t->flags & PF_EXITING))
			return t;
	}
	return init_task && init_task->signal != p->signal ? init_task : p->parent;
}

/* A child changes parent: the process and every thread of it. Going to
 * another process (init), it will signal SIGCHLD at its exit, whatever
 * clone asked: "we don't want people slaying init" (Linux). */
static void reparent_leader(struct proc *child, struct proc *reaper)
{
	struct list_head *threads = &child->signal->thread_head;

	if (reaper->signal != child->parent->signal)
		child->exit_signal = SIGCHLD;
	list_del(&child->sibling);
	list_add_tail(&child->sibling, &reaper->children);
	for (struct list_head *l = threads->next; l != threads; l = l->next)
		list_entry(l, struct proc, thread_node)->parent = reaper;
	child->parent = reaper;
	if (child->state == ZOMBIE && thread_group_empty(child))
		notify_parent_exit(child);
}

static void reparent_children(struct proc *p)
{
	if (list_empty(&p->children))
		return;
	struct proc *reaper = find_new_reaper(p);
	while (!list_empty(&p->children))
		reparent_leader(list_first_entry(&p->children, struct proc, sibling), reaper);
}

/* A thread that goes leaves its time on the CPU and its context switches
 * to its process (Linux: __exit_signal). */
static void account_gone_thread(struct proc *p)
{
	struct signal_struct *sig = p->signal;

	sig->sum_sched_runtime += p->sum_exec_runtime;
	sig->nvcsw += p->nvcsw;
	sig->nivcsw += p->nivcsw;
}

/* A reaped zombie: its pid is free, it leaves every list, and its struct
 * goes with the last reference (Linux: release_task). */
static void release_task(struct proc *p)
{
	account_gone_thread(p);
	unhash_task(p);
	pgrp_release(p);
	put_task_struct(p);
}

/*
 * execve in thread t, once the others are gone (kernel/execve.c:
 * de_thread): t becomes its process's main thread in the place of the
 * old leader, now a zombie, which goes without a word to the parent -
 * for the parent, its child just runs a new program. t takes the
 * leader's pid, parent, place among the parent's children and start
 * time (Linux: de_thread's second half, exchange_tids).
 */
void take_over_leader(struct proc *t, struct proc *leader)
{
	exchange_tids(t, leader);
	t->group_leader = t;
	leader->group_leader = t;
	t->start_time = leader->start_time;
	t->parent = leader->parent;
	t->exit_signal = SIGCHLD;
	leader->exit_signal = -1;
	list_add(&t->sibling, &leader->sibling);
	list_del(&leader->sibling);
	list_del(&t->thread_node);
	list_add(&t->thread_node, &t->signal->thread_head); /* the leader comes first */
	list_del(&t->tasks);
	list_add(&t->tasks, &leader->tasks);
	if (init_task == leader)
		init_task = t;
	release_task(leader);
}

/*
 * A thread other than the leader is reaped as it exits (its exit
 * signal is -1: Linux's autoreap). The scheduler drops its last
 * reference once it has left its stack (DEAD). If the leader was
 * waiting as a zombie for the last of its threads, the process's exit
 * can now be reported; a thread in execve waiting for us may go on.
 */
static void release_thread(struct proc *p)
{
	struct proc *leader = p->group_leader;
	struct signal_struct *sig = p->signal;

	account_gone_thread(p);
	unhash_task(p);
	p->state = DEAD;
	if (leader != p && leader->state == ZOMBIE && thread_group_empty(leader) &&
	    !sig->group_exec_task)
		notify_parent_exit(leader);
}

/* With interrupts off: whoever must hear of our exit does. */
static void exit_notify(struct proc *p)
{
	struct proc *exec_task = p->signal->group_exec_task;

	reparent_children(p);
	if (thread_group_leader(p)) {
		p->state = ZOMBIE;
		if (thread_group_empty(p))
			notify_parent_exit(p);
	} else {
		release_thread(p);
	}
	if (exec_task && exec_task != p)
		proc_wake(exec_task); /* de_thread counts the threads left */
}

void do_exit(int status)
{
	struct proc *p = current;

	exit_signals(p); /* PF_EXITING: no signal is delivered to us any more */
	bool group_dead = --p->signal->live == 0;
	if (group_dead && init_task && p->signal == init_task->signal)
		panic("Attempted to kill init! exitcode=0x%08x", status);
	if (p->mm) {
		setmax_mm_rss(p);
		futex_mm_release(p); /* robust futexes, clear_child_tid: in our address space */
		switch_mm(NULL);     /* off the tables we may be about to free */
		mm_drop_task(p);
	}
	complete_vfork_done(p);
	put_files_struct(p->files); /* pipe ends close: readers see EOF */
	p->files = NULL;
	put_fs_struct(p->fs);
	p->fs = NULL;
	if (group_dead) {
		exit_sem(p->signal);     /* the group's SEM_UNDO adjustments (ipc/sem.c) */
		exit_itimers(p->signal); /* no SIGALRM for a process that is gone */
	}
	cli();
	if (group_dead)
		pgrp_exit(p); /* our group, or our children's, may be orphaned now */
	p->exit_code = status;
	exit_notify(p);
	sched();
	panic("zombie %d ran again", p->pid);
}

/* exit_group, and a fatal signal: every thread of the process exits
 * with this status - unless the process is already dying, of its own
 * status, or being replaced by an execve in another thread, which is
 * killing this one anyway (Linux: do_group_exit). */
void do_group_exit(int status)
{
	struct signal_struct *sig = current->signal;

	if (sig->flags & SIGNAL_GROUP_EXIT)
		status = sig->group_exit_code;
	else if (sig->group_exec_task)
		status = 0;
	else
		proc_kill(current, status);
	do_exit(status);
}

/* exit: this thread alone. */
long sys_exit(uint64_t status)
{
	do_exit((int)((status & 0xff) << 8));
}

long sys_exit_group(uint64_t status)
{
	do_group_exit((int)((status & 0xff) << 8));
}

/* A child the wait is for: the pid asked (-1: any), and the kind of
 * child - one that signals SIGCHLD at its exit, or a "clone" child that
 * signals something else or nothing (__WCLONE); __WALL: both. */
/* pid: -1 any child, > 0 that one, 0 one of our group, < -1 one of group -pid. */
static bool wanted(const struct proc *child, int pid)
{
	if (pid < -1 || pid == 0)
		return task_pgrp_nr(child) == (pid ? -pid : task_pgrp_nr(current));
	return pid == -1 || child->pid == pid;
}

static bool eligible_child(const struct proc *child, int pid, int options)
{
	if (!wanted(child, pid))
		return false;
	if (options & __WALL)
		return true;
	return !!(options & __WCLONE) == (child->exit_signal != SIGCHLD);
}

/* What child has to tell a wait with these options, in *res: its exit
 * (once its threads are all gone), a stop or a continue not yet
 * reported; false if nothing. */
static bool wait_consider(struct proc *child, int options, struct wait_result *res)
{
	struct signal_struct *sig = child->signal;
	bool consume = !(options & WNOWAIT);

	if (child->state == ZOMBIE && thread_group_empty(child)) {
		if (!(options & WEXITED))
			return false;
		res->status = process_exit_code(child);
		decode_exit_status(res->status, &res->code, &res->si_status);
	} else if ((sig->flags & SIGNAL_STOP_STOPPED) && sig->stop_code && (options & WSTOPPED)) {
		res->status = (sig->stop_code << 8) | 0x7f;
		res->code = CLD_STOPPED;
		res->si_status = sig->stop_code;
		if (consume)
			sig->stop_code = 0;
	} else if ((sig->flags & SIGNAL_STOP_CONTINUED) && (options & WCONTINUED)) {
		res->status = 0xffff;
		res->code = CLD_CONTINUED;
		res->si_status = SIGCONT;
		if (consume)
			sig->flags &= ~SIGNAL_STOP_CONTINUED;
	} else {
		return false;
	}
	res->pid = child->pid;
	strlcpy(res->name, child->comm, sizeof(res->name));
	getrusage(child, RUSAGE_BOTH, &res->rusage);
	return true;
}

/* One thread's children; 1 if one had something to report (and was
 * reaped if it exited), 0 if none did, -1 if there is none to wait for. */
static int wait_thread_children(struct proc *t, int pid, int options, struct wait_result *res)
{
	int found = -1;

	for (struct list_head *l = t->children.next; l != &t->children; l = l->next) {
		struct proc *child = list_entry(l, struct proc, sibling);
		if (!eligible_child(child, pid, options))
			continue;
		found = 0;
		if (!wait_consider(child, options, res))
			continue;
		bool exited = res->code == CLD_EXITED || res->code == CLD_KILLED;
		if (exited && !(options & WNOWAIT)) {
			account_reaped_child(current->signal, child);
			release_task(child);
		}
		return 1;
	}
	return found;
}

/* The children of every thread of our process, or (__WNOTHREAD) ours. */
static int wait_children(int pid, int options, struct wait_result *res)
{
	struct list_head *threads = &current->signal->thread_head;
	int found = -1;

	if (options & __WNOTHREAD)
		return wait_thread_children(current, pid, options, res);
	for (struct list_head *l = threads->next; l != threads; l = l->next) {
		int got = wait_thread_children(list_entry(l, struct proc, thread_node), pid, options,
					       res);
		if (got > 0)
			return got;
		found = MAX(found, got);
	}
	return found;
}

long do_wait(int pid, int options, struct wait_result *res)
{
	for (;;) {
		cli();
		int got = wait_children(pid, options, res);
		if (got > 0 || got < 0 || (options & WNOHANG)) {
			sti();
			return got > 0 ? res->pid : got < 0 ? -ECHILD : 0;
		}
		if (signal_pending(current)) {
			sti();
			return -ERESTARTSYS;
		}
		sleep_on(&current->signal->wait_chldexit);
		sti();
	}
}

#define P_ALL 0
#define P_PID 1
#define P_PGID 2

/* options is an int, as in Linux: a C library's __WCLONE (bit 31) may
 * arrive sign-extended. */
long sys_wait4(uint64_t pid, uint64_t status, uint64_t uoptions, uint64_t rusage)
{
	unsigned int options = (unsigned int)uoptions;
	struct wait_result res;

	if (options & ~(WNOHANG | WUNTRACED | WCONTINUED | WAIT_THREAD_FLAGS))
		return -EINVAL;
	if ((int)pid == INT32_MIN)
		return -ESRCH; /* no group -INT_MIN (Linux) */
	/* As Linux: the child is reaped even if what it told cannot be written. */
	long got = do_wait((int)pid, (int)options | WEXITED, &res);
	if (got > 0 && status && copy_to_user(status, &res.status, sizeof(int)))
		return -EFAULT;
	if (got > 0 && rusage && copy_to_user(rusage, &res.rusage, sizeof(res.rusage)))
		return -EFAULT;
	return got;
}

/* The part of siginfo_t that waitid fills in, as Linux does. */
struct waitid_info {
	int si_signo, si_errno, si_code, pad;
	int si_pid;
	unsigned si_uid;
	int si_status;
};

/*
 * waitid(P_PID, pid | P_ALL, 0, infop, options): like wait4, but the
 * caller says which changes it waits for (WEXITED, WSTOPPED,
 * WCONTINUED: at least one), may leave the child waitable (WNOWAIT), and
 * hears about it in a siginfo. Returns 0; with WNOHANG and nothing to
 * report, the siginfo says si_signo 0 and si_pid 0.
 */
long sys_waitid(uint64_t idtype, uint64_t id, uint64_t infop, uint64_t uoptions, uint64_t rusage)
{
	unsigned int options = (unsigned int)uoptions;
	struct wait_result res = { 0 };
	int pid = -1;

	if (options & ~(WNOHANG | WNOWAIT | WEXITED | WSTOPPED | WCONTINUED | WAIT_THREAD_FLAGS))
		return -EINVAL;
	if (!(options & (WEXITED | WSTOPPED | WCONTINUED)))
		return -EINVAL;
	if ((int)idtype == P_PID) {
		pid = (int)id;
		if (pid <= 0)
			return -EINVAL;
	} else if ((int)idtype == P_PGID) {
		if ((int)id < 0)
			return -EINVAL;
		pid = (int)id ? -(int)id : 0; /* 0: the caller's group */
	} else if ((int)idtype != P_ALL) {
		return -EINVAL; /* P_PIDFD: no pidfds yet */
	}
	long got = do_wait(pid, (int)options, &res);
	if (got < 0)
		return got;
	if (got > 0 && rusage && copy_to_user(rusage, &res.rusage, sizeof(res.rusage)))
		return -EFAULT;
	struct waitid_info info = { .si_signo = got ? SIGCHLD : 0, .si_code = got ? res.code : 0,
				    .si_pid = res.pid, .si_status = res.si_status };
	if (infop && copy_to_user(infop, &info, sizeof(info)))
		return -EFAULT;
	return 0;
}
