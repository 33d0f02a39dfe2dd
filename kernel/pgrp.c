/*
 * Process groups and sessions, with Linux's rules and errors (Linux:
 * kernel/sys.c for setsid/setpgid, kernel/pid.c for struct pid,
 * kernel/exit.c for orphaned groups).
 *
 * Every process (its signal_struct) has a process group and a session;
 * id 0 (pids[] NULL) is what init and the kernel threads start with. Each
 * id in use has a struct pid listing its members, found through a small
 * hash table: signalling a group - kill(-pgid), the terminal's Ctrl-C -
 * visits its members and nobody else.
 *
 * The lists change with interrupts off: the serial receive interrupt
 * signals the terminal's foreground group.
 */
#include "kernel/pgrp.h"
#include "drivers/tty/tty.h"
#include "kernel/errno.h"
#include "kernel/proc.h"
#include "kernel/syscall.h"
#include "kernel/x86.h"
#include "mm/slab.h"

#define PID_HASH_SIZE 64

static struct list_head pid_hash[PID_HASH_SIZE];

static struct list_head *pid_bucket(int nr)
{
	struct list_head *b = &pid_hash[nr % PID_HASH_SIZE];

	if (!b->next)
		INIT_LIST_HEAD(b);
	return b;
}

static struct pid *find_pid(int nr)
{
	struct list_head *b = pid_bucket(nr);

	for (struct list_head *l = b->next; l != b; l = l->next) {
		struct pid *pid = list_entry(l, struct pid, hash_node);
		if (pid->nr == nr)
			return pid;
	}
	return NULL;
}

static struct pid *find_or_alloc_pid(int nr)
{
	struct pid *pid = find_pid(nr);

	if (pid)
		return pid;
	pid = kzalloc(sizeof(*pid));
	if (!pid)
		return NULL;
	pid->nr = nr;
	for (int t = 0; t < PIDTYPE_MAX; t++)
		INIT_LIST_HEAD(&pid->tasks[t]);
	list_add(&pid->hash_node, pid_bucket(nr));
	return pid;
}

static void attach_pid(struct signal_struct *sig, enum pid_type type, struct pid *pid)
{
	sig->pids[type] = pid;
	if (pid)
		list_add_tail(&sig->pid_links[type], &pid->tasks[type]);
}

static void detach_pid(struct signal_struct *sig, enum pid_type type)
{
	struct pid *pid = sig->pids[type];

	if (!pid)
		return;
	list_del(&sig->pid_links[type]);
	sig->pids[type] = NULL;
	for (int t = 0; t < PIDTYPE_MAX; t++)
		if (!list_empty(&pid->tasks[t]))
			return;
	list_del(&pid->hash_node);
	kfree(pid);
}

/* Move p's process into group or session nr (which exists, or is p's
 * own pid). */
static void change_pid(struct proc *p, enum pid_type type, struct pid *pid)
{
	if (p->signal->pids[type] == pid)
		return; /* leaving it could free it, if we are its only member */
	bool was_on = irq_save();

	detach_pid(p->signal, type);
	attach_pid(p->signal, type, pid);
	irq_restore(was_on);
}

static int pid_nr(const struct pid *pid)
{
	return pid ? pid->nr : 0;
}

int task_pgrp_nr(const struct proc *p)
{
	return pid_nr(p->signal->pids[PIDTYPE_PGID]);
}

int task_session_nr(const struct proc *p)
{
	return pid_nr(p->signal->pids[PIDTYPE_SID]);
}

/* A thread of the process sig belongs to (its leader while it lives). */
static struct proc *sig_task(struct signal_struct *sig)
{
	return list_first_entry(&sig->thread_head, struct proc, thread_node);
}

struct proc *pid_task(int nr, enum pid_type type)
{
	struct pid *pid = nr > 0 ? find_pid(nr) : NULL;

	if (!pid || list_empty(&pid->tasks[type]))
		return NULL;
	return sig_task(list_first_entry(&pid->tasks[type], struct signal_struct,
					 pid_links[type]));
}

void for_each_pid_task(int nr, enum pid_type type, void (*fn)(struct proc *p, void *arg),
		       void *arg)
{
	struct pid *pid = nr > 0 ? find_pid(nr) : NULL;

	if (!pid)
		return;
	struct list_head *head = &pid->tasks[type];
	for (struct list_head *l = head->next, *next; l != head; l = next) {
		next = l->next; /* fn may move this one (setsid) */
		fn(sig_task(list_entry(l, struct signal_struct, pid_links[type])), arg);
	}
}

void pgrp_fork(struct proc *child, const struct proc *parent)
{
	bool was_on = irq_save();

	attach_pid(child->signal, PIDTYPE_PGID, parent->signal->pids[PIDTYPE_PGID]);
	attach_pid(child->signal, PIDTYPE_SID, parent->signal->pids[PIDTYPE_SID]);
	child->signal->tty = parent->signal->tty;
	child->flags |= PF_FORKNOEXEC; /* setpgid by the parent: until it execs */
	irq_restore(was_on);
}

void pgrp_release(struct proc *p)
{
	bool was_on = irq_save();

	if (p == p->group_leader) {
		detach_pid(p->signal, PIDTYPE_PGID);
		detach_pid(p->signal, PIDTYPE_SID);
	}
	irq_restore(was_on);
}

int pgrp_new_job(struct proc *p)
{
	struct pid *group = find_or_alloc_pid(p->tgid);

	if (!group)
		return -ENOMEM;
	bool was_on = irq_save();
	attach_pid(p->signal, PIDTYPE_SID, current->signal->pids[PIDTYPE_SID]);
	attach_pid(p->signal, PIDTYPE_PGID, group);
	p->signal->tty = current->signal->tty;
	irq_restore(was_on);
	return 0;
}

long pgrp_new_session(struct proc *p)
{
	if (pid_task(p->tgid, PIDTYPE_PGID))
		return -EPERM; /* a group leader, or its id is some group's */
	struct pid *pid = find_or_alloc_pid(p->tgid);
	if (!pid)
		return -ENOMEM;
	change_pid(p, PIDTYPE_PGID, pid);
	change_pid(p, PIDTYPE_SID, pid);
	p->signal->leader = true;
	p->signal->tty = NULL; /* a new session has no terminal yet */
	return p->tgid;
}

/* A process that a signal to its group or session reaches: a user
 * process that has not exited (the console, a kernel thread, leads the
 * terminal's session). */
static bool signallable(const struct proc *p)
{
	return p->mm && p->state != ZOMBIE;
}

struct kill_arg {
	int sig;
	const struct sig_pending_info *info;
	bool found;
};

static void kill_one(struct proc *p, void *arg)
{
	struct kill_arg *k = arg;

	if (!signallable(p))
		return;
	k->found = true;
	if (k->sig)
		send_signal(p, k->sig, k->info);
}

int kill_pgrp(int pgid, int sig, const struct sig_pending_info *info)
{
	struct kill_arg k = { sig, info, false };

	for_each_pid_task(pgid, PIDTYPE_PGID, kill_one, &k);
	return k.found ? 0 : -ESRCH;
}

/* kill(-1): every user process but init and the caller. */
static void kill_all_one(struct proc *p, void *arg)
{
	if (p != init_task && p->tgid != current->tgid && p == p->group_leader)
		kill_one(p, arg);
}

long kill_something(int pid, int sig, const struct sig_pending_info *info)
{
	if (pid == -1) {
		struct kill_arg k = { sig, info, false };
		for_each_process(kill_all_one, &k);
		return k.found ? 0 : -ESRCH;
	}
	if (pid == INT32_MIN)
		return -ESRCH; /* -pid would overflow (Linux) */
	return kill_pgrp(pid ? -pid : task_pgrp_nr(current), sig, info);
}

/*
 * Would group pgid be orphaned if `ignored` left it and `exiting` had
 * handed its children to init? Orphaned: no member that is still alive
 * has a parent in another group of the same session (Linux's
 * will_become_orphaned_pgrp; a parent that is init does not count).
 */
struct orphan_arg {
	int pgid;
	const struct proc *ignored, *exiting;
	bool linked;
};

static void check_link(struct proc *p, void *arg)
{
	struct orphan_arg *o = arg;
	struct proc *parent = p->parent;

	if (p == o->ignored || p->state == ZOMBIE || !parent || parent == o->exiting ||
	    parent == init_task)
		return;
	if (task_pgrp_nr(parent) != o->pgid && task_session_nr(parent) == task_session_nr(p))
		o->linked = true;
}

static bool will_become_orphaned_pgrp(int pgid, const struct proc *ignored,
				      const struct proc *exiting)
{
	struct orphan_arg o = { pgid, ignored, exiting, false };

	for_each_pid_task(pgid, PIDTYPE_PGID, check_link, &o);
	return !o.linked;
}

bool is_orphaned_pgrp(int pgid)
{
	return will_become_orphaned_pgrp(pgid, NULL, NULL);
}

static void find_stopped(struct proc *p, void *arg)
{
	if (p->state == STOPPED)
		*(bool *)arg = true;
}

/* POSIX: a group that becomes orphaned with stopped members gets SIGHUP
 * then SIGCONT, since no job-control shell is left to continue them. */
static void hup_if_orphaned(int pgid, const struct proc *ignored, const struct proc *exiting)
{
	struct sig_pending_info info = { .code = SI_KERNEL };
	bool stopped = false;

	for_each_pid_task(pgid, PIDTYPE_PGID, find_stopped, &stopped);
	if (!stopped || !will_become_orphaned_pgrp(pgid, ignored, exiting))
		return;
	kill_pgrp(pgid, SIGHUP, &info);
	kill_pgrp(pgid, SIGCONT, &info);
}

void pgrp_exit(struct proc *p)
{
	int pgid = task_pgrp_nr(p), sid = task_session_nr(p);
	struct proc *parent = p->parent;

	if (p != p->group_leader)
		return;
	/* We may have been our group's link to its parent's group. */
	if (pgid && parent && task_pgrp_nr(parent) != pgid && task_session_nr(parent) == sid)
		hup_if_orphaned(pgid, p, NULL);
	/* Or our children's groups' link: they go to init now. */
	for (struct list_head *l = p->children.next; l != &p->children; l = l->next) {
		struct proc *child = list_entry(l, struct proc, sibling);
		int cg = task_pgrp_nr(child);
		if (cg && cg != pgid && task_session_nr(child) == sid)
			hup_if_orphaned(cg, NULL, p);
	}
}

/* pid 0: the caller. Zombies count, until reaped; kernel threads are in
 * group and session 0. */
static struct proc *find_process(int pid)
{
	struct proc *p = pid ? find_task_by_pid(pid) : current;

	return p && p == p->group_leader ? p : NULL;
}

long sys_getpgid(uint64_t upid)
{
	struct proc *p = find_process((int)upid);

	return p ? task_pgrp_nr(p) : -ESRCH;
}

long sys_getpgrp(void)
{
	return task_pgrp_nr(current);
}

long sys_getsid(uint64_t upid)
{
	struct proc *p = find_process((int)upid);

	return p ? task_session_nr(p) : -ESRCH;
}

long sys_setsid(void)
{
	return pgrp_new_session(current->group_leader);
}

/*
 * setpgid(pid, pgid) with Linux's checks: pid is the caller or a child
 * of it that has not exec'ed yet (EACCES after), in the caller's session
 * (EPERM), not a session leader (EPERM); pgid is pid itself or a group of
 * the same session (EPERM).
 */
long sys_setpgid(uint64_t upid, uint64_t upgid)
{
	struct proc *me = current->group_leader;
	int pid = (int)upid ? (int)upid : me->tgid;
	int pgid = (int)upgid ? (int)upgid : pid;

	if (pgid < 0)
		return -EINVAL;
	struct proc *p = find_task_by_pid(pid);
	if (!p)
		return -ESRCH;
	if (p != p->group_leader)
		return -EINVAL;
	if (p->parent && p->parent->tgid == me->tgid) {
		if (task_session_nr(p) != task_session_nr(me))
			return -EPERM;
		if (!(p->flags & PF_FORKNOEXEC))
			return -EACCES;
	} else if (p != me) {
		return -ESRCH;
	}
	if (p->signal->leader)
		return -EPERM;
	if (pgid != pid) {
		struct proc *g = pid_task(pgid, PIDTYPE_PGID);
		if (!g || task_session_nr(g) != task_session_nr(me))
			return -EPERM;
	}
	struct pid *group = find_or_alloc_pid(pgid);
	if (!group)
		return -ENOMEM;
	change_pid(p, PIDTYPE_PGID, group);
	return 0;
}
