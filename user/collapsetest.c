/*
 * Collapsing small pages into a huge page (mm/khugepaged.c), and a
 * collapse that meets bad memory (tests/system/test_collapse.py).
 *
 *   collapsetest knobs        khugepaged's sysfs files: Linux's defaults,
 *                             and bad values refused (EINVAL)
 *   collapsetest madvise      512 small pages, then MADV_COLLAPSE: one
 *                             huge page (512 contiguous frames), the data
 *                             intact
 *   collapsetest daemon       the same, khugepaged doing it (we make it
 *                             scan every 100 ms and wait up to 20 s)
 *   collapsetest shared       512 pages shared with a fork child: more
 *                             than max_ptes_shared (256), EINVAL; the
 *                             child writes (copies) 300 of them, and the
 *                             212 shared ones collapse with the rest;
 *                             both see their data intact
 *   collapsetest swap         60 pages swapped out (MADV_PAGEOUT): fewer
 *                             than max_ptes_swap (64), brought in and
 *                             collapsed; then 100 out: EINVAL (needs a
 *                             swap device)
 *   collapsetest huge         MADV_COLLAPSE, then the same wait for page
 *                             100 to be armed (which splits the huge page:
 *                             one PMD cannot fault for 4 KiB alone); then
 *                             read all 512: 511 intact, page 100 SIGBUS
 *   collapsetest poison madvise|daemon [memcpy]
 *                             512 small pages; print the frame of page
 *                             100 and wait for SIGUSR1 (the test arms it:
 *                             inject latent); then collapse. The copy
 *                             meets the bad page: the collapse is
 *                             abandoned (MADV_COLLAPSE: EINVAL). Print
 *                             "collapse abandoned", wait for SIGUSR1
 *                             again (memory_failure has taken the page),
 *                             then read all 512: the 511 others intact,
 *                             page 100 SIGBUS BUS_MCEERR_AR. With memcpy,
 *                             khugepaged copies without copy_mc
 *                             (collapse-copy-mc = 0): the kernel panics.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "check.h"
#include "madv.h"
#include "pagemap.h"
#include "pattern.h"
#include "touch.h"
#include "usr1.h"
#include "write_text.h"

#ifndef BUS_MCEERR_AR
#define BUS_MCEERR_AR 4
#endif

#define PS 4096UL
#define HPS (2UL << 20)
#define NR 512UL
#define BAD 100
#define SEED 0x5eed
#define KHUGEPAGED "/sys/kernel/mm/transparent_hugepage/khugepaged/"

/* Whether page p reads back right; a SIGBUS (its code in bus_code:
 * touch.h) counts as wrong. */
static bool intact(volatile uint64_t *mem, unsigned long p)
{
	if (touch((volatile char *)&mem[p * WORDS]))
		return false;
	for (unsigned long i = 0; i < WORDS; i++)
		if (mem[p * WORDS + i] != word(p, i, SEED))
			return false;
	return true;
}

/* 512 small pages, aligned to 2 MiB, in an area that may have huge ones
 * once we say so. */
static char *small_pages(void)
{
	char *area = mmap(NULL, 2 * HPS, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	char *mem = (char *)(((uintptr_t)area + HPS - 1) & ~(HPS - 1));

	madvise(mem, HPS, MADV_NOHUGEPAGE);
	fill((uint64_t *)mem, NR, SEED);
	return mem;
}

/* Ask for the collapse; with the daemon, wait for it (up to 20 s) to
 * have looked at our range. 0 or MADV_COLLAPSE's errno. */
static int collapse(char *mem, bool daemon, bool want_huge)
{
	if (!daemon) {
		madvise(mem, HPS, MADV_HUGEPAGE);
		return madvise(mem, HPS, MADV_COLLAPSE) ? errno : 0;
	}
	char before[32] = "";
	int fd = open(KHUGEPAGED "full_scans", O_RDONLY);
	if (fd >= 0 && read(fd, before, sizeof(before) - 1) < 0)
		before[0] = '\0';
	write_text(KHUGEPAGED "scan_sleep_millisecs", "100");
	madvise(mem, HPS, MADV_HUGEPAGE); /* khugepaged learns of the area */
	for (int i = 0; i < 200 && !(want_huge && is_huge_page(mem)); i++) {
		struct timespec tick = { 0, 100 * 1000 * 1000 };
		char now[32] = "";
		nanosleep(&tick, NULL);
		if (!want_huge && pread(fd, now, sizeof(now) - 1, 0) > 0 && strtoul(now, NULL, 10) >
									   strtoul(before, NULL, 10) + 1)
			break; /* two full scans since: it has been at our range */
	}
	if (fd >= 0)
		close(fd);
	write_text(KHUGEPAGED "scan_sleep_millisecs", "10000");
	return 0;
}

static long read_knob(const char *name)
{
	char path[128], text[32] = "";
	snprintf(path, sizeof(path), KHUGEPAGED "%s", name);
	int fd = open(path, O_RDONLY);
	long n = fd >= 0 && read(fd, text, sizeof(text) - 1) > 0 ? strtol(text, NULL, 10) : -1;
	if (fd >= 0)
		close(fd);
	return n;
}

/* errno of writing value to the knob (0: it took it). */
static int write_errno(const char *name, const char *value)
{
	char path[128];
	snprintf(path, sizeof(path), KHUGEPAGED "%s", name);
	int fd = open(path, O_WRONLY);
	int err = fd < 0 ? errno : write(fd, value, strlen(value)) < 0 ? errno : 0;
	if (fd >= 0)
		close(fd);
	return err;
}

static void test_knobs(void)
{
	check(read_knob("pages_to_scan") == 4096, "pages_to_scan: 4096");
	check(read_knob("scan_sleep_millisecs") == 10000, "scan_sleep_millisecs: 10000");
	check(read_knob("max_ptes_none") == 511, "max_ptes_none: 511");
	check(read_knob("max_ptes_swap") == 64, "max_ptes_swap: 64");
	check(read_knob("max_ptes_shared") == 256, "max_ptes_shared: 256");
	check(read_knob("pages_collapsed") >= 0 && read_knob("full_scans") >= 0,
	      "pages_collapsed and full_scans");
	check(write_errno("pages_to_scan", "0") == EINVAL, "pages_to_scan 0: EINVAL");
	check(write_errno("max_ptes_none", "512") == EINVAL, "max_ptes_none 512: EINVAL");
	check(write_errno("max_ptes_shared", "512") == EINVAL, "max_ptes_shared 512: EINVAL");
	check(write_errno("scan_sleep_millisecs", "soon") == EINVAL, "scan_sleep_millisecs soon: EINVAL");
	check(write_errno("pages_collapsed", "1") == EACCES, "pages_collapsed is read-only: EACCES");
	check(read_knob("pages_to_scan") == 4096 && read_knob("max_ptes_none") == 511,
	      "nothing changed");
}

static unsigned long bad_pages(char *mem)
{
	unsigned long bad = 0;

	for (unsigned long p = 0; p < NR; p++)
		bad += !intact((uint64_t *)mem, p);
	return bad;
}

static void test_collapse(bool daemon)
{
	char *mem = small_pages();

	check(!is_huge_page(mem), "512 small pages to begin with");
	check(collapse(mem, daemon, true) == 0, daemon ? "khugepaged collapsed them"
						       : "MADV_COLLAPSE: 0");
	check(is_huge_page(mem), "one huge page now: 512 contiguous frames, kpageflags THP");
	check(bad_pages(mem) == 0, "every page's data intact");
}

static void test_shared(void)
{
	char *mem = small_pages();
	int go[2], done[2];

	if (pipe(go) || pipe(done))
		return;
	pid_t child = fork();
	if (child == 0) { /* wait for the parent's first try, copy 300, let it go on */
		char c;
		if (read(go[0], &c, 1) != 1)
			_exit(2);
		fill((uint64_t *)mem, 300, SEED);
		if (write(done[1], "x", 1) != 1 || read(go[0], &c, 1) != 1)
			_exit(2);
		_exit(bad_pages(mem) == 0 ? 0 : 1);
	}
	madvise(mem, HPS, MADV_HUGEPAGE);
	check(madvise(mem, HPS, MADV_COLLAPSE) == -1 && errno == EINVAL,
	      "512 shared pages, more than max_ptes_shared: EINVAL");
	char c;
	check(write(go[1], "x", 1) == 1 && read(done[0], &c, 1) == 1, "the child copied 300 pages");
	check(madvise(mem, HPS, MADV_COLLAPSE) == 0 && is_huge_page(mem),
	      "212 shared: collapsed into one huge page");
	check(bad_pages(mem) == 0, "the parent's data intact");
	int status = -1;
	check(write(go[1], "x", 1) == 1 && waitpid(child, &status, 0) == child &&
		      WIFEXITED(status) && WEXITSTATUS(status) == 0,
	      "the child's data intact, its 212 pages still shared with nobody but it");
}

/* Pages [0, n) of mem swapped out; false if they did not all go. */
static bool page_out(char *mem, unsigned long n)
{
	if (madvise(mem, n * PS, MADV_PAGEOUT))
		return false;
	for (unsigned long p = 0; p < n; p++)
		if (!(read_word("/proc/self/pagemap", (uintptr_t)(mem + p * PS) / PS) >> 62 & 1))
			return false;
	return true;
}

static void test_swap(void)
{
	char *mem = small_pages();

	madvise(mem, HPS, MADV_HUGEPAGE);
	check(page_out(mem, 60), "60 pages out in swap");
	check(madvise(mem, HPS, MADV_COLLAPSE) == 0 && is_huge_page(mem),
	      "fewer than max_ptes_swap: brought in, one huge page");
	check(bad_pages(mem) == 0, "every page's data intact");
	check(page_out(mem, 100), "100 pages out in swap (the huge page split)");
	check(madvise(mem, HPS, MADV_COLLAPSE) == -1 && errno == EINVAL && !is_huge_page(mem),
	      "more than max_ptes_swap: EINVAL");
	check(bad_pages(mem) == 0, "every page's data intact");
}

/* The 511 good pages read back, the bad one is SIGBUS BUS_MCEERR_AR. */
static void check_all_but_bad(char *mem)
{
	unsigned long bad = 0;
	for (unsigned long p = 0; p < NR; p++)
		bad += p != BAD && !intact((uint64_t *)mem, p);
	check(bad == 0, "the 511 other pages intact");
	check(!intact((uint64_t *)mem, BAD) && bus_code == BUS_MCEERR_AR,
	      "the bad page: SIGBUS BUS_MCEERR_AR");
}

static void print_bad_pfn(const char *mem)
{
	printf("collapsetest: pfn %llu; waiting for SIGUSR1\n",
	       (unsigned long long)pfn_of(mem + BAD * PS));
	fflush(stdout);
}

static void test_huge(void)
{
	char *mem = small_pages();

	check(collapse(mem, false, true) == 0 && is_huge_page(mem), "one huge page");
	print_bad_pfn(mem);
	wait_usr1();
	check(!is_huge_page(mem), "arming a frame split it");
	check_all_but_bad(mem);
}

static void test_poison(bool daemon, bool plain)
{
	char *mem = small_pages();

	print_bad_pfn(mem);
	wait_usr1();
	if (plain)
		write_text("/sys/kernel/debug/hwpoison/collapse-copy-mc", "0");
	int err = collapse(mem, daemon, false);
	if (!daemon)
		check(err == EINVAL, "MADV_COLLAPSE over the bad page: EINVAL");
	check(!is_huge_page(mem), "no huge page: the collapse was abandoned");
	printf("collapsetest: collapse abandoned; waiting for SIGUSR1\n");
	fflush(stdout);
	wait_usr1();
	check_all_but_bad(mem);
}

int main(int argc, char **argv)
{
	block_usr1();
	if (argc == 2 && !strcmp(argv[1], "knobs")) {
		test_knobs();
	} else if (argc == 2 && !strcmp(argv[1], "huge")) {
		test_huge();
	} else if (argc == 2 && !strcmp(argv[1], "shared")) {
		test_shared();
	} else if (argc == 2 && !strcmp(argv[1], "swap")) {
		test_swap();
	} else if (argc == 2 && (!strcmp(argv[1], "madvise") || !strcmp(argv[1], "daemon"))) {
		test_collapse(!strcmp(argv[1], "daemon"));
	} else if ((argc == 3 || argc == 4) && !strcmp(argv[1], "poison") &&
		   (!strcmp(argv[2], "madvise") || !strcmp(argv[2], "daemon"))) {
		test_poison(!strcmp(argv[2], "daemon"), argc == 4 && !strcmp(argv[3], "memcpy"));
	} else {
		fprintf(stderr, "usage: collapsetest knobs|madvise|daemon|shared|swap|huge|"
				"poison madvise|daemon [memcpy]\n");
		return 2;
	}
	printf("collapsetest: %d failed\n", failures);
	return failures != 0;
}
