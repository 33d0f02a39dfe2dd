/*
 * Starting programs the way C libraries do: vfork(), and musl's
 * posix_spawn(), posix_spawnp(), system() and popen(), which use
 * clone(CLONE_VM|CLONE_VFORK) with a stack of their own. Prints one line
 * per check and a summary; exits 0 only if every check passed.
 *
 * system() and popen() run /bin/sh -c (busybox's, on the disk): the
 * command's exit status comes back, and popen reads its output.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "check.h"

extern char **environ;

static int exited_with(pid_t pid, int code)
{
	int status;

	return waitpid(pid, &status, 0) == pid && WIFEXITED(status) && WEXITSTATUS(status) == code;
}

static volatile int shared; /* a vfork child writes it in our memory */

static void vfork_shares_memory_and_waits(void)
{
	shared = 0;
	pid_t pid = vfork();
	if (pid == 0) {
		struct timespec t = { 0, 30 * 1000000L };
		nanosleep(&t, NULL); /* the parent must not run meanwhile */
		shared = 42;
		_exit(3);
	}
	check(pid > 0 && shared == 42, "vfork: the child ran first, in our memory");
	int status;
	check(waitpid(pid, &status, WNOHANG) == pid && WIFEXITED(status) && WEXITSTATUS(status) == 3,
	      "vfork: the parent went on only after the child had exited");
}

static void vfork_then_execve(void)
{
	char *argv[] = { "exit42", NULL };

	pid_t pid = vfork();
	if (pid == 0) {
		execve("/bin/exit42", argv, environ);
		_exit(99);
	}
	check(pid > 0 && exited_with(pid, 42), "vfork + execve: the new program runs, exit 42");
}

/*
 * SIGKILL ends a parent that waits for its vfork child; the child goes
 * on in the address space they shared. A middle process vforks a child
 * that tells us its pid and pauses; we kill the middle one, check the
 * child still answers (signal 0), then kill it too (init reaps it).
 */
static void sigkill_ends_a_vfork_wait(void)
{
	int p[2], status;
	pid_t child = 0;

	pipe(p);
	pid_t middle = fork();
	if (middle == 0) {
		if (vfork() == 0) {
			pid_t me = getpid();
			write(p[1], &me, sizeof(me));
			for (;;)
				pause();
		}
		_exit(0); /* never reached: we are killed first */
	}
	read(p[0], &child, sizeof(child));
	kill(middle, SIGKILL);
	check(waitpid(middle, &status, 0) == middle && WIFSIGNALED(status) &&
	      WTERMSIG(status) == SIGKILL, "SIGKILL ends a parent waiting for its vfork child");
	check(kill(child, 0) == 0, "...and the child lives on in the memory they shared");
	kill(child, SIGKILL);
	close(p[0]), close(p[1]);
}

/* Run hello with posix_spawn (or posix_spawnp) and its stdout in a pipe:
 * did it print its greeting and exit 0? */
static int spawn_hello(const char *path, int use_path)
{
	posix_spawn_file_actions_t fa;
	char *argv[] = { "hello", NULL };
	char out[64] = { 0 };
	int p[2];
	pid_t pid;

	pipe(p);
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, p[1], 1);
	posix_spawn_file_actions_addclose(&fa, p[0]);
	int err = use_path ? posix_spawnp(&pid, path, &fa, NULL, argv, environ) :
			     posix_spawn(&pid, path, &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	close(p[1]);
	if (err) {
		printf("posix_spawn%s(%s): %s\n", use_path ? "p" : "", path, strerror(err));
		close(p[0]);
		return 0;
	}
	read(p[0], out, sizeof(out) - 1);
	close(p[0]);
	return exited_with(pid, 0) && !strncmp(out, "hello from user space\n", 22);
}

static void posix_spawn_runs_programs(void)
{
	pid_t pid;
	char *argv[] = { "nosuch", NULL };

	check(spawn_hello("/bin/hello", 0), "posix_spawn(/bin/hello) with its stdout on a pipe");
	check(chdir("/bin") == 0 && spawn_hello("hello", 0) && chdir("/") == 0,
	      "posix_spawn(hello) in /bin, relative to the working directory");
	check(spawn_hello("hello", 1), "posix_spawnp(hello) finds it on PATH");
	check(posix_spawn(&pid, "/nosuch", NULL, NULL, argv, environ) == ENOENT,
	      "posix_spawn of a missing program: ENOENT");
	check(waitpid(-1, NULL, WNOHANG) == -1 && errno == ECHILD,
	      "...and the failed child was reaped by posix_spawn");
}

static void shell(void)
{
	int status = system("exit 3");
	check(WIFEXITED(status) && WEXITSTATUS(status) == 3, "system(\"exit 3\"): exit status 3");
	FILE *f = popen("echo popen works", "r");
	char line[64] = "";
	check(f && fgets(line, sizeof(line), f) && !strcmp(line, "popen works\n"),
	      "popen() reads the command's output");
	check(f && pclose(f) == 0, "pclose(): the command's status, 0");
}

/* The combinations Linux refuses (threads themselves: threadtest.c). */
static void bad_clone_flags(void)
{
	check(syscall(SYS_clone, CLONE_VM | CLONE_THREAD, 0, 0, 0, 0) == -1 && errno == EINVAL,
	      "clone(CLONE_THREAD without CLONE_SIGHAND): EINVAL");
	check(syscall(SYS_clone, CLONE_SIGHAND, 0, 0, 0, 0) == -1 && errno == EINVAL,
	      "clone(CLONE_SIGHAND without CLONE_VM): EINVAL");
	check(syscall(SYS_clone, CLONE_NEWNS | SIGCHLD, 0, 0, 0, 0) == -1 && errno == EINVAL,
	      "clone(CLONE_NEWNS): EINVAL (no namespaces)");
}

int main(void)
{
	setvbuf(stdout, NULL, _IONBF, 0);
	vfork_shares_memory_and_waits();
	vfork_then_execve();
	sigkill_ends_a_vfork_wait();
	posix_spawn_runs_programs();
	shell();
	bad_clone_flags();
	printf("spawntest: %d failed\n", failures);
	return failures ? 1 : 0;
}
