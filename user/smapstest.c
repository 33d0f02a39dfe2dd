/*
 * /proc/PID/smaps and smaps_rollup (fs/proc/task_mmu.c): what each area
 * holds, read by the process about itself. Written to run unchanged on
 * Linux 6.1, as root (the hugetlb pool is set through /proc/sys); not run
 * there yet. Only written pages are counted: Linux maps its zero page on
 * a read, and smaps does not count it.
 *
 *   smapstest        private dirty pages, fork's shared ones, mlock, a
 *                    transparent huge page (read as Linux's khugepaged
 *                    selftest reads it), hugetlb pages private and
 *                    shared, the block's lines and smaps_rollup's sums
 *   smapstest swap   (with swap) pages on swap: Swap, and SwapPss
 *                    divided with a child; shared memory's on swap
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check.h"

#define PS 4096UL
#define HPS (2UL << 20)
#define NR_HUGEPAGES "/proc/sys/vm/nr_hugepages"
#define N(a) (sizeof(a) / sizeof((a)[0]))

#ifndef MAP_HUGETLB
#define MAP_HUGETLB 0x40000
#endif
#ifndef MADV_PAGEOUT
#define MADV_PAGEOUT 21
#endif

/* Room for the whole of smaps, touched before any read: a page of it
 * faulted in during a read would change the numbers being read. */
static char smaps[256 * 1024], block[4096];

static size_t read_all(const char *path, char *buf, size_t size)
{
	int fd = open(path, O_RDONLY);
	size_t len = 0;
	ssize_t n = 1;

	memset(buf, 0, size);
	while (fd >= 0 && len < size - 1 && (n = read(fd, buf + len, size - 1 - len)) > 0)
		len += (size_t)n;
	if (fd >= 0)
		close(fd);
	buf[len] = '\0';
	return len;
}

/* The smaps block of the area that starts at addr, into block: its maps
 * line and the lines after it, through VmFlags. */
static int find_block(const void *addr)
{
	char start[32];

	read_all("/proc/self/smaps", smaps, sizeof(smaps));
	snprintf(start, sizeof(start), "%08lx-", (unsigned long)addr);
	for (char *line = smaps; *line; line = strchr(line, '\n') + 1) {
		if (strncmp(line, start, strlen(start)))
			continue;
		char *end = strstr(line, "\nVmFlags:");
		end = end ? strchr(end + 1, '\n') : NULL;
		if (!end || (size_t)(end + 1 - line) >= sizeof(block))
			return 0;
		memcpy(block, line, (size_t)(end + 1 - line));
		block[end + 1 - line] = '\0';
		return 1;
	}
	block[0] = '\0';
	return 0;
}

/* A "Name: N kB" line of text: N, or -1 if there is none. */
static long field(const char *text, const char *name)
{
	size_t len = strlen(name);

	for (const char *line = text; line && *line; line = strchr(line, '\n')) {
		line += *line == '\n';
		if (!strncmp(line, name, len) && line[len] == ':')
			return atol(line + len + 1);
	}
	return -1;
}

/* The block of the area at addr has Name: kb kB. */
static void check_field(const void *addr, const char *name, long kb, const char *what)
{
	char msg[160];
	long got = find_block(addr) ? field(block, name) : -2;

	if (got != kb)
		snprintf(msg, sizeof(msg), "%s (%s: %ld kB, wanted %ld)", what, name, got, kb);
	else
		snprintf(msg, sizeof(msg), "%s", what);
	check(got == kb, msg);
}

static int has_flag(const char *flag)
{
	const char *flags = strstr(block, "VmFlags:");
	char word[8];

	snprintf(word, sizeof(word), " %s ", flag);
	return flags && strstr(flags, word) && strstr(flags, word) < strchr(flags, '\n');
}

/* A field's value to check, and what the check says. */
struct expect {
	const char *name;
	long kb;
	const char *what;
};

/* Fork a child that maps the same pages and only waits, check during[]
 * while it lives, then after once it has gone. */
static void check_with_child(const void *addr, const struct expect *during, size_t n,
			     const struct expect *after)
{
	int p[2];
	char c;

	if (pipe(p)) {
		check(0, "pipe for a child");
		return;
	}
	pid_t pid = fork();
	if (pid == 0) {
		close(p[1]);
		(void)!read(p[0], &c, 1); /* until the parent closes its end */
		_exit(0);
	}
	close(p[0]);
	for (size_t i = 0; i < n; i++)
		check_field(addr, during[i].name, during[i].kb, during[i].what);
	close(p[1]);
	waitpid(pid, NULL, 0);
	check_field(addr, after->name, after->kb, after->what);
}

static char *map_anon(size_t len, int advice)
{
	char *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	return p == MAP_FAILED || madvise(p, len, advice) ? NULL : p;
}

/* Linux's names and order, for one area. */
static const char *const block_names[] = {
	"Size", "KernelPageSize", "MMUPageSize", "Rss", "Pss", "Pss_Dirty", "Shared_Clean",
	"Shared_Dirty", "Private_Clean", "Private_Dirty", "Referenced", "Anonymous", "LazyFree",
	"AnonHugePages", "ShmemPmdMapped", "FilePmdMapped", "Shared_Hugetlb", "Private_Hugetlb",
	"Swap", "SwapPss", "Locked", "THPeligible", "VmFlags",
};

/* Each line after the maps line is the next name, and a kB one ends
 * its number in column 24 (Linux's SEQ_PUT_DEC widths). */
static int block_is_linuxs(void)
{
	const char *line = strchr(block, '\n') + 1;

	for (size_t i = 0; i < N(block_names); i++) {
		size_t len = strlen(block_names[i]);
		const char *end = strchr(line, '\n');
		if (strncmp(line, block_names[i], len) || line[len] != ':')
			return 0;
		if (end - line > 24 && !strncmp(end - 3, " kB", 3) && end - 3 - line != 24)
			return 0;
		line = end + 1;
	}
	return *line == '\0';
}

static void test_private_and_shared(void)
{
	char *p = map_anon(16 * PS, MADV_NOHUGEPAGE);

	check(p != NULL, "mmap 16 pages, MADV_NOHUGEPAGE");
	if (!p)
		return;
	for (int i = 0; i < 5; i++)
		p[2 * i * PS] = 1;
	check_field(p, "Size", 64, "16 pages mapped: Size");
	check_field(p, "Rss", 20, "5 written: Rss");
	check_field(p, "Private_Dirty", 20, "5 written: Private_Dirty");
	check_field(p, "Pss", 20, "5 written: Pss, all ours");
	check_field(p, "Anonymous", 20, "5 written: Anonymous");
	check_field(p, "Shared_Dirty", 0, "5 written: nothing shared");
	check(strstr(block, "\nPrivate_Dirty:        20 kB\n") != NULL,
	      "Private_Dirty's number ends in column 24");
	check(block_is_linuxs(), "the block's lines are Linux 6.1's, in its order");
	check_field(p, "THPeligible", 0, "less than 2 MiB: THPeligible 0");
	check(has_flag("rd") && has_flag("wr") && has_flag("nh") && !has_flag("hg"),
	      "VmFlags: rd wr nh");

	static const struct expect forked[] = {
		{ "Shared_Dirty", 20, "after fork: the 5 pages are Shared_Dirty" },
		{ "Private_Dirty", 0, "after fork: none Private_Dirty" },
		{ "Pss", 10, "after fork: Pss is half of them" },
	}, alone = { "Private_Dirty", 20, "the child gone: Private_Dirty again" };
	check_with_child(p, forked, N(forked), &alone);

	check(!mlock(p, 16 * PS), "mlock the 16 pages");
	check_field(p, "Locked", 64, "mlock: all 16 Locked");
	check(has_flag("lo"), "mlock: VmFlags lo");
	munmap(p, 16 * PS);
}

/* Linux's tools/testing/selftests/vm/vm_util.c check_huge_anon, as
 * khugepaged's selftest runs it: the AnonHugePages after the area's line. */
static int check_huge_anon(void *addr, int nr_hpages)
{
	char pattern[64];
	long thp = -1;

	if (!find_block(addr))
		return 0;
	const char *line = strstr(block, "\nAnonHugePages: ");
	snprintf(pattern, sizeof(pattern), "%s%%9ld kB", "AnonHugePages: ");
	if (!line || sscanf(line + 1, pattern, &thp) != 1)
		return 0;
	return thp == nr_hpages * (long)(HPS >> 10);
}

static void test_thp(void)
{
	char *raw = map_anon(2 * HPS, MADV_HUGEPAGE);

	check(raw != NULL, "mmap 4 MiB, MADV_HUGEPAGE");
	if (!raw)
		return;
	char *p = (char *)(((uintptr_t)raw + HPS - 1) & ~(HPS - 1));
	if (p > raw)
		munmap(raw, (size_t)(p - raw));
	munmap(p + HPS, (size_t)(raw + 2 * HPS - (p + HPS)));
	check_field(p, "THPeligible", 1, "an aligned 2 MiB, MADV_HUGEPAGE: THPeligible 1");
	check(has_flag("hg"), "MADV_HUGEPAGE: VmFlags hg");
	check(!check_huge_anon(p, 1), "untouched: khugepaged's check_huge_anon finds no huge page");
	p[0] = 1;
	check(check_huge_anon(p, 1), "one write: khugepaged's check_huge_anon finds the huge page");
	check(strstr(block, "\nAnonHugePages:      2048 kB\n") != NULL,
	      "AnonHugePages:      2048 kB, the number ending in column 24");
	check_field(p, "Rss", 2048, "the huge page: Rss 2048 kB");
	check_field(p, "Private_Dirty", 2048, "the huge page: Private_Dirty 2048 kB");

	static const struct expect forked[] = {
		{ "AnonHugePages", 2048, "after fork: still a huge page" },
		{ "Shared_Dirty", 2048, "after fork: Shared_Dirty 2048 kB" },
		{ "Pss", 1024, "after fork: Pss 1024 kB" },
	}, alone = { "Private_Dirty", 2048, "the child gone: Private_Dirty 2048 kB again" };
	check_with_child(p, forked, N(forked), &alone);
	munmap(p, HPS);
}

static long read_long(const char *path)
{
	char buf[32];

	return read_all(path, buf, sizeof(buf)) ? atol(buf) : -1;
}

static int write_long(const char *path, long v)
{
	char buf[32];
	int fd = open(path, O_WRONLY);
	int len = snprintf(buf, sizeof(buf), "%ld\n", v);
	int ok = fd >= 0 && write(fd, buf, (size_t)len) == len;

	if (fd >= 0)
		close(fd);
	return ok;
}

static void test_hugetlb(void)
{
	long pool = read_long(NR_HUGEPAGES);

	check(write_long(NR_HUGEPAGES, pool + 2) && read_long(NR_HUGEPAGES) == pool + 2,
	      "two more pages in the hugetlb pool");
	char *priv = mmap(NULL, HPS, PROT_READ | PROT_WRITE,
			  MAP_PRIVATE | MAP_ANONYMOUS | MAP_HUGETLB, -1, 0);
	char *shared = mmap(NULL, HPS, PROT_READ | PROT_WRITE,
			    MAP_SHARED | MAP_ANONYMOUS | MAP_HUGETLB, -1, 0);
	check(priv != MAP_FAILED && shared != MAP_FAILED, "mmap MAP_HUGETLB private and shared");
	if (priv != MAP_FAILED && shared != MAP_FAILED) {
		priv[0] = shared[0] = 1;
		check_field(priv, "KernelPageSize", 2048, "hugetlb: KernelPageSize 2048 kB");
		check_field(priv, "MMUPageSize", 2048, "hugetlb: MMUPageSize 2048 kB");
		check_field(priv, "Private_Hugetlb", 2048, "private hugetlb page: Private_Hugetlb");
		check_field(priv, "Rss", 0, "hugetlb pages are not in Rss");
		check(has_flag("ht"), "hugetlb: VmFlags ht");
		check_field(shared, "Private_Hugetlb", 2048, "shared, mapped once: Private_Hugetlb");
		check(has_flag("sh") && has_flag("ht"), "shared hugetlb: VmFlags sh ht");
		static const struct expect forked[] = {
			{ "Shared_Hugetlb", 2048, "after fork: Shared_Hugetlb 2048 kB" },
			{ "Private_Hugetlb", 0, "after fork: Private_Hugetlb 0" },
		}, alone = { "Private_Hugetlb", 2048, "the child gone: Private_Hugetlb again" };
		check_with_child(shared, forked, N(forked), &alone);
	}
	if (priv != MAP_FAILED)
		munmap(priv, HPS);
	if (shared != MAP_FAILED)
		munmap(shared, HPS);
	check(write_long(NR_HUGEPAGES, pool), "the pool as it was");
}

/* smaps_rollup: one "[rollup]" line and the sums of every area's. */
static void test_rollup(void)
{
	static char rollup[4096];
	static const char *const sums[] = { "Rss", "Pss", "Private_Dirty", "Anonymous" };

	memset(rollup, 0, sizeof(rollup));
	read_all("/proc/self/smaps", smaps, sizeof(smaps));
	read_all("/proc/self/smaps_rollup", rollup, sizeof(rollup));
	char *eol = strchr(rollup, '\n');
	check(eol && eol - rollup > 8 && !strncmp(eol - 8, "[rollup]", 8),
	      "smaps_rollup: its first line ends with [rollup]");
	for (size_t i = 0; i < N(sums); i++) {
		char name[32], msg[128];
		long total = 0;
		snprintf(name, sizeof(name), "\n%s:", sums[i]);
		for (const char *s = smaps; (s = strstr(s, name)); s++)
			total += atol(s + strlen(name));
		long got = field(rollup, sums[i]);
		snprintf(msg, sizeof(msg), "smaps_rollup: %s is the areas' sum (%ld, %ld)", sums[i],
			 got, total);
		check(got == total, msg);
	}
	check(field(rollup, "Pss_Anon") >= 0 && field(rollup, "Pss_Shmem") >= 0,
	      "smaps_rollup: Pss_Anon, Pss_File, Pss_Shmem");
}

static void test_swap(void)
{
	char *p = map_anon(8 * PS, MADV_NOHUGEPAGE);

	check(p != NULL, "mmap 8 pages");
	if (!p)
		return;
	memset(p, 1, 8 * PS);
	check(!madvise(p, 8 * PS, MADV_PAGEOUT), "MADV_PAGEOUT of 8 written pages");
	check_field(p, "Swap", 32, "on swap: Swap 32 kB");
	check_field(p, "SwapPss", 32, "on swap: SwapPss 32 kB, all ours");
	check_field(p, "Rss", 0, "on swap: Rss 0");
	static const struct expect forked[] = {
		{ "SwapPss", 16, "after fork: SwapPss 16 kB, half ours" },
	}, alone = { "SwapPss", 32, "the child gone: SwapPss 32 kB again" };
	check_with_child(p, forked, N(forked), &alone);
	munmap(p, 8 * PS);

	/* Shared memory's pages on swap are the file's: Swap, no SwapPss. */
	p = mmap(NULL, 8 * PS, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	check(p != MAP_FAILED, "mmap 8 pages MAP_SHARED");
	if (p == MAP_FAILED)
		return;
	memset(p, 1, 8 * PS);
	check(!madvise(p, 8 * PS, MADV_PAGEOUT), "MADV_PAGEOUT of 8 written shared pages");
	check_field(p, "Swap", 32, "shared, on swap: Swap 32 kB");
	check_field(p, "SwapPss", 0, "shared, on swap: SwapPss 0 (Linux counts the file's only in Swap)");
	check_field(p, "Rss", 0, "shared, on swap: Rss 0");
	munmap(p, 8 * PS);
}

int main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IONBF, 0);
	if (argc > 1 && !strcmp(argv[1], "swap")) {
		test_swap();
	} else {
		test_private_and_shared();
		test_thp();
		test_hugetlb();
		test_rollup();
	}
	printf("smapstest: %d failed\n", failures);
	return failures != 0;
}
