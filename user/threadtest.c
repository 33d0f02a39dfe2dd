/*
 * Threads as Linux runs them, through musl's unmodified pthreads and the
 * raw system calls: clone, futex, exit vs exit_group, signals to a
 * thread and to a process, group stop, execve from a thread, /proc's
 * task directories. Prints one line per check and a summary; exits 0
 * only if every check passed.
 *
 * `threadtest execd PID` is what a thread of threadtest execs: it checks
 * that it kept the process's pid and is its only thread. `threadtest
 * hold` starts three threads, says "threadtest: holding" and waits to be
 * killed (for ps).
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <limits.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "check.h"

#define NTHREADS 4

/* Linux's uapi/linux/futex.h (musl has no kernel headers). */
#define FUTEX_WAIT 0
#define FUTEX_WAKE 1
#define FUTEX_REQUEUE 3
#define FUTEX_CMP_REQUEUE 4
#define FUTEX_WAIT_BITSET 9
#define FUTEX_WAKE_BITSET 10
#define FUTEX_PRIVATE_FLAG 128
#define FUTEX_CLOCK_REALTIME 256
#define FUTEX_WAIT_PRIVATE (FUTEX_WAIT | FUTEX_PRIVATE_FLAG)
#define FUTEX_WAKE_PRIVATE (FUTEX_WAKE | FUTEX_PRIVATE_FLAG)
#define FUTEX_REQUEUE_PRIVATE (FUTEX_REQUEUE | FUTEX_PRIVATE_FLAG)
#define FUTEX_CMP_REQUEUE_PRIVATE (FUTEX_CMP_REQUEUE | FUTEX_PRIVATE_FLAG)
#define FUTEX_WAIT_BITSET_PRIVATE (FUTEX_WAIT_BITSET | FUTEX_PRIVATE_FLAG)
#define FUTEX_WAKE_BITSET_PRIVATE (FUTEX_WAKE_BITSET | FUTEX_PRIVATE_FLAG)
#define FUTEX_BITSET_MATCH_ANY 0xffffffffU

static long futex(void *uaddr, int op, uint32_t val, const struct timespec *ts, void *uaddr2,
		  uint32_t val3)
{
	return syscall(SYS_futex, uaddr, op, val, ts, uaddr2, val3);
}

static pid_t gettid_(void)
{
	return (pid_t)syscall(SYS_gettid);
}

static uint64_t now_ns(clockid_t clock)
{
	struct timespec ts;

	clock_gettime(clock, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

/* The state letter of task tid of process pid, from /proc (0: gone). */
static char task_state(pid_t pid, pid_t tid)
{
	char path[64], buf[256];
	snprintf(path, sizeof(path), "/proc/%d/task/%d/stat", pid, tid);
	FILE *f = fopen(path, "r");
	if (!f)
		return 0;
	size_t n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = 0;
	char *paren = strrchr(buf, ')');
	return paren && paren[1] == ' ' ? paren[2] : 0;
}

/* Until task tid is in state `state` (it sleeps in the kernel, or is
 * stopped): a bounded wait, never a guess. */
static int wait_state(pid_t pid, pid_t tid, char state)
{
	for (int i = 0; i < 20000; i++) {
		if (task_state(pid, tid) == state)
			return 1;
		sched_yield();
	}
	return 0;
}

/* A field ("Threads:") of /proc/PID/status, or of the thread's
 * /proc/PID/task/TID/status; -1 if there is none. */
static long task_field(pid_t pid, pid_t tid, const char *field)
{
	char path[64], line[128];
	long value = -1;
	snprintf(path, sizeof(path), "/proc/%d/task/%d/status", pid, tid);
	FILE *f = fopen(path, "r");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, field, strlen(field)))
			value = strtol(line + strlen(field), NULL, 10);
	fclose(f);
	return value;
}

/* ---- create, join, identities, /proc/self/task --------------------- */

static pthread_barrier_t barrier;
static pid_t tids[NTHREADS];

static void *nothing(void *arg)
{
	return arg;
}

static void *identify(void *arg)
{
	long i = (long)arg;
	tids[i] = gettid_();
	pthread_barrier_wait(&barrier); /* all alive at once */
	pthread_barrier_wait(&barrier); /* until main has looked */
	return (void *)(i * 10 + (getpid() == getpid() ? 1 : 0));
}

/* How many of pid's threads /proc/PID/task lists in that state (0: any). */
static int count_tasks(pid_t pid, char state)
{
	char path[64];
	int n = 0;
	snprintf(path, sizeof(path), "/proc/%d/task", pid);
	DIR *d = opendir(path);
	for (struct dirent *e; d && (e = readdir(d));)
		if (e->d_name[0] != '.')
			n += !state || task_state(pid, atoi(e->d_name)) == state;
	if (d)
		closedir(d);
	return n;
}

static void create_and_join(void)
{
	pthread_t th[NTHREADS];
	int ok = 1;

	pthread_barrier_init(&barrier, NULL, NTHREADS + 1);
	for (long i = 0; i < NTHREADS; i++)
		ok &= pthread_create(&th[i], NULL, identify, (void *)i) == 0;
	check(ok, "pthread_create x4");
	pthread_barrier_wait(&barrier);
	int distinct = 1;
	for (int i = 0; i < NTHREADS; i++)
		distinct &= tids[i] != getpid() && tids[i] > 0 && (i == 0 || tids[i] != tids[i - 1]);
	check(distinct, "each thread has its own tid; getpid is the process's");
	check(task_field(getpid(), getpid(), "Threads:") == NTHREADS + 1, "/proc/self/status Threads: 5");
	check(count_tasks(getpid(), 0) == NTHREADS + 1, "/proc/self/task has a directory per thread");
	char path[64], buf[64] = "";
	check(task_field(getpid(), tids[2], "Tgid:") == getpid() &&
	      task_field(getpid(), tids[2], "Pid:") == tids[2],
	      "task/TID/status: Tgid is the process, Pid the thread");
	snprintf(path, sizeof(path), "/proc/self/task/%d/comm", tids[1]);
	FILE *f = fopen(path, "r");
	check(f && fgets(buf, sizeof(buf), f) && !strcmp(buf, "threadtest\n"), "task/TID/comm");
	if (f)
		fclose(f);
	snprintf(path, sizeof(path), "/proc/%d/status", tids[3]);
	check(access(path, R_OK) == 0, "/proc/TID exists for a thread, as on Linux");
	pthread_barrier_wait(&barrier);
	int joined = 1;
	for (long i = 0; i < NTHREADS; i++) {
		void *ret;
		joined &= pthread_join(th[i], &ret) == 0 && ret == (void *)(i * 10 + 1);
	}
	check(joined, "pthread_join returns each thread's value");
	check(task_field(getpid(), getpid(), "Threads:") == 1, "after the joins: Threads: 1");
	check(count_tasks(getpid(), 0) == 1, "...and /proc/self/task has one entry");
	pthread_attr_t detached;
	pthread_attr_init(&detached);
	pthread_attr_setdetachstate(&detached, PTHREAD_CREATE_DETACHED);
	for (int i = 0; i < 3; i++)
		pthread_create(&th[i], &detached, nothing, NULL);
	int gone = 0;
	for (int i = 0; i < 20000 && !gone; i++, sched_yield())
		gone = count_tasks(getpid(), 0) == 1;
	check(gone, "3 detached threads end on their own (musl unmaps their stacks first)");
	pthread_barrier_destroy(&barrier);
}

/* ---- mutex and condition variable contention ------------------------ */

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cond = PTHREAD_COND_INITIALIZER;
static long counter, queued, consumed;
static int producing;

#define ROUNDS 20000

static void *add(void *arg)
{
	(void)arg;
	for (int i = 0; i < ROUNDS; i++) {
		pthread_mutex_lock(&lock);
		long c = counter;
		if (i % 1000 == 0)
			sched_yield(); /* holding the lock: the others must sleep on it */
		counter = c + 1;
		pthread_mutex_unlock(&lock);
	}
	return NULL;
}

static void *consume(void *arg)
{
	(void)arg;
	pthread_mutex_lock(&lock);
	for (;;) {
		while (!queued && producing)
			pthread_cond_wait(&cond, &lock);
		if (!queued)
			break;
		queued--;
		consumed++;
	}
	pthread_mutex_unlock(&lock);
	return NULL;
}

static void contention(void)
{
	pthread_t th[NTHREADS];

	for (int i = 0; i < NTHREADS; i++)
		pthread_create(&th[i], NULL, add, NULL);
	for (int i = 0; i < NTHREADS; i++)
		pthread_join(th[i], NULL);
	check(counter == NTHREADS * ROUNDS, "4 threads x 20000 locked increments: none lost");
	check(now_ns(CLOCK_PROCESS_CPUTIME_ID) > now_ns(CLOCK_THREAD_CPUTIME_ID),
	      "CLOCK_PROCESS_CPUTIME_ID counts the (joined) threads' time too");

	producing = 1;
	for (int i = 0; i < NTHREADS; i++)
		pthread_create(&th[i], NULL, consume, NULL);
	for (int i = 0; i < 1000; i++) {
		pthread_mutex_lock(&lock);
		queued++;
		if (i % 7)
			pthread_cond_signal(&cond);
		else
			pthread_cond_broadcast(&cond);
		pthread_mutex_unlock(&lock);
		if (i % 50 == 0)
			sched_yield();
	}
	pthread_mutex_lock(&lock);
	producing = 0;
	pthread_cond_broadcast(&cond);
	pthread_mutex_unlock(&lock);
	for (int i = 0; i < NTHREADS; i++)
		pthread_join(th[i], NULL);
	check(consumed == 1000, "condvar: 4 consumers took all 1000 items");

	struct timespec at;
	clock_gettime(CLOCK_REALTIME, &at);
	at.tv_nsec += 50000000;
	if (at.tv_nsec >= 1000000000) {
		at.tv_sec++;
		at.tv_nsec -= 1000000000;
	}
	uint64_t start = now_ns(CLOCK_MONOTONIC);
	pthread_mutex_lock(&lock);
	int err = pthread_cond_timedwait(&cond, &lock, &at);
	pthread_mutex_unlock(&lock);
	check(err == ETIMEDOUT && now_ns(CLOCK_MONOTONIC) - start >= 40000000,
	      "pthread_cond_timedwait: ETIMEDOUT after its deadline");
}

/* ---- futex: errors, timeouts, bitsets, requeue ---------------------- */

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

/* ---- signals: to a thread, to the process ---------------------------- */

static volatile pid_t handled_by;

static void note_tid(int sig)
{
	(void)sig;
	handled_by = gettid_();
}

static volatile int stop_sleepers;

static void *block_and_sleep(void *arg)
{
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGUSR2);
	pthread_sigmask(arg ? SIG_UNBLOCK : SIG_BLOCK, &set, NULL); /* the creator's mask is inherited */
	tids[arg ? 1 : 0] = gettid_();
	while (!stop_sleepers)
		pause();
	return NULL;
}

static volatile int sleeper_done;

/* FUTEX_WAIT with a timeout, until a signal interrupts it. */
static void *futex_sleeper(void *arg)
{
	(void)arg;
	struct timespec ten = { 10, 0 };
	tids[0] = gettid_();
	long r = futex(&word, FUTEX_WAIT_PRIVATE, 0, &ten, NULL, 0);
	int err = r == -1 ? errno : 0;
	sleeper_done = 1;
	return (void *)(long)err;
}
static void thread_signals(void)
{
	struct sigaction sa = { .sa_handler = note_tid };
	sigaction(SIGUSR1, &sa, NULL);
	sigaction(SIGUSR2, &sa, NULL);
	pthread_t th[NTHREADS];

	/* tgkill goes to that thread, which is asleep in FUTEX_WAIT: EINTR. */
	tids[0] = 0;
	word = 0;
	pthread_create(&th[0], NULL, futex_sleeper, NULL);
	while (!tids[0])
		sched_yield();
	wait_state(getpid(), tids[0], 'S');
	handled_by = 0;
	check(syscall(SYS_tgkill, getpid(), tids[0], SIGUSR1) == 0, "tgkill(SIGUSR1) to a thread");
	/* Again, in case the first came before its wait began (the thread
	 * may have slept reading its code from the disk). */
	for (int i = 0; i < 200 && !sleeper_done; i++) {
		usleep(10000);
		syscall(SYS_tgkill, getpid(), tids[0], SIGUSR1);
	}
	void *err;
	pthread_join(th[0], &err);
	check(handled_by == tids[0], "...its handler ran in that thread");
	check(err == (void *)EINTR, "...and its FUTEX_WAIT with a timeout failed with EINTR");
	check_err(syscall(SYS_tgkill, getpid() + 1000, gettid_(), 0), ESRCH,
		  "tgkill with the wrong tgid: ESRCH");
	check_err(syscall(SYS_tgkill, 0, gettid_(), 0), EINVAL, "tgkill with tgid 0: EINVAL");
	handled_by = 0;
	syscall(SYS_tkill, gettid_(), SIGUSR1);
	check(handled_by == gettid_(), "tkill to ourselves: handled here");

	/* kill() to the process: only one thread does not block SIGUSR2. */
	sigset_t set, old;
	sigemptyset(&set);
	sigaddset(&set, SIGUSR2);
	pthread_sigmask(SIG_BLOCK, &set, &old);
	tids[0] = tids[1] = 0;
	stop_sleepers = 0;
	pthread_create(&th[0], NULL, block_and_sleep, NULL);
	pthread_create(&th[1], NULL, block_and_sleep, (void *)1);
	pthread_create(&th[2], NULL, block_and_sleep, NULL);
	while (!tids[0] || !tids[1])
		sched_yield();
	wait_state(getpid(), tids[1], 'S');
	handled_by = 0;
	kill(getpid(), SIGUSR2);
	for (int i = 0; i < 20000 && !handled_by; i++)
		sched_yield();
	check(handled_by == tids[1], "kill(getpid()): the only thread that does not block it handles it");
	stop_sleepers = 1;
	for (int i = 0; i < 3; i++)
		pthread_kill(th[i], SIGUSR1);
	for (int i = 0; i < 3; i++)
		pthread_join(th[i], NULL);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
}

/* ---- exit, exit_group, fatal signals, stop, execve: in children ----- */

static void *sleep_forever(void *arg)
{
	(void)arg;
	for (;;)
		pause();
	return NULL;
}

static void *exit_group_7(void *arg)
{
	(void)arg;
	usleep(20000);
	exit(7); /* musl: exit_group */
}

static volatile int *volatile nowhere = (int *)8;

static void *segfault(void *arg)
{
	(void)arg;
	usleep(20000);
	*nowhere = 1;
	return NULL;
}

static void *late_exit(void *arg)
{
	(void)arg;
	usleep(200000);
	syscall(SYS_exit_group, 3);
	return NULL;
}

static pid_t child_with_threads(void *(*last)(void *))
{
	pid_t pid = fork();
	if (pid)
		return pid;
	pthread_t th;
	for (int i = 0; i < 2; i++)
		pthread_create(&th, NULL, sleep_forever, NULL);
	pthread_create(&th, NULL, last, NULL);
	for (;;)
		pause();
	return 0;
}

static int wait_status(pid_t pid)
{
	int status = -1;
	waitpid(pid, &status, 0);
	return status;
}

static void leader_exits_first(void)
{
	pid_t pid = fork();
	if (pid == 0) {
		pthread_t th;
		pthread_create(&th, NULL, late_exit, NULL);
		syscall(SYS_exit, 0); /* the main thread alone */
	}
	check(wait_state(pid, pid, 'Z'), "the main thread exits alone: a zombie, the process lives");
	int status;
	check(waitpid(pid, &status, WNOHANG) == 0, "...wait4 does not report it yet");
	check(task_field(pid, pid, "Threads:") == 2, "...Threads: 2 (a zombie leader and its thread)");
	status = wait_status(pid);
	check(WIFEXITED(status) && WEXITSTATUS(status) == 3,
	      "the last thread's exit_group(3) ends it: wait4 says exited 3");
}

static void group_exits(void)
{
	int status = wait_status(child_with_threads(exit_group_7));
	check(WIFEXITED(status) && WEXITSTATUS(status) == 7, "exit(7) in one thread ends all 4: exited 7");
	status = wait_status(child_with_threads(segfault));
	check(WIFSIGNALED(status) && WTERMSIG(status) == SIGSEGV,
	      "a segfault in one thread kills the whole process: SIGSEGV");
	pid_t pid = child_with_threads(sleep_forever);
	usleep(20000);
	syscall(SYS_tgkill, pid, pid, SIGTERM);
	status = wait_status(pid);
	check(WIFSIGNALED(status) && WTERMSIG(status) == SIGTERM,
	      "tgkill(SIGTERM) to one thread kills the process");
	leader_exits_first();
}

static void group_stop(void)
{
	pid_t pid = child_with_threads(sleep_forever);
	int status;

	usleep(20000);
	kill(pid, SIGSTOP);
	check(waitpid(pid, &status, WUNTRACED) == pid && WIFSTOPPED(status) &&
	      WSTOPSIG(status) == SIGSTOP, "SIGSTOP: the parent sees the process stopped");
	check(count_tasks(pid, 'T') == 4, "...all 4 threads are stopped");
	check(waitpid(pid, &status, WUNTRACED | WNOHANG) == 0, "...and the stop is reported once");
	kill(pid, SIGCONT);
	check(waitpid(pid, &status, WCONTINUED) == pid && WIFCONTINUED(status),
	      "SIGCONT: the parent sees it continued");
	int running = 0;
	for (int i = 0; i < 200 && !running; i++) {
		running = count_tasks(pid, 'T') == 0;
		usleep(1000);
	}
	check(running, "...no thread is stopped any more");
	kill(pid, SIGKILL);
	status = wait_status(pid);
	check(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL, "SIGKILL ends it");
}

static pid_t exec_pid;

static void *exec_self(void *arg)
{
	(void)arg;
	char pid[16];
	snprintf(pid, sizeof(pid), "%d", exec_pid);
	char *argv[] = { "threadtest", "execd", pid, NULL };
	usleep(20000);
	execv("/proc/self/exe", argv);
	execv("/bin/threadtest", argv);
	_exit(99);
}

static void exec_from_thread(void)
{
	pid_t pid = fork();
	if (pid == 0) {
		exec_pid = getpid();
		pthread_t th;
		pthread_create(&th, NULL, sleep_forever, NULL);
		pthread_create(&th, NULL, exec_self, NULL);
		for (;;)
			pause();
	}
	int status = wait_status(pid);
	check(WIFEXITED(status) && WEXITSTATUS(status) == 42,
	      "execve in a thread: the others die, the new program runs as the process (exit 42)");
}

static int execd(pid_t pid)
{
	int ok = getpid() == pid && gettid_() == pid && task_field(pid, pid, "Threads:") == 1;
	return ok ? 42 : 1;
}

/* ---- robust futexes, clone3 ------------------------------------------ */

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

/* One thread sleeps in read() on a pipe while another closes that
 * descriptor: the read goes on with its file and gets what is written. */
static int pipe_fds[2];

static void *read_pipe(void *arg)
{
	char c = 0;
	tids[0] = gettid_();
	return (void *)(read(pipe_fds[0], &c, 1) == 1 && c == 'x' ? arg : NULL);
}

static void close_under_a_reader(void)
{
	pthread_t th;
	void *ret;
	pipe(pipe_fds);
	tids[0] = 0;
	pthread_create(&th, NULL, read_pipe, (void *)1);
	while (!tids[0])
		sched_yield();
	wait_state(getpid(), tids[0], 'S');
	close(pipe_fds[0]);
	write(pipe_fds[1], "x", 1);
	pthread_join(th, &ret);
	check(ret == (void *)1, "close(fd) while a thread reads it: that read still gets the data");
	close(pipe_fds[1]);
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

int main(int argc, char **argv)
{
	if (argc == 3 && !strcmp(argv[1], "execd"))
		return execd(atoi(argv[2]));
	if (argc == 2 && !strcmp(argv[1], "hold")) {
		pthread_t th;
		for (int i = 0; i < 3; i++)
			pthread_create(&th, NULL, sleep_forever, NULL);
		printf("threadtest: holding\n");
		sleep_forever(NULL);
	}
	setvbuf(stdout, NULL, _IONBF, 0);
	create_and_join();
	contention();
	futex_errors_and_timeouts();
	futex_bitsets_and_requeue();
	shared_futex();
	thread_signals();
	group_exits();
	group_stop();
	exec_from_thread();
	robust_futexes();
	close_under_a_reader();
	raw_clone();
	clone3_fork();
	printf("threadtest: %d failed\n", failures);
	return failures ? 1 : 0;
}
