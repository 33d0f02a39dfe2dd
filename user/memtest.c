/*
 * Memory system calls: mmap, munmap, mprotect, mlock, mlockall, mincore,
 * msync, madvise, brk, and malloc under stress, with the signals bad
 * accesses bring.
 * Prints ok/FAIL per check and "memtest: N failed".
 *
 *   memtest                     every check that leaves memory healthy
 *   memtest shared-poison-fork  poison a MAP_SHARED page, then fork: the
 *                               child inherits the loss (one frame is
 *                               poisoned for good)
 *   memtest dirty-hold          write one of two MAP_SHARED pages, fork, and
 *                               unmap both: the child, left holding them
 *                               until killed, prints where they are, and
 *                               the written one's frame should say dirty
 *                               (and it holds a present PROT_NONE page)
 */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check.h"

#ifndef MADV_POPULATE_READ
#define MADV_POPULATE_READ 22
#define MADV_POPULATE_WRITE 23
#endif
#ifndef MADV_DONTNEED_LOCKED
#define MADV_DONTNEED_LOCKED 24
#endif
#ifndef MAP_NORESERVE
#define MAP_NORESERVE 0x4000
#endif

static sigjmp_buf recover;
static volatile int fault_code;
static void *volatile fault_addr;

static void on_segv(int sig, siginfo_t *si, void *uc)
{
	(void)sig, (void)uc;
	fault_code = si->si_code;
	fault_addr = si->si_addr;
	siglongjmp(recover, 1);
}

/* Write one byte; 0 if it worked, else the SIGSEGV si_code. */
static int try_write(volatile char *p)
{
	fault_code = 0;
	if (sigsetjmp(recover, 1) == 0)
		*p = 1;
	return fault_code;
}

/* Read one byte into *value; 0 if it worked, else the si_code. */
static int try_read(volatile char *p, char *value)
{
	fault_code = 0;
	if (sigsetjmp(recover, 1) == 0)
		*value = *p;
	return fault_code;
}

static char *map_anon(size_t len, int prot, int flags)
{
	char *m = mmap(NULL, len, prot, flags | MAP_ANONYMOUS, -1, 0);

	return m == MAP_FAILED ? NULL : m;
}

/* Fork; the child runs fn and exits with its result. The child's exit
 * status, or 128 + the signal that killed it. */
static int in_child(int (*fn)(void *), void *arg)
{
	pid_t pid = fork();
	int status;

	if (pid == 0)
		_exit(fn(arg));
	if (pid < 0 || waitpid(pid, &status, 0) != pid)
		return -1;
	return WIFSIGNALED(status) ? 128 + WTERMSIG(status) : WEXITSTATUS(status);
}

static void mmap_munmap_mprotect(void)
{
	char *m = mmap(NULL, 3 * 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	check(m != MAP_FAILED, "mmap of three pages");
	check(m[5000] == 0, "fresh anonymous memory reads as zero");
	check(try_write(m + 4096) == 0, "writing it works");
	check(mprotect(m + 4096, 4096, PROT_READ) == 0, "mprotect the middle page read-only");
	check(try_write(m + 4096) == SEGV_ACCERR && fault_addr == m + 4096,
	      "writing it: SIGSEGV SEGV_ACCERR at the address");
	check(try_write(m) == 0 && try_write(m + 8192) == 0, "the pages around it stay writable");
	check(mprotect(m + 4096, 4096, PROT_READ | PROT_WRITE) == 0 && try_write(m + 4096) == 0,
	      "mprotect it back: writable again");
	check(munmap(m + 4096, 4096) == 0, "munmap the middle page");
	check(try_write(m + 4096) == SEGV_MAPERR, "touching it: SIGSEGV SEGV_MAPERR");
	check(try_write(m + 8192) == 0, "the last page is still there");
	check(mprotect(m + 4096, 4096, PROT_READ) == -1 && errno == ENOMEM, "mprotect a hole: ENOMEM");
	/* Raw: musl's mprotect() rounds the address down itself. */
	check(syscall(SYS_mprotect, m + 1, 4096, PROT_READ) == -1 && errno == EINVAL,
	      "mprotect unaligned: EINVAL");
	check(munmap(m, 3 * 4096) == 0, "munmap across the hole");
	check(mmap(NULL, 4096, PROT_READ, MAP_ANONYMOUS, -1, 0) == MAP_FAILED && errno == EINVAL,
	      "mmap without MAP_PRIVATE or MAP_SHARED: EINVAL");
	check(mmap(NULL, 0, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0) == MAP_FAILED,
	      "mmap of length 0 fails");
}

static void mlock_msync(void)
{
	char *m = mmap(NULL, 2 * 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	check(mlock(m, 2 * 4096) == 0 && munlock(m, 2 * 4096) == 0, "mlock and munlock");
	check(msync(m, 4096, MS_SYNC) == 0, "msync of anonymous memory");
	check(msync(m, 4096, MS_SYNC | MS_ASYNC) == -1 && errno == EINVAL, "msync SYNC|ASYNC: EINVAL");
	munmap(m, 2 * 4096);
	check(mlock(m, 4096) == -1 && errno == ENOMEM, "mlock of unmapped memory: ENOMEM");
	check(msync(m, 4096, MS_SYNC) == -1 && errno == ENOMEM, "msync of unmapped memory: ENOMEM");
}

/* Is the page at p present, without touching it (pagemap bit 63)? */
static int present(const void *p)
{
	uint64_t entry = 0;
	int fd = open("/proc/self/pagemap", O_RDONLY);

	if (fd < 0 || pread(fd, &entry, 8, (off_t)((uintptr_t)p / 4096 * 8)) != 8)
		entry = 0;
	close(fd);
	return (int)(entry >> 63);
}

/* mlockall: MCL_FUTURE populates each new area at once; munlockall
 * ends that; a forked child inherits no memory locks. */
static void mlockall_munlockall(void)
{
	check(mlockall(0) == -1 && errno == EINVAL, "mlockall(0): EINVAL");
	check(mlockall(MCL_CURRENT | MCL_FUTURE) == 0, "mlockall(MCL_CURRENT | MCL_FUTURE)");
	char *m = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	check(m != MAP_FAILED && present(m) == 1, "after MCL_FUTURE a new area is populated");
	pid_t pid = fork();
	if (pid == 0) {
		char *c = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		_exit(c != MAP_FAILED && present(c) == 0 ? 0 : 1);
	}
	int status = -1;
	check(pid > 0 && waitpid(pid, &status, 0) == pid && WIFEXITED(status) &&
		      WEXITSTATUS(status) == 0,
	      "a forked child's new area is not locked");
	check(munlockall() == 0, "munlockall");
	char *n = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	check(n != MAP_FAILED && present(n) == 0, "after munlockall a new area is not populated");
	munmap(m, 4096);
	munmap(n, 4096);
}

/* mincore: a touched anonymous page is resident, an untouched one not;
 * a file's cached page is resident before any touch; bad arguments. */
static void mincore_checks(void)
{
	unsigned char vec[3] = { 9, 9, 9 };
	char *m = mmap(NULL, 3 * 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	m[4096] = 1;
	check(mincore(m, 3 * 4096, vec) == 0 && vec[0] == 0 && vec[1] == 1 && vec[2] == 0,
	      "mincore: only the touched page is resident");
	check(mincore(m + 1, 4096, vec) == -1 && errno == EINVAL, "mincore, unaligned: EINVAL");
	check(mincore(m, 4096, (unsigned char *)8) == -1 && errno == EFAULT,
	      "mincore, bad vector: EFAULT");
	munmap(m, 3 * 4096);
	check(mincore(m, 4096, vec) == -1 && errno == ENOMEM, "mincore, unmapped: ENOMEM");

	int fd = open("/tmp/memtest.mincore", O_RDWR | O_CREAT | O_TRUNC, 0600);
	char page[4096] = { 1 };
	check(fd >= 0 && write(fd, page, sizeof(page)) == (ssize_t)sizeof(page) &&
		      ftruncate(fd, 2 * 4096) == 0,
	      "a file of a written page and a hole");
	m = mmap(NULL, 2 * 4096, PROT_READ, MAP_SHARED, fd, 0);
	check(m != MAP_FAILED && mincore(m, 2 * 4096, vec) == 0 && vec[0] == 1 && vec[1] == 0,
	      "mincore: the file's cached page is resident untouched, its hole is not");
	munmap(m, 2 * 4096);
	close(fd);
	unlink("/tmp/memtest.mincore");
}

/* Pages already present in an area made PROT_NONE must fault as well
 * (they stay in memory: PROT_READ again shows the old data). */
static void prot_none(void)
{
	char *m = map_anon(2 * 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE), v = 0;

	m[0] = 42;
	m[4096] = 43;
	check(mprotect(m, 2 * 4096, PROT_NONE) == 0, "mprotect two present pages PROT_NONE");
	check(try_read(m, &v) == SEGV_ACCERR && fault_addr == m, "reading one: SIGSEGV SEGV_ACCERR");
	check(try_write(m + 4096) == SEGV_ACCERR, "writing the other: SIGSEGV SEGV_ACCERR");
	int fds[2];
	check(pipe(fds) == 0 && write(fds[1], m, 16) == -1 && errno == EFAULT,
	      "the kernel cannot read it either: write() from it is EFAULT");
	check(mprotect(m, 2 * 4096, PROT_READ) == 0 && try_read(m, &v) == 0 && v == 42 &&
	      m[4096] == 43, "mprotect PROT_READ: the old data is back");
	check(write(fds[1], m, 16) == 16, "and write() from it works");
	close(fds[0]);
	close(fds[1]);
	check(try_write(m) == SEGV_ACCERR, "and still read-only");
	munmap(m, 2 * 4096);
}

/* MADV_HWPOISON takes pages as get_user_pages would: not from an area
 * user mode may not touch, and not with a length that wraps. Each call
 * must fail before it poisons anything: the pages stay usable. */
static void hwpoison_refusals(void)
{
	char *m = map_anon(2 * 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE), v = 0;

	m[0] = 42; /* page 0 populated, page 1 not */
	mprotect(m, 2 * 4096, PROT_NONE);
	check(madvise(m, 4096, MADV_HWPOISON) == -1 && errno == EFAULT,
	      "MADV_HWPOISON of a populated PROT_NONE page: EFAULT");
	check(madvise(m + 4096, 4096, MADV_HWPOISON) == -1 && errno == EFAULT,
	      "MADV_HWPOISON of an empty PROT_NONE page: EFAULT");
	mprotect(m, 2 * 4096, PROT_READ | PROT_WRITE);
	check(try_read(m, &v) == 0 && v == 42 && try_write(m + 4096) == 0,
	      "both pages are still healthy");
	check(madvise(m, (size_t)-1, MADV_HWPOISON) == -1 && errno == EINVAL,
	      "MADV_HWPOISON with length (size_t)-1: EINVAL");
	check(try_read(m, &v) == 0 && v == 42, "and the page is still healthy");
	munmap(m, 2 * 4096);
}

/* A length that wraps around the top of the address space, in each
 * range call, answered as Linux 6.1 answers it. */
static void wrapping_lengths(void)
{
	char *m = map_anon(4096, PROT_READ | PROT_WRITE, MAP_PRIVATE);
	size_t wrap = (size_t)-1 - 8192; /* start + it wraps; it does not round to 0 */

	check(madvise(m, (size_t)-1, MADV_DONTNEED) == -1 && errno == EINVAL, "madvise len -1: EINVAL");
	check(madvise(m, wrap, MADV_DONTNEED) == -1 && errno == EINVAL, "madvise wrapping: EINVAL");
	/* Raw: musl's mprotect() rounds the range itself. */
	check(syscall(SYS_mprotect, m, (size_t)-1, PROT_READ) == -1 && errno == ENOMEM,
	      "mprotect len -1: ENOMEM");
	check(syscall(SYS_mprotect, m, wrap, PROT_READ) == -1 && errno == ENOMEM,
	      "mprotect wrapping: ENOMEM");
	check(munmap(m, (size_t)-1) == -1 && errno == EINVAL, "munmap len -1: EINVAL");
	check(munmap(m, wrap) == -1 && errno == EINVAL, "munmap wrapping: EINVAL");
	check(mlock(m, wrap) == -1 && errno == EINVAL, "mlock wrapping: EINVAL");
	check(msync(m, wrap, MS_SYNC) == -1 && errno == ENOMEM, "msync wrapping: ENOMEM");
	check(try_write(m) == 0, "the page is still mapped and writable");
	munmap(m, 4096);
}

static int touch_fails(void *p)
{
	return try_write(p) == SEGV_MAPERR ? 0 : 1;
}

static int read_byte(void *p)
{
	return *(char *)p;
}

/* Every advice Linux 6.1 accepts for anonymous memory, with its meaning
 * where it has one here. */
static void madvise_hints(void)
{
	static const int hints[] = {
		MADV_NORMAL, MADV_RANDOM, MADV_SEQUENTIAL, MADV_WILLNEED, MADV_DONTNEED,
		MADV_FREE, MADV_DONTFORK, MADV_DOFORK, MADV_MERGEABLE, MADV_UNMERGEABLE,
		MADV_HUGEPAGE, MADV_NOHUGEPAGE, MADV_DONTDUMP, MADV_DODUMP, MADV_WIPEONFORK,
		MADV_KEEPONFORK, MADV_COLD, MADV_PAGEOUT, MADV_POPULATE_READ,
		MADV_POPULATE_WRITE, MADV_DONTNEED_LOCKED,
	};
	char *m = map_anon(4 * 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE), what[64];

	for (size_t i = 0; i < sizeof(hints) / sizeof(hints[0]); i++) {
		snprintf(what, sizeof(what), "madvise advice %d accepted", hints[i]);
		check(madvise(m, 4 * 4096, hints[i]) == 0, what);
	}
	check(madvise(m, 4096, 999) == -1 && errno == EINVAL, "unknown advice: EINVAL");
	check(madvise(m, 4096, MADV_REMOVE) == -1 && errno == EINVAL,
	      "MADV_REMOVE of private anonymous memory: EINVAL");
	m[0] = 7;
	check(madvise(m, 4096, MADV_DONTNEED) == 0 && m[0] == 0, "MADV_DONTNEED: zero afterwards");
	m[0] = 7;
	check(madvise(m, 4096, MADV_DONTFORK) == 0 && in_child(touch_fails, m) == 0,
	      "MADV_DONTFORK: the child has no such area");
	check(madvise(m, 4096, MADV_DOFORK) == 0 && in_child(read_byte, m) == 7,
	      "MADV_DOFORK: the child has it again, with the data");
	check(madvise(m, 4096, MADV_WIPEONFORK) == 0 && in_child(read_byte, m) == 0 && m[0] == 7,
	      "MADV_WIPEONFORK: the child's copy is empty, ours is kept");
	madvise(m, 4096, MADV_KEEPONFORK);
	check(mlock(m, 4096) == 0 && madvise(m, 4096, MADV_DONTNEED) == -1 && errno == EINVAL,
	      "MADV_DONTNEED of mlocked memory: EINVAL");
	check(madvise(m, 4096, MADV_DONTNEED_LOCKED) == 0 && m[0] == 0,
	      "MADV_DONTNEED_LOCKED drops it");
	munlock(m, 4096);
	mprotect(m, 4096, PROT_READ);
	check(madvise(m, 4096, MADV_POPULATE_WRITE) == -1 && errno == EINVAL,
	      "MADV_POPULATE_WRITE of read-only memory: EINVAL");
	munmap(m, 4 * 4096);
}

static int unmap_everything(void *arg)
{
	(void)arg;
	signal(SIGSEGV, SIG_DFL); /* no handler left to run, and no stack for it */
	munmap((void *)0x1000, 0x7ffffffff000UL - 0x1000); /* up to the top of user space */
	return 1; /* never: the return address is gone */
}

/* Calls over huge ranges with few pages in them cost the pages, not the
 * range: each of these would visit 2^28 or more PTEs one by one. */
static void huge_ranges(void)
{
	size_t len = 1UL << 40; /* a 1 TiB reservation */
	char *m = map_anon(len, PROT_NONE, MAP_PRIVATE | MAP_NORESERVE), v = 0;

	check(m != NULL, "mmap a 1 TiB PROT_NONE reservation");
	check(mprotect(m, len, PROT_READ | PROT_WRITE) == 0, "mprotect all of it read-write");
	m[0] = 1;
	m[len / 2] = 2;
	m[len - 1] = 3;
	check(mprotect(m, len, PROT_NONE) == 0 && try_read(m + len / 2, &v) == SEGV_ACCERR,
	      "mprotect all of it PROT_NONE again");
	check(mprotect(m, len, PROT_READ) == 0 && m[0] == 1 && m[len / 2] == 2 && m[len - 1] == 3,
	      "and PROT_READ: its three pages are there");
	check(madvise(m, len, MADV_DONTNEED) == 0 && m[len / 2] == 0, "MADV_DONTNEED all of it");
	check(munmap(m, len) == 0 && try_read(m, &v) == SEGV_MAPERR, "munmap all of it");
	check(in_child(unmap_everything, NULL) == 128 + SIGSEGV,
	      "munmap of all user space in a child: it dies of SIGSEGV at once");
}

static void brk_and_malloc_stress(void)
{
	/* The raw system call: musl keeps brk() and sbrk(n) for itself. */
	char *start = (char *)syscall(SYS_brk, 0);
	check((char *)syscall(SYS_brk, start + 8192) == start + 8192, "brk grows the heap");
	check(try_write(start) == 0 && try_write(start + 8191) == 0, "the new heap is writable");
	check((char *)syscall(SYS_brk, start) == start, "brk shrinks it back");
	check(try_write(start + 4096) == SEGV_MAPERR, "the released heap is gone");

	enum { N = 2000 };
	static unsigned char *blocks[N];
	static size_t sizes[N];
	unsigned seed = 1;
	int intact = 1;
	for (int round = 0; round < 4; round++) {
		for (int i = 0; i < N; i++) {
			seed = seed * 1103515245 + 12345;
			sizes[i] = 1 + seed % (i % 50 == 0 ? 200000 : 2000);
			blocks[i] = malloc(sizes[i]);
			memset(blocks[i], (unsigned char)i, sizes[i]);
		}
		for (int i = 0; i < N; i++) {
			for (size_t j = 0; j < sizes[i]; j += 97)
				intact &= blocks[i][j] == (unsigned char)i;
			free(blocks[i]);
		}
	}
	check(intact, "malloc stress: 8000 blocks up to 200 KB, contents kept");
}

static int touch_poisoned(void *p)
{
	struct sigaction sa = { .sa_sigaction = on_segv, .sa_flags = SA_SIGINFO };
	char v;

	sigaction(SIGBUS, &sa, NULL);
	((char *)p)[4096] = 9; /* the healthy page is still shared with the parent */
	return try_read(p, &v) == BUS_MCEERR_AR && fault_addr == p ? 0 : 1;
}

/* Once a MAP_SHARED page is poisoned, fork still works (Linux copies the
 * hwpoison entry); the child gets SIGBUS BUS_MCEERR_AR when it touches
 * the page, and shares the rest. */
static void shared_poison_fork(void)
{
	char *m = map_anon(2 * 4096, PROT_READ | PROT_WRITE, MAP_SHARED);

	m[0] = m[4096] = 1;
	check(madvise(m, 4096, MADV_HWPOISON) == 0, "poison the first page of a MAP_SHARED area");
	int status = in_child(touch_poisoned, m);
	check(status != -1, "fork works");
	check(status == 0, "the child gets SIGBUS BUS_MCEERR_AR at the poisoned page");
	check(m[4096] == 9, "and shares the healthy page with us");
	check(in_child(read_byte, m + 4096) == 9, "fork works again");
}

/* The parent's PTE of m[0] is dirty (written), of m[4096] clean (read);
 * the child's start clean. Unmapping ours must leave the news on the
 * page, for the console's `vm CHILD` to show. */
static void dirty_hold(void)
{
	char *m = map_anon(2 * 4096, PROT_READ | PROT_WRITE, MAP_SHARED);
	char *none = map_anon(4096, PROT_READ | PROT_WRITE, MAP_PRIVATE);
	volatile char v = m[4096];
	pid_t pid;

	(void)v;
	m[0] = 1;
	none[0] = 1;
	mprotect(none, 4096, PROT_NONE); /* present, but not for user mode */
	if ((pid = fork()) == 0) {
		for (;;)
			pause();
	}
	check(pid > 0, "fork");
	check(munmap(m, 2 * 4096) == 0, "unmap the pages we wrote and read");
	printf("memtest: pid %d holds 0x%lx written, 0x%lx read, 0x%lx PROT_NONE\n", pid,
	       (unsigned long)m, (unsigned long)m + 4096, (unsigned long)none);
}

int main(int argc, char **argv)
{
	struct sigaction sa = { .sa_sigaction = on_segv, .sa_flags = SA_SIGINFO };

	sigaction(SIGSEGV, &sa, NULL);
	if (argc > 1 && (!strcmp(argv[1], "shared-poison-fork") || !strcmp(argv[1], "dirty-hold"))) {
		if (!strcmp(argv[1], "dirty-hold"))
			dirty_hold();
		else
			shared_poison_fork();
		printf("memtest: %d failed\n", failures);
		return failures ? 1 : 0;
	}
	mmap_munmap_mprotect();
	mlock_msync();
	mlockall_munlockall();
	mincore_checks();
	prot_none();
	hwpoison_refusals();
	wrapping_lengths();
	madvise_hints();
	huge_ranges();
	brk_and_malloc_stress();
	printf("memtest: %d failed\n", failures);
	return failures ? 1 : 0;
}
