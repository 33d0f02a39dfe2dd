/* Benchmark: fork + execve + wait of a small program (default /exit42,
 * or the path given); microseconds per round. */
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
	report("fork-exec-wait", "us", runs);
	return 0;
}
