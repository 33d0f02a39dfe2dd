/*
 * Self test of the sleeping locks (console: selftest locks). Kernel
 * threads contend for a mutex, a reader/writer lock and a page lock, and
 * yield the CPU while holding them, so that the others really have to
 * wait. Each checks, inside, that nobody is there who should not be.
 */
#include "kernel/lock_selftest.h"
#include "kernel/mutex.h"
#include "kernel/printk.h"
#include "kernel/proc.h"
#include "kernel/wait.h"
#include "mm/buddy.h"
#include "mm/filemap.h"

#define THREADS 3
#define ROUNDS 40

static struct {
	struct mutex mutex;
	struct rw_semaphore rwsem;
	struct page *page;
	int inside;          /* holders of the exclusive lock under test */
	int readers_inside;
	int most_readers;    /* the most readers seen inside at once */
	int violations;
} t;

static void check_alone(void)
{
	if (++t.inside != 1)
		t.violations++;
	yield(); /* the others run now and must find the lock taken */
	t.inside--;
}

static void mutex_thread(void *arg)
{
	(void)arg;
	for (int i = 0; i < ROUNDS; i++) {
		mutex_lock(&t.mutex);
		check_alone();
		mutex_unlock(&t.mutex);
		yield();
	}
}

static void page_lock_thread(void *arg)
{
	(void)arg;
	for (int i = 0; i < ROUNDS; i++) {
		lock_page(t.page);
		check_alone();
		unlock_page(t.page);
		yield();
	}
}

static void reader_thread(void *arg)
{
	(void)arg;
	for (int i = 0; i < ROUNDS; i++) {
		down_read(&t.rwsem);
		if (t.inside)
			t.violations++; /* a writer is in */
		t.readers_inside++;
		if (t.readers_inside > t.most_readers)
			t.most_readers = t.readers_inside;
		yield();
		t.readers_inside--;
		up_read(&t.rwsem);
		yield();
	}
}

static void writer_thread(void *arg)
{
	(void)arg;
	for (int i = 0; i < ROUNDS; i++) {
		down_write(&t.rwsem);
		if (t.readers_inside)
			t.violations++;
		check_alone();
		up_write(&t.rwsem);
		yield();
	}
}

/* Start the threads, wait for all of them; how many rules were broken. */
static int contend(const char *what, void (*const fn[THREADS])(void *))
{
	int pids[THREADS];

	t.violations = 0;
	for (int i = 0; i < THREADS; i++)
		pids[i] = kthread_create(what, fn[i], NULL)->pid;
	for (int i = 0; i < THREADS; i++) {
		struct wait_result res;
		while (do_wait(pids[i], WEXITED, &res) != pids[i])
			;
	}
	kprintf("selftest locks: %s: %d threads x %d rounds, %d violations\n", what, THREADS,
		ROUNDS, t.violations);
	return t.violations;
}

int selftest_locks(void)
{
	static void (*const mutexes[THREADS])(void *) = { mutex_thread, mutex_thread, mutex_thread };
	static void (*const page_locks[THREADS])(void *) = { page_lock_thread, page_lock_thread,
							    page_lock_thread };
	static void (*const rw[THREADS])(void *) = { reader_thread, reader_thread, writer_thread };
	int bad = 0;

	mutex_init(&t.mutex);
	init_rwsem(&t.rwsem);
	t.page = alloc_page();
	if (!t.page)
		return -1;
	bad += contend("mutex", mutexes);
	bad += contend("page lock", page_locks);
	bad += contend("rwsem", rw);
	if (t.most_readers < 2) {
		kprintf("selftest locks: readers never shared the rwsem\n");
		bad++;
	}
	if (mutex_is_locked(&t.mutex) || page_test(t.page, PG_locked) || t.rwsem.readers ||
	    t.rwsem.writer) {
		kprintf("selftest locks: a lock is still held at the end\n");
		bad++;
	}
	free_page(t.page);
	return bad;
}
