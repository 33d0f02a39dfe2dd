/*
 * Signals, with Linux's numbers, structures and x86-64 signal frame, so
 * that a C library's sigaction(), handlers and siglongjmp() work as on
 * Linux.
 */
#ifndef KERNEL_SIGNAL_H
#define KERNEL_SIGNAL_H

#include "kernel/cputime.h"
#include "kernel/hrtimer.h"
#include "kernel/itimer.h"
#include "kernel/resource.h"
#include "kernel/trap.h"
#include "kernel/waitqueue.h"
#include "lib/list.h"
#include "lib/types.h"

#define NSIG 64
#define SIGHUP 1
#define SIGINT 2
#define SIGQUIT 3
#define SIGILL 4
#define SIGTRAP 5
#define SIGABRT 6
#define SIGBUS 7
#define SIGFPE 8
#define SIGKILL 9
#define SIGUSR1 10
#define SIGSEGV 11
#define SIGUSR2 12
#define SIGPIPE 13
#define SIGALRM 14
#define SIGTERM 15
#define SIGCHLD 17
#define SIGCONT 18
#define SIGSTOP 19
#define SIGTSTP 20
#define SIGTTIN 21
#define SIGTTOU 22
#define SIGURG 23
#define SIGVTALRM 26
#define SIGPROF 27
#define SIGWINCH 28

/* si_code values. */
#define SI_USER 0
#define SI_KERNEL 0x80
#define ILL_ILLOPN 2
#define FPE_INTDIV 1
#define SI_TKILL (-6)
#define SEGV_MAPERR 1
#define SEGV_ACCERR 2
#define BUS_ADRERR 2    /* no such address in the object: a file mapping beyond its end */
#define BUS_MCEERR_AR 4 /* hardware memory error consumed: action required */
#define BUS_MCEERR_AO 5 /* hardware memory error found: action optional */
#define CLD_EXITED 1
#define CLD_KILLED 2
#define CLD_STOPPED 5
#define CLD_CONTINUED 6

#define SIG_DFL 0UL
#define SIG_IGN 1UL

/* sig's bit in a signal set (sigset_t: bit 0 is signal 1). */
static inline uint64_t sigmask(int sig)
{
	return 1ULL << (sig - 1);
}

/* What no mask, handler or sigprocmask can block. */
#define SIG_KERNEL_ONLY_MASK (sigmask(SIGKILL) | sigmask(SIGSTOP))

#define SA_NOCLDSTOP 0x00000001UL /* no SIGCHLD when a child stops or continues */
#define SA_SIGINFO 0x00000004UL
#define SA_RESTORER 0x04000000UL
#define SA_ONSTACK 0x08000000UL
#define SA_RESTART 0x10000000UL
#define SA_NODEFER 0x40000000UL
#define SA_RESETHAND 0x80000000UL

/* Linux's siginfo_t: 128 bytes; the fields used here. */
struct siginfo {
	int si_signo, si_errno, si_code, pad0;
	union {
		struct {
			int pid;
			unsigned uid;
			int status; /* SIGCHLD */
		} proc;
		struct {
			uint64_t addr;
			short addr_lsb; /* BUS_MCEERR_*: log2 of the bad block's size */
		} fault;
		uint8_t pad[112];
	};
};

struct k_sigaction {
	uint64_t handler, flags, restorer, mask;
};

/* What a pending signal carries until delivery; struct siginfo is built
 * from it then, with the layout the signal's kind calls for. */
struct sig_pending_info {
	int code, pid, status;
	short addr_lsb;
	uint64_t addr;
};

/* Signals waiting for delivery: a bit per signal (sig - 1), and what
 * each one's siginfo will say. A standard signal is pending at most once,
 * so one slot per signal is enough (no real-time queues). Linux's struct
 * sigpending. */
struct sigpending {
	uint64_t signal;
	struct sig_pending_info info[NSIG + 1];
};

/* The signal actions, shared by the threads of a process (CLONE_SIGHAND):
 * fork copies them, execve resets them in a private copy. Linux's
 * struct sighand_struct. Its tasks change it (rt_sigaction, execve, a
 * fault forcing SIG_DFL), never from an interrupt. */
struct sighand_struct {
	int count;                      /* tasks using it; irq-off; the last frees it */
	struct k_sigaction action[NSIG + 1];
};

/* Who a signal is for: one thread (tkill, faults, a memory error's
 * SIGBUS) or the whole process, whose threads any may take it (kill). A
 * process group and a session are the other kinds of id a process has
 * (kernel/pgrp.c). */
enum pid_type { PIDTYPE_PID, PIDTYPE_TGID, PIDTYPE_PGID, PIDTYPE_SID, PIDTYPE_MAX };
struct pid;
struct tty_struct;

/* signal_struct.flags */
#define SIGNAL_STOP_STOPPED 0x1   /* every thread has stopped: a group stop is complete */
#define SIGNAL_STOP_CONTINUED 0x2 /* continued by SIGCONT, not yet reported to a wait */
#define SIGNAL_GROUP_EXIT 0x4     /* a fatal signal: every thread exits with group_exit_code */

/* What the threads of one process (a thread group) share about signals,
 * exit and job control. Linux's struct signal_struct. Everything is
 * changed with interrupts off: signals are sent from interrupt context
 * (the console, the machine-check kworker) too. */
struct signal_struct {
	int sigcnt;                     /* tasks holding it: each thread until freed */
	int nr_threads;                 /* threads in the group, live or zombie */
	int live;                       /* threads not yet exiting: 0, the group is dead */
	struct list_head thread_head;   /* the threads, leader first, through task->thread_node */
	struct sigpending shared_pending; /* process-directed signals (kill, SIGCHLD) */
	struct wait_queue_head wait_chldexit; /* wait4() of any of our threads sleeps here */
	unsigned int flags;             /* SIGNAL_* */
	int group_exit_code;            /* SIGNAL_GROUP_EXIT: the signal we all die of */
	int stop_code;                  /* stopped by this signal, not yet reported to a wait */
	int group_stop_count;           /* threads still to stop before the group stop is complete */
	struct proc *group_exec_task;   /* a thread in execve, waiting for the others to go (de_thread) */
	uint64_t sum_sched_runtime;     /* ns on the CPU of threads already gone */
	/* CPU time and usage (kernel/cputime.c, kernel/sys.c): the tick adds
	 * to cputime, interrupts off; a reaped thread adds its switches, a
	 * reaped child (wait) its process's and its children's to c*. */
	struct task_cputime cputime;    /* the ticks of every thread, live or gone */
	uint64_t cutime, cstime;        /* ns: reaped children's, as getrusage reports them */
	unsigned long nvcsw, nivcsw, cnvcsw, cnivcsw; /* context switches: gone threads', children's */
	unsigned long maxrss, cmaxrss;  /* pages: the largest rss at an exit; a child's largest */
	/* ITIMER_VIRTUAL and ITIMER_PROF (kernel/itimer.c): run out by the tick. */
	struct cpu_itimer it[2];
	struct rlimit rlim[RLIM_NLIMITS]; /* the resource limits (kernel/sys.c), copied at fork */
	struct sem_undo_list *sysvsem_undo; /* SEM_UNDO adjustments (ipc/sem.c), NULL: none */
	/* ITIMER_REAL (kernel/itimer.c): set by setitimer and alarm, run
	 * out with interrupts off; stopped when the last thread exits. */
	struct hrtimer real_timer;
	bool real_timer_ready;          /* hrtimer_init done (a fork child's is not) */
	uint64_t it_real_incr;          /* its interval in ns; 0: once */
	/* Process group and session (kernel/pgrp.c) and the controlling
	 * terminal (drivers/tty/tty_jobctrl.c): inherited at fork, changed
	 * by setsid, setpgid, TIOCSCTTY and reaping, interrupts off. */
	struct pid *pids[PIDTYPE_MAX];  /* [PIDTYPE_PGID], [PIDTYPE_SID]; NULL: id 0 */
	struct list_head pid_links[PIDTYPE_MAX]; /* on pids[type]->tasks */
	bool leader;                    /* a session leader (setsid) */
	struct tty_struct *tty;         /* the controlling terminal, or NULL */
	/* The OOM killer (mm/oom_kill.c): how much to prefer this process
	 * as its victim, -1000 (never) to 1000, and how low an unprivileged
	 * writer may set it (/proc/PID/oom_score_adj); copied at fork. */
	short oom_score_adj;
	short oom_score_adj_min;
	bool oom_victim;                /* chosen: dying of its SIGKILL (Linux: oom_mm) */
};

/* How an interrupted system call goes on (-ERESTART_RESTARTBLOCK):
 * restart_syscall() calls fn. Linux's struct restart_block. */
struct restart_block {
	long (*fn)(struct restart_block *rb);
	union {
		struct {
			uint64_t expires; /* nanosleep: the deadline, in ns on... */
			uint64_t clockid; /* ...this clock */
			uint64_t rmtp;    /* ...and where to write the time left, or 0 */
		};
		struct {                  /* FUTEX_WAIT with a timeout (kernel/futex.c) */
			uint64_t uaddr, time; /* the word; the deadline */
			uint32_t val, bitset;
			bool shared, realtime;
		} futex;
	};
};

struct proc;
struct sem_undo_list;

/* Queue sig for p (type: for that thread, or for its process) with what
 * its siginfo should say. */
void do_send_sig_info(int sig, const struct sig_pending_info *info, struct proc *p,
		      enum pid_type type);
/* The same, for p's process (Linux: group_send_sig_info). */
void send_signal(struct proc *p, int sig, const struct sig_pending_info *info);
/* A signal that would interrupt a sleep (wait4, nanosleep: -EINTR). */
bool signal_pending(const struct proc *p);
/* p is going to die (SIGKILL, or a signal whose default action kills and
 * that nothing blocks or catches): long loops in the kernel stop early. */
bool fatal_signal_pending(const struct proc *p);
/* A signal the process cannot block or ignore right now (faults): if it
 * is blocked or ignored, the default action (death) happens anyway. */
void force_sig_fault(int sig, int code, uint64_t addr, short addr_lsb);
/* The frame for sig, or the task's rseq area, is bad: a SIGSEGV (if sig
 * was SIGSEGV, an uncatchable one; 0: no signal was being delivered). */
void force_sigsegv(int sig);
/* On every return to user mode: act on pending signals
 * (kernel/signal_frame.c). */
void do_signal(struct trapframe *tf);
/* For do_signal: the next signal whose handler is to run, 0 if none
 * (defaults are done here); then, once its frame is built, the mask the
 * handler runs with; or, if none ran, the mask sigsuspend saved. */
int get_signal(struct sig_pending_info *info);
void signal_setup_done(int sig);
void restore_saved_sigmask(void);
/* The siginfo a handler (or sigtimedwait) sees for a pending signal. */
void build_siginfo(struct siginfo *si, int sig, const struct sig_pending_info *pi);
/* t begins to exit: no signal is delivered to it any more; a group stop
 * does not wait for it, and another thread takes the process's signals. */
void exit_signals(struct proc *t);
/* A new thread joins a group stop in progress (Linux: task_join_group_stop). */
void task_join_group_stop(struct proc *t);
/* execve in a thread: every other thread of p's process dies (a SIGKILL
 * of its own); returns how many (Linux: zap_other_threads). */
int zap_other_threads(struct proc *p);
/* Every action that is not SIG_IGN becomes SIG_DFL (execve, CLONE_CLEAR_SIGHAND). */
void flush_signal_handlers(struct sighand_struct *sighand);

long sys_rt_sigaction(uint64_t sig, uint64_t act, uint64_t oact, uint64_t size);
long sys_rt_sigprocmask(uint64_t how, uint64_t set, uint64_t oset, uint64_t size);
long sys_rt_sigreturn(void);
long sys_restart_syscall(void);
long sys_rt_sigpending(uint64_t set, uint64_t size);
long sys_rt_sigsuspend(uint64_t set, uint64_t size);
long sys_rt_sigtimedwait(uint64_t set, uint64_t info, uint64_t ts, uint64_t size);
/* Sleep until a signal is pending for us (pause, rt_sigsuspend). */
void wait_for_signal(void);
long sys_sigaltstack(uint64_t ss, uint64_t oss);
long sys_tkill(uint64_t tid, uint64_t sig);
long sys_tgkill(uint64_t tgid, uint64_t tid, uint64_t sig);

#endif
