/*
 * Tasks (threads) and the processes they make up. Each task has a kernel
 * stack, on which it runs whenever it is in the kernel (a system call,
 * an interrupt, a fault); the saved user registers sit at the top of that
 * stack (tf). Kernel threads have no user half (mm == NULL).
 */
#ifndef KERNEL_PROC_H
#define KERNEL_PROC_H

#include "kernel/fpu.h"
#include "kernel/signal.h"
#include "kernel/trap.h"
#include "kernel/waitqueue.h"
#include "lib/list.h"

#define KSTACK_ORDER 2 /* 16 KiB kernel stacks */
#define KSTACK_SIZE (4096UL << KSTACK_ORDER)
#define PID_MAX 32768

/* STOPPED: by a stop signal, on no queue until SIGCONT or SIGKILL.
 * DEAD: a thread that exited and was reaped at once (Linux: EXIT_DEAD);
 * the scheduler drops its last reference once it is off its stack. */
enum procstate { EMBRYO, RUNNABLE, RUNNING, SLEEPING, STOPPED, ZOMBIE, DEAD };

/* The registers swtch() saves (kernel/switch.asm pushes them in this
 * order, so they sit in memory bottom-up like this). */
struct context {
	uint64_t r15, r14, r13, r12, rbx, rbp, rip;
};

struct mm_struct;
struct file;
struct files_struct;
struct fs_struct;
struct cred;

/* proc.flags (Linux's task->flags bits). */
#define PF_FORKNOEXEC 0x00000040  /* forked and not exec'ed yet (setpgid: kernel/pgrp.c) */
#define PF_MEMALLOC 0x00000800    /* reclaiming memory: its own allocations must not reclaim again */
#define PF_MCE_PROCESS 0x00000080 /* prctl(PR_MCE_KILL_SET) chose a policy for this thread... */
#define PF_MCE_EARLY 0x08000000   /* ...and it is early kill */
#define PF_EXITING 0x00000004     /* in do_exit: no signal is delivered to it any more */
#define PF_KSWAPD 0x00020000      /* the kswapd thread (mm/vmscan.c) */

/* proc.jobctl (Linux's task->jobctl): a group stop asks this thread to stop. */
#define JOBCTL_STOP_PENDING 0x1

/*
 * A task: one thread of execution, what Linux calls a task_struct (here
 * still struct proc). What a thread has alone is here; what the threads
 * of a process share hangs off it, each part reference-counted:
 *
 *   proc --signal--> signal_struct  shared pending signals, exit, job control
 *        --sighand-> sighand_struct the signal actions
 *        --files---> files_struct   the descriptors (fs/fdtable.h)
 *        --mm------> mm_struct      the address space (mm/mm_types.h)
 *
 * clone() decides what a new task shares with its creator: a thread
 * (CLONE_THREAD) shares all four; a process made by fork has its own,
 * except an mm a vfork child borrows.
 */
struct proc {
	/* Identity: set when the task is made, read-only after (comm: the
	 * task itself, at execve). */
	int pid;                     /* thread id (gettid); pid_table maps it to us */
	int tgid;                    /* thread group id: the leader's pid (getpid) */
	struct proc *group_leader;   /* the thread group's first thread */
	char comm[16];               /* the program's name */
	void (*thread_fn)(void *arg); /* a kernel thread's work (NULL: a user task) */
	void *thread_arg;

	/* Life and scheduling: interrupts off (the scheduler, wake-ups). */
	enum procstate state;
	int usage;                   /* references: get_task_struct; the last put frees us */
	struct list_head run;        /* on the run queue, or a wait queue */
	struct list_head tasks;      /* on the list of every task, for ps (only ps walks it) */
	struct wait_queue_head vfork_done; /* we sleep here after a CLONE_VFORK clone */
	struct proc *vfork_parent;   /* CLONE_VFORK: who sleeps until we exec or exit */
	int exit_code;               /* wait4() status encoding; set by do_exit */
	int exit_signal;             /* sent to the parent at our exit: SIGCHLD, 0, or -1 (a thread) */

	/* Family: changed at fork, exit and reaping, interrupts off. A
	 * thread's parent is its process's parent; only a group leader is
	 * on that parent's children list. */
	struct proc *parent;
	struct list_head children;   /* our children, through their sibling */
	struct list_head sibling;    /* a thread: empty */
	struct list_head thread_node; /* on signal->thread_head, in creation order */
	struct list_head mm_node;    /* on mm->task_list while mm is ours */

	/* The shared parts (see above); mm and files are NULL for kernel
	 * threads and after exit. Set at fork, exec and exit by the task
	 * itself. */
	struct signal_struct *signal;
	struct sighand_struct *sighand;
	struct files_struct *files;
	struct fs_struct *fs;        /* root and working directory (fs/fs_struct.h) */
	struct mm_struct *mm;
	const struct cred *cred;     /* who we act as (kernel/cred.h): from the parent at fork */

	/* Signals for this thread alone: the task itself, and senders with
	 * interrupts off. */
	uint64_t blocked;            /* bit (sig - 1): the signal mask */
	uint64_t real_blocked;       /* rt_sigtimedwait: blocked before its wait lifted the set it waits for, else 0 (Linux's) */
	uint64_t saved_sigmask;      /* rt_sigsuspend, ppoll, pselect6 changed blocked: the mask to go back to... */
	bool restore_sigmask;        /* ...once the signal that ended the call is delivered */
	struct sigpending pending;   /* thread-directed signals (tkill, faults) */
	uint64_t sas_ss_sp, sas_ss_size; /* the alternate signal stack */
	unsigned int jobctl;         /* JOBCTL_*: senders and the task, interrupts off */

	/* User addresses the kernel writes at thread start and exit (the
	 * task itself: clone, set_tid_address, set_robust_list). */
	uint64_t set_child_tid;      /* CLONE_CHILD_SETTID: our tid goes here as we start */
	uint64_t clear_child_tid;    /* CLONE_CHILD_CLEARTID: 0 and a futex wake at exit */
	uint64_t robust_list;        /* struct robust_list_head: walked at exit (kernel/futex.c) */
	/* Restartable sequences (kernel/rseq.c): registered by the task
	 * itself; the event bits and rseq_notify set by the scheduler and
	 * signal delivery, cleared by the task on its way to user mode. */
	uint64_t rseq;               /* its struct rseq (0: none registered) */
	uint32_t rseq_sig;           /* ...and the signature before its abort addresses */
	unsigned long rseq_event_mask; /* RSEQ_EVENT_*: preempted or signalled since the last fixup */
	bool rseq_notify;            /* look at the rseq area before going back (Linux: TIF_NOTIFY_RESUME) */

	/* The machine-check kill policy and a pending memory-error kill:
	 * flags by the task itself (prctl), inherited at fork; mce_* by the
	 * #MC handler on this CPU, read on our return to user mode. */
	unsigned int flags;          /* PF_* */
	void (*mce_work)(void);      /* after an #MC: kill_me_maybe or kill_me_never (mce/core.c) */
	uint64_t mce_addr;           /* ...at this physical address (0: unknown) */

	/* The CPU state while we are not running: the task itself. */
	void *kstack;                /* lowest address of the kernel stack */
	struct trapframe *tf;        /* user registers, top of kstack */
	struct context *context;     /* kernel registers while switched out */
	uint64_t fs_base;            /* thread pointer (arch_prctl) */
	struct fpu_state fpu;
	uint64_t syscall_nr;         /* the system call in progress (restarts) */
#define FGET_HELD_MAX 4
	struct file *fget_held[FGET_HELD_MAX]; /* fget's references for it (fs/open.c) */
	int nr_fget_held;
	struct restart_block restart_block; /* ...and how it goes on (restart_syscall) */
	/* Time on the CPU (CLOCK_PROCESS_CPUTIME_ID): the scheduler, as it
	 * switches to and from us. */
	uint64_t sum_exec_runtime;   /* ns on the CPU before exec_start (sched.c) */
	uint64_t start_time;         /* CLOCK_MONOTONIC when it was made (/proc/PID/stat) */
	uint64_t exec_start;         /* MONOTONIC when it last got the CPU (sched.c) */
	struct task_cputime cputime; /* ticks that found us in user mode, in the kernel (cputime.c) */
	unsigned long nvcsw, nivcsw; /* switches away: sleeping, preempted or yielding (sched.c) */
};

extern struct proc *current;
extern struct proc *init_task; /* pid 1 */

void start_init(void);
/* A task's process's main thread is its group leader; a thread of its own
 * process is any other task with the same signal_struct. */
static inline bool thread_group_leader(const struct proc *p)
{
	return p->group_leader == p;
}

/* The threads of p's process in creation order, leader first:
 * for (t = first_thread(p); t; t = next_thread(t)). */
static inline struct proc *first_thread(const struct proc *p)
{
	const struct list_head *threads = &p->signal->thread_head;

	return list_empty(threads) ? NULL : list_first_entry(threads, struct proc, thread_node);
}

static inline struct proc *next_thread(const struct proc *t)
{
	const struct list_head *next = t->thread_node.next;

	return next == &t->signal->thread_head ? NULL : list_entry(next, struct proc, thread_node);
}
/* Tasks' kernel stacks allocated (meminfo's KernelStack): one a task. */
extern unsigned long nr_kernel_stacks;
/* Tasks made since boot: forks, clones, kernel threads (/proc/stat). */
extern unsigned long total_forks;
/* The pid given out last (/proc/loadavg). */
int last_pid_allocated(void);
struct proc *find_task_by_pid(int pid);
/* The thread group leader with the lowest pid >= pid, or NULL (for
 * /proc's directory listing; a scan of the pid table). */
struct proc *next_tgid(int pid);
/* p's address space with a reference (mmput), or NULL for a kernel
 * thread or a process that has exited. */
struct mm_struct *get_task_mm(struct proc *p);
/* A reference that keeps t's struct proc (not its mm or files) from being
 * freed; a zombie goes when it is reaped and the last reference is put. */
void get_task_struct(struct proc *t);
void put_task_struct(struct proc *t);
/* A kernel thread running fn(arg); it is runnable at once. */
struct proc *kthread_create(const char *name, void (*fn)(void *arg), void *arg);
/* A new process running the program in the initramfs file `name`; its
 * parent is the caller. Returns the process or a negative errno. */
long spawn_user(const char *name, int argc, char *const argv[]);
/* kernel/exit.c: this thread ends with status (wait4 encoding)... */
__attribute__((noreturn)) void do_exit(int status);
/* ...or every thread of its process does (exit_group, a fatal signal). */
__attribute__((noreturn)) void do_group_exit(int status);
/* A process lets go of its address space: the last user frees it. */
void mmput(struct mm_struct *mm);
/* execve: current leaves its address space for the new one, mm. */
void exec_mm_switch(struct mm_struct *mm);
/* What a wait found (Linux: struct waitid_info, plus the wait4 status). */
struct wait_result {
	int pid;
	int status;     /* wait4 encoding: exit<<8, sig, sig<<8|0x7f, 0xffff */
	int code;       /* waitid si_code: CLD_EXITED, CLD_KILLED, CLD_STOPPED, CLD_CONTINUED */
	int si_status;  /* waitid si_status: exit status or signal */
	bool oom_killed; /* the OOM killer's victim (the console's run says so) */
	char name[16];
	struct rusage rusage; /* the child's usage and its reaped children's (wait4, waitid) */
};

/*
 * Wait for a child (pid -1: any) to change state as `options`
 * (kernel/wait.h) asks -
 * exit (WEXITED: it is reaped, unless WNOWAIT), stop (WSTOPPED) or
 * continue (WCONTINUED) - and say how in *res. Returns its pid; 0 if
 * WNOHANG and none has; -ECHILD if there is no such child; -ERESTARTSYS
 * if a signal came.
 */
long do_wait(int pid, int options, struct wait_result *res);
/* Tell p's parent that p's process exited, stopped or continued
 * (why: CLD_*); kernel/exit.c. */
void notify_parent(struct proc *p, int why, int si_status);
/* kernel/signal.c: group stop and continue, group exit. From do_signal:
 * current (and every thread of its process) stops with sig until
 * SIGCONT or SIGKILL; sig 0: current joins a stop another thread began. */
void do_signal_stop(int sig);
/* SIGCONT: every stopped thread of p's process runs again (its parent
 * hears CLD_CONTINUED). */
void proc_continue(struct proc *p);
/* Make every thread of p's process exit with status `code` at its next
 * return to user mode (SIGKILL: nothing can stop it); Linux's
 * zap_other_threads. */
void proc_kill(struct proc *p, int code);
/* Take p out of an interruptible sleep; it rechecks why it slept. */
void proc_wake(struct proc *p);

/* kernel/sched.c */
void scheduler(void) __attribute__((noreturn));
void make_runnable(struct proc *p);
void sched(void);
void yield(void);
/* For long loops in the kernel, which nothing preempts: give the CPU to
 * whoever waits if our slice is over (Linux's cond_resched). */
void cond_resched(void);
/* Sleep for `ticks` timer ticks, whatever else happens (Linux's
 * schedule_timeout_uninterruptible): the OOM killer's wait for its
 * victim to exit. */
void schedule_timeout_uninterruptible(uint64_t ticks);
void sched_tick(struct trapframe *tf);
/* ns the CPU had nothing to run (/proc/uptime's second number). */
uint64_t sched_idle_ns(void);
/* Context switches since boot (/proc/stat's ctxt). */
uint64_t nr_context_switches(void);
/* Tasks running or waiting for the CPU (/proc/stat, /proc/loadavg); a
 * walk of the run queue. */
unsigned int nr_running(void);
/* ns p has run, user and kernel (CLOCK_THREAD_CPUTIME_ID)... */
uint64_t task_sched_runtime(const struct proc *p);
/* ...and all of p's process's threads, gone ones too (CLOCK_PROCESS_CPUTIME_ID). */
uint64_t thread_group_sched_runtime(const struct proc *p);

/* kernel/run.c: the console's process commands. */
struct seq_file;
int ps_show(struct seq_file *m);
int cmd_run(int argc, char **argv);
int cmd_kill(int argc, char **argv);
int cmd_fg(int argc, char **argv);
int cmd_sh(int argc, char **argv);
void report_finished_jobs(void);
/* For ps and the console (never a recovery path): call fn on every
 * thread group leader (threads: p->signal->thread_head). */
void for_each_process(void (*fn)(struct proc *p, void *arg), void *arg);

/* kernel/proc.c, for fork.c and exit.c: the pieces of a task. */
/* A task in EMBRYO state with a pid, a kernel stack and room for its
 * user registers, whose first swtch() enters `start`; it belongs to no
 * process and has no parent yet. NULL if memory or pids are short. */
struct proc *alloc_task(const char *name, void (*start)(void));
/* A task that never ran goes away with whatever it holds. */
void free_embryo(struct proc *p);
/* p leads a new thread group (Linux: copy_signal); false if memory is short. */
bool new_thread_group(struct proc *p);
/* A copy of `from`'s signal actions (NULL: all SIG_DFL), or NULL. */
struct sighand_struct *copy_sighand(const struct sighand_struct *from);
/* p is a child of parent (on its children list). */
void add_child(struct proc *p, struct proc *parent);
/* The task's pid is free again and it is on no list (its struct goes
 * with its last reference; see exit.c). Interrupts off. */
void unhash_task(struct proc *p);
void mm_add_task(struct mm_struct *mm, struct proc *p);
void mm_drop_task(struct proc *p);
struct mm_struct *mmget(struct mm_struct *mm);
/* mmget of an mm found on a list (swap's, khugepaged's), unless it is
 * already being torn down (mm_users 0: mm_release may sleep while it
 * unmaps) - taking it then would tear it down twice. */
bool mmget_not_zero(struct mm_struct *mm);
/* The first time a user task runs, swtch() "returns" here. */
void first_run(void);
/* a and b swap pids (execve in a thread takes the leader's). */
void exchange_tids(struct proc *a, struct proc *b);
/* kernel/exit.c: execve in thread t: t replaces the (zombie) leader. */
void take_over_leader(struct proc *t, struct proc *leader);
/* kernel/fork.c: a vfork child has exec'ed or exits: its parent may go on. */
void complete_vfork_done(struct proc *p);

/* kernel/futex.c: the thread leaves its address space (exit, exec):
 * its robust futexes are marked dead and clear_child_tid is cleared
 * and woken (Linux: exit_mm_release, exec_mm_release). */
void futex_mm_release(struct proc *t);

#endif
