/*
 * Poisoned page-cache pages, from user space: `mftest-file DIR` makes
 * DIR (on a disk file system) and works in it. Each case writes a file
 * of known contents, poisons one of its pages through a mapping
 * (madvise MADV_HWPOISON or MADV_SOFT_OFFLINE) and checks what Linux 6.1
 * does: a clean page is dropped and re-read (no signal, even in early
 * mode); a dirty page's data is lost (the file shows the disk's older
 * contents), its mappers get SIGBUS (AO at once in early mode, AR on
 * access in late mode) and fsync/fdatasync/msync report EIO once per
 * open file description; truncation removes the poison entries; a
 * private copy is anonymous memory; soft offline moves the page.
 *
 *   mftest-file create FILE   write one new page to FILE, no sync: ext2
 *                             allocates a block, dirtying its bitmap; say
 *                             FILE's inode number
 *   mftest-file hold FILE     the same, then fsync, and keep FILE open
 *                             (its cache with it) until SIGUSR1; then read
 *                             the page back: the same checksum?
 *   mftest-file fsync FILE    fsync FILE and say what it returned
 *
 * Before each poisoning it prints "case NAME": the host test pairs the
 * n-th case with the kernel log's n-th "Injecting memory failure" or
 * "Soft offlining" line (tests/system/test_hwpoison_file.py). Prints
 * ok/FAIL per check and "mftest-file: N failed".
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check.h"

#define PAGE 4096
#define PAGES 4
#ifndef MADV_HWPOISON
#define MADV_HWPOISON 100
#define MADV_SOFT_OFFLINE 101
#endif
#ifndef BUS_MCEERR_AR
#define BUS_MCEERR_AR 4
#define BUS_MCEERR_AO 5
#endif
#define PR_MCE_KILL 33
#define PR_MCE_KILL_SET 1
#define PR_MCE_KILL_LATE 0
#define PR_MCE_KILL_EARLY 1

static sigjmp_buf recover;
static volatile int bus_code, bus_lsb, bus_count;
static void *volatile bus_addr;
static volatile int jump_ok; /* a SIGBUS may leave through recover */

static void on_sigbus(int sig, siginfo_t *si, void *uc)
{
	(void)sig, (void)uc;
	bus_count++;
	bus_code = si->si_code;
	bus_addr = si->si_addr;
	bus_lsb = si->si_addr_lsb;
	if (jump_ok)
		siglongjmp(recover, 1);
}

/* A call failed with EIO. */
static int eio(int ret)
{
	return ret == -1 && errno == EIO;
}

static void signals_clear(void)
{
	bus_count = bus_code = bus_lsb = 0;
	bus_addr = NULL;
}

/* Read one byte; 0 if it worked, else the SIGBUS si_code. */
static int try_read(volatile char *p, char *value)
{
	signals_clear();
	jump_ok = 1;
	if (sigsetjmp(recover, 1) == 0)
		*value = *p;
	jump_ok = 0;
	return bus_code;
}

/* The byte at offset i of generation gen's contents. */
static char pattern(int gen, long i)
{
	return (char)(i * 13 + i / PAGE * 7 + gen * 101 + 1);
}

static uint32_t checksum(const char *buf, size_t len)
{
	uint32_t sum = 2166136261u; /* FNV-1a */

	for (size_t i = 0; i < len; i++)
		sum = (sum ^ (unsigned char)buf[i]) * 16777619u;
	return sum;
}

static uint32_t pattern_sum(int gen, long from, size_t len)
{
	static char buf[PAGES * PAGE];

	for (size_t i = 0; i < len; i++)
		buf[i] = pattern(gen, from + (long)i);
	return checksum(buf, len);
}

/* The file's page at index, by pread. */
static uint32_t pread_sum(int fd, long index)
{
	static char buf[PAGE];

	if (pread(fd, buf, PAGE, index * PAGE) != PAGE)
		return 0;
	return checksum(buf, PAGE);
}

static void write_gen(int fd, int gen, long index, long pages)
{
	static char buf[PAGES * PAGE];

	for (long i = 0; i < pages * PAGE; i++)
		buf[i] = pattern(gen, index * PAGE + i);
	if (pwrite(fd, buf, (size_t)(pages * PAGE), index * PAGE) != pages * PAGE)
		check(0, "pwrite");
}

/* A file of PAGES pages of generation 0, on the disk (fsync). */
static int make_file(const char *name)
{
	int fd = open(name, O_RDWR | O_CREAT | O_TRUNC, 0644);

	write_gen(fd, 0, 0, PAGES);
	check(fd >= 0 && fsync(fd) == 0, "a file of known contents is on the disk");
	return fd;
}

static char *map_file(int fd, int prot, int flags)
{
	char *m = mmap(NULL, PAGES * PAGE, prot, flags, fd, 0);

	return m == MAP_FAILED ? NULL : m;
}

static void kill_mode(int mode)
{
	if (prctl(PR_MCE_KILL, PR_MCE_KILL_SET, mode, 0, 0) != 0)
		check(0, "prctl(PR_MCE_KILL_SET)");
}

/* Poison one page through the mapping; what madvise returned. */
static int poison(const char *name, char *page, int advice)
{
	printf("case %s\n", name);
	fflush(stdout);
	signals_clear();
	return madvise(page, PAGE, advice);
}

static uint32_t mapped_sum(char *page)
{
	return checksum(page, PAGE);
}

/* A clean page, mapped shared and read, in early-kill mode: dropped
 * without a word; the next access and pread read the disk's copy. */
static void clean_shared(void)
{
	int fd = make_file("clean");
	char *m = map_file(fd, PROT_READ, MAP_SHARED);

	check(m && mapped_sum(m + PAGE) == pattern_sum(0, PAGE, PAGE), "clean: mapped and read");
	kill_mode(PR_MCE_KILL_EARLY);
	check(poison("clean", m + PAGE, MADV_HWPOISON) == 0, "clean: MADV_HWPOISON returns 0");
	check(bus_count == 0, "clean: no SIGBUS, even in early-kill mode");
	check(mapped_sum(m + PAGE) == pattern_sum(0, PAGE, PAGE),
	      "clean: the next access re-reads the same bytes from the disk");
	check(pread_sum(fd, 1) == pattern_sum(0, PAGE, PAGE) && bus_count == 0,
	      "clean: pread gives the same checksum");
	check(fsync(fd) == 0, "clean: fsync returns 0 (nothing was lost)");
	kill_mode(PR_MCE_KILL_LATE);
	munmap(m, PAGES * PAGE);
	check(close(fd) == 0, "clean: close returns 0");
}

/* A private mapping's page never written is the cache's clean page. */
static void private_clean(void)
{
	int fd = make_file("private");
	char *m = map_file(fd, PROT_READ | PROT_WRITE, MAP_PRIVATE);
	char c;

	check(m && try_read(m + 2 * PAGE, &c) == 0, "private clean: read");
	kill_mode(PR_MCE_KILL_EARLY);
	check(poison("private-clean", m + 2 * PAGE, MADV_HWPOISON) == 0 && bus_count == 0,
	      "private clean: poisoned, no SIGBUS (a clean file page)");
	check(mapped_sum(m + 2 * PAGE) == pattern_sum(0, 2 * PAGE, PAGE),
	      "private clean: re-read from the disk");

	/* Written: now the process's own anonymous copy, dirty memory. */
	m[3 * PAGE] = 'x';
	check(poison("private-cow", m + 3 * PAGE, MADV_HWPOISON) == 0,
	      "private copy: MADV_HWPOISON returns 0");
	check(bus_count == 1 && bus_code == BUS_MCEERR_AO && bus_addr == m + 3 * PAGE &&
	      bus_lsb == 12, "private copy: SIGBUS BUS_MCEERR_AO at the page, lsb 12 (early kill)");
	check(try_read(m + 3 * PAGE + 5, &c) == BUS_MCEERR_AR && bus_addr == m + 3 * PAGE + 5,
	      "private copy: touching it is SIGBUS BUS_MCEERR_AR at the address");
	check(pread_sum(fd, 3) == pattern_sum(0, 3 * PAGE, PAGE) && fsync(fd) == 0,
	      "private copy: the file itself is untouched, fsync 0");
	kill_mode(PR_MCE_KILL_LATE);
	munmap(m, PAGES * PAGE);
	close(fd);
}

/* A dirty page in late-kill mode: AR on access, the disk's older data
 * on read, EIO once per open file description. */
static void dirty_late(void)
{
	int fd = make_file("dirty");
	int other = open("dirty", O_RDWR), dup_fd = dup(fd);
	char *m = map_file(fd, PROT_READ | PROT_WRITE, MAP_SHARED);
	char c;

	memset(m + PAGE, 'N', PAGE); /* newer than the disk, never written back */
	check(poison("dirty", m + PAGE, MADV_HWPOISON) == 0 && bus_count == 0,
	      "dirty late: MADV_HWPOISON returns 0, no SIGBUS yet (late kill)");
	int late = open("dirty", O_RDONLY); /* after the error, before anyone saw it */
	check(try_read(m + PAGE + 100, &c) == BUS_MCEERR_AR && bus_addr == m + PAGE + 100 &&
	      bus_lsb == 12, "dirty late: touching it is SIGBUS BUS_MCEERR_AR at the address, lsb 12");
	check(try_read(m + PAGE, &c) == BUS_MCEERR_AR, "dirty late: and again on the next access");
	check(try_read(m, &c) == 0 && c == pattern(0, 0), "dirty late: the other pages are fine");
	check(pread_sum(fd, 1) == pattern_sum(0, PAGE, PAGE),
	      "dirty late: read gives the disk's older contents");
	check(eio(fsync(fd)), "dirty late: fsync EIO");
	check(fsync(dup_fd) == 0, "dirty late: a dup'd fd shares the report: 0");
	check(fsync(fd) == 0, "dirty late: fsync again: 0");
	check(eio(fdatasync(other)), "dirty late: another open file: fdatasync EIO");
	check(fdatasync(other) == 0, "dirty late: then 0");
	check(eio(fsync(late)),
	      "dirty late: a file opened after the error, before it was seen: EIO");
	int after = open("dirty", O_RDONLY);
	check(fsync(after) == 0, "dirty late: a file opened after it was seen: 0");
	munmap(m, PAGES * PAGE);
	check(close(fd) == 0 && close(dup_fd) == 0 && close(other) == 0 && close(late) == 0 &&
	      close(after) == 0, "dirty late: close returns 0");
}

/* A dirty page in early-kill mode: AO at once; msync reports through the
 * mapping's own open file, once. */
static void dirty_early(void)
{
	int fd = make_file("early");
	char *m = map_file(fd, PROT_READ | PROT_WRITE, MAP_SHARED);
	char c;

	memset(m + 2 * PAGE, 'E', PAGE);
	kill_mode(PR_MCE_KILL_EARLY);
	check(poison("dirty-early", m + 2 * PAGE, MADV_HWPOISON) == 0,
	      "dirty early: MADV_HWPOISON returns 0");
	check(bus_count == 1 && bus_code == BUS_MCEERR_AO && bus_addr == m + 2 * PAGE &&
	      bus_lsb == 12, "dirty early: SIGBUS BUS_MCEERR_AO at the page, lsb 12");
	kill_mode(PR_MCE_KILL_LATE);
	check(try_read(m + 2 * PAGE + 1, &c) == BUS_MCEERR_AR, "dirty early: touching it: AR");
	check(eio(msync(m, PAGES * PAGE, MS_SYNC)), "dirty early: msync(MS_SYNC) EIO");
	check(fsync(fd) == 0, "dirty early: msync used up the report: fsync 0");
	check(pread_sum(fd, 2) == pattern_sum(0, 2 * PAGE, PAGE), "dirty early: the disk's contents");
	munmap(m, PAGES * PAGE);
	close(fd);
}

/* mlocked pages: the same, under the mlocked names. */
static void mlocked(void)
{
	int fd = make_file("locked");
	char *m = map_file(fd, PROT_READ | PROT_WRITE, MAP_SHARED);
	char c;

	check(m && mlock(m, PAGES * PAGE) == 0, "mlocked: mlock the mapping");
	check(poison("clean-mlocked", m, MADV_HWPOISON) == 0 && bus_count == 0,
	      "mlocked clean: poisoned, no SIGBUS");
	check(mapped_sum(m) == pattern_sum(0, 0, PAGE), "mlocked clean: re-read from the disk");
	memset(m + PAGE, 'L', PAGE);
	check(poison("dirty-mlocked", m + PAGE, MADV_HWPOISON) == 0, "mlocked dirty: poisoned");
	check(try_read(m + PAGE, &c) == BUS_MCEERR_AR, "mlocked dirty: touching it: AR");
	check(eio(fsync(fd)), "mlocked dirty: fsync EIO");
	munmap(m, PAGES * PAGE);
	close(fd);
}

/* Truncation below a poisoned page takes the poison entry away; the
 * dirty page's error outlives it. */
static void truncated(void)
{
	int fd = make_file("trunc");
	char *m = map_file(fd, PROT_READ | PROT_WRITE, MAP_SHARED);
	char c;

	memset(m + 2 * PAGE, 'T', PAGE);
	check(poison("truncate", m + 2 * PAGE, MADV_HWPOISON) == 0, "truncate: dirty page poisoned");
	check(ftruncate(fd, PAGE) == 0, "truncate: ftruncate below it");
	check(try_read(m + 2 * PAGE, &c) == BUS_ADRERR && bus_addr == m + 2 * PAGE,
	      "truncate: beyond the end: SIGBUS BUS_ADRERR (the poison entry is gone)");
	check(try_read(m, &c) == 0 && c == pattern(0, 0), "truncate: the page before the end reads");
	check(ftruncate(fd, PAGES * PAGE) == 0, "truncate: extend again");
	check(try_read(m + 2 * PAGE, &c) == 0 && c == 0, "truncate: the page reads as zeros");
	check(eio(fsync(fd)), "truncate: the dirty page's EIO survived: fsync EIO");
	check(fsync(fd) == 0, "truncate: then 0");
	munmap(m, PAGES * PAGE);
	close(fd);
}

/* Soft offline: the contents move, nothing is lost, nobody is told. */
static void soft_offline(void)
{
	int fd = make_file("soft");
	char *m = map_file(fd, PROT_READ | PROT_WRITE, MAP_SHARED);

	kill_mode(PR_MCE_KILL_EARLY);
	check(m && mapped_sum(m) == pattern_sum(0, 0, PAGE), "soft offline: mapped and read");
	check(poison("soft-clean", m, MADV_SOFT_OFFLINE) == 0 && bus_count == 0,
	      "soft offline clean: returns 0, no SIGBUS");
	check(mapped_sum(m) == pattern_sum(0, 0, PAGE) && pread_sum(fd, 0) == pattern_sum(0, 0, PAGE),
	      "soft offline clean: the data is intact");
	memset(m + PAGE, 'S', PAGE);
	check(poison("soft-dirty", m + PAGE, MADV_SOFT_OFFLINE) == 0 && bus_count == 0,
	      "soft offline dirty: returns 0, no SIGBUS");
	check(m[PAGE] == 'S' && m[2 * PAGE - 1] == 'S', "soft offline dirty: the mapping sees its data");
	check(fsync(fd) == 0, "soft offline dirty: fsync 0");
	char buf[PAGE];
	check(pread(fd, buf, PAGE, PAGE) == PAGE && buf[0] == 'S' && buf[PAGE - 1] == 'S',
	      "soft offline dirty: pread sees the data written");
	kill_mode(PR_MCE_KILL_LATE);
	munmap(m, PAGES * PAGE);
	close(fd);
}

static volatile sig_atomic_t usr1;

static void on_usr1(int sig)
{
	(void)sig;
	usr1 = 1;
}

/* The helpers of the metadata test (tests/system/test_hwpoison_file.py). */
static int helper(const char *what, const char *name)
{
	int fd = open(name, O_RDWR | O_CREAT, 0644);

	if (fd < 0) {
		perror(name);
		return 1;
	}
	if (!strcmp(what, "create") || !strcmp(what, "hold")) {
		struct stat st;
		write_gen(fd, 0, 0, 1);
		fstat(fd, &st);
		printf("mftest-file: wrote %s, inode %lu\n", name, (unsigned long)st.st_ino);
	}
	if (!strcmp(what, "hold")) {
		signal(SIGUSR1, on_usr1);
		if (fsync(fd))
			perror("fsync");
		printf("mftest-file: pid %d holding %s\n", getpid(), name);
		fflush(stdout);
		while (!usr1) /* the host sends it only after seeing the line above */
			pause();
		printf("mftest-file: %s checksum %s\n", name,
		       pread_sum(fd, 0) == pattern_sum(0, 0, PAGE) ? "ok" : "bad");
	}
	if (!strcmp(what, "fsync")) {
		int ret = fsync(fd);
		printf("mftest-file: fsync %s -> %d (%s)\n", name, ret, ret ? strerror(errno) : "ok");
	}
	return close(fd) != 0;
}

int main(int argc, char **argv)
{
	struct sigaction sa = { .sa_sigaction = on_sigbus, .sa_flags = SA_SIGINFO };

	if (argc == 3 && (!strcmp(argv[1], "create") || !strcmp(argv[1], "hold") ||
			  !strcmp(argv[1], "fsync")))
		return helper(argv[1], argv[2]);
	if (argc != 2) {
		fprintf(stderr, "usage: mftest-file DIR | create FILE | hold FILE | fsync FILE\n");
		return 2;
	}
	sigaction(SIGBUS, &sa, NULL);
	check(mkdir(argv[1], 0755) == 0 && chdir(argv[1]) == 0, "make the directory");
	kill_mode(PR_MCE_KILL_LATE);
	clean_shared();
	private_clean();
	dirty_late();
	dirty_early();
	mlocked();
	truncated();
	soft_offline();
	sync();
	printf("mftest-file: %d failed\n", failures);
	return failures != 0;
}
