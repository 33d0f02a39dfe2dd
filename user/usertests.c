/*
 * usertests: every user-space test suite in one go, in the spirit of
 * xv6's usertests. Each suite is a program of its own, started with
 * fork and execve; a suite passes if it exits with status 0.
 */
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

static char *const suites[][4] = {
	{ "/bin/startup", "one", "two", NULL }, { "/bin/signals", NULL }, { "/bin/forktest", "200", NULL },
	{ "/bin/memtest", NULL }, { "/bin/badptr", NULL }, { "/bin/files", NULL },
};

static int run(char *const argv[])
{
	int status;
	pid_t pid = fork();

	if (pid == 0) {
		execve(argv[0], argv, environ);
		perror(argv[0]);
		_exit(127);
	}
	if (pid < 0 || waitpid(pid, &status, 0) != pid)
		return 0;
	return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

int main(void)
{
	int n = sizeof(suites) / sizeof(suites[0]), failed = 0;

	for (int i = 0; i < n; i++) {
		printf("usertests: %s ...\n", strrchr(suites[i][0], '/') + 1);
		fflush(stdout);
		int ok = run(suites[i]);
		printf("usertests: %s %s\n", strrchr(suites[i][0], '/') + 1, ok ? "ok" : "FAILED");
		failed += !ok;
	}
	if (failed)
		printf("usertests: %d of %d suites FAILED\n", failed, n);
	else
		printf("usertests: all %d suites passed\n", n);
	return failed != 0;
}
