#include "kernel/mutex.h"
#include "kernel/panic.h"
#include "kernel/proc.h"
#include "kernel/x86.h"

/* Interrupts are off from the check to the sleep, so that the wake-up of
 * an unlock (which may come from an interrupt's work) cannot slip in
 * between and be lost. */

void mutex_init(struct mutex *m)
{
	m->owner = NULL;
	init_waitqueue_head(&m->waiters);
}

void mutex_lock(struct mutex *m)
{
	bool was_on = irq_save();

	if (m->owner == current)
		panic("mutex_lock: %s:%d takes a mutex it already holds", current->comm, current->pid);
	while (m->owner)
		sleep_on(&m->waiters);
	m->owner = current;
	irq_restore(was_on);
}

void mutex_unlock(struct mutex *m)
{
	if (m->owner != current)
		panic("mutex_unlock: %s:%d does not hold this mutex", current->comm, current->pid);
	m->owner = NULL;
	wake_up(&m->waiters);
}

bool mutex_is_locked(const struct mutex *m)
{
	return m->owner != NULL;
}

void init_rwsem(struct rw_semaphore *sem)
{
	*sem = (struct rw_semaphore){ 0 };
	init_waitqueue_head(&sem->waiters);
}

void down_read(struct rw_semaphore *sem)
{
	bool was_on = irq_save();

	if (sem->writer == current)
		panic("down_read: %s:%d holds this lock for writing: it would wait for itself",
		      current->comm, current->pid);

	while (sem->writer || sem->writers_waiting)
		sleep_on(&sem->waiters);
	sem->readers++;
	irq_restore(was_on);
}

void up_read(struct rw_semaphore *sem)
{
	bool was_on = irq_save();

	if (sem->readers <= 0)
		panic("up_read: the lock is not held for reading");
	/* The last reader lets a waiting writer in. Nearly always nobody
	 * waits, and every page fault comes here: no call for nothing. */
	if (--sem->readers == 0 && !list_empty(&sem->waiters.sleepers))
		wake_up(&sem->waiters);
	irq_restore(was_on);
}

void down_write(struct rw_semaphore *sem)
{
	bool was_on = irq_save();

	sem->writers_waiting++;
	while (sem->writer || sem->readers)
		sleep_on(&sem->waiters);
	sem->writers_waiting--;
	sem->writer = current;
	irq_restore(was_on);
}

void up_write(struct rw_semaphore *sem)
{
	if (sem->writer != current)
		panic("up_write: %s:%d does not hold the lock for writing", current->comm, current->pid);
	sem->writer = NULL;
	if (!list_empty(&sem->waiters.sleepers)) /* as up_read */
		wake_up(&sem->waiters);
}
