/*
 * Process groups and sessions (kernel/pgrp.c): Linux's PIDTYPE_PGID and
 * PIDTYPE_SID. Each id in use as a group or session id has a struct pid
 * listing its processes, so signalling a group visits its members only.
 */
#ifndef KERNEL_PGRP_H
#define KERNEL_PGRP_H

#include "kernel/signal.h"

/* One number in use as a process group or session id (Linux's struct
 * pid, without the thread lists): the processes (signal_structs, through
 * pid_links[type]) whose group or session it is. Freed when both lists
 * are empty. Interrupts off. */
struct pid {
	int nr;
	struct list_head tasks[PIDTYPE_MAX]; /* [PIDTYPE_PGID], [PIDTYPE_SID] */
	struct list_head hash_node;
};

struct proc;

int task_pgrp_nr(const struct proc *p);
int task_session_nr(const struct proc *p);
/* The process of the group or session nr that comes first in its list,
 * for "does it exist" and "which session is it in"; NULL if none. */
struct proc *pid_task(int nr, enum pid_type type);
/* Call fn on a thread of each process in group or session nr. */
void for_each_pid_task(int nr, enum pid_type type, void (*fn)(struct proc *p, void *arg),
		       void *arg);

/* fork: the child joins its parent's group and session, and keeps its
 * controlling terminal. */
void pgrp_fork(struct proc *child, const struct proc *parent);
/* The thread group leader is reaped: its process leaves its group and
 * session. */
void pgrp_release(struct proc *p);
/* do_exit, before the children go to init: a session leader's terminal
 * is let go, and groups this exit leaves orphaned with stopped members
 * get SIGHUP and SIGCONT (Linux's exit_notify: kill_orphaned_pgrp). */
void pgrp_exit(struct proc *p);
/* A job the console has just started (p, not yet run): in the console's
 * session, with its terminal, leading a group of its own - what a job
 * control shell does with setpgid. 0 or -ENOMEM. */
int pgrp_new_job(struct proc *p);
/* setsid() for p: a new session and group, both p's pid; -EPERM if a
 * group with that id exists already. */
long pgrp_new_session(struct proc *p);
/* Signal every process of group pgid: 0, or -ESRCH if it has none. */
int kill_pgrp(int pgid, int sig, const struct sig_pending_info *info);
/* kill(0), kill(-1) and kill(-pgid) (Linux's kill_something_info). */
long kill_something(int pid, int sig, const struct sig_pending_info *info);
/* No member of group pgid has a parent in another group of the same
 * session: nobody is left to continue it if it stops (POSIX). */
bool is_orphaned_pgrp(int pgid);

#endif
