/* Benchmark: swap. An anonymous region of 3x RAM is written a word per
 * page (swap-out: the bytes that went to swap, from SwapFree, over the
 * time), then read a word per page in the same order (swap-in: the same
 * bytes come back, over that time), then unmapped; the whole run is the
 * 3x-RAM workload's time. Needs swap of more than twice the RAM. Runs
 * unchanged on Linux (tests/bench/linux.sh). */
#include <sys/mman.h>
#include <sys/sysinfo.h>

#include "bench.h"

#define PAGE 4096UL

static double swap_used_mib(void)
{
	struct sysinfo si;

	sysinfo(&si);
	return (double)(si.totalswap - si.freeswap) * si.mem_unit / (1 << 20);
}

int main(void)
{
	struct sysinfo si;
	double out[RUNS], in[RUNS], whole[RUNS];

	bench_init();
	sysinfo(&si);
	unsigned long size = 3 * si.totalram * si.mem_unit;
	/* The kernels' MemTotal differ: say what 3x RAM was. */
	printf("bench swap-workload: %lu MiB (MemTotal %lu MiB)\n", size >> 20,
	       (unsigned long)(si.totalram * si.mem_unit) >> 20);
	for (int r = 0; r < RUNS; r++) {
		double t0 = now_ns(), used0 = swap_used_mib();
		volatile char *mem = mmap(NULL, size, PROT_READ | PROT_WRITE,
					  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (mem == MAP_FAILED)
			return 1;
		for (unsigned long off = 0; off < size; off += PAGE)
			mem[off] = (char)(off >> 12);
		double t1 = now_ns(), used1 = swap_used_mib();
		unsigned long sum = 0;
		for (unsigned long off = 0; off < size; off += PAGE)
			sum += (unsigned char)mem[off];
		double t2 = now_ns();
		munmap((void *)mem, size);
		double t3 = now_ns();
		(void)sum;
		out[r] = (used1 - used0) / ((t1 - t0) / 1e9);
		/* Reading it all in order brings back what went out. */
		in[r] = (used1 - used0) / ((t2 - t1) / 1e9);
		whole[r] = (t3 - t0) / 1e6;
	}
	report("swap-out", "MiB/s", out);
	report("swap-in", "MiB/s", in);
	report("swap-3x-ram", "ms", whole);
	return 0;
}
