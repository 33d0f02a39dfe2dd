/*
 * What the bench-* programs share: a clock, a median, one output line.
 *
 * Time is read with rdtsc, calibrated once against CLOCK_MONOTONIC: a
 * kernel's clock may be coarse (Antidote's ticked every 10 ms when these
 * programs were written), far too coarse for one madvise call, and a
 * clock_gettime costs a system call, while the TSC counts at a fixed rate
 * (under QEMU's TCG, the host's). The calibration waits for a tick edge, counts over one
 * second and ends on a tick edge, so the coarse clock costs at most one
 * tick in a hundred. The same binary runs on Linux, where it measures the
 * same way.
 */
#ifndef USER_BENCH_H
#define USER_BENCH_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#define RUNS 5 /* each figure is the median of this many runs */

static double tsc_per_ns;

static uint64_t rdtsc(void)
{
	uint32_t lo, hi;

	__asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return (uint64_t)hi << 32 | lo;
}

static uint64_t monotonic_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000 + (uint64_t)ts.tv_nsec;
}

/* The monotonic time just after its next change (a tick edge). */
static uint64_t next_tick(void)
{
	uint64_t then = monotonic_ns(), now;

	while ((now = monotonic_ns()) == then)
		;
	return now;
}

static void bench_init(void)
{
	uint64_t t0 = next_tick(), c0 = rdtsc();
	uint64_t t1 = t0, c1 = c0;

	while (t1 - t0 < 1000000000) {
		t1 = next_tick();
		c1 = rdtsc();
	}
	tsc_per_ns = (double)(c1 - c0) / (double)(t1 - t0);
}

static double now_ns(void)
{
	return (double)rdtsc() / tsc_per_ns;
}

static int compare_doubles(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* "bench NAME: MEDIAN UNIT (runs: ...)", the line tests/bench/run.sh reads.
 * A figure below 100 gets one decimal (6 us and 5.4 us differ by 10 %). */
static void report(const char *name, const char *unit, double runs[RUNS])
{
	double sorted[RUNS];

	for (int i = 0; i < RUNS; i++)
		sorted[i] = runs[i];
	qsort(sorted, RUNS, sizeof(sorted[0]), compare_doubles);
	int decimals = sorted[RUNS / 2] < 100 ? 1 : 0;
	printf("bench %s: %.*f %s (runs:", name, decimals, sorted[RUNS / 2], unit);
	for (int i = 0; i < RUNS; i++)
		printf(" %.*f", decimals, runs[i]);
	printf(")\n");
	fflush(stdout);
}

#endif
