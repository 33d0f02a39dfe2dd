/*
 * Transparent huge pages for anonymous memory (mm/huge_memory.c). Written
 * to run unchanged on Linux 6.1, as root (pagemap's frame numbers,
 * kpageflags, the sysfs knobs and MADV_HWPOISON need it); not run there
 * yet.
 *
 *   thptest          the knobs, a huge fault (512 contiguous frames,
 *                    kpageflags THP), AnonHugePages, fork + copy-on-write
 *                    of a huge page, partial munmap / mprotect /
 *                    MADV_DONTNEED, MADV_NOHUGEPAGE
 *   thptest poison   MADV_HWPOISON of one 4 KiB frame of a huge page:
 *                    that page alone is lost (SIGBUS BUS_MCEERR_AR with
 *                    addr_lsb 12 at it), the other 511 read back intact;
 *                    MADV_SOFT_OFFLINE of one: only it moves
 *   thptest pageout  (with swap) MADV_PAGEOUT of a whole huge page: all
 *                    512 pages go to swap and come back intact
 *   thptest hold     a huge page held until a signal (for the console's
 *                    `vm PID`): "thptest: pid N holds ADDR"
 *
 * Every huge page is asked for with MADV_HUGEPAGE, which serves under
 * "always" and "madvise" alike; each step first checks that it got one.
 */
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check.h"
#include "proc_value.h"

#ifndef MADV_HWPOISON
#define MADV_HWPOISON 100
#endif
#ifndef MADV_SOFT_OFFLINE
#define MADV_SOFT_OFFLINE 101
#endif

#define PS 4096UL
#define HPS (2UL << 20)
#define NR 512UL
#define PM_PRESENT (1ULL << 63)
#define PM_SWAP (1ULL << 62)
#define PM_PFN_MASK ((1ULL << 55) - 1)
#define KPF_COMPOUND_HEAD 15
#define KPF_COMPOUND_TAIL 16
#define KPF_HWPOISON 19
#define KPF_THP 22
#define THP_DIR "/sys/kernel/mm/transparent_hugepage/"

static int pagemap_fd, kpageflags_fd;

static uint64_t pagemap(const void *p)
{
	uint64_t e = 0;

	if (pread(pagemap_fd, &e, sizeof(e), (off_t)((uintptr_t)p / PS * sizeof(e))) != sizeof(e))
		return 0;
	return e;
}

static uint64_t pfn_of(const void *p)
{
	uint64_t e = pagemap(p);

	return e & PM_PRESENT ? e & PM_PFN_MASK : 0;
}

static uint64_t kpageflags(uint64_t pfn)
{
	uint64_t f = 0;

	if (pread(kpageflags_fd, &f, sizeof(f), (off_t)(pfn * sizeof(f))) != sizeof(f))
		return 0;
	return f;
}

static long vmstat(const char *name)
{
	return proc_value("/proc/vmstat", name);
}

static long anon_huge_kb(void)
{
	return proc_value("/proc/meminfo", "AnonHugePages");
}

static int read_file(const char *path, char *buf, size_t size)
{
	int fd = open(path, O_RDONLY);
	ssize_t n = fd < 0 ? -1 : read(fd, buf, size - 1);

	if (fd >= 0)
		close(fd);
	buf[n > 0 ? n : 0] = '\0';
	return n > 0 ? 0 : -1;
}

static int write_file(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY);

	if (fd < 0)
		return -1;
	ssize_t n = write(fd, text, strlen(text));
	int err = errno;
	close(fd);
	errno = err;
	return n == (ssize_t)strlen(text) ? 0 : -1;
}

/* 2 MiB of fresh anonymous memory, aligned, with MADV_HUGEPAGE (or advice). */
static char *map_aligned(int advice)
{
	char *raw = mmap(NULL, 2 * HPS, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (raw == MAP_FAILED)
		return NULL;
	char *p = (char *)(((uintptr_t)raw + HPS - 1) & ~(HPS - 1));
	if (p > raw)
		munmap(raw, (size_t)(p - raw));
	munmap(p + HPS, (size_t)(raw + 2 * HPS - (p + HPS)));
	if (madvise(p, HPS, advice)) {
		munmap(p, HPS);
		return NULL;
	}
	return p;
}

/* Each word says where it is and in which round it was written. */
static uint64_t word(const char *base, const uint64_t *w, unsigned round)
{
	return ((uintptr_t)w - (uintptr_t)base) * 2654435761u + round;
}

static void fill_page(char *base, unsigned long page, unsigned round)
{
	uint64_t *w = (uint64_t *)(base + page * PS);

	for (unsigned long i = 0; i < PS / 8; i++)
		w[i] = word(base, &w[i], round);
}

static bool page_intact(const char *base, unsigned long page, unsigned round)
{
	const uint64_t *w = (const uint64_t *)(base + page * PS);

	for (unsigned long i = 0; i < PS / 8; i++)
		if (w[i] != word(base, &w[i], round))
			return false;
	return true;
}

/* The 512 pages intact, but for skip (another round there, or lost). */
static unsigned long pages_intact(const char *base, unsigned round, long skip)
{
	unsigned long n = 0;

	for (unsigned long i = 0; i < NR; i++)
		n += (long)i != skip && page_intact(base, i, round);
	return n;
}

/* A huge page at p, filled with round 0: 512 contiguous frames from an
 * aligned first one, kpageflags THP. */
static bool huge_fault(char *p, const char *what)
{
	char msg[128];

	p[0] = 1; /* one touch: the whole 2 MiB */
	uint64_t first = pfn_of(p);
	bool contiguous = first && (first & (NR - 1)) == 0;
	for (unsigned long i = 1; i < NR && contiguous; i++)
		contiguous = pfn_of(p + i * PS) == first + i;
	snprintf(msg, sizeof(msg), "%s: one fault maps 512 contiguous frames", what);
	check(contiguous, msg);
	for (unsigned long i = 0; i < NR; i++)
		fill_page(p, i, 0);
	return contiguous;
}

/* Take the brackets out of a choice list; how many pairs there were. */
static int unbracket(char *s)
{
	int pairs = 0;
	char *d = s;

	for (; *s; s++) {
		pairs += *s == '[';
		if (*s != '[' && *s != ']')
			*d++ = *s;
	}
	*d = '\0';
	return pairs;
}

static void test_knobs(void)
{
	char buf[128], saved[128];

	check(!read_file(THP_DIR "defrag", buf, sizeof(buf)) && unbracket(buf) == 1 &&
		      !strcmp(buf, "always defer defer+madvise madvise never\n"),
	      "defrag lists Linux's five choices, one bracketed");
	check(!read_file(THP_DIR "enabled", saved, sizeof(saved)) && strchr(saved, '['),
	      "enabled can be read");
	check(!write_file(THP_DIR "enabled", "never") && !read_file(THP_DIR "enabled", buf, sizeof(buf)) &&
		      !strcmp(buf, "always madvise [never]\n"),
	      "enabled: writing never shows 'always madvise [never]'");
	char *p = map_aligned(MADV_HUGEPAGE);
	long alloc = vmstat("thp_fault_alloc");
	p[0] = 1;
	check(!(kpageflags(pfn_of(p)) & (1ULL << KPF_THP)) && vmstat("thp_fault_alloc") == alloc,
	      "never: MADV_HUGEPAGE memory gets small pages");
	munmap(p, HPS);
	check_err(write_file(THP_DIR "enabled", "sometimes"), EINVAL,
		  "enabled: an unknown choice is EINVAL");
	check(!read_file(THP_DIR "enabled", buf, sizeof(buf)) && !strcmp(buf, "always madvise [never]\n"),
	      "enabled: ...and changes nothing");
	check(!write_file(THP_DIR "enabled", "madvise\n") && !read_file(THP_DIR "enabled", buf, sizeof(buf)) &&
		      !strcmp(buf, "always [madvise] never\n"),
	      "enabled: writing madvise with a newline shows 'always [madvise] never'");
	char choice[16] = "";
	sscanf(strchr(saved, '[') + 1, "%15[^]]", choice);
	write_file(THP_DIR "enabled", choice); /* as it was */
}

/* Under "always", memory nobody advised gets huge pages too. */
static void test_always(void)
{
	char buf[64];

	if (read_file(THP_DIR "enabled", buf, sizeof(buf)) || strncmp(buf, "[always]", 8))
		return;
	char *p = map_aligned(MADV_NORMAL);
	if (huge_fault(p, "always, no advice"))
		check(kpageflags(pfn_of(p)) & (1ULL << KPF_THP), "always: kpageflags THP");
	munmap(p, HPS);
}

static void test_huge_fault(void)
{
	long kb = anon_huge_kb(), alloc = vmstat("thp_fault_alloc");
	char *p = map_aligned(MADV_HUGEPAGE);

	if (!huge_fault(p, "huge fault"))
		return;
	uint64_t pfn = pfn_of(p);
	check((kpageflags(pfn) & (1ULL << KPF_THP | 1ULL << KPF_COMPOUND_HEAD)) ==
		      (1ULL << KPF_THP | 1ULL << KPF_COMPOUND_HEAD),
	      "kpageflags: the first frame is THP, COMPOUND_HEAD");
	check((kpageflags(pfn + 300) & (1ULL << KPF_THP | 1ULL << KPF_COMPOUND_TAIL)) ==
		      (1ULL << KPF_THP | 1ULL << KPF_COMPOUND_TAIL),
	      "kpageflags: a later one is THP, COMPOUND_TAIL");
	check(anon_huge_kb() >= kb + 2048, "AnonHugePages grows by 2048 kB");
	check(vmstat("thp_fault_alloc") == alloc + 1, "vmstat: thp_fault_alloc counts it");
	check(vmstat("nr_anon_transparent_hugepages") >= 1, "vmstat: nr_anon_transparent_hugepages");
	munmap(p, HPS);
	check(anon_huge_kb() == kb, "munmap of all of it: AnonHugePages as before");
}

static void test_fork_cow(void)
{
	char *p = map_aligned(MADV_HUGEPAGE);

	if (!huge_fault(p, "fork"))
		return;
	uint64_t pfn = pfn_of(p);
	long split_pmd = vmstat("thp_split_pmd");
	pid_t pid = fork();
	if (pid == 0) {
		int bad = 0;
		close(pagemap_fd); /* the parent's: an open pagemap reads its opener's mm */
		pagemap_fd = open("/proc/self/pagemap", O_RDONLY);
		fill_page(p, 5, 1); /* copy-on-write: only this page is copied */
		bad |= !page_intact(p, 5, 1);
		bad |= pages_intact(p, 0, 5) != NR - 1;
		bad |= pfn_of(p + 5 * PS) == pfn + 5;
		for (unsigned long i = 0; i < NR; i++)
			bad |= i != 5 && pfn_of(p + i * PS) != pfn + i;
		_exit(bad);
	}
	int status;
	waitpid(pid, &status, 0);
	check(WIFEXITED(status) && WEXITSTATUS(status) == 0,
	      "fork: the child's write copies one page; its 511 others still share the parent's frames");
	check(vmstat("thp_split_pmd") > split_pmd, "fork: the child's write split a PMD");
	check(pages_intact(p, 0, -1) == NR, "fork: the parent's 512 pages are as it wrote them");
	fill_page(p, 9, 2);
	check(page_intact(p, 9, 2) && pfn_of(p + 9 * PS) == pfn + 9,
	      "fork: the child gone, the parent writes its own frame in place");
	munmap(p, HPS);

	/* The child exits without writing: the parent's write reuses the page. */
	p = map_aligned(MADV_HUGEPAGE);
	if (!huge_fault(p, "fork, no write"))
		return;
	pfn = pfn_of(p);
	pid = fork();
	if (pid == 0)
		_exit(pages_intact(p, 0, -1) != NR);
	waitpid(pid, &status, 0);
	check(WIFEXITED(status) && WEXITSTATUS(status) == 0, "fork: the child reads the 512 pages");
	fill_page(p, 100, 3);
	check(pfn_of(p) == pfn && (kpageflags(pfn) & (1ULL << KPF_THP)) && page_intact(p, 100, 3) &&
		      pages_intact(p, 0, 100) == NR - 1,
	      "fork: after the child exits, the parent's write keeps the huge page");
	munmap(p, HPS);
}

static sigjmp_buf recover;
static volatile sig_atomic_t signals, last_code, last_lsb;
static void *volatile last_addr;

static void on_signal(int sig, siginfo_t *si, void *uc)
{
	(void)sig, (void)uc;
	signals++;
	last_code = si->si_code;
	last_addr = si->si_addr;
	last_lsb = si->si_addr_lsb;
	siglongjmp(recover, 1);
}

/* Did a write to p fault? */
static bool write_faults(volatile char *p)
{
	int before = signals;

	if (!sigsetjmp(recover, 1))
		*p = 7;
	return signals != before;
}

static void test_partial(void)
{
	char *p = map_aligned(MADV_HUGEPAGE);
	long kb = anon_huge_kb(), split = vmstat("thp_split_pmd");

	if (!huge_fault(p, "munmap"))
		return;
	uint64_t pfn = pfn_of(p);
	check(!munmap(p + PS, PS), "munmap of the second 4 KiB of a huge page");
	check(!(pagemap(p + PS) & PM_PRESENT) && pfn_of(p) == pfn && pfn_of(p + 2 * PS) == pfn + 2 &&
		      pfn_of(p + (NR - 1) * PS) == pfn + NR - 1,
	      "munmap: that page is gone, the others keep their frames");
	check(pages_intact(p, 0, 1) == NR - 1, "munmap: the other 511 pages are intact");
	check(vmstat("thp_split_pmd") > split && anon_huge_kb() == kb,
	      "munmap: the PMD was split, AnonHugePages as before");
	munmap(p, HPS);

	p = map_aligned(MADV_HUGEPAGE);
	if (!huge_fault(p, "mprotect"))
		return;
	pfn = pfn_of(p);
	check(!mprotect(p + 3 * PS, PS, PROT_READ), "mprotect of one 4 KiB of a huge page");
	check(write_faults(p + 3 * PS) && last_code == SEGV_ACCERR && page_intact(p, 3, 0),
	      "mprotect: a write to it is SIGSEGV SEGV_ACCERR, and it reads as written");
	check(!write_faults(p + 4 * PS) && !write_faults(p + 2 * PS), "mprotect: its neighbours stay writable");
	fill_page(p, 4, 0);
	fill_page(p, 2, 0);
	check(pages_intact(p, 0, -1) == NR && pfn_of(p + 4 * PS) == pfn + 4,
	      "mprotect: all 512 pages intact, in their frames");
	munmap(p, HPS);

	p = map_aligned(MADV_HUGEPAGE);
	if (!huge_fault(p, "MADV_DONTNEED"))
		return;
	check(!madvise(p + 10 * PS, 2 * PS, MADV_DONTNEED), "MADV_DONTNEED of 8 KiB of a huge page");
	check(p[10 * PS] == 0 && p[11 * PS + 100] == 0 && pages_intact(p, 0, 10) == NR - 2 &&
		      page_intact(p, 12, 0),
	      "MADV_DONTNEED: those read as zeros, the others are intact");
	munmap(p, HPS);

	p = map_aligned(MADV_HUGEPAGE);
	if (!huge_fault(p, "MADV_DONTNEED of all"))
		return;
	check(!madvise(p, HPS, MADV_DONTNEED) && !(pagemap(p + 77 * PS) & PM_PRESENT),
	      "MADV_DONTNEED of the whole 2 MiB: nothing left");
	munmap(p, HPS);
}

static void test_nohugepage(void)
{
	char *p = map_aligned(MADV_NOHUGEPAGE);
	long alloc = vmstat("thp_fault_alloc");

	p[0] = 1;
	check(!(kpageflags(pfn_of(p)) & (1ULL << KPF_THP)) && !(pagemap(p + PS) & PM_PRESENT) &&
		      vmstat("thp_fault_alloc") == alloc,
	      "MADV_NOHUGEPAGE: a touch maps one small page");
	munmap(p, HPS);
	p = map_aligned(MADV_HUGEPAGE);
	check(!madvise(p, HPS, MADV_NOHUGEPAGE), "MADV_NOHUGEPAGE after MADV_HUGEPAGE");
	p[0] = 1;
	check(!(kpageflags(pfn_of(p)) & (1ULL << KPF_THP)), "...the later advice wins");
	munmap(p, HPS);
}

/* One 4 KiB frame of a huge page poisoned: only that page is lost. */
static void test_poison(void)
{
	char *p = map_aligned(MADV_HUGEPAGE);

	if (!huge_fault(p, "poison"))
		return;
	uint64_t pfn = pfn_of(p);
	long split_page = vmstat("thp_split_page");
	check(!madvise(p + 7 * PS, PS, MADV_HWPOISON), "MADV_HWPOISON of page 7 of a huge page");
	check(kpageflags(pfn + 7) & (1ULL << KPF_HWPOISON), "kpageflags: its frame is HWPOISON");
	check(!(kpageflags(pfn + 8) & (1ULL << KPF_HWPOISON)) && !(kpageflags(pfn) & (1ULL << KPF_THP)),
	      "kpageflags: the next frame is not, and the page is no longer huge");
	check(vmstat("thp_split_page") == split_page + 1, "vmstat: thp_split_page counts the split");
	int before = signals;
	if (!sigsetjmp(recover, 1))
		(void)*(volatile char *)(p + 7 * PS + 100);
	check(signals == before + 1 && last_code == BUS_MCEERR_AR && last_addr == p + 7 * PS + 100 &&
		      last_lsb == 12,
	      "a read of page 7: SIGBUS BUS_MCEERR_AR at the address, addr_lsb 12");
	check(pages_intact(p, 0, 7) == NR - 1, "the other 511 pages read back intact");
	check(pfn_of(p + 8 * PS) == pfn + 8 && pfn_of(p + 6 * PS) == pfn + 6,
	      "...in the frames they had");
	munmap(p, HPS);

	/* Soft offline of one frame: the huge page is split, only that page
	 * moves, and nobody notices. */
	p = map_aligned(MADV_HUGEPAGE);
	if (!huge_fault(p, "soft offline"))
		return;
	pfn = pfn_of(p);
	check(!madvise(p + 20 * PS, PS, MADV_SOFT_OFFLINE), "MADV_SOFT_OFFLINE of page 20 of a huge page");
	check(pfn_of(p + 20 * PS) != pfn + 20 && (kpageflags(pfn + 20) & (1ULL << KPF_HWPOISON)),
	      "soft offline: page 20 has a new frame, the old one is retired");
	check(pages_intact(p, 0, -1) == NR && pfn_of(p + 21 * PS) == pfn + 21,
	      "soft offline: all 512 pages intact, the others in their frames");
	munmap(p, HPS);
}

static void test_pageout(void)
{
	char *p = map_aligned(MADV_HUGEPAGE);

	if (!huge_fault(p, "pageout"))
		return;
	long out = vmstat("pswpout");
	check(!madvise(p, HPS, MADV_PAGEOUT), "MADV_PAGEOUT of a whole huge page");
	unsigned long swapped = 0;
	for (unsigned long i = 0; i < NR; i++)
		swapped += (pagemap(p + i * PS) & PM_SWAP) != 0;
	check(swapped == NR && vmstat("pswpout") >= out + (long)NR,
	      "MADV_PAGEOUT: all 512 pages were written to swap");
	check(pages_intact(p, 0, -1) == NR, "MADV_PAGEOUT: they read back intact");
	munmap(p, HPS);
}

int main(int argc, char **argv)
{
	struct sigaction sa = { .sa_sigaction = on_signal, .sa_flags = SA_SIGINFO | SA_NODEFER };

	setvbuf(stdout, NULL, _IONBF, 0);
	sigaction(SIGSEGV, &sa, NULL);
	sigaction(SIGBUS, &sa, NULL);
	pagemap_fd = open("/proc/self/pagemap", O_RDONLY);
	kpageflags_fd = open("/proc/kpageflags", O_RDONLY);
	check(pagemap_fd >= 0 && kpageflags_fd >= 0, "open pagemap and kpageflags");
	if (argc > 1 && !strcmp(argv[1], "poison")) {
		test_poison();
	} else if (argc > 1 && !strcmp(argv[1], "pageout")) {
		test_pageout();
	} else if (argc > 1 && !strcmp(argv[1], "hold")) {
		char *p = map_aligned(MADV_HUGEPAGE);
		huge_fault(p, "hold");
		printf("thptest: pid %d holds %p\n", getpid(), (void *)p);
		pause();
	} else {
		test_knobs();
		test_always();
		test_huge_fault();
		test_fork_cow();
		test_partial();
		test_nohugepage();
	}
	printf("thptest: %d failed\n", failures);
	return failures != 0;
}
