/*
 * Benchmark: how long nanosleep(1 ms) really takes, measured with
 * CLOCK_MONOTONIC; prints the median (and the spread) over RUNS sleeps.
 * A static binary that runs unchanged on Linux, for comparison.
 *
 *   bench-nanosleep [RUNS]     (default 200)
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#define MAX_RUNS 10000

static long long now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static int by_value(const void *a, const void *b)
{
	long long x = *(const long long *)a, y = *(const long long *)b;
	return (x > y) - (x < y);
}

int main(int argc, char **argv)
{
	static long long took[MAX_RUNS];
	int runs = argc > 1 ? atoi(argv[1]) : 200;
	struct timespec req = { 0, 1000000 };

	if (runs < 1 || runs > MAX_RUNS) {
		fprintf(stderr, "usage: bench-nanosleep [RUNS], 1 to %d\n", MAX_RUNS);
		return 2;
	}
	for (int i = 0; i < runs; i++) {
		long long start = now_ns();
		if (nanosleep(&req, NULL)) {
			perror("nanosleep");
			return 1;
		}
		took[i] = now_ns() - start;
	}
	qsort(took, (size_t)runs, sizeof(took[0]), by_value);
	printf("nanosleep(1 ms) takes: median %.3f ms over %d runs (min %.3f, 90%% %.3f, max %.3f)\n",
	       took[runs / 2] / 1e6, runs, took[0] / 1e6, took[runs * 9 / 10] / 1e6,
	       took[runs - 1] / 1e6);
	return 0;
}
