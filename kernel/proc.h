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

enum procstate { EMBRYO, RUNNABLE, RUNNING, SLEEPING, ZOMBIE };

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
	int exit_status;             /* wait4() status encoding */
	bool killed;                 /* exit at the next return to user mode */
	uint64_t syscall_nr;         /* the system call in progress (restarts) */
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
/* Wait for a child (pid -1: any) to exit and reap it: its pid, with its
 * status and name (either may be NULL); 0 if nohang and none has exited;
 * -ECHILD if there is no such child; -ERESTARTSYS if a signal came. */
long kernel_wait4(int pid, int *status, char name[16], bool nohang);
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
