/*
 * Restartable sequences (Linux's kernel/rseq.c, as in 6.1): a thread
 * registers a struct rseq in its memory; the kernel keeps the CPU it runs
 * on there, and when the thread is preempted or gets a signal inside a
 * critical section it describes (struct rseq_cs), the kernel moves it to
 * the section's abort address instead of back to where it was. A C
 * library uses this for per-CPU data without atomics; glibc registers
 * every thread.
 */
#ifndef KERNEL_RSEQ_H
#define KERNEL_RSEQ_H

#include "kernel/trap.h"
#include "lib/types.h"

/* Bits of proc->rseq_event_mask: what happened since the last fixup. */
#define RSEQ_EVENT_PREEMPT (1UL << 0)
#define RSEQ_EVENT_SIGNAL (1UL << 1)

struct proc;

/* The task is switched away from (kernel/sched.c:sched). */
void rseq_preempt(struct proc *p);
/* A signal handler is about to be set up on tf (kernel/signal_frame.c):
 * false if the rseq area is bad, and the caller forces a SIGSEGV. */
bool rseq_signal_deliver(struct trapframe *tf);
/* On the way back to user mode, if an event is pending (kernel/trap.c). */
void rseq_handle_notify_resume(struct trapframe *tf);
/* fork: a child in its own address space keeps the registration, one
 * sharing ours (a thread, vfork) has none; exec drops it. */
void rseq_fork(struct proc *p, bool shares_mm);
void rseq_execve(struct proc *p);

#endif
