/* Benchmark: pipe throughput. A child writes 32 MiB in 4 KiB writes, the
 * parent reads it in 64 KiB reads (as cat does); MiB per second, from
 * before the fork to after the wait. */
#include <sys/wait.h>
#include <unistd.h>

#include "bench.h"

#define TOTAL (32 << 20)
#define WRITE_SIZE 4096
#define READ_SIZE 65536

static char wbuf[WRITE_SIZE], rbuf[READ_SIZE];

static void writer(int fd)
{
	for (long done = 0; done < TOTAL; done += WRITE_SIZE)
		if (write(fd, wbuf, WRITE_SIZE) != WRITE_SIZE)
			_exit(1);
	_exit(0);
}

static double one_run(void)
{
	int fd[2];
	long got = 0, n;
	int status;

	if (pipe(fd) < 0) {
		perror("bench-pipe: pipe");
		exit(1);
	}
	double start = now_ns();
	pid_t pid = fork();
	if (pid == 0) {
		close(fd[0]);
		writer(fd[1]);
	}
	close(fd[1]);
	while ((n = read(fd[0], rbuf, READ_SIZE)) > 0)
		got += n;
	waitpid(pid, &status, 0);
	double elapsed = now_ns() - start;
	close(fd[0]);
	if (got != TOTAL || !WIFEXITED(status) || WEXITSTATUS(status)) {
		fprintf(stderr, "bench-pipe: read %ld of %d bytes\n", got, TOTAL);
		exit(1);
	}
	return (double)TOTAL / (1 << 20) / (elapsed / 1e9);
}

int main(void)
{
	double runs[RUNS];

	bench_init();
	for (int i = 0; i < RUNS; i++)
		runs[i] = one_run();
	report("pipe-4k", "MiB/s", runs);
	return 0;
}
