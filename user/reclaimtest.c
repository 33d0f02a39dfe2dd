/*
 * Reclaim under memory pressure (tests/system/test_reclaim.py):
 *
 *   reclaimtest write PATH MIB SEED [nosync]  write a pattern (in place if
 *                                             PATH exists), fsync unless nosync
 *   reclaimtest verify PATH MIB SEED          read it back and compare
 *   reclaimtest anon MIB                      touch MIB of anonymous memory, check it
 *   reclaimtest mapped PATH MIB SEED ANON [self]
 *                                             map PATH, read every page; a child
 *                                             (or this process) touches ANON MiB;
 *                                             then the mapping must have lost
 *                                             pages (pagemap) and read back the same
 *   reclaimtest pfn PATH INDEX                print the frame that holds page
 *                                             INDEX of PATH (pagemap)
 *   reclaimtest hot HOT MIB SEED STREAM MIB SEED
 *                                             read HOT twice (it is in use),
 *                                             then all of STREAM once
 *   reclaimtest pageout PATH MIB SEED         MADV_COLD and MADV_PAGEOUT on a
 *                                             mapping of PATH, and their errors
 *
 * Each prints ok/FAIL lines and "reclaimtest: N failed".
 */
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check.h"

#define MiB (1024UL * 1024)
#define PAGE 4096UL
#define CHUNK (64 * 1024UL)

/* The pattern's 32-bit word at word index i: every word differs. */
static uint32_t pattern_word(uint32_t seed, uint64_t i)
{
	uint64_t x = (i + 1) * 0x9e3779b97f4a7c15ULL ^ seed;

	x ^= x >> 29;
	x *= 0xbf58476d1ce4e5b9ULL;
	return (uint32_t)(x ^ (x >> 32));
}

static void fill(uint32_t *buf, size_t words, uint32_t seed, uint64_t first)
{
	for (size_t i = 0; i < words; i++)
		buf[i] = pattern_word(seed, first + i);
}

/* The first word index in [first, first + words) that differs, or -1. */
static long mismatch(const uint32_t *buf, size_t words, uint32_t seed, uint64_t first)
{
	for (size_t i = 0; i < words; i++)
		if (buf[i] != pattern_word(seed, first + i))
			return (long)i;
	return -1;
}

static void do_write(const char *path, unsigned long mib, uint32_t seed, int sync)
{
	static uint32_t buf[CHUNK / 4];
	int fd = open(path, O_WRONLY | O_CREAT, 0644);
	int ok = fd >= 0;

	if (!ok)
		printf("reclaimtest: open %s: %s\n", path, strerror(errno));
	for (unsigned long off = 0; ok && off < mib * MiB; off += CHUNK) {
		fill(buf, CHUNK / 4, seed, off / 4);
		ssize_t n = write(fd, buf, CHUNK);

		ok = n == (ssize_t)CHUNK;
		if (!ok)
			printf("reclaimtest: %s: write at %lu returned %zd (%s)\n", path, off, n,
			       n < 0 ? strerror(errno) : "short");
	}
	if (ok && sync && fsync(fd) != 0) {
		printf("reclaimtest: fsync %s: %s\n", path, strerror(errno));
		ok = 0;
	}
	check(ok, "the file is written");
	if (fd >= 0)
		close(fd);
}

/* Read a whole file, comparing: the offset of the first byte that
 * differs, -1 if none does, -2 if it cannot be read. */
static long read_file(const char *path, unsigned long mib, uint32_t seed)
{
	static uint32_t buf[CHUNK / 4];
	int fd = open(path, O_RDONLY);
	long bad = fd < 0 ? -2 : -1;

	for (unsigned long off = 0; bad == -1 && off < mib * MiB; off += CHUNK) {
		long word = -1;

		ssize_t n = read(fd, buf, CHUNK);

		if (n != (ssize_t)CHUNK) {
			printf("reclaimtest: %s: read at %lu returned %zd (%s)\n", path, off, n,
			       n < 0 ? strerror(errno) : "short");
			bad = -2;
		} else if ((word = mismatch(buf, CHUNK / 4, seed, off / 4)) >= 0)
			bad = (long)off + word * 4;
	}
	if (fd >= 0)
		close(fd);
	return bad;
}

static void do_verify(const char *path, unsigned long mib, uint32_t seed)
{
	long bad = read_file(path, mib, seed);

	if (bad >= 0)
		printf("reclaimtest: %s differs at byte %ld\n", path, bad);
	check(bad == -1, "the file reads back as written");
}

/* Every page gets words of its own; all must read back. */
static int touch_anon(unsigned long mib)
{
	size_t size = mib * MiB;
	uint32_t *mem = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (mem == MAP_FAILED)
		return 0;
	for (size_t p = 0; p < size / PAGE; p++)
		fill(mem + p * PAGE / 4, 16, 7, p * 16);
	for (size_t p = 0; p < size / PAGE; p++)
		if (mismatch(mem + p * PAGE / 4, 16, 7, p * 16) >= 0)
			return 0;
	return munmap(mem, size) == 0;
}

/* How many of the pages at addr are in memory (pagemap bit 63). */
static long pages_present(void *addr, size_t pages)
{
	int fd = open("/proc/self/pagemap", O_RDONLY);
	long present = 0;

	if (fd < 0)
		return -1;
	for (size_t i = 0; i < pages; i++) {
		uint64_t entry;
		off_t at = (off_t)(((uintptr_t)addr / PAGE + i) * 8);

		if (pread(fd, &entry, 8, at) != 8) {
			present = -1;
			break;
		}
		present += (long)(entry >> 63);
	}
	close(fd);
	return present;
}

static void do_pfn(const char *path, unsigned long index)
{
	int fd = open(path, O_RDONLY), pm = open("/proc/self/pagemap", O_RDONLY);
	volatile char *map = fd < 0 ? MAP_FAILED
				    : mmap(NULL, (index + 1) * PAGE, PROT_READ, MAP_SHARED, fd, 0);
	uint64_t entry = 0;

	if (map != MAP_FAILED)
		(void)map[index * PAGE]; /* in the cache and mapped */
	check(map != MAP_FAILED && pm >= 0 &&
	      pread(pm, &entry, 8, (off_t)((uintptr_t)map / PAGE + index) * 8) == 8 &&
	      (entry >> 63), "the page is mapped");
	printf("reclaimtest: pfn %#llx\n", (unsigned long long)(entry & ((1ULL << 55) - 1)));
}

/* A child makes the pressure, or - self - this process, faulting in
 * anonymous pages while its own file pages are reclaimed. */
static int pressure(unsigned long anon, int self)
{
	int status = -1;

	if (self)
		return touch_anon(anon);
	pid_t child = fork();
	if (child == 0) /* it maps the file too, and faults the whole time */
		_exit(touch_anon(anon) ? 0 : 1);
	return child > 0 && waitpid(child, &status, 0) == child && status == 0;
}

/* PATH mapped shared and read-only (its descriptor in *fd), or
 * MAP_FAILED after a FAIL line. */
static uint32_t *map_file(const char *path, size_t size, int *fd)
{
	uint32_t *map;

	*fd = open(path, O_RDONLY);
	map = *fd < 0 ? MAP_FAILED : mmap(NULL, size, PROT_READ, MAP_SHARED, *fd, 0);
	check(map != MAP_FAILED, "the file is mapped");
	return map;
}

static void do_mapped(const char *path, unsigned long mib, uint32_t seed, unsigned long anon,
		      int self)
{
	size_t size = mib * MiB, pages = size / PAGE;
	int fd;
	uint32_t *map = map_file(path, size, &fd);

	if (map == MAP_FAILED)
		return;
	check(mismatch(map, size / 4, seed, 0) < 0, "the mapping reads as written");
	check(pages_present(map, pages) == (long)pages, "every page of it is mapped");
	check(pressure(anon, self), "anonymous memory touched and read back");
	long present = pages_present(map, pages);
	printf("reclaimtest: %ld of %zu mapped pages still present\n", present, pages);
	check(present >= 0 && present < (long)pages, "reclaim unmapped pages of the mapping");
	check(mismatch(map, size / 4, seed, 0) < 0, "they fault back in with the same contents");
	munmap(map, size);
	close(fd);
}

/* Read twice, HOT's pages are in use (mark_page_accessed's second touch
 * makes them active); STREAM, larger than memory, read once, passes
 * through the inactive list and must not push them out. */
static void do_hot(char **argv)
{
	const char *hot = argv[2], *stream = argv[5];
	unsigned long hot_mib = strtoul(argv[3], NULL, 0), stream_mib = strtoul(argv[6], NULL, 0);
	uint32_t hot_seed = (uint32_t)strtoul(argv[4], NULL, 0);

	check(read_file(hot, hot_mib, hot_seed) == -1 && read_file(hot, hot_mib, hot_seed) == -1,
	      "the hot file read twice");
	long bad = read_file(stream, stream_mib, (uint32_t)strtoul(argv[7], NULL, 0));

	if (bad >= 0)
		printf("reclaimtest: %s differs at byte %ld\n", stream, bad);
	check(bad == -1, "the stream read once");
}

/* A line "NAME VALUE" of /proc/vmstat, or -1. */
static long vmstat(const char *name)
{
	char line[128];
	long value = -1;
	size_t len = strlen(name);
	FILE *f = fopen("/proc/vmstat", "r");

	while (f && value < 0 && fgets(line, sizeof(line), f))
		if (!strncmp(line, name, len) && line[len] == ' ')
			value = strtol(line + len + 1, NULL, 10);
	if (f)
		fclose(f);
	return value;
}

/* MADV_COLD moves the mapping's active pages to the inactive list;
 * MADV_PAGEOUT unmaps them and drops them from the cache; the next
 * access reads them in again. */
static void do_pageout(const char *path, unsigned long mib, uint32_t seed)
{
	size_t size = mib * MiB, pages = size / PAGE;
	int fd;
	uint32_t *map = map_file(path, size, &fd);

	if (map == MAP_FAILED)
		return;
	check(read_file(path, mib, seed) == -1 && read_file(path, mib, seed) == -1,
	      "read twice: active");
	check(mismatch(map, size / 4, seed, 0) < 0, "the mapping reads as written");
	long active = vmstat("nr_active_file");
	check(madvise(map, size, MADV_COLD) == 0, "MADV_COLD");
	long cooled = active - vmstat("nr_active_file");
	printf("reclaimtest: MADV_COLD took %ld of %zu pages off the active list\n", cooled, pages);
	check(cooled >= (long)pages * 9 / 10, "MADV_COLD deactivated the mapping's pages");
	check(pages_present(map, pages) == (long)pages, "they stay mapped");
	long cached = vmstat("nr_file_pages");
	check(madvise(map, size, MADV_PAGEOUT) == 0, "MADV_PAGEOUT");
	long present = pages_present(map, pages), dropped = cached - vmstat("nr_file_pages");
	printf("reclaimtest: MADV_PAGEOUT left %ld mapped, dropped %ld of %zu from the cache\n",
	       present, dropped, pages);
	check(present == 0, "MADV_PAGEOUT unmapped every page");
	check(dropped >= (long)pages * 9 / 10, "and dropped them from the page cache");
	check(mismatch(map, size / 4, seed, 0) < 0, "they read back the same");
	check_err(madvise(map, size, 22 + 1000), EINVAL, "unknown advice: EINVAL");
	check(mlock(map, PAGE) == 0, "mlock the first page");
	check_err(madvise(map, size, MADV_PAGEOUT), EINVAL, "MADV_PAGEOUT on mlocked memory: EINVAL");
	check_err(madvise(map, size, MADV_COLD), EINVAL, "MADV_COLD on mlocked memory: EINVAL");
	munmap(map, size);
	check_err(madvise(map, size, MADV_PAGEOUT), ENOMEM, "MADV_PAGEOUT on unmapped memory: ENOMEM");
	close(fd);
}

int main(int argc, char **argv)
{
	if (argc >= 5 && !strcmp(argv[1], "write"))
		do_write(argv[2], strtoul(argv[3], NULL, 0), (uint32_t)strtoul(argv[4], NULL, 0),
			 !(argc > 5 && !strcmp(argv[5], "nosync")));
	else if (argc == 5 && !strcmp(argv[1], "verify"))
		do_verify(argv[2], strtoul(argv[3], NULL, 0), (uint32_t)strtoul(argv[4], NULL, 0));
	else if (argc == 3 && !strcmp(argv[1], "anon"))
		check(touch_anon(strtoul(argv[2], NULL, 0)), "anonymous memory touched and read back");
	else if ((argc == 6 || argc == 7) && !strcmp(argv[1], "mapped"))
		do_mapped(argv[2], strtoul(argv[3], NULL, 0), (uint32_t)strtoul(argv[4], NULL, 0),
			  strtoul(argv[5], NULL, 0), argc == 7 && !strcmp(argv[6], "self"));
	else if (argc == 4 && !strcmp(argv[1], "pfn"))
		do_pfn(argv[2], strtoul(argv[3], NULL, 0));
	else if (argc == 8 && !strcmp(argv[1], "hot"))
		do_hot(argv);
	else if (argc == 5 && !strcmp(argv[1], "pageout"))
		do_pageout(argv[2], strtoul(argv[3], NULL, 0), (uint32_t)strtoul(argv[4], NULL, 0));
	else {
		fprintf(stderr, "usage: reclaimtest write|verify|anon|mapped|pfn|hot|pageout ...\n");
		return 2;
	}
	printf("reclaimtest: %d failed\n", failures);
	return failures != 0;
}
