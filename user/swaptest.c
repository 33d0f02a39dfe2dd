/*
 * Anonymous memory larger than RAM, every page checked (runs unchanged on
 * Linux). Each page is filled with words computed from its number and a
 * seed, so any page that comes back from swap wrong - another page's,
 * stale, zeroed - is found.
 *
 *   swaptest [MIB]           fill MIB (default 3x RAM), fork: parent and
 *                            child both check the shared, swapped pages;
 *                            the child rewrites its copy, the parent's
 *                            must stay; "swaptest: OK" or "FAIL"
 *   swaptest loop MIB        fill MIB, then check it again and again,
 *                            sending it all to swap (MADV_PAGEOUT) after
 *                            each pass, until SIGTERM: "swaptest: N
 *                            passes, OK"
 *   swaptest pagemap MIB     fill MIB, then read /proc/self/pagemap: the
 *                            swapped-out pages (bit 62, type in bits 0-4,
 *                            offset in 5-54), then check them all
 *   swaptest readerr MIB     fill MIB (twice), print the swap slot of page
 *                            MIB*64, wait for SIGUSR1, then touch that page
 *                            (SIGBUS expected: its slot fails to read) and
 *                            every other page
 */
#include <fcntl.h>
#include <stdbool.h>
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/sysinfo.h>
#include <sys/wait.h>
#include <unistd.h>

#include "pattern.h"
#include "sigbus.h"

#define PM_SWAP (1ULL << 62)

/* Pages [from, to) that differ; the first is told. */
static unsigned long check(const char *who, const uint64_t *mem, unsigned long from,
			   unsigned long to, uint64_t seed)
{
	unsigned long bad = 0;

	for (unsigned long p = from; p < to; p++) {
		for (unsigned long i = 0; i < WORDS; i++) {
			uint64_t want = word(p, i, seed), got = mem[p * WORDS + i];

			if (got == want)
				continue;
			if (!bad)
				printf("swaptest: %s: FAIL page %lu word %lu: %#llx, not %#llx\n", who, p,
				       i, (unsigned long long)got, (unsigned long long)want);
			bad++;
			break;
		}
	}
	return bad;
}

static uint64_t *map_filled(unsigned long pages, uint64_t seed)
{
	uint64_t *mem = mmap(NULL, pages * PAGE, PROT_READ | PROT_WRITE,
			     MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (mem == MAP_FAILED) {
		perror("swaptest: mmap");
		exit(1);
	}
	fill(mem, pages, seed);
	return mem;
}

static unsigned long ram_pages(void)
{
	struct sysinfo si;

	sysinfo(&si);
	return (unsigned long)(si.totalram * si.mem_unit / PAGE);
}

static unsigned long default_mib(void)
{
	return 3 * (ram_pages() / 256);
}

/* Memory set aside after the fill and given back just before fork: the
 * child's page tables need some free frames at once, while the fill has
 * taken every one (fork's page-table allocations cannot wait for
 * swap-out). */
#define BALLAST (4UL << 20)

static int fork_test(unsigned long pages)
{
	uint64_t *mem = map_filled(pages, 1);
	void *ballast = map_filled(BALLAST / PAGE, 0);
	unsigned long bad;
	int status;

	printf("swaptest: %lu MiB filled\n", pages * PAGE >> 20);
	fflush(stdout);
	munmap(ballast, BALLAST);
	pid_t pid = fork();
	if (pid < 0) {
		perror("swaptest: fork");
		return 1;
	}
	if (pid == 0) {
		bad = check("child", mem, 0, pages, 1);
		fill(mem, pages / 2, 2); /* its own copy now: the parent's stays */
		bad += check("child", mem, 0, pages / 2, 2) + check("child", mem, pages / 2, pages, 1);
		printf("swaptest: child checked %lu pages, %lu bad\n", pages, bad);
		_exit(bad != 0);
	}
	bad = check("parent", mem, 0, pages, 1);
	waitpid(pid, &status, 0);
	bad += check("parent", mem, 0, pages, 1);
	printf("swaptest: parent checked %lu pages twice, %lu bad\n", pages, bad);
	munmap(mem, pages * PAGE);
	bool ok = !bad && WIFEXITED(status) && WEXITSTATUS(status) == 0;
	printf("swaptest: %s\n", ok ? "OK" : "FAIL");
	return !ok;
}

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

static int loop_test(unsigned long pages)
{
	uint64_t *mem = map_filled(pages, 3);
	unsigned long passes = 0, bad = 0;

	signal(SIGTERM, on_signal);
	printf("swaptest: %lu MiB filled, checking until SIGTERM\n", pages * PAGE >> 20);
	fflush(stdout);
	while (!stop && !bad) {
		bad = check("loop", mem, 0, pages, 3);
		passes++;
		madvise(mem, pages * PAGE, MADV_PAGEOUT); /* the next pass swaps it all in */
		if (passes == 1) {
			printf("swaptest: paged out after the first pass\n");
			fflush(stdout);
		}
	}
	printf("swaptest: %lu passes, %s\n", passes, bad ? "FAIL" : "OK");
	return bad != 0;
}

/* The pagemap word of each page; how many are swapped. */
static unsigned long count_swapped(const uint64_t *mem, unsigned long pages, uint64_t *first)
{
	int fd = open("/proc/self/pagemap", O_RDONLY);
	unsigned long swapped = 0;

	*first = 0;
	for (unsigned long p = 0; fd >= 0 && p < pages; p++) {
		uint64_t pm;

		if (pread(fd, &pm, 8, (off_t)(((uintptr_t)mem / PAGE + p) * 8)) != 8)
			break;
		if (!(pm & PM_SWAP))
			continue;
		if (!swapped++)
			*first = pm;
	}
	if (fd >= 0)
		close(fd);
	return swapped;
}

static int pagemap_test(unsigned long pages)
{
	uint64_t *mem = map_filled(pages, 4), first;
	unsigned long swapped = count_swapped(mem, pages, &first);
	unsigned long bad = check("pagemap", mem, 0, pages, 4);

	printf("swaptest: pagemap: %lu of %lu pages swapped, first type %llu offset %llu\n",
	       swapped, pages, (unsigned long long)(first & 0x1f),
	       (unsigned long long)((first >> 5) & ((1ULL << 50) - 1)));
	printf("swaptest: %s\n", swapped && !bad ? "OK" : "FAIL");
	return !(swapped && !bad);
}

static int readerr_test(unsigned long pages)
{
	uint64_t *mem = map_filled(pages, 5), pm = 0;
	/* Fill as much again after it, and at least the RAM: what the swap
	 * cache still held of the first fill is dropped, so touching the
	 * target page reads its slot. */
	unsigned long push = pages > ram_pages() ? pages : ram_pages();
	void *pusher = map_filled(push, 6);
	munmap(pusher, push * PAGE);
	int fd = open("/proc/self/pagemap", O_RDONLY);
	struct sigaction sa = { .sa_sigaction = on_sigbus, .sa_flags = SA_SIGINFO };
	sigset_t usr1;

	sigemptyset(&usr1);
	sigaddset(&usr1, SIGUSR1);
	sigprocmask(SIG_BLOCK, &usr1, NULL);
	/* A page from the middle of the fill: swapped out while reclaim was
	 * in full swing (the first ones may still be in the swap cache). */
	unsigned long target = pages / 4;
	uint64_t *page = mem + target * WORDS;

	if (fd < 0 || pread(fd, &pm, 8, (off_t)((uintptr_t)page / PAGE * 8)) != 8 ||
	    !(pm & PM_SWAP)) {
		printf("swaptest: readerr: page %lu is not swapped out (%#llx): FAIL\n", target,
		       (unsigned long long)pm);
		return 1;
	}
	printf("swaptest: page %lu in swap slot %llu; waiting for SIGUSR1\n", target,
	       (unsigned long long)((pm >> 5) & ((1ULL << 50) - 1)));
	fflush(stdout);
	int sig;
	sigwait(&usr1, &sig);
	sigaction(SIGBUS, &sa, NULL);
	if (sigsetjmp(bus_jump, 1) == 0) {
		volatile uint64_t v = *page;
		(void)v;
		printf("swaptest: page %lu read without SIGBUS\n", target);
	} else {
		printf("swaptest: SIGBUS si_code %d at %s\n", bus_code,
		       bus_addr == page ? "that page" : "another address");
	}
	unsigned long bad = check("readerr", mem, 0, target, 5) +
			    check("readerr", mem, target + 1, pages, 5);
	printf("swaptest: other pages: %lu bad\n", bad);
	return bad != 0;
}

int main(int argc, char **argv)
{
	const char *mode = argc > 1 && (argv[1][0] < '0' || argv[1][0] > '9') ? argv[1] : "fork";
	const char *size = strcmp(mode, "fork") ? (argc > 2 ? argv[2] : NULL) : argv[1];
	unsigned long mib = size ? strtoul(size, NULL, 0) : default_mib();
	unsigned long pages = mib << 20 >> 12;

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (!pages) {
		fprintf(stderr, "usage: swaptest [fork|loop|pagemap|readerr] [MIB]\n");
		return 2;
	}
	if (!strcmp(mode, "fork"))
		return fork_test(pages);
	if (!strcmp(mode, "loop"))
		return loop_test(pages);
	if (!strcmp(mode, "pagemap"))
		return pagemap_test(pages);
	if (!strcmp(mode, "readerr"))
		return readerr_test(pages);
	fprintf(stderr, "swaptest: unknown mode %s\n", mode);
	return 2;
}
