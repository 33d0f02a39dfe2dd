/*
 * Memory errors on the swap path, in the style of Linux's hwpoison tests
 * (runs unchanged on Linux 6.1, as root, with swap on).
 *
 *   mfswap [MIB]   fill MIB of anonymous memory (default 80: more than a
 *                  64 MiB machine holds, so its first pages go to swap),
 *                  every word checksummed, then poison with MADV_HWPOISON:
 *
 *   clean   a swapped-out page read back in is a clean swap-cache page:
 *           poisoned, it leaves the swap cache, nobody is told (not even
 *           in early-kill mode), and the next read brings the slot's
 *           good copy into a new frame;
 *   dirty   one read back in and then written is a dirty swap-cache page:
 *           its data is lost. It stays in the swap cache and its PTEs are
 *           ordinary swap entries; both its owners, this process and a
 *           forked child sharing it, hear at once (early kill: AO) and
 *           get SIGBUS BUS_MCEERR_AR when they touch it;
 *   swapped MADV_HWPOISON on a page that is out in swap first brings it
 *           in (as get_user_pages does): a clean swap-cache page again.
 *
 *   mfswap MIB SWAPDEV   then also: keep only the pages around the dirty
 *           one, swapoff(SWAPDEV) - which brings them all in, except the
 *           poisoned one, whose PTE becomes Linux 6.1's swap-in error
 *           entry (pagemap: type 31, the frame): SIGBUS BUS_ADRERR at its
 *           next access - and swapon again.
 *
 * Swap must stay less than half full (vm_swap_full): otherwise a page
 * swapped in leaves the swap cache at once, on Linux as here, and is a
 * dirty LRU page. On Debian 12's Linux 6.1 (160 MiB, a 1 GiB swap disk,
 * "mfswap 160 /dev/vdb") every line is the same.
 *
 * Then every other page is checked. Each step prints what it saw
 * (pagemap's swap bit, kpageflags' KPF_SWAPCACHE and KPF_HWPOISON, the
 * frames) and the last line is "mfswap: OK" or "mfswap: FAIL".
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
#include <sys/prctl.h>
#include <sys/swap.h>
#include <sys/wait.h>
#include <unistd.h>

#include "pattern.h"

#ifndef MADV_HWPOISON
#define MADV_HWPOISON 100
#endif

#define PS 4096UL
#define PM_PRESENT (1ULL << 63)
#define PM_SWAP (1ULL << 62)
#define PM_PFN_MASK ((1ULL << 55) - 1)
#define KPF_SWAPCACHE 13
#define KPF_HWPOISON 19
#define TAIL_PAGES 2048 /* unmapped after the fill: room for what follows */

static uint64_t *mem;
static unsigned long npages;
static int failed;
static int pagemap_fd, kpageflags_fd;

static sigjmp_buf recover;
static volatile sig_atomic_t expecting; /* recover is set: an access may fail */
static volatile sig_atomic_t ar_count, ao_count, adr_count;
static void *volatile ar_addr, *volatile ao_addr;
static volatile int ar_lsb, ao_lsb;

static void sighandler(int sig, siginfo_t *si, void *uc)
{
	(void)sig, (void)uc;
	if (si->si_code != BUS_MCEERR_AO && !expecting) {
		printf("mfswap: FAILED: unexpected SIGBUS code %d at %p\n", si->si_code, si->si_addr);
		_exit(2);
	}
	if (si->si_code == BUS_ADRERR) {
		adr_count++;
		siglongjmp(recover, 1);
	}
	if (si->si_code == BUS_MCEERR_AO) {
		ao_count++;
		ao_addr = si->si_addr;
		ao_lsb = si->si_addr_lsb;
		return;
	}
	ar_count++;
	ar_addr = si->si_addr;
	ar_lsb = si->si_addr_lsb;
	siglongjmp(recover, 1);
}

static void Fail(const char *what)
{
	printf("mfswap: FAILED: %s\n", what);
	failed++;
}

static uint64_t *page_addr(unsigned long p)
{
	return mem + p * WORDS;
}

/* Read page p (faulting it in); whether every word is as filled. */
static int page_ok(unsigned long p)
{
	for (unsigned long i = 0; i < WORDS; i++)
		if (((volatile uint64_t *)page_addr(p))[i] != word(p, i, 0))
			return 0;
	return 1;
}

static uint64_t pagemap(unsigned long p)
{
	uint64_t e = 0;
	off_t off = (off_t)((uintptr_t)page_addr(p) / PS * sizeof(e));

	if (pread(pagemap_fd, &e, sizeof(e), off) != sizeof(e))
		Fail("read /proc/self/pagemap");
	return e;
}

static int swapped_out(unsigned long p)
{
	uint64_t e = pagemap(p);

	return (e & PM_SWAP) && !(e & PM_PRESENT);
}

static unsigned long pfn_of(unsigned long p)
{
	uint64_t e = pagemap(p);

	return e & PM_PRESENT ? (unsigned long)(e & PM_PFN_MASK) : 0;
}

static int kpageflag(unsigned long pfn, int bit)
{
	uint64_t flags = 0;

	if (pread(kpageflags_fd, &flags, sizeof(flags), (off_t)(pfn * sizeof(flags))) != sizeof(flags))
		Fail("read /proc/kpageflags");
	return (flags >> bit) & 1;
}

/* The first page at or after from that is out in swap. */
static unsigned long pick_swapped(unsigned long from)
{
	for (unsigned long p = from; p < npages - TAIL_PAGES; p++)
		if (swapped_out(p))
			return p;
	printf("mfswap: no swapped-out page after page %lu: more memory needed\n", from);
	exit(1);
}

static int poison(unsigned long p)
{
	if (madvise(page_addr(p), PS, MADV_HWPOISON)) {
		printf("mfswap: madvise(MADV_HWPOISON): %s\n", strerror(errno));
		return -1;
	}
	return 0;
}

/* Read page p expecting SIGBUS BUS_MCEERR_AR at the word read. */
static void expect_ar(const char *who, unsigned long p)
{
	volatile uint64_t *addr = page_addr(p) + 100 / sizeof(uint64_t);
	int before = ar_count;

	expecting = 1;
	if (!sigsetjmp(recover, 1))
		(void)*addr;
	expecting = 0;
	if (ar_count != before + 1 || ar_addr != (void *)addr || ar_lsb != 12) {
		Fail("no SIGBUS BUS_MCEERR_AR where the page was read");
		return;
	}
	printf("mfswap: %s: SIGBUS BUS_MCEERR_AR si_addr=page+%ld addr_lsb=%d\n", who,
	       (long)((char *)ar_addr - (char *)page_addr(p)), ar_lsb);
}

static void report_ao(const char *who, unsigned long p)
{
	if (ao_count != 1 || ao_addr != (void *)page_addr(p) || ao_lsb != 12) {
		Fail("no early SIGBUS BUS_MCEERR_AO at the page");
		return;
	}
	printf("mfswap: %s: SIGBUS BUS_MCEERR_AO si_addr=page+0 addr_lsb=%d\n", who, ao_lsb);
}

/* Swapped in by a read: clean. Poisoned: no signal, good data after. */
static void test_clean(unsigned long p)
{
	if (!page_ok(p))
		Fail("clean: the page came back from swap wrong");
	unsigned long pfn = pfn_of(p);
	printf("mfswap: clean: page %lu read in: pfn %#lx swapcache %d\n", p, pfn,
	       kpageflag(pfn, KPF_SWAPCACHE));
	if (poison(p))
		Fail("clean: madvise");
	printf("mfswap: clean: poisoned: swapped %d hwpoison %d swapcache %d\n", swapped_out(p),
	       kpageflag(pfn, KPF_HWPOISON), kpageflag(pfn, KPF_SWAPCACHE));
	if (!page_ok(p))
		Fail("clean: the page reads back wrong after the poisoning");
	printf("mfswap: clean: read again: data %s, pfn %#lx, signals %d\n",
	       page_ok(p) ? "ok" : "BAD", pfn_of(p), ar_count + ao_count);
	if (ar_count || ao_count || pfn_of(p) == pfn)
		Fail("clean: a signal, or the poisoned frame is still mapped");
}

/* The forked child: it shares the poisoned page, hears early, and gets
 * AR when it touches the page after the parent writes to the pipe. */
static void child(unsigned long p, int fd)
{
	char c;

	while (read(fd, &c, 1) < 0 && errno == EINTR)
		;
	report_ao("child", p);
	expect_ar("child", p);
	exit(failed ? 1 : 0);
}

/* Swapped in by a read, then written: dirty, still in the swap cache. */
static void test_dirty(unsigned long p)
{
	int pipefd[2], status;

	if (!page_ok(p))
		Fail("dirty: the page came back from swap wrong");
	page_addr(p)[0] = ~word(p, 0, 0);
	unsigned long pfn = pfn_of(p);
	printf("mfswap: dirty: page %lu read in and written: pfn %#lx swapcache %d\n", p, pfn,
	       kpageflag(pfn, KPF_SWAPCACHE));
	if (pipe(pipefd))
		Fail("pipe");
	fflush(stdout);
	pid_t pid = fork();
	if (pid == 0)
		child(p, pipefd[0]);
	if (poison(p))
		Fail("dirty: madvise");
	printf("mfswap: dirty: poisoned: swapped %d hwpoison %d swapcache %d\n", swapped_out(p),
	       kpageflag(pfn, KPF_HWPOISON), kpageflag(pfn, KPF_SWAPCACHE));
	report_ao("parent", p);
	expect_ar("parent", p);
	expect_ar("parent", p); /* and at every later access */
	int again = madvise(page_addr(p), PS, MADV_HWPOISON);
	printf("mfswap: dirty: madvise again: %s\n", again ? strerror(errno) : "0");
	if (!again || errno != EFAULT)
		Fail("dirty: a poisoned page can be had again"); /* as get_user_pages */
	fflush(stdout);
	if (write(pipefd[1], "x", 1) != 1 || waitpid(pid, &status, 0) != pid ||
	    !WIFEXITED(status) || WEXITSTATUS(status))
		Fail("dirty: the child");
	ao_count = 0;
}

/* MADV_HWPOISON on a page out in swap: brought in, then as clean. */
static void test_swapped(unsigned long p)
{
	int before = ar_count + ao_count;

	if (!swapped_out(p))
		Fail("swapped: the page is not out in swap");
	if (poison(p))
		Fail("swapped: madvise");
	printf("mfswap: swapped: poisoned page %lu: swapped %d\n", p, swapped_out(p));
	printf("mfswap: swapped: read: data %s, signals %d\n", page_ok(p) ? "ok" : "BAD",
	       ar_count + ao_count - before);
	if (ar_count + ao_count != before)
		Fail("swapped: a signal");
}

/* swapoff with the dirty page's owner alive: every other page comes in,
 * the poisoned one's PTE becomes a swap-in error (SIGBUS BUS_ADRERR). */
static void test_swapoff(unsigned long dirty, const char *dev)
{
	unsigned long from = dirty > 256 ? dirty - 256 : 0, to = dirty + 256;

	/* Only what fits in memory stays. */
	munmap(mem, from * PS);
	munmap(page_addr(to), (npages - TAIL_PAGES - to) * PS);
	if (swapoff(dev)) {
		printf("mfswap: swapoff %s: %s\n", dev, strerror(errno));
		Fail("swapoff");
		return;
	}
	unsigned long bad = 0;
	for (unsigned long p = from; p < to; p++)
		bad += p != dirty && !page_ok(p);
	expecting = 1;
	if (!sigsetjmp(recover, 1))
		(void)*(volatile uint64_t *)page_addr(dirty);
	expecting = 0;
	uint64_t e = pagemap(dirty);
	printf("mfswap: swapoff %s: %lu pages in, %lu bad; the poisoned one: %s\n", dev,
	       to - from - 1, bad, adr_count == 1 ? "SIGBUS BUS_ADRERR" : "no SIGBUS BUS_ADRERR");
	printf("mfswap: swapoff: its pagemap: swapped %d type %d offset %#llx\n", !!(e & PM_SWAP),
	       (int)(e & 0x1f), (unsigned long long)((e & PM_PFN_MASK) >> 5));
	if (bad || adr_count != 1)
		Fail("swapoff");
	if (swapon(dev, 0))
		printf("mfswap: swapon %s: %s\n", dev, strerror(errno));
}

int main(int argc, char **argv)
{
	unsigned long mib = argc > 1 ? strtoul(argv[1], NULL, 0) : 80;
	struct sigaction sa = { .sa_sigaction = sighandler, .sa_flags = SA_SIGINFO | SA_RESTART };

	setvbuf(stdout, NULL, _IOLBF, 0);
	npages = mib << 20 >> 12;
	pagemap_fd = open("/proc/self/pagemap", O_RDONLY);
	kpageflags_fd = open("/proc/kpageflags", O_RDONLY);
	if (pagemap_fd < 0 || kpageflags_fd < 0) {
		perror("mfswap: /proc/self/pagemap or /proc/kpageflags");
		return 1;
	}
	sigaction(SIGBUS, &sa, NULL);
	if (prctl(PR_MCE_KILL, PR_MCE_KILL_SET, PR_MCE_KILL_EARLY, 0, 0))
		perror("mfswap: prctl");
	mem = mmap(NULL, npages * PS, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (mem == MAP_FAILED) {
		perror("mfswap: mmap");
		return 1;
	}
	fill(mem, npages, 0);
	munmap(page_addr(npages - TAIL_PAGES), TAIL_PAGES * PS);
	printf("mfswap: %lu MiB filled\n", mib);

	/* Far apart, so that one's read-around does not bring the next in. */
	unsigned long clean = pick_swapped(0), dirty = pick_swapped(clean + 512);
	unsigned long swapped = pick_swapped(dirty + 512);
	test_clean(clean);
	test_dirty(dirty);
	test_swapped(swapped);

	unsigned long bad = 0, checked = 0;
	for (unsigned long p = 0; p < npages - TAIL_PAGES; p++) {
		if (p == dirty)
			continue;
		checked++;
		bad += !page_ok(p);
	}
	printf("mfswap: %lu other pages checked, %lu bad\n", checked, bad);
	if (bad)
		Fail("pages read back wrong");
	if (argc > 2)
		test_swapoff(dirty, argv[2]);
	printf("mfswap: %s\n", failed ? "FAIL" : "OK");
	return failed ? 1 : 0;
}
