/* Benchmark: fork + execve + wait of a small program (default
 * /bin/exit42, 18 KB), or of the path given (/bin/true: busybox, a 2 MiB
 * static binary); microseconds per round. */
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bench.h"

#define ROUNDS 20 /* per run */

static double one_run(const char *path)
{
	char *const argv[] = { (char *)path, NULL };
	char *const envp[] = { NULL };
	double start = now_ns();

	for (int i = 0; i < ROUNDS; i++) {
		pid_t pid = fork();
		if (pid < 0) {
			perror("bench-spawn: fork");
			exit(1);
		}
		if (pid == 0) {
			execve(path, argv, envp);
			_exit(127);
		}
		int status;
		if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) ||
		    WEXITSTATUS(status) == 127) {
			fprintf(stderr, "bench-spawn: %s did not run\n", path);
			exit(1);
		}
	}
	return (now_ns() - start) / ROUNDS / 1000;
}

int main(int argc, char **argv)
{
	const char *path = argc > 1 ? argv[1] : "/bin/exit42";
	double runs[RUNS];

	bench_init();
	for (int i = 0; i < RUNS; i++)
		runs[i] = one_run(path);
	/* Named by the program, so that both kernels' lines compare. */
	const char *base = strrchr(path, '/');
	char name[64];
	snprintf(name, sizeof(name), "fork-exec-wait-%s", base ? base + 1 : path);
	report(name, "us", runs);
	return 0;
}
