/*
 * Memory errors while memory is swapped (runs unchanged on Linux, as
 * root): anonymous memory larger than RAM, every page checked again and
 * again while someone poisons its frames - from the console
 * (`hwpoison corrupt-pfn`), debugfs or MADV_HWPOISON in another process.
 *
 *   swapstress MIB     fill MIB, print "swapstress: pid P filled", then
 *                      check every page, pass after pass, until SIGUSR1;
 *                      then one last pass, and the summary. On SIGUSR2
 *                      it prints the frames of a few of its pages that
 *                      are in memory now (from /proc/self/pagemap:
 *                      "swapstress: frames 0x1234 0x2345 ..."), for
 *                      whoever wants to poison one
 *
 * A page whose frame was poisoned while it was dirty - in memory, or in
 * the swap cache - is lost: its next touch must bring SIGBUS
 * BUS_MCEERR_AR at that page (never silently wrong data), and the page is
 * left alone from then on. A page whose frame held a clean copy (a clean
 * swap-cache page) must read back intact, from swap. Every other page
 * must hold exactly what was written. The summary,
 *
 *   swapstress: N passes, L pages lost (SIGBUS BUS_MCEERR_AR), B bad: OK
 *
 * says OK only if no page was bad. Any other SIGBUS (not action-required,
 * or not at a page of the area) ends the program at once with "FAIL".
 * Exit status 0 for OK, 1 otherwise.
 */
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "pattern.h"

#ifndef BUS_MCEERR_AR
#define BUS_MCEERR_AR 4
#endif

static uint64_t *area;
static unsigned long pages;
static unsigned char *lost;          /* one byte a page: 1 once SIGBUS said so */
static sigjmp_buf at_page;
static volatile sig_atomic_t last_pass, frames_wanted;
static volatile unsigned long bus_page;

static void on_sigbus(int sig, siginfo_t *si, void *uc)
{
	uintptr_t addr = (uintptr_t)si->si_addr, base = (uintptr_t)area;

	(void)sig, (void)uc;
	if (si->si_code != BUS_MCEERR_AR || addr < base || addr >= base + pages * PAGE) {
		static const char msg[] = "swapstress: SIGBUS that is not action-required at a page of ours: FAIL\n";
		write(1, msg, sizeof(msg) - 1);
		_exit(1); /* a signal for something else: nothing to go on with */
	}
	bus_page = (addr - base) / PAGE;
	siglongjmp(at_page, 1);
}

static void on_sigusr1(int sig)
{
	(void)sig;
	last_pass = 1;
}

static void on_sigusr2(int sig)
{
	(void)sig;
	frames_wanted = 1;
}

#define PM_PRESENT (1ULL << 63)
#define PM_PFN_MASK ((1ULL << 55) - 1)
#define FRAMES_TOLD 8

/* The frames of up to FRAMES_TOLD pages in memory, from page `from` on. */
static void print_frames(unsigned long from)
{
	int fd = open("/proc/self/pagemap", O_RDONLY);
	unsigned long told = 0;

	printf("swapstress: frames");
	for (unsigned long n = 0; fd >= 0 && n < pages && told < FRAMES_TOLD; n++) {
		unsigned long p = (from + n * 97) % pages; /* spread over the area */
		uint64_t entry;

		if (lost[p] || pread(fd, &entry, sizeof(entry),
				     (off_t)(((uintptr_t)area / PAGE + p) * sizeof(entry))) != sizeof(entry))
			continue;
		if ((entry & PM_PRESENT) && (entry & PM_PFN_MASK)) {
			printf(" %#llx", (unsigned long long)(entry & PM_PFN_MASK));
			told++;
		}
	}
	printf("\n");
	fflush(stdout);
	if (fd >= 0)
		close(fd);
}

/* Check page p: 0 if intact, 1 if not. A SIGBUS while reading it lands
 * in on_sigbus, which jumps back here with the page marked lost. */
static int check_page(unsigned long p)
{
	const volatile uint64_t *w = area + p * WORDS;

	if (sigsetjmp(at_page, 1)) {
		lost[bus_page] = 1;
		return 0;
	}
	for (unsigned long i = 0; i < WORDS; i++)
		if (w[i] != word(p, i, 0))
			return 1;
	return 0;
}

static void handle(int sig, void (*fn)(int, siginfo_t *, void *), void (*plain)(int))
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	if (fn) {
		sa.sa_sigaction = fn;
		sa.sa_flags = SA_SIGINFO | SA_NODEFER;
	} else {
		sa.sa_handler = plain;
	}
	sigaction(sig, &sa, NULL);
}

int main(int argc, char **argv)
{
	unsigned long mib = argc > 1 ? strtoul(argv[1], NULL, 0) : 0, passes = 0, bad = 0, nlost = 0;

	if (!mib) {
		fprintf(stderr, "usage: swapstress MIB\n");
		return 2;
	}
	pages = mib * 1024 * 1024 / PAGE;
	area = mmap(NULL, pages * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	lost = calloc(pages, 1);
	if (area == MAP_FAILED || !lost) {
		perror("swapstress: memory");
		return 1;
	}
	handle(SIGBUS, on_sigbus, NULL);
	handle(SIGUSR1, NULL, on_sigusr1);
	handle(SIGUSR2, NULL, on_sigusr2);
	fill(area, pages, 0);
	printf("swapstress: pid %d filled %lu MiB\n", getpid(), mib);
	fflush(stdout);
	for (int done = 0; !done; passes++) {
		done = last_pass; /* the pass after SIGUSR1 is the last */
		for (unsigned long p = 0; p < pages; p++) {
			if (frames_wanted) {
				frames_wanted = 0;
				print_frames(p);
			}
			if (lost[p])
				continue;
			if (check_page(p)) {
				if (bad++ < 4)
					printf("swapstress: page %lu is wrong\n", p);
			}
		}
	}
	for (unsigned long p = 0; p < pages; p++)
		nlost += lost[p];
	printf("swapstress: %lu passes, %lu pages lost (SIGBUS BUS_MCEERR_AR), %lu bad: %s\n",
	       passes, nlost, bad, bad ? "FAIL" : "OK");
	return bad ? 1 : 0;
}
