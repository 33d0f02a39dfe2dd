/* Benchmark: the page fault on first touch. Map 64 MiB of anonymous
 * memory, write one byte into each page, unmap; ns per page. */
#include <sys/mman.h>

#include "bench.h"

#define SIZE (64UL << 20)
#define PAGE 4096UL

static double one_run(void)
{
	char *p = mmap(NULL, SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED) {
		perror("bench-fault: mmap");
		exit(1);
	}
	double start = now_ns();
	for (unsigned long off = 0; off < SIZE; off += PAGE)
		p[off] = 1;
	double elapsed = now_ns() - start;
	munmap(p, SIZE);
	return elapsed / (double)(SIZE / PAGE);
}

int main(void)
{
	double runs[RUNS];

	bench_init();
	for (int i = 0; i < RUNS; i++)
		runs[i] = one_run();
	report("page-fault", "ns/page", runs);
	return 0;
}
