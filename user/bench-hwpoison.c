/* Benchmark: madvise(MADV_HWPOISON) of one resident anonymous page;
 * microseconds per call. Each call poisons a page for good, so a run is
 * only 20 calls. Whether the kernel's log lines reach the console is the
 * console log level's business: tests/bench/run.sh runs this twice. */
#include <sys/mman.h>

#include "bench.h"

#ifndef MADV_HWPOISON
#define MADV_HWPOISON 100
#endif
#define CALLS 20 /* per run */
#define PAGE 4096UL

static double one_run(void)
{
	char *p = mmap(NULL, CALLS * PAGE, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	double total = 0;

	if (p == MAP_FAILED) {
		perror("bench-hwpoison: mmap");
		exit(1);
	}
	for (unsigned long i = 0; i < CALLS; i++)
		p[i * PAGE] = 1;
	for (unsigned long i = 0; i < CALLS; i++) {
		double start = now_ns();
		if (madvise(p + i * PAGE, PAGE, MADV_HWPOISON)) {
			perror("bench-hwpoison: madvise");
			exit(1);
		}
		total += now_ns() - start;
	}
	munmap(p, CALLS * PAGE);
	return total / CALLS / 1000;
}

int main(int argc, char **argv)
{
	double runs[RUNS];

	bench_init();
	for (int i = 0; i < RUNS; i++)
		runs[i] = one_run();
	report(argc > 1 ? argv[1] : "madvise-hwpoison", "us", runs);
	return 0;
}
