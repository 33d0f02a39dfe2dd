/*
 * Shared memory larger than RAM, every page checked (runs unchanged on
 * Linux, as root for /proc/swaps' numbers to mean anything). Three kinds
 * of shmem file are filled together: a tmpfs file (/tmp, mapped
 * MAP_SHARED), a MAP_SHARED|MAP_ANONYMOUS area and a SysV shm segment,
 * MIB each. Each page holds words computed from its number and a seed
 * per area, so a page that comes back from swap wrong - another page's,
 * another file's, stale, zeroed - is found.
 *
 *   shmswaptest [MIB]       fill, fork: the child checks every page of
 *                           the three (the tmpfs file also through
 *                           read()) and rewrites the shared anonymous
 *                           area, which the parent must then see; then
 *                           everything is removed and the swap slots
 *                           must come back (/proc/swaps Used)
 *   shmswaptest hold MIB    fill, then wait for SIGUSR1 (a swapoff, say)
 *                           and check every page
 *   shmswaptest readerr MIB fill, keep only the tmpfs file (much of it on
 *                           swap), lock the process's own memory, and
 *                           wait for SIGUSR1 while the host makes every
 *                           read of the swap disk fail: each page reads
 *                           right or fails with EIO. At the next SIGUSR1
 *                           (reads work again) each page that failed
 *                           still fails - Linux 6.1's swap-in error
 *                           entry: EIO for read and write, SIGBUS
 *                           BUS_ADRERR for an access - and every other
 *                           page is right; truncation makes them holes
 *
 * "shmswaptest: OK" or "shmswaptest: FAIL ...".
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
#include <sys/shm.h>
#include <sys/wait.h>
#include <unistd.h>

#include "pattern.h"
#include "sigbus.h"

#define PATH "/tmp/shmswaptest"

enum { TMPFS, SHARED_ANON, SYSV, NR_AREAS };
static const char *const names[NR_AREAS] = { "tmpfs", "shared-anon", "sysv-shm" };

struct areas {
	uint64_t *mem[NR_AREAS];
	int fd;    /* the tmpfs file's */
	int shmid;
	unsigned long pages; /* of each */
};

/* Is page p of a copy right? The first bad one is told. */
static int page_ok(const char *who, const char *area, const uint64_t *page, unsigned long p,
		   uint64_t seed, unsigned long *bad)
{
	for (unsigned long i = 0; i < WORDS; i++) {
		if (page[i] == word(p, i, seed))
			continue;
		if (!(*bad)++)
			printf("shmswaptest: FAIL %s: %s page %lu word %lu: %#llx, not %#llx\n", who,
			       area, p, i, (unsigned long long)page[i],
			       (unsigned long long)word(p, i, seed));
		return 0;
	}
	return 1;
}

static unsigned long check(const char *who, int area, const uint64_t *mem, unsigned long pages,
			   uint64_t seed)
{
	unsigned long bad = 0;

	for (unsigned long p = 0; p < pages; p++)
		page_ok(who, names[area], mem + p * WORDS, p, seed, &bad);
	printf("shmswaptest: %s checked %lu %s pages, %lu bad\n", who, pages, names[area], bad);
	return bad;
}

/* The tmpfs file through read(), not its mapping. */
static unsigned long check_read(const char *who, int fd, unsigned long pages, uint64_t seed)
{
	static uint64_t buf[WORDS];
	unsigned long bad = 0;

	for (unsigned long p = 0; p < pages; p++) {
		if (pread(fd, buf, PAGE, (off_t)(p * PAGE)) != (ssize_t)PAGE) {
			printf("shmswaptest: FAIL %s: read of page %lu\n", who, p);
			return bad + 1;
		}
		page_ok(who, "tmpfs read()", buf, p, seed, &bad);
	}
	printf("shmswaptest: %s read %lu tmpfs pages, %lu bad\n", who, pages, bad);
	return bad;
}

static void die(const char *what)
{
	perror(what);
	exit(1);
}

static void setup(struct areas *a, unsigned long pages)
{
	size_t len = pages * PAGE;

	a->pages = pages;
	a->fd = open(PATH, O_RDWR | O_CREAT | O_TRUNC, 0600);
	if (a->fd < 0 || ftruncate(a->fd, (off_t)len))
		die("shmswaptest: " PATH);
	a->mem[TMPFS] = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, a->fd, 0);
	a->mem[SHARED_ANON] =
		mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (a->mem[TMPFS] == MAP_FAILED || a->mem[SHARED_ANON] == MAP_FAILED)
		die("shmswaptest: mmap");
	a->shmid = shmget(IPC_PRIVATE, len, IPC_CREAT | 0600);
	if (a->shmid < 0)
		die("shmswaptest: shmget");
	a->mem[SYSV] = shmat(a->shmid, NULL, 0);
	if (a->mem[SYSV] == (void *)-1)
		die("shmswaptest: shmat");
	for (int area = 0; area < NR_AREAS; area++)
		fill(a->mem[area], pages, (uint64_t)area + 1);
	printf("shmswaptest: %lu MiB filled in each of tmpfs, shared-anon, sysv-shm\n",
	       pages / 256);
	fflush(stdout);
}

static unsigned long check_all(const char *who, const struct areas *a, uint64_t anon_seed)
{
	return check(who, TMPFS, a->mem[TMPFS], a->pages, 1) +
	       check_read(who, a->fd, a->pages, 1) +
	       check(who, SHARED_ANON, a->mem[SHARED_ANON], a->pages, anon_seed) +
	       check(who, SYSV, a->mem[SYSV], a->pages, 3);
}

/* Kibibytes of swap in use, all devices (/proc/swaps' Used). */
static long swap_used_kb(void)
{
	FILE *f = fopen("/proc/swaps", "r");
	char line[256];
	long total = 0, used;

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "%*s %*s %*d %ld", &used) == 1)
			total += used;
	fclose(f);
	return total;
}

/* Cut the tmpfs file's last page in half and grow it again: its first
 * half must be kept, the second read as zeros, whether the page was in
 * memory or on swap; SEEK_DATA must find page 0 (cached or swapped). */
static unsigned long check_partial_truncate(const struct areas *a)
{
	static uint64_t buf[WORDS];
	off_t len = (off_t)(a->pages * PAGE), last = len - (off_t)PAGE;
	unsigned long bad = 0;

	if (lseek(a->fd, 0, SEEK_DATA) != 0) {
		printf("shmswaptest: FAIL SEEK_DATA does not find page 0\n");
		bad++;
	}
	if (ftruncate(a->fd, len - (off_t)PAGE / 2) || ftruncate(a->fd, len) ||
	    pread(a->fd, buf, PAGE, last) != (ssize_t)PAGE)
		die("shmswaptest: truncate");
	for (unsigned long i = 0; i < WORDS; i++) {
		uint64_t want = i < WORDS / 2 ? word(a->pages - 1, i, 1) : 0;
		if (buf[i] != want && !bad++)
			printf("shmswaptest: FAIL after truncation word %lu: %#llx, not %#llx\n", i,
			       (unsigned long long)buf[i], (unsigned long long)want);
	}
	printf("shmswaptest: partial truncation %s\n", bad ? "wrong" : "right");
	return bad;
}

static void teardown(struct areas *a)
{
	size_t len = a->pages * PAGE;

	munmap(a->mem[TMPFS], len);
	if (ftruncate(a->fd, 0) || close(a->fd) || unlink(PATH))
		die("shmswaptest: removing " PATH);
	munmap(a->mem[SHARED_ANON], len);
	if (shmdt(a->mem[SYSV]) || shmctl(a->shmid, IPC_RMID, NULL))
		die("shmswaptest: IPC_RMID");
}

static int fork_test(unsigned long pages)
{
	struct areas a;
	int status;

	setup(&a, pages);
	long used = swap_used_kb();
	printf("shmswaptest: swap used %ld kB\n", used);
	fflush(stdout);
	pid_t pid = fork();
	if (pid < 0)
		die("shmswaptest: fork");
	if (pid == 0) {
		unsigned long bad = check_all("child", &a, 2);
		fill(a.mem[SHARED_ANON], pages, 4); /* the parent must see this */
		_exit(bad ? 1 : 0);
	}
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) || WEXITSTATUS(status)) {
		printf("shmswaptest: FAIL child status %#x\n", status);
		return 1;
	}
	unsigned long bad = check_all("parent", &a, 4) + check_partial_truncate(&a);
	teardown(&a);
	long after = swap_used_kb();
	printf("shmswaptest: swap used %ld kB after removing them\n", after);
	if (bad)
		printf("shmswaptest: FAIL %lu bad pages\n", bad);
	else
		printf("shmswaptest: OK\n");
	return bad ? 1 : 0;
}

static void wait_usr1(const char *what)
{
	sigset_t usr1;
	int sig;

	sigemptyset(&usr1);
	sigaddset(&usr1, SIGUSR1);
	sigprocmask(SIG_BLOCK, &usr1, NULL);
	printf("shmswaptest: %s; waiting for SIGUSR1\n", what);
	sigwait(&usr1, &sig);
}

static int hold_test(unsigned long pages)
{
	struct areas a;

	setup(&a, pages);
	wait_usr1("filled");
	unsigned long bad = check_all("holder", &a, 2);
	teardown(&a);
	printf(bad ? "shmswaptest: FAIL %lu bad pages\n" : "shmswaptest: OK\n", bad);
	return bad ? 1 : 0;
}

/* Does an access to page p of the mapping give SIGBUS BUS_ADRERR there? */
static int access_sigbus(const uint64_t *mem, unsigned long p)
{
	const volatile uint64_t *page = mem + p * WORDS;

	if (sigsetjmp(bus_jump, 1))
		return bus_code == BUS_ADRERR && bus_addr == (void *)page;
	(void)*page;
	return 0;
}

/* Read each page of the tmpfs file: failed[p] says whether it failed
 * with EIO; a page read must be right. Returns the pages read wrong or
 * failing otherwise. */
static unsigned long read_each(int fd, unsigned long pages, unsigned char *failed)
{
	static uint64_t buf[WORDS];
	unsigned long bad = 0;

	for (unsigned long p = 0; p < pages; p++) {
		ssize_t n = pread(fd, buf, PAGE, (off_t)(p * PAGE));
		failed[p] = n < 0 && errno == EIO;
		if (n == (ssize_t)PAGE)
			page_ok("reader", "tmpfs read()", buf, p, 1, &bad);
		else if (!failed[p] && !bad++)
			printf("shmswaptest: FAIL read of page %lu: %zd (%s)\n", p, n, strerror(errno));
	}
	return bad;
}

/* After the reads work again: what failed fails the same way for read,
 * write and access, and all else reads right. */
static unsigned long check_lost(int fd, unsigned long pages, const unsigned char *failed)
{
	unsigned char *again = malloc(pages);
	uint64_t *mem = mmap(NULL, pages * PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	struct sigaction sa = { .sa_sigaction = on_sigbus, .sa_flags = SA_SIGINFO };
	static uint64_t zeros[WORDS];
	unsigned long bad, lost = 0, sigbus = 0, write_eio = 0;

	if (!again || mem == MAP_FAILED)
		die("shmswaptest: readerr");
	sigaction(SIGBUS, &sa, NULL);
	bad = read_each(fd, pages, again);
	for (unsigned long p = 0; p < pages; p++) {
		if (again[p] != failed[p] && !bad++)
			printf("shmswaptest: FAIL page %lu %s\n", p,
			       failed[p] ? "reads again" : "fails now");
		if (!failed[p])
			continue;
		lost++;
		sigbus += access_sigbus(mem, p);
		write_eio += pwrite(fd, zeros, PAGE, (off_t)(p * PAGE)) < 0 && errno == EIO;
	}
	printf("shmswaptest: after healing %lu pages still fail: SIGBUS BUS_ADRERR at %lu, "
	       "EIO for write at %lu\n", lost, sigbus, write_eio);
	munmap(mem, pages * PAGE);
	free(again);
	return bad + (lost - sigbus) + (lost - write_eio);
}

/* Truncated and grown again, the lost pages are holes: zeros. */
static unsigned long check_holes(int fd, unsigned long pages, const unsigned char *failed)
{
	static uint64_t buf[WORDS];
	unsigned long bad = 0;

	if (ftruncate(fd, 0) || ftruncate(fd, (off_t)(pages * PAGE)))
		die("shmswaptest: truncate");
	for (unsigned long p = 0; p < pages; p++) {
		if (!failed[p])
			continue;
		if (pread(fd, buf, PAGE, (off_t)(p * PAGE)) != (ssize_t)PAGE || buf[0] || buf[WORDS - 1])
			bad++;
	}
	printf("shmswaptest: after truncation the lost pages read as %s\n",
	       bad ? "something else" : "zeros");
	return bad;
}

static int readerr_test(unsigned long pages)
{
	struct areas a;
	unsigned char *failed = malloc(pages);
	unsigned long bad, eio = 0;

	setup(&a, pages);
	/* Only the tmpfs file stays, through its descriptor; the process's
	 * own pages must not need the failing disk. */
	munmap(a.mem[TMPFS], pages * PAGE);
	munmap(a.mem[SHARED_ANON], pages * PAGE);
	if (!failed || shmdt(a.mem[SYSV]) || shmctl(a.shmid, IPC_RMID, NULL) ||
	    mlockall(MCL_CURRENT))
		die("shmswaptest: readerr");
	wait_usr1("readerr ready");
	bad = read_each(a.fd, pages, failed);
	for (unsigned long p = 0; p < pages; p++)
		eio += failed[p];
	printf("shmswaptest: while reads fail %lu pages EIO, %lu read right, %lu bad\n", eio,
	       pages - eio - bad, bad);
	wait_usr1("reads failed");
	bad += check_lost(a.fd, pages, failed) + check_holes(a.fd, pages, failed);
	if (close(a.fd) || unlink(PATH))
		die("shmswaptest: removing " PATH);
	printf("shmswaptest: swap used %ld kB after removing it\n", swap_used_kb());
	printf(bad || !eio ? "shmswaptest: FAIL %lu bad\n" : "shmswaptest: OK\n", bad);
	return bad || !eio;
}

int main(int argc, char **argv)
{
	const char *mode = argc > 1 && (argv[1][0] < '0' || argv[1][0] > '9') ? argv[1] : "fork";
	const char *mib = argv[strcmp(mode, "fork") ? 2 : 1];
	unsigned long pages = (mib ? strtoul(mib, NULL, 10) : 24) * 256;

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (!pages || (strcmp(mode, "fork") && strcmp(mode, "hold") && strcmp(mode, "readerr"))) {
		fprintf(stderr, "usage: shmswaptest [hold|readerr] [MIB]\n");
		return 2;
	}
	if (!strcmp(mode, "hold"))
		return hold_test(pages);
	return !strcmp(mode, "readerr") ? readerr_test(pages) : fork_test(pages);
}
