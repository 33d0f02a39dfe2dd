/*
 * Memory system calls: mmap, munmap, mprotect, mlock, msync, brk, and
 * malloc under stress, with the signals bad accesses bring. Prints
 * ok/FAIL per check and "memtest: N failed".
 */
#include <errno.h>
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

static int failures;
static sigjmp_buf recover;
static volatile int fault_code;
static void *volatile fault_addr;

static void check(int ok, const char *what)
{
	printf("%s: %s\n", ok ? "ok" : "FAIL", what);
	if (!ok)
		failures++;
}

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

int main(void)
{
	struct sigaction sa = { .sa_sigaction = on_segv, .sa_flags = SA_SIGINFO };

	sigaction(SIGSEGV, &sa, NULL);
	mmap_munmap_mprotect();
	mlock_msync();
	brk_and_malloc_stress();
	printf("memtest: %d failed\n", failures);
	return failures ? 1 : 0;
}
