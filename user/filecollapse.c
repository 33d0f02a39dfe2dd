/*
 * Collapsing a file's page cache into a huge page (mm/khugepaged.c:
 * collapse_file, Linux's READ_ONLY_THP_FOR_FS; tests/system/test_collapse.py).
 * FILE is made anew: 2 MiB of a checked pattern, written and synced, then
 * mapped read-only and executable - what a program's text is - at an
 * address on 2 MiB.
 *
 *   filecollapse madvise FILE   the page cache dropped, half the pages
 *                               touched, then MADV_COLLAPSE: one huge
 *                               page (the other half read from disk by
 *                               the collapse), mapped by the PMD; the
 *                               data intact in the mapping and by pread;
 *                               FileHugePages and FilePmdMapped count it
 *   filecollapse daemon FILE    the same, khugepaged doing it
 *   filecollapse writer FILE    after the collapse, opening FILE for
 *                               writing drops its huge page (as Linux):
 *                               small pages again, read from disk
 *   filecollapse changes FILE   the huge page through fork (the child
 *                               maps it too), mprotect of half (split),
 *                               MADV_PAGEOUT (reclaimed) and truncate
 *                               to 1 MiB (SIGBUS beyond, intact below)
 *   filecollapse poison FILE    print the frame of page 100 and wait for
 *                               SIGUSR1 (the test arms it: inject latent);
 *                               MADV_COLLAPSE: the copy meets the bad
 *                               page, EINVAL, the page cache as it was;
 *                               print "collapse abandoned", wait for
 *                               SIGUSR1 (memory_failure has dropped the
 *                               clean page); all 512 pages intact - page
 *                               100 read again from disk, no signal
 *   filecollapse huge FILE      collapse, print page 100's frame, wait
 *                               for SIGUSR1 (armed: the huge page split);
 *                               all 512 intact, page 100 in a new frame
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "check.h"
#include "madv.h"
#include "pagemap.h"
#include "pattern.h"
#include "proc_value.h"
#include "touch.h"
#include "usr1.h"
#include "write_text.h"

#ifndef BUS_ADRERR
#define BUS_ADRERR 2
#endif

#define HPS (2UL << 20)
#define NR 512UL
#define BAD 100
#define SEED 0xf11e
#define KHUGEPAGED "/sys/kernel/mm/transparent_hugepage/khugepaged/"

static const char *path;

/* FILE: 512 pages of the pattern, on the disk. */
static void make_file(void)
{
	uint64_t *data = malloc(HPS);
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0755);

	fill(data, NR, SEED);
	check(fd >= 0 && write(fd, data, HPS) == (ssize_t)HPS && fsync(fd) == 0 && close(fd) == 0,
	      "FILE written and synced");
	free(data);
}

/* FILE mapped read-only and executable at an address on 2 MiB. */
static char *map_file(void)
{
	char *area = mmap(NULL, 2 * HPS, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	char *at = (char *)(((uintptr_t)area + HPS - 1) & ~(HPS - 1));
	int fd = open(path, O_RDONLY);
	char *mem = mmap(at, HPS, PROT_READ | PROT_EXEC, MAP_PRIVATE | MAP_FIXED, fd, 0);

	close(fd); /* the mapping keeps the file */
	check(mem == at, "FILE mapped at an address on 2 MiB");
	return mem;
}

/* Page p of the mapping reads back right (a SIGBUS counts as wrong). */
static bool intact(const char *mem, unsigned long p)
{
	const volatile uint64_t *w = (const volatile uint64_t *)(mem + p * PAGE);

	if (touch((volatile char *)w))
		return false;
	for (unsigned long i = 0; i < WORDS; i++)
		if (w[i] != word(p, i, SEED))
			return false;
	return true;
}

static unsigned long bad_in_mapping(const char *mem)
{
	unsigned long bad = 0;

	for (unsigned long p = 0; p < NR; p++)
		bad += !intact(mem, p);
	return bad;
}

/* The same check through read(): the page cache's copy. */
static unsigned long bad_in_file(void)
{
	uint64_t buf[WORDS];
	unsigned long bad = 0;
	int fd = open(path, O_RDONLY);

	for (unsigned long p = 0; p < NR; p++) {
		bool ok = pread(fd, buf, PAGE, (off_t)(p * PAGE)) == (ssize_t)PAGE;
		for (unsigned long i = 0; ok && i < WORDS; i++)
			ok = buf[i] == word(p, i, SEED);
		bad += !ok;
	}
	close(fd);
	return bad;
}

/* khugepaged, woken every 100 ms, until the range is huge (up to 20 s). */
static bool daemon_collapse(const char *mem)
{
	write_text(KHUGEPAGED "scan_sleep_millisecs", "100");
	madvise((void *)mem, HPS, MADV_HUGEPAGE); /* khugepaged learns of the area */
	for (int i = 0; i < 200 && !is_huge_page(mem); i++) {
		struct timespec tick = { 0, 100 * 1000 * 1000 };
		nanosleep(&tick, NULL);
	}
	write_text(KHUGEPAGED "scan_sleep_millisecs", "10000");
	return is_huge_page(mem);
}

static long file_huge_kb(void)
{
	return proc_value("/proc/meminfo", "FileHugePages");
}

static void print_bad_pfn(const char *mem)
{
	printf("filecollapse: pfn %llu; waiting for SIGUSR1\n",
	       (unsigned long long)pfn_of(mem + BAD * PAGE));
	fflush(stdout);
}

/* A new FILE, mapped, every page touched: 512 small page-cache pages. */
static char *small_pages(void)
{
	make_file();
	char *mem = map_file();
	check(bad_in_mapping(mem) == 0 && !is_huge_page(mem), "512 small pages to begin with");
	return mem;
}

static void test_collapse(bool daemon)
{
	make_file();
	write_text("/proc/sys/vm/drop_caches", "1");
	char *mem = map_file();
	long huge_kb = file_huge_kb(), pmd_kb = proc_value("/proc/meminfo", "FilePmdMapped");
	for (unsigned long p = 0; p < NR; p += 2)
		intact(mem, p);
	if (daemon)
		check(daemon_collapse(mem), "khugepaged collapsed them");
	else
		check(madvise(mem, HPS, MADV_COLLAPSE) == 0, "MADV_COLLAPSE: 0");
	check(is_huge_page(mem), "one huge page now: 512 contiguous frames, kpageflags THP");
	check(read_word("/proc/self/pagemap", (uintptr_t)(mem + HPS - PAGE) / PAGE) >> 61 & 1,
	      "pagemap: a file page (bit 61)");
	check(bad_in_mapping(mem) == 0, "every page intact in the mapping");
	check(bad_in_file() == 0, "every page intact through pread");
	check(file_huge_kb() == huge_kb + 2048, "FileHugePages: 2048 kB more");
	check(proc_value("/proc/meminfo", "FilePmdMapped") == pmd_kb + 2048,
	      "FilePmdMapped: 2048 kB more");
	check(proc_value("/proc/self/smaps_rollup", "FilePmdMapped") == 2048,
	      "smaps_rollup: FilePmdMapped 2048 kB, this process's");
	check(madvise(mem, HPS, MADV_COLLAPSE) == 0, "MADV_COLLAPSE again: 0, nothing to do");
}

static void test_writer(void)
{
	char *mem = small_pages();

	check(madvise(mem, HPS, MADV_COLLAPSE) == 0 && is_huge_page(mem), "one huge page");
	long huge_kb = file_huge_kb();
	int fd = open(path, O_RDWR);
	check(fd >= 0, "FILE opened for writing");
	check(file_huge_kb() == huge_kb - 2048, "the huge page left the page cache");
	check(!is_huge_page(mem) && bad_in_mapping(mem) == 0, "small pages again, read from disk");
	check(madvise(mem, HPS, MADV_COLLAPSE) == -1 && errno == EINVAL,
	      "MADV_COLLAPSE while a writer has it: EINVAL");
	close(fd);
}

/* A new mapping of FILE, every page touched, collapsed. */
static char *collapsed(void)
{
	char *mem = map_file();

	check(bad_in_mapping(mem) == 0 && madvise(mem, HPS, MADV_COLLAPSE) == 0 && is_huge_page(mem),
	      "collapsed: one huge page");
	return mem;
}

static void test_changes(void)
{
	make_file();
	char *mem = collapsed();
	pid_t child = fork();
	if (child == 0)
		_exit(is_huge_page(mem) && bad_in_mapping(mem) == 0 ? 0 : 1);
	int status = -1;
	waitpid(child, &status, 0);
	check(WIFEXITED(status) && WEXITSTATUS(status) == 0,
	      "fork: the child maps the same huge page, data intact");
	check(is_huge_page(mem), "the parent still maps it after the child's exit");

	long split = proc_value("/proc/vmstat", "thp_split_page"), huge_kb = file_huge_kb();
	check(mprotect(mem + HPS / 2, HPS / 2, PROT_READ) == 0, "mprotect of the second half");
	check(!is_huge_page(mem) && proc_value("/proc/vmstat", "thp_split_page") == split + 1,
	      "the huge page split");
	check(file_huge_kb() == huge_kb - 2048 && bad_in_mapping(mem) == 0,
	      "512 small page-cache pages, data intact");
	munmap(mem, HPS);

	mem = collapsed();
	check(madvise(mem, HPS, MADV_PAGEOUT) == 0 && pfn_of(mem) == 0,
	      "MADV_PAGEOUT: the pages left memory");
	check(bad_in_mapping(mem) == 0, "read again from disk, intact");
	munmap(mem, HPS);

	mem = collapsed();
	check(truncate(path, HPS / 2) == 0, "truncate to 1 MiB");
	unsigned long bad = 0;
	for (unsigned long p = 0; p < NR / 2; p++)
		bad += !intact(mem, p);
	check(bad == 0, "the first 1 MiB intact");
	check(touch(mem + HPS / 2) && bus_code == BUS_ADRERR, "beyond the end: SIGBUS BUS_ADRERR");
}

static void test_poison(void)
{
	char *mem = small_pages();

	print_bad_pfn(mem);
	wait_usr1();
	check(madvise(mem, HPS, MADV_COLLAPSE) == -1 && errno == EINVAL,
	      "MADV_COLLAPSE over the bad page: EINVAL");
	check(!is_huge_page(mem), "no huge page: the collapse was abandoned");
	printf("filecollapse: collapse abandoned; waiting for SIGUSR1\n");
	fflush(stdout);
	wait_usr1();
	check(bad_in_mapping(mem) == 0, "all 512 pages intact in the mapping, no signal");
	check(bad_in_file() == 0, "all 512 intact through pread");
}

static void test_huge(void)
{
	char *mem = small_pages();

	check(madvise(mem, HPS, MADV_COLLAPSE) == 0 && is_huge_page(mem), "one huge page");
	uint64_t pfn = pfn_of(mem + BAD * PAGE);
	print_bad_pfn(mem);
	wait_usr1();
	check(!is_huge_page(mem), "arming a frame split it");
	check(bad_in_mapping(mem) == 0, "all 512 pages intact in the mapping, no signal");
	check(pfn_of(mem + BAD * PAGE) != pfn, "page 100 read again into a new frame");
	check(bad_in_file() == 0, "all 512 intact through pread");
}

int main(int argc, char **argv)
{
	block_usr1();
	if (argc != 3) {
		fprintf(stderr, "usage: filecollapse madvise|daemon|writer|changes|poison|huge FILE\n");
		return 2;
	}
	path = argv[2];
	if (!strcmp(argv[1], "madvise") || !strcmp(argv[1], "daemon")) {
		test_collapse(!strcmp(argv[1], "daemon"));
	} else if (!strcmp(argv[1], "writer")) {
		test_writer();
	} else if (!strcmp(argv[1], "changes")) {
		test_changes();
	} else if (!strcmp(argv[1], "poison")) {
		test_poison();
	} else if (!strcmp(argv[1], "huge")) {
		test_huge();
	} else {
		fprintf(stderr, "usage: filecollapse madvise|daemon|writer|changes|poison|huge FILE\n");
		return 2;
	}
	unlink(path);
	printf("filecollapse: %d failed\n", failures);
	return failures != 0;
}
