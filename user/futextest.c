/*
 * Futexes as Linux runs them, through the raw system call and musl's
 * robust mutexes: errors, relative and absolute timeouts on both clocks,
 * bitsets, REQUEUE and CMP_REQUEUE, a shared word across processes,
 * robust lists at exit; and the raw clone calls, with the tid words the
 * kernel writes and wakes (CLONE_CHILD_SETTID, CLONE_CHILD_CLEARTID),
 * CLONE_PARENT and clone3. (Futexes under thread contention and signals
 * are threadtest's.) Prints one line per check and a summary; exits 0
 * only if every check passed.
 */
#define _GNU_SOURCE
#include <limits.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <sys/mman.h>

#include "check.h"
#include "threads.h"

static uint32_t word, word2;

struct waiter {
	uint32_t *addr;
	uint32_t bitset;
	pid_t tid;
	long ret;
};

static void *wait_on(void *arg)
{
	struct waiter *w = arg;
	w->tid = gettid_();
	w->ret = futex(w->addr, FUTEX_WAIT_BITSET | FUTEX_PRIVATE_FLAG, 0, NULL, NULL, w->bitset);
	return NULL;
}

static void start_waiters(struct waiter *w, pthread_t *th, int n)
{
	for (int i = 0; i < n; i++)
		pthread_create(&th[i], NULL, wait_on, &w[i]);
	for (int i = 0; i < n; i++) {
		while (!__atomic_load_n(&w[i].tid, __ATOMIC_SEQ_CST))
			sched_yield();
		wait_state(getpid(), w[i].tid, 'S');
	}
}

static void futex_errors_and_timeouts(void)
{
	struct timespec rel = { 0, 50000000 }, bad = { 0, 1000000000 };

	word = 1;
	check_err(futex(&word, FUTEX_WAIT_PRIVATE, 0, NULL, NULL, 0), EAGAIN,
		  "FUTEX_WAIT on a changed value: EAGAIN");
	check_err(futex((char *)&word + 1, FUTEX_WAIT_PRIVATE, 1, NULL, NULL, 0), EINVAL,
		  "FUTEX_WAIT unaligned: EINVAL");
	check_err(futex((void *)16, FUTEX_WAIT_PRIVATE, 0, NULL, NULL, 0), EFAULT,
		  "FUTEX_WAIT on an unmapped address: EFAULT");
	check_err(futex(&word, FUTEX_WAIT_PRIVATE, 1, &bad, NULL, 0), EINVAL,
		  "FUTEX_WAIT with tv_nsec 1e9: EINVAL");
	check_err(futex(&word, FUTEX_WAIT_PRIVATE, 1, (void *)8, NULL, 0), EFAULT,
		  "FUTEX_WAIT with a bad timeout pointer: EFAULT");
	check_err(futex(&word, FUTEX_WAIT | FUTEX_CLOCK_REALTIME, 1, &rel, NULL, 0), ENOSYS,
		  "FUTEX_WAIT|FUTEX_CLOCK_REALTIME: ENOSYS (Linux 6.1)");
	check_err(futex(&word, FUTEX_WAKE_BITSET, 1, NULL, NULL, 0), EINVAL,
		  "FUTEX_WAKE_BITSET with bitset 0: EINVAL");
	check_err(futex(&word, 99, 1, NULL, NULL, 0), ENOSYS, "unknown futex op: ENOSYS");
	check(futex(&word, FUTEX_WAKE_PRIVATE, 1, NULL, NULL, 0) == 0, "FUTEX_WAKE with no waiters: 0");

	uint64_t start = now_ns(CLOCK_MONOTONIC);
	check_err(futex(&word, FUTEX_WAIT_PRIVATE, 1, &rel, NULL, 0), ETIMEDOUT,
		  "FUTEX_WAIT relative 50 ms: ETIMEDOUT");
	check(now_ns(CLOCK_MONOTONIC) - start >= 50000000, "...not before 50 ms");
	struct timespec at = { 0, 0 };
	uint64_t deadline = now_ns(CLOCK_MONOTONIC) + 30000000;
	at.tv_sec = (time_t)(deadline / 1000000000);
	at.tv_nsec = (long)(deadline % 1000000000);
	check_err(futex(&word, FUTEX_WAIT_BITSET_PRIVATE, 1, &at, NULL, FUTEX_BITSET_MATCH_ANY),
		  ETIMEDOUT, "FUTEX_WAIT_BITSET absolute MONOTONIC: ETIMEDOUT");
	check(now_ns(CLOCK_MONOTONIC) >= deadline, "...at its deadline");
	deadline = now_ns(CLOCK_REALTIME) + 30000000;
	at.tv_sec = (time_t)(deadline / 1000000000);
	at.tv_nsec = (long)(deadline % 1000000000);
	check_err(futex(&word, FUTEX_WAIT_BITSET_PRIVATE | FUTEX_CLOCK_REALTIME, 1, &at, NULL,
			FUTEX_BITSET_MATCH_ANY), ETIMEDOUT,
		  "FUTEX_WAIT_BITSET|FUTEX_CLOCK_REALTIME absolute: ETIMEDOUT");
	check(now_ns(CLOCK_REALTIME) >= deadline, "...at its REALTIME deadline");
}

static void futex_bitsets_and_requeue(void)
{
	struct waiter w[3] = { { .addr = &word, .bitset = 1 }, { .addr = &word, .bitset = 2 },
			       { .addr = &word, .bitset = 2 } };
	pthread_t th[3];

	word = 0;
	start_waiters(w, th, 3);
	check(futex(&word, FUTEX_WAKE_BITSET_PRIVATE, INT_MAX, NULL, NULL, 4) == 0,
	      "FUTEX_WAKE_BITSET with a bit nobody waits on wakes none");
	check(futex(&word, FUTEX_WAKE_BITSET_PRIVATE, INT_MAX, NULL, NULL, 1) == 1,
	      "FUTEX_WAKE_BITSET 1 wakes the one waiter with bit 1");
	pthread_join(th[0], NULL);
	check(w[0].ret == 0, "...whose wait returns 0");
	check_err(futex(&word, FUTEX_CMP_REQUEUE_PRIVATE, 0, (void *)1, &word2, 5), EAGAIN,
		  "FUTEX_CMP_REQUEUE with a changed value: EAGAIN");
	check(futex(&word, FUTEX_CMP_REQUEUE_PRIVATE, 0, (void *)INT_MAX, &word2, 0) == 2,
	      "FUTEX_CMP_REQUEUE moves both others to a second word (returns 2)");
	check(futex(&word, FUTEX_WAKE_PRIVATE, INT_MAX, NULL, NULL, 0) == 0,
	      "...none waits on the first any more");
	check(futex(&word2, FUTEX_WAKE_PRIVATE, 1, NULL, NULL, 0) == 1 &&
	      futex(&word2, FUTEX_WAKE_PRIVATE, 1, NULL, NULL, 0) == 1,
	      "FUTEX_WAKE on the second word wakes them one by one");
	pthread_join(th[1], NULL);
	pthread_join(th[2], NULL);
	check(w[1].ret == 0 && w[2].ret == 0, "...and their waits return 0");

	struct waiter r[2] = { { .addr = &word, .bitset = ~0U }, { .addr = &word, .bitset = ~0U } };
	start_waiters(r, th, 2);
	check(futex(&word, FUTEX_REQUEUE_PRIVATE, 1, (void *)1, &word2, 0) == 2,
	      "FUTEX_REQUEUE: wakes 1, moves 1");
	check(futex(&word2, FUTEX_WAKE_PRIVATE, 1, NULL, NULL, 0) == 1, "...the moved one wakes");
	pthread_join(th[0], NULL);
	pthread_join(th[1], NULL);
}

/* A word in shared memory, mapped twice: a wait through one address and
 * a wake through the other meet (the key is the file and offset), across
 * processes too. */
static void shared_futex(void)
{
	int fd = memfd_create("futex", 0);
	ftruncate(fd, 4096);
	uint32_t *a = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	uint32_t *b = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	a[8] = 0;
	pid_t child = fork();
	if (child == 0)
		_exit(futex(&a[8], FUTEX_WAIT, 0, NULL, NULL, 0) == 0 ? 0 : 1);
	check(wait_state(child, child, 'S'), "a child waits on a shared futex");
	check(futex(&b[8], FUTEX_WAKE, 1, NULL, NULL, 0) == 1,
	      "FUTEX_WAKE through another mapping of the same page wakes it");
	int status;
	waitpid(child, &status, 0);
	check(WIFEXITED(status) && WEXITSTATUS(status) == 0, "...and its wait returned 0");
	munmap(a, 4096);
	munmap(b, 4096);
	close(fd);
}

struct robust_list_head_ {
	void *next;
	long futex_offset;
	void *pending;
};

/* A process dies holding a robust mutex in shared memory: the kernel's
 * walk of its robust list at exit (musl's _exit does none) marks the
 * lock's owner dead, and the next locker learns it. */
static void robust_futexes(void)
{
	pthread_mutex_t *m = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS,
				  -1, 0);
	pthread_mutexattr_t attr;
	pthread_mutexattr_init(&attr);
	pthread_mutexattr_setrobust(&attr, PTHREAD_MUTEX_ROBUST);
	pthread_mutexattr_setpshared(&attr, PTHREAD_PROCESS_SHARED);
	pthread_mutex_init(m, &attr);
	pid_t pid = fork();
	if (pid == 0) {
		pthread_mutex_lock(m);
		_exit(0);
	}
	wait_status(pid);
	check(pthread_mutex_lock(m) == EOWNERDEAD,
	      "a process died holding a robust mutex: the next lock gets EOWNERDEAD");
	pthread_mutex_consistent(m);
	pthread_mutex_unlock(m);

	struct robust_list_head_ *head = NULL;
	size_t len = 0;
	check(syscall(SYS_get_robust_list, 0, &head, &len) == 0 && head && len == sizeof(*head),
	      "get_robust_list: musl's list head, 24 bytes");
	check_err(syscall(SYS_set_robust_list, head, 23), EINVAL, "set_robust_list(len 23): EINVAL");
	check_err(syscall(SYS_get_robust_list, 0, (void *)8, &len), EFAULT,
		  "get_robust_list to a bad pointer: EFAULT");
	check_err(syscall(SYS_get_robust_list, 999999, &head, &len), ESRCH,
		  "get_robust_list of no such task: ESRCH");
	munmap(m, 4096);
}

/* ---- raw clone: the tid words, CLONE_PARENT ------------------------- */

static pid_t ptid, ctid, seen_ctid;
static char clone_stack[16384] __attribute__((aligned(16)));

static int raw_thread(void *arg)
{
	(void)arg;
	seen_ctid = ctid; /* CLONE_CHILD_SETTID wrote it before we ran */
	return 0;         /* musl's clone() then calls exit: this thread alone */
}

static int report_parent(void *arg)
{
	(void)arg;
	return getppid() == *(pid_t *)arg ? 0 : 1;
}

static void raw_clone(void)
{
	int flags = CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_SIGHAND | CLONE_THREAD | CLONE_SYSVSEM |
		    CLONE_PARENT_SETTID | CLONE_CHILD_SETTID | CLONE_CHILD_CLEARTID;
	ctid = -1; /* the thread sets it to its tid, and its exit to 0 */
	int tid = clone(raw_thread, clone_stack + sizeof(clone_stack), flags, NULL, &ptid, NULL,
			&ctid);
	check(tid > 0 && ptid == tid, "clone(CLONE_THREAD|CLONE_PARENT_SETTID): the tid in parent_tid");
	for (pid_t v; (v = __atomic_load_n(&ctid, __ATOMIC_SEQ_CST));)
		futex(&ctid, FUTEX_WAIT, (uint32_t)v, NULL, NULL, 0);
	check(seen_ctid == tid, "CLONE_CHILD_SETTID: the thread saw its tid in child_tid");
	check(ctid == 0, "CLONE_CHILD_CLEARTID: 0 and a futex wake when it exited");

	/* CLONE_PARENT from a child: the grandchild is our child. */
	pid_t me = getpid(), pid = fork();
	if (pid == 0)
		_exit(clone(report_parent, clone_stack + sizeof(clone_stack), CLONE_PARENT | SIGCHLD,
			    &me) > 0 ? 0 : 1);
	wait_status(pid);
	int status;
	pid_t got = waitpid(-1, &status, 0);
	check(got > 0 && got != pid && WIFEXITED(status) && WEXITSTATUS(status) == 0,
	      "CLONE_PARENT: the child's clone is our child, and its getppid is us");
}

struct clone_args_ {
	uint64_t flags, pidfd, child_tid, parent_tid, exit_signal, stack, stack_size, tls;
};

static void clone3_fork(void)
{
	struct clone_args_ args = { .exit_signal = SIGCHLD };
	check_err(syscall(435, &args, 8), EINVAL, "clone3 with a short struct: EINVAL");
	args.exit_signal = 200;
	check_err(syscall(435, &args, sizeof(args)), EINVAL, "clone3 with exit_signal 200: EINVAL");
	args.exit_signal = SIGCHLD;
	args.stack_size = 4096;
	check_err(syscall(435, &args, sizeof(args)), EINVAL, "clone3 with a size but no stack: EINVAL");
	args.stack_size = 0;
	long pid = syscall(435, &args, sizeof(args));
	if (pid == 0)
		syscall(SYS_exit_group, 5);
	int status = wait_status((pid_t)pid);
	check(pid > 0 && WIFEXITED(status) && WEXITSTATUS(status) == 5, "clone3 as fork: child exits 5");
}

int main(void)
{
	setvbuf(stdout, NULL, _IONBF, 0);
	futex_errors_and_timeouts();
	futex_bitsets_and_requeue();
	shared_futex();
	robust_futexes();
	raw_clone();
	clone3_fork();
	printf("futextest: %d failed\n", failures);
	return failures ? 1 : 0;
}
