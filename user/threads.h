/*
 * What the thread test programs (threadtest, futextest) share: Linux's
 * futex operations and a raw futex() call (musl has no kernel headers),
 * the caller's tid, the clocks in ns, and a task's state and status
 * fields from /proc, to wait for a thread to sleep without guessing.
 */
#ifndef USER_THREADS_H
#define USER_THREADS_H

#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

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

static inline long futex(void *uaddr, int op, uint32_t val, const struct timespec *ts,
			 void *uaddr2, uint32_t val3)
{
	return syscall(SYS_futex, uaddr, op, val, ts, uaddr2, val3);
}

static inline pid_t gettid_(void)
{
	return (pid_t)syscall(SYS_gettid);
}

static inline uint64_t now_ns(clockid_t clock)
{
	struct timespec ts;

	clock_gettime(clock, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

/* The state letter of task tid of process pid, from /proc (0: gone). */
static inline char task_state(pid_t pid, pid_t tid)
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
static inline int wait_state(pid_t pid, pid_t tid, char state)
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
static inline long task_field(pid_t pid, pid_t tid, const char *field)
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

static inline int wait_status(pid_t pid)
{
	int status = -1;
	waitpid(pid, &status, 0);
	return status;
}

#endif
