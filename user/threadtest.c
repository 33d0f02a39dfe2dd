/*
 * Threads as Linux runs them, through musl's unmodified pthreads and the
 * raw system calls: creation and joins, contention on mutexes and
 * condition variables, exit vs exit_group, signals to a thread and to a
 * process, group stop, execve from a thread, /proc's task directories.
 * (The futex calls themselves and raw clone: futextest.) Prints one line per check and a summary; exits 0
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
#include "threads.h"

#define NTHREADS 4


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
static uint32_t word;

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
	thread_signals();
	group_exits();
	group_stop();
	exec_from_thread();
	close_under_a_reader();
	printf("threadtest: %d failed\n", failures);
	return failures ? 1 : 0;
}
