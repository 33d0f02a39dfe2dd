/*
 * Sleeping locks (Linux: include/linux/mutex.h, rwsem.h). The kernel runs
 * on one CPU and is never preempted, so code that does not sleep needs no
 * lock at all. A lock is needed only around work that may sleep in the
 * middle - waiting for a disk, for memory, for another process - while
 * others must not see or change the half-done state. A waiter sleeps on
 * the lock's wait queue; when it wakes it checks the lock again, since
 * someone else may have taken it first.
 */
#ifndef KERNEL_MUTEX_H
#define KERNEL_MUTEX_H

#include "kernel/waitqueue.h"
#include "lib/types.h"

struct proc;

struct mutex {
	struct proc *owner;            /* who holds it; NULL = free */
	struct wait_queue_head waiters;
};

#define MUTEX_INIT(name) { NULL, WAIT_QUEUE_INIT((name).waiters) }

void mutex_init(struct mutex *m);
void mutex_lock(struct mutex *m);
void mutex_unlock(struct mutex *m);
bool mutex_is_locked(const struct mutex *m);

/*
 * A reader/writer lock: any number of readers, or one writer. A writer
 * that waits holds back new readers, so a stream of readers cannot
 * starve it. mm->mmap_lock is one: page faults read the address space,
 * mmap/munmap/mprotect change it.
 */
struct rw_semaphore {
	int readers;                   /* holding it for reading */
	struct proc *writer;           /* holding it for writing; NULL if none */
	int writers_waiting;
	struct wait_queue_head waiters;
};

#define RWSEM_INIT(name) { 0, NULL, 0, WAIT_QUEUE_INIT((name).waiters) }

void init_rwsem(struct rw_semaphore *sem);
void down_read(struct rw_semaphore *sem);
/* Take it for reading if nobody holds or awaits it for writing; false
 * otherwise (Linux's down_read_trylock). Inline, for the page fault, and
 * with interrupts left alone: no interrupt handler takes a lock that may
 * sleep, and the kernel is never preempted, so nothing can come between
 * the test and the count. */
static inline bool down_read_trylock(struct rw_semaphore *sem)
{
	if (sem->writer || sem->writers_waiting)
		return false;
	sem->readers++;
	return true;
}
void up_read(struct rw_semaphore *sem);
void down_write(struct rw_semaphore *sem);
void up_write(struct rw_semaphore *sem);

#endif
