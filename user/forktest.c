/*
 * fork, copy-on-write, wait4, execve and many processes at once.
 * Prints ok/FAIL per check and "forktest: N failed"; exits non-zero on
 * failure.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check.h"

static void fork_returns_twice_and_wait_sees_status(void)
{
	pid_t pid = fork();

	if (pid == 0)
		_exit(7);
	int status;
	check(pid > 0 && waitpid(pid, &status, 0) == pid, "fork, then waitpid on the child");
	check(WIFEXITED(status) && WEXITSTATUS(status) == 7, "the child's exit status");
	check(waitpid(pid, &status, 0) == -1 && errno == ECHILD, "a reaped child is gone (ECHILD)");
}

static void copy_on_write_keeps_memories_apart(void)
{
	static char data[3 * 4096];
	char *heap = malloc(100000);

	memset(data, 'p', sizeof(data));
	memset(heap, 'p', 100000);
	pid_t pid = fork();
	if (pid == 0) {
		memset(data + 4096, 'c', 4096);
		memset(heap, 'c', 100000);
		_exit(data[0] == 'p' && data[4096] == 'c' && heap[99999] == 'c' ? 0 : 1);
	}
	int status;
	waitpid(pid, &status, 0);
	check(WIFEXITED(status) && WEXITSTATUS(status) == 0, "the child sees its own writes");
	int parent_intact = 1;
	for (size_t i = 0; i < sizeof(data); i++)
		parent_intact &= data[i] == 'p';
	for (int i = 0; i < 100000; i++)
		parent_intact &= heap[i] == 'p';
	check(parent_intact, "the parent's memory is untouched by the child's writes");
	free(heap);
}

static void shared_anonymous_memory_is_shared(void)
{
	volatile int *shared = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);

	*shared = 1;
	pid_t pid = fork();
	if (pid == 0) {
		*shared = 42;
		_exit(0);
	}
	waitpid(pid, NULL, 0);
	check(*shared == 42, "MAP_SHARED|MAP_ANONYMOUS: the child's write is seen by the parent");
}

static void many_processes_at_once(int n)
{
	int started = 0, ok = 0;
	pid_t *pids = malloc(n * sizeof(pid_t));

	for (int i = 0; i < n; i++) {
		pids[i] = fork();
		if (pids[i] == 0) {
			usleep(200 * 1000); /* all alive together */
			_exit(i & 0x7f);
		}
		started += pids[i] > 0;
	}
	for (int i = 0; i < n; i++) {
		int status;
		if (pids[i] > 0 && waitpid(pids[i], &status, 0) == pids[i] && WIFEXITED(status) &&
		    WEXITSTATUS(status) == (i & 0x7f))
			ok++;
	}
	char what[80];
	snprintf(what, sizeof(what), "%d processes at once: %d started, %d exited as expected", n,
		 started, ok);
	check(started == n && ok == n, what);
	free(pids);
}

static void execve_replaces_the_program(void)
{
	pid_t pid = fork();

	if (pid == 0) {
		char *argv[] = { "exit42", NULL };
		char *envp[] = { NULL };
		execve("/bin/exit42", argv, envp);
		_exit(99);
	}
	int status;
	waitpid(pid, &status, 0);
	check(WIFEXITED(status) && WEXITSTATUS(status) == 42, "execve runs the new program");
	char *argv[] = { "nope", NULL };
	check(execve("/nope", argv, NULL) == -1 && errno == ENOENT, "execve of a missing program: ENOENT");
	char **volatile bad = (char **)8; /* volatile: the compiler cannot see it is bad */
	check(execve("/bin/hello", bad, NULL) == -1 && errno == EFAULT, "execve with a bad argv: EFAULT");
}

int main(int argc, char **argv)
{
	int n = argc > 1 ? atoi(argv[1]) : 200;

	fork_returns_twice_and_wait_sees_status();
	copy_on_write_keeps_memories_apart();
	shared_anonymous_memory_is_shared();
	execve_replaces_the_program();
	many_processes_at_once(n);
	printf("forktest: %d failed\n", failures);
	return failures ? 1 : 0;
}
