/*
 * Processes. Each has a kernel stack, on which it runs whenever it is in
 * the kernel (a system call, an interrupt, a fault); the saved user
 * registers sit at the top of that stack (tf). Kernel threads have no
 * user half (mm == NULL).
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

/* STOPPED: by a stop signal, on no queue until SIGCONT or SIGKILL. */
enum procstate { EMBRYO, RUNNABLE, RUNNING, SLEEPING, STOPPED, ZOMBIE };

/* The registers swtch() saves (kernel/switch.asm pushes them in this
 * order, so they sit in memory bottom-up like this). */
struct context {
	uint64_t r15, r14, r13, r12, rbx, rbp, rip;
};

struct mm_struct;
struct files_struct;

struct proc {
	int pid;
	enum procstate state;
	char name[16];
	struct proc *parent;
	struct list_head children;   /* our children, through their sibling */
	struct list_head sibling;
	struct list_head all;        /* every process, for ps */
	struct list_head run;        /* on the run queue, or a wait queue */
	void *kstack;                /* lowest address of the kernel stack */
	struct trapframe *tf;        /* user registers, top of kstack */
	struct context *context;     /* kernel registers while switched out */
	struct mm_struct *mm;        /* NULL for kernel threads */
	struct files_struct *files;  /* open file descriptors; NULL for kernel threads */
	struct wait_queue_head child_exit; /* wait4() sleeps here */
	struct wait_queue_head vfork_done; /* a CLONE_VFORK parent sleeps here */
	bool in_vfork;               /* our parent sleeps until we exec or exit */
	int exit_status;             /* wait4() status encoding */
	int stop_code;               /* stopped by this signal, not yet reported to a wait */
	bool continued;              /* continued by SIGCONT, not yet reported to a wait */
	bool killed;                 /* exit at the next return to user mode */
	uint64_t syscall_nr;         /* the system call in progress (restarts) */
	struct restart_block restart_block; /* ...and how it goes on (restart_syscall) */
	uint64_t sum_exec_runtime;   /* ns on the CPU before exec_start (sched.c) */
	uint64_t exec_start;         /* MONOTONIC when it last got the CPU (sched.c) */
	bool mce_kill_me;            /* consumed corrupt data: see mce_kill_me_maybe */
	uint64_t mce_addr;           /* ...at this physical address (0: unknown) */
	bool mce_kill_set;           /* prctl(PR_MCE_KILL_SET) chose a policy... */
	bool mce_kill_early;         /* ...and it is early kill */
	int kill_signal;             /* ...with this signal */
	uint64_t fs_base;            /* thread pointer (arch_prctl) */
	void (*thread_fn)(void *arg); /* a kernel thread's work */
	void *thread_arg;
	struct signal_state signal;
	struct fpu_state fpu;
};

extern struct proc *current;
extern struct proc *init_task; /* pid 1 */

void start_init(void);
struct proc *find_task_by_pid(int pid);
/* A kernel thread running fn(arg); it is runnable at once. */
struct proc *kthread_create(const char *name, void (*fn)(void *arg), void *arg);
/* A new process running the program in the initramfs file `name`; its
 * parent is the caller. Returns the process or a negative errno. */
long spawn_user(const char *name, int argc, char *const argv[]);
__attribute__((noreturn)) void do_exit(int status);
/* A process lets go of its address space: the last user frees it. */
void mmput(struct mm_struct *mm);
/* A vfork child has exec'ed or exits: its parent may go on. */
void complete_vfork_done(struct proc *p);
/* What a wait found (Linux: struct waitid_info, plus the wait4 status). */
struct wait_result {
	int pid;
	int status;     /* wait4 encoding: exit<<8, sig, sig<<8|0x7f, 0xffff */
	int code;       /* waitid si_code: CLD_EXITED, CLD_KILLED, CLD_STOPPED, CLD_CONTINUED */
	int si_status;  /* waitid si_status: exit status or signal */
	char name[16];
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
/* From do_signal: current stops with sig until SIGCONT or SIGKILL. */
void do_signal_stop(int sig);
/* SIGCONT: a stopped p runs again (its parent hears CLD_CONTINUED). */
void proc_continue(struct proc *p);
/* Make p exit with signal sig at its next return to user mode (SIGKILL:
 * nothing can stop it). */
void proc_kill(struct proc *p, int sig);
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
void sched_tick(struct trapframe *tf);
/* ns p has run, user and kernel (CLOCK_PROCESS_CPUTIME_ID). */
uint64_t task_sched_runtime(const struct proc *p);

/* kernel/run.c: the console's process commands. */
int cmd_ps(int argc, char **argv);
int cmd_run(int argc, char **argv);
int cmd_kill(int argc, char **argv);
void report_finished_jobs(void);
/* For ps: call fn on every process. */
void for_each_process(void (*fn)(struct proc *p));

#endif
