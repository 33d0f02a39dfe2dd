/*
 * hugetlbtest: the hugetlb pool, hugetlbfs, MAP_HUGETLB and SHM_HUGETLB,
 * and memory_failure on a huge page. Runs as root, unchanged on Linux
 * (where a free mount point and a pool of 4 pages are all it needs).
 *
 *   hugetlbtest          the pool, files, mappings, fork, SysV segments,
 *                        surplus pages (vm.nr_overcommit_hugepages)
 *   hugetlbtest poison   MADV_HWPOISON on one 4 KiB frame of a huge page:
 *                        the whole 2 MiB is lost (si_addr_lsb 21), and the
 *                        page leaves the pool
 *   hugetlbtest free-poison  poison a frame of a free pool page
 *                        (/sys/kernel/debug/hwpoison/corrupt-pfn): it
 *                        leaves the pool at once
 *   hugetlbtest keep     leave a poisoned page in a hugetlbfs file (for the
 *                        system test's unpoison), with a pool of 1 page
 *   hugetlbtest drop     remove that file: the page leaves the pool
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/shm.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check.h"
#include "madv.h"

#define HPAGE (2UL << 20)
#define PAGE 4096UL
#define POOL 4
#define MNT "/tmp/hugetlbtest.mnt"
#define FILE_NAME MNT "/data"

#ifndef MAP_HUGETLB
#define MAP_HUGETLB 0x40000
#endif
#ifndef SHM_HUGETLB
#define SHM_HUGETLB 04000
#endif
#ifndef MADV_HWPOISON
#define MADV_HWPOISON 100
#endif

static long sysctl_read(const char *path)
{
	char buf[32] = "";
	int fd = open(path, O_RDONLY);

	if (fd < 0 || read(fd, buf, sizeof(buf) - 1) < 0)
		buf[0] = '\0';
	close(fd);
	return buf[0] ? atol(buf) : -1;
}

static int sysctl_write(const char *path, long n)
{
	char buf[32];
	int fd = open(path, O_WRONLY);
	int len = snprintf(buf, sizeof(buf), "%ld\n", n);
	int ok = fd >= 0 && write(fd, buf, (size_t)len) == len;

	close(fd);
	return ok;
}

static int set_pool(long n)
{
	return sysctl_write("/proc/sys/vm/nr_hugepages", n);
}

/* A /proc/meminfo field (its number, kB or a count). */
static long meminfo(const char *name)
{
	static char buf[8192];
	int fd = open("/proc/meminfo", O_RDONLY);
	ssize_t n = fd >= 0 ? read(fd, buf, sizeof(buf) - 1) : -1;
	size_t len = strlen(name);

	close(fd);
	if (n <= 0)
		return -1;
	buf[n] = '\0';
	for (char *line = buf; line && *line; line = strchr(line, '\n') ? strchr(line, '\n') + 1 : NULL)
		if (!strncmp(line, name, len) && line[len] == ':')
			return atol(line + len + 1);
	return -1;
}

static int pool_is(long total, long free_pages, long rsvd)
{
	long t = meminfo("HugePages_Total"), f = meminfo("HugePages_Free"),
	     r = meminfo("HugePages_Rsvd");

	if (t == total && f == free_pages && r == rsvd)
		return 1;
	printf("   (HugePages_Total %ld Free %ld Rsvd %ld; wanted %ld %ld %ld)\n", t, f, r, total,
	       free_pages, rsvd);
	return 0;
}

/* A pattern that differs in every 4 KiB page and for every seed. */
static void fill(char *p, size_t len, unsigned seed)
{
	for (size_t i = 0; i < len; i += 64)
		p[i] = (char)(seed + i / PAGE + i / 64);
}

static int holds(const char *p, size_t len, unsigned seed)
{
	for (size_t i = 0; i < len; i += 64)
		if (p[i] != (char)(seed + i / PAGE + i / 64))
			return 0;
	return 1;
}

/* Run fn in a child; its exit status (0: its checks passed). */
static int in_child(int (*fn)(char *), char *arg)
{
	pid_t pid = fork();
	int status;

	if (pid == 0)
		_exit(fn(arg));
	return pid > 0 && waitpid(pid, &status, 0) == pid && WIFEXITED(status) ?
		       WEXITSTATUS(status) : -1;
}

static int child_reads_and_writes(char *m)
{
	if (!holds(m, 2 * HPAGE, 1))
		return 1;
	fill(m + HPAGE, HPAGE, 7); /* the second page */
	return 0;
}

static void test_pool(long n)
{
	check(n >= 3, "vm.nr_hugepages = 4: the pool has (at least 3 of) them");
	check(meminfo("HugePages_Total") == n && meminfo("HugePages_Free") == n &&
	      meminfo("HugePages_Rsvd") == 0 && meminfo("HugePages_Surp") == 0,
	      "meminfo: HugePages_Total and Free are the pool, Rsvd and Surp 0");
	check(meminfo("Hugepagesize") == 2048, "Hugepagesize: 2048 kB");
	check(meminfo("Hugetlb") == n * 2048, "Hugetlb: the pool's kB");
}

static void test_hugetlbfs(long n)
{
	mkdir(MNT, 0755);
	check(mount("none", MNT, "hugetlbfs", 0, NULL) == 0, "mount -t hugetlbfs none " MNT);
	int fd = open(FILE_NAME, O_RDWR | O_CREAT | O_TRUNC, 0600);
	check(fd >= 0, "create a file there");
	check_err(ftruncate(fd, PAGE), EINVAL, "ftruncate to 4 KiB: EINVAL (whole huge pages)");
	check(ftruncate(fd, 2 * HPAGE) == 0, "ftruncate to 4 MiB");
	char *m = mmap(NULL, 2 * HPAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	check(m != MAP_FAILED && ((uintptr_t)m & (HPAGE - 1)) == 0,
	      "mmap MAP_SHARED: at a 2 MiB-aligned address");
	check(pool_is(n, n, 2), "the mapping reserved 2 pages (HugePages_Rsvd 2)");
	fill(m, 2 * HPAGE, 1);
	check(pool_is(n, n - 2, 0), "touched: 2 pages in use, the reservation taken");
	check(in_child(child_reads_and_writes, m) == 0, "fork: the child sees the data");
	check(holds(m + HPAGE, HPAGE, 7), "...and the parent the child's write (shared)");
	munmap(m, 2 * HPAGE);
	check(pool_is(n, n - 2, 0), "munmap: the pages stay in the file");
	m = mmap(NULL, 2 * HPAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
	check(m != MAP_FAILED && holds(m, HPAGE, 1) && holds(m + HPAGE, HPAGE, 7),
	      "mmap MAP_PRIVATE: the file's data");
	fill(m, HPAGE, 3);
	check(holds(m, HPAGE, 3) && meminfo("HugePages_Free") == n - 3,
	      "a write copies the huge page (one more in use)");
	char b[2];
	check(pread(fd, b, 1, 0) == 1 && b[0] == (char)1, "...and the file keeps its own (read)");
	munmap(m, 2 * HPAGE);
	check(pool_is(n, n - 2, 0), "munmap: the private copy goes back to the pool");
	check(ftruncate(fd, HPAGE) == 0 && pool_is(n, n - 1, 0),
	      "ftruncate to 2 MiB: the second page goes back");
	close(fd);
	check(unlink(FILE_NAME) == 0 && pool_is(n, n, 0), "unlink: the file's pages go back");
}

static int child_writes_private(char *m)
{
	if (!holds(m, 2 * HPAGE, 1))
		return 1;
	fill(m, 2 * HPAGE, 9);
	return !holds(m, 2 * HPAGE, 9);
}

/* A /proc/self/status field's kB. */
static long status_kb(const char *name)
{
	static char buf[4096];
	int fd = open("/proc/self/status", O_RDONLY);
	ssize_t n = fd >= 0 ? read(fd, buf, sizeof(buf) - 1) : -1;

	close(fd);
	if (n <= 0)
		return -1;
	buf[n] = '\0';
	char *line = strstr(buf, name);
	return line ? atol(line + strlen(name) + 1) : -1;
}

/* Does the /proc/self/maps line of the area at p end with name? */
static int maps_line_has(const void *p, const char *name)
{
	static char buf[16384];
	char start[32];
	int fd = open("/proc/self/maps", O_RDONLY);
	ssize_t n = fd >= 0 ? read(fd, buf, sizeof(buf) - 1) : -1;

	close(fd);
	if (n <= 0)
		return 0;
	buf[n] = '\0';
	snprintf(start, sizeof(start), "\n%lx-", (unsigned long)p);
	char *line = strstr(buf, start);
	char *end = line ? strchr(line + 1, '\n') : NULL;
	size_t len = strlen(name);
	return end && (size_t)(end - line) > len && !strncmp(end - len, name, len);
}

/* Where 4 KiB pages were mapped before (their page table stays), a
 * MAP_FIXED huge page maps as well. */
static void test_over_old_page_table(long n)
{
	char *p = mmap(NULL, 2 * HPAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	char *a = (char *)(((uintptr_t)p + HPAGE - 1) & ~(HPAGE - 1));
	a[0] = a[PAGE] = 1;
	munmap(p, 2 * HPAGE);
	char *m = mmap(a, HPAGE, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_HUGETLB | MAP_FIXED, -1, 0);
	check(m == a, "MAP_FIXED|MAP_HUGETLB where 4 KiB pages were");
	fill(m, HPAGE, 5);
	check(holds(m, HPAGE, 5) && pool_is(n, n - 1, 0), "...it holds its data");
	munmap(m, HPAGE);
	check(pool_is(n, n, 0), "...munmap: back to the pool");
	munmap(mmap(a, HPAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_HUGETLB |
		    MAP_FIXED, -1, 0), HPAGE);
	check(pool_is(n, n, 0), "...mapped and unmapped untouched: nothing used");
	p = mmap(a, HPAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
	check(p == a && p[0] == 0 && (p[PAGE] = 2) == 2, "4 KiB pages there again");
	munmap(p, HPAGE);
}

/* /proc/self/pagemap's entry for the 4 KiB page at p. */
static uint64_t pagemap(const void *p)
{
	uint64_t entry = 0;
	int fd = open("/proc/self/pagemap", O_RDONLY);

	if (fd < 0 || pread(fd, &entry, 8, (off_t)((uintptr_t)p / PAGE * 8)) != 8)
		entry = 0;
	close(fd);
	return entry;
}

#define PM_PFN(e) ((e) & ((1ULL << 55) - 1))
#define PM_SOFT_DIRTY (1ULL << 55)
#define PM_EXCLUSIVE (1ULL << 56)
#define PM_FILE (1ULL << 61)
#define PM_PRESENT (1ULL << 63)

/* pagemap of a huge page: each 4 KiB present with its own frame, one
 * after another from a 2 MiB-aligned head; a file's page or not. */
static int pagemap_huge(const char *m, uint64_t file)
{
	uint64_t head = pagemap(m);

	if ((head & (PM_PRESENT | PM_FILE | PM_EXCLUSIVE)) != (PM_PRESENT | file | PM_EXCLUSIVE) ||
	    PM_PFN(head) % (HPAGE / PAGE))
		return 0;
	for (unsigned long i = 1; i < HPAGE / PAGE; i += 97)
		if (pagemap(m + i * PAGE) != head + i)
			return 0;
	return 1;
}

static void test_map_hugetlb(long n)
{
	char *m = mmap(NULL, 2 * HPAGE, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_HUGETLB, -1, 0);
	check(m != MAP_FAILED && ((uintptr_t)m & (HPAGE - 1)) == 0,
	      "mmap MAP_PRIVATE|MAP_ANONYMOUS|MAP_HUGETLB, 2 MiB-aligned");
	check(pool_is(n, n, 2), "...reserves 2 pages");
	check(maps_line_has(m, "/anon_hugepage (deleted)"),
	      "/proc/self/maps names it /anon_hugepage (deleted)");
	check(pagemap(m) == PM_SOFT_DIRTY, "pagemap, untouched: not present");
	fill(m, 2 * HPAGE, 1);
	check(pool_is(n, n - 2, 0), "...touched: 2 in use");
	check(pagemap_huge(m + HPAGE, 0), "pagemap: 512 frames of a huge page, anonymous");
	check(status_kb("HugetlbPages") == 4096, "/proc/self/status: HugetlbPages 4096 kB");
	check(in_child(child_writes_private, m) == 0, "fork: the child sees the data and writes");
	check(holds(m, 2 * HPAGE, 1), "...copy-on-write: the parent's data is unchanged");
	check(pool_is(n, n - 2, 0), "the child's copies went back when it exited");
	munmap(m, 2 * HPAGE);
	check(pool_is(n, n, 0), "munmap: back to the pool");
	check(status_kb("HugetlbPages") == 0, "...and HugetlbPages 0 kB");

	m = mmap(NULL, 2 * HPAGE, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS | MAP_HUGETLB,
		 -1, 0);
	check(m != MAP_FAILED, "mmap MAP_SHARED|MAP_ANONYMOUS|MAP_HUGETLB");
	fill(m, 2 * HPAGE, 1);
	check(pagemap_huge(m, PM_FILE), "pagemap: 512 frames of a huge page, a file's");
	check(in_child(child_reads_and_writes, m) == 0 && holds(m + HPAGE, HPAGE, 7),
	      "fork: shared, the parent sees the child's write");
	munmap(m, 2 * HPAGE);
	check(pool_is(n, n, 0), "munmap: back to the pool");
	check_err((long)mmap(NULL, (size_t)(n + 1) * HPAGE, PROT_READ | PROT_WRITE,
			     MAP_PRIVATE | MAP_ANONYMOUS | MAP_HUGETLB, -1, 0),
		  ENOMEM, "MAP_HUGETLB larger than the pool: ENOMEM at mmap time");
}

static void test_shm_hugetlb(long n)
{
	int id = shmget(IPC_PRIVATE, 2 * HPAGE, IPC_CREAT | SHM_HUGETLB | 0600);
	check(id >= 0 && pool_is(n, n, 2), "shmget(SHM_HUGETLB) of 4 MiB reserves 2 pages");
	char *m = shmat(id, NULL, 0);
	check(m != (void *)-1 && ((uintptr_t)m & (HPAGE - 1)) == 0, "shmat: 2 MiB-aligned");
	fill(m, 2 * HPAGE, 1);
	check(in_child(child_reads_and_writes, m) == 0 && holds(m + HPAGE, HPAGE, 7),
	      "fork: the child shares the segment");
	check(shmdt(m) == 0 && shmctl(id, IPC_RMID, NULL) == 0 && pool_is(n, n, 0),
	      "shmdt, IPC_RMID: back to the pool");
	check_err(shmget(IPC_PRIVATE, (size_t)(n + 1) * HPAGE, IPC_CREAT | SHM_HUGETLB | 0600),
		  ENOMEM, "shmget(SHM_HUGETLB) larger than the pool: ENOMEM");
}

static void test_empty_pool(void)
{
	check(set_pool(0) && sysctl_read("/proc/sys/vm/nr_hugepages") == 0 && pool_is(0, 0, 0),
	      "vm.nr_hugepages = 0: the pool is empty");
	check_err((long)mmap(NULL, HPAGE, PROT_READ | PROT_WRITE,
			     MAP_PRIVATE | MAP_ANONYMOUS | MAP_HUGETLB, -1, 0),
		  ENOMEM, "MAP_HUGETLB with an empty pool: ENOMEM");
}

/* vm.nr_overcommit_hugepages: an empty pool adds surplus pages for a
 * mapping's reservation, up to the limit, and they leave when unmapped.
 * sysctl and sysfs show the same settings. */
#define HSTATE_DIR "/sys/kernel/mm/hugepages/hugepages-2048kB/"
#define OVERCOMMIT "/proc/sys/vm/nr_overcommit_hugepages"

static int surplus_is(long surp)
{
	long m = meminfo("HugePages_Surp"), s = sysctl_read(HSTATE_DIR "surplus_hugepages");

	if (m == surp && s == surp)
		return 1;
	printf("   (HugePages_Surp %ld, surplus_hugepages %ld; wanted %ld)\n", m, s, surp);
	return 0;
}

static void test_overcommit(void)
{
	long old = sysctl_read(OVERCOMMIT);

	check(old >= 0 && sysctl_write(OVERCOMMIT, 2) &&
	      sysctl_read(HSTATE_DIR "nr_overcommit_hugepages") == 2,
	      "vm.nr_overcommit_hugepages = 2, as sysfs shows");
	char *m = mmap(NULL, 2 * HPAGE, PROT_READ | PROT_WRITE,
		       MAP_SHARED | MAP_ANONYMOUS | MAP_HUGETLB, -1, 0);
	check(m != MAP_FAILED && pool_is(2, 2, 2) && surplus_is(2),
	      "MAP_HUGETLB of 2 pages, empty pool: 2 surplus pages, reserved");
	check(sysctl_read(HSTATE_DIR "nr_hugepages") == 2 &&
	      sysctl_read("/proc/sys/vm/nr_hugepages") == 0,
	      "sysfs nr_hugepages counts them, vm.nr_hugepages does not");
	check_err((long)mmap(NULL, HPAGE, PROT_READ | PROT_WRITE,
			     MAP_PRIVATE | MAP_ANONYMOUS | MAP_HUGETLB, -1, 0),
		  ENOMEM, "one more page: over the limit, ENOMEM");
	if (m != MAP_FAILED) {
		fill(m, 2 * HPAGE, 9);
		check(holds(m, 2 * HPAGE, 9) && pool_is(2, 0, 0) && surplus_is(2),
		      "both written: in use, still surplus");
		check(munmap(m, 2 * HPAGE) == 0 && pool_is(0, 0, 0) && surplus_is(0),
		      "munmap: the surplus pages leave the pool");
	}
	check(sysctl_write(OVERCOMMIT, old), "vm.nr_overcommit_hugepages as it was");
}

/* ---- poison ------------------------------------------------------------ */

static sigjmp_buf recover;
static volatile int bus_code, bus_lsb;
static volatile uintptr_t bus_addr;

static void on_sigbus(int sig, siginfo_t *si, void *uc)
{
	(void)sig, (void)uc;
	bus_code = si->si_code;
	bus_lsb = si->si_addr_lsb;
	bus_addr = (uintptr_t)si->si_addr;
	siglongjmp(recover, 1);
}

static void catch_sigbus(void)
{
	struct sigaction sa = { .sa_sigaction = on_sigbus, .sa_flags = SA_SIGINFO };

	sigaction(SIGBUS, &sa, NULL);
	bus_code = bus_lsb = 0;
	bus_addr = 0;
}

/* Read at p: the SIGBUS code it raised, or 0. */
static int touch(volatile char *p)
{
	catch_sigbus();
	if (sigsetjmp(recover, 1) == 0)
		(void)*p;
	return bus_code;
}

/* madvise(MADV_HWPOISON) at p: 0, or the SIGBUS code it raised at once
 * (early kill). */
static int inject(char *p)
{
	catch_sigbus();
	if (sigsetjmp(recover, 1) == 0 && madvise(p, PAGE, MADV_HWPOISON) != 0)
		return -1;
	return bus_code;
}

static int poison(long n)
{
	long corrupted = meminfo("HardwareCorrupted");

	/* A private MAP_HUGETLB page: late kill, the access is told. */
	char *m = mmap(NULL, HPAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_HUGETLB,
		       -1, 0);
	check(m != MAP_FAILED, "a private MAP_HUGETLB page");
	fill(m, HPAGE, 1);
	check(madvise(m + 5 * PAGE, 8 * PAGE, MADV_HWPOISON) == 0,
	      "MADV_HWPOISON of 8 frames from its 6th: one memory failure for the huge page");
	check(touch(m + HPAGE / 2) == BUS_MCEERR_AR && bus_lsb == 21 &&
	      bus_addr == (uintptr_t)(m + HPAGE / 2),
	      "touching another frame of it: SIGBUS BUS_MCEERR_AR, si_addr_lsb 21, si_addr there");
	check(touch(m) == BUS_MCEERR_AR && bus_lsb == 21, "...and again: the whole 2 MiB is gone");
	check_err(madvise(m, HPAGE, MADV_POPULATE_READ), EHWPOISON,
		  "MADV_POPULATE_READ of it: EHWPOISON, and no signal");
	int pipefd[2];
	check(pipe(pipefd) == 0, "a pipe");
	check_err(write(pipefd[1], m + PAGE, 16), EFAULT,
		  "write() from the lost page: the kernel's copy fails, EFAULT");
	close(pipefd[0]);
	close(pipefd[1]);
	check(meminfo("HardwareCorrupted") == corrupted + 4,
	      "HardwareCorrupted: + 4 kB (Linux 6.1 counts the one raw frame)");
	check(pool_is(n - 1, n - 1, 0), "the page left the pool (HugePages_Total - 1)");
	munmap(m, HPAGE);

	/* A hugetlbfs file's page, early kill: told at once, AO. */
	prctl(PR_MCE_KILL, PR_MCE_KILL_SET, PR_MCE_KILL_EARLY, 0, 0);
	mkdir(MNT, 0755);
	check(mount("none", MNT, "hugetlbfs", 0, NULL) == 0, "mount hugetlbfs");
	int fd = open(FILE_NAME, O_RDWR | O_CREAT | O_TRUNC, 0600);
	check(fd >= 0 && ftruncate(fd, 2 * HPAGE) == 0, "a 4 MiB hugetlbfs file");
	m = mmap(NULL, 2 * HPAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	check(m != MAP_FAILED, "mapped shared");
	fill(m, 2 * HPAGE, 1);
	check(inject(m + 3 * PAGE) == BUS_MCEERR_AO && bus_lsb == 21 &&
	      bus_addr == (uintptr_t)(m + 3 * PAGE),
	      "early kill: SIGBUS BUS_MCEERR_AO at the frame, si_addr_lsb 21");
	prctl(PR_MCE_KILL, PR_MCE_KILL_CLEAR, 0, 0, 0);
	check(touch(m) == BUS_MCEERR_AR && bus_lsb == 21, "touching it: BUS_MCEERR_AR, lsb 21");
	check(touch(m + HPAGE) == 0 && holds(m + HPAGE, HPAGE, 1), "the other huge page is intact");
	char *again = mmap(NULL, 2 * HPAGE, PROT_READ, MAP_SHARED, fd, 0);
	check(again != MAP_FAILED && touch(again) == BUS_MCEERR_AR && bus_lsb == 21,
	      "a mapping made afterwards: SIGBUS too (the page stays in the file)");
	char b[1];
	check_err(pread(fd, b, 1, 0), EIO, "read of the poisoned page: EIO");
	check(meminfo("HugePages_Total") == n - 1, "in the file it still counts in the pool");
	munmap(m, 2 * HPAGE);
	munmap(again, 2 * HPAGE);
	close(fd);
	/* Antidote: the poisoned page leaves the pool now (n - 2 left). Linux
	 * 6.1 puts it back on the free list, counted, where no allocation
	 * ever takes it (n - 1). */
	long total = meminfo("HugePages_Total");
	check(unlink(FILE_NAME) == 0 && (total = meminfo("HugePages_Total")) <= n - 1 &&
	      total >= n - 2 && meminfo("HugePages_Free") == total,
	      "unlink: nothing in use, the poisoned page is out of use for good");
	check(meminfo("HardwareCorrupted") == corrupted + 8, "HardwareCorrupted: + 4 kB more");
	umount(MNT);
	rmdir(MNT);
	return 0;
}

#define KPF_COMPOUND_HEAD 15
#define KPF_HUGE 17
#define KPF_HWPOISON 19

static uint64_t kpageflags(int fd, unsigned long pfn)
{
	uint64_t flags = 0;

	return pread(fd, &flags, 8, (off_t)pfn * 8) == 8 ? flags : 0;
}

/* The first frame /proc/kpageflags calls the head of a hugetlb page. */
static unsigned long find_huge_head(int fd)
{
	static uint64_t flags[4096];
	ssize_t n;

	for (unsigned long pfn = 0; (n = pread(fd, flags, sizeof(flags), (off_t)pfn * 8)) > 0;
	     pfn += (unsigned long)n / 8)
		for (unsigned long i = 0; i < (unsigned long)n / 8; i++)
			if ((flags[i] >> KPF_HUGE & 1) && (flags[i] >> KPF_COMPOUND_HEAD & 1))
				return pfn + i;
	return 0;
}

static int free_poison(void)
{
	long corrupted = meminfo("HardwareCorrupted");
	int fd = open("/proc/kpageflags", O_RDONLY);

	check(set_pool(1) && pool_is(1, 1, 0), "a pool of 1 free page");
	unsigned long head = find_huge_head(fd);
	check(head != 0, "/proc/kpageflags: KPF_HUGE on its frames");
	printf("free pool page at pfn %#lx\n", head);
	char buf[32];
	int len = snprintf(buf, sizeof(buf), "%#lx\n", head + 3);
	int inj = open("/sys/kernel/debug/hwpoison/corrupt-pfn", O_WRONLY);
	check(inj >= 0 && write(inj, buf, (size_t)len) == len, "corrupt-pfn: its 4th frame");
	close(inj);
	check(pool_is(0, 0, 0), "the page left the pool at once");
	check(meminfo("HardwareCorrupted") == corrupted + 4, "HardwareCorrupted: + 4 kB");
	check((kpageflags(fd, head + 3) >> KPF_HWPOISON & 1) && !(kpageflags(fd, head) >> KPF_HUGE & 1),
	      "the bad frame is poisoned, the others are no hugetlb page any more");
	close(fd);
	check(set_pool(0), "vm.nr_hugepages = 0");
	printf("hugetlbtest: %d failed\n", failures);
	return failures != 0;
}

static int keep(void)
{
	mkdir(MNT, 0755);
	check(set_pool(1) && mount("none", MNT, "hugetlbfs", 0, NULL) == 0,
	      "a pool of 1 page, hugetlbfs mounted");
	int fd = open(FILE_NAME, O_RDWR | O_CREAT | O_TRUNC, 0600);
	char *m = mmap(NULL, HPAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	check(fd >= 0 && m != MAP_FAILED, "a 2 MiB file, mapped");
	fill(m, HPAGE, 1);
	check(inject(m) == 0, "MADV_HWPOISON its first frame");
	check(pool_is(1, 0, 0), "the page stays in the file, in the pool");
	printf("hugetlbtest: %d failed\n", failures);
	return failures != 0;
}

static int drop(void)
{
	check(unlink(FILE_NAME) == 0 && umount(MNT) == 0 && rmdir(MNT) == 0,
	      "remove the file, unmount");
	check(set_pool(0) && pool_is(0, 0, 0), "vm.nr_hugepages = 0: the pool is empty");
	printf("hugetlbtest: %d failed\n", failures);
	return failures != 0;
}

/* Write at p: whether that raised SIGSEGV. */
static int write_faults(volatile char *p)
{
	struct sigaction sa = { .sa_sigaction = on_sigbus, .sa_flags = SA_SIGINFO }, old;
	volatile int faulted = 0;

	sigaction(SIGSEGV, &sa, &old);
	if (sigsetjmp(recover, 1) == 0)
		*p = 1;
	else
		faulted = 1;
	sigaction(SIGSEGV, &old, NULL);
	return faulted;
}

/* Areas of huge pages split only between them; mprotect reaches the
 * page-directory entries. */
static void test_split_and_protect(long n)
{
	char *m = mmap(NULL, 2 * HPAGE, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_HUGETLB, -1, 0);
	fill(m, 2 * HPAGE, 1);
	check_err(munmap(m, PAGE), EINVAL, "munmap of 4 KiB of a huge page: EINVAL");
	check_err(mprotect(m, PAGE, PROT_READ), EINVAL, "mprotect of 4 KiB of it: EINVAL");
	check(mprotect(m, HPAGE, PROT_READ) == 0 && write_faults(m + 100) && !write_faults(m + HPAGE),
	      "mprotect(PROT_READ) of the first huge page: a write there is SIGSEGV");
	check(mprotect(m, HPAGE, PROT_READ | PROT_WRITE) == 0 && !write_faults(m + 100),
	      "PROT_READ|PROT_WRITE again: the write goes through");
	check_err(madvise(m + PAGE, HPAGE, MADV_DONTNEED), EINVAL,
		  "MADV_DONTNEED from inside a huge page: EINVAL");
	check_err(madvise(m, HPAGE, MADV_FREE), EINVAL, "MADV_FREE: EINVAL");
	/* (HugePages_Rsvd is not checked: Linux 6.18 gives the dropped
	 * page's reservation back, Antidote does not.) */
	check(madvise(m, HPAGE + PAGE, MADV_DONTNEED) == 0 && meminfo("HugePages_Total") == n &&
	      meminfo("HugePages_Free") == n - 1,
	      "MADV_DONTNEED of 2 MiB + 4 KiB: only the whole huge page goes");
	check(m[0] == 0 && m[HPAGE - 64] == 0 && holds(m + HPAGE, HPAGE, 1),
	      "...it reads zeros again, the second keeps its data");
	check(munmap(m + HPAGE, HPAGE) == 0 && pool_is(n, n - 1, 0),
	      "munmap of the second huge page: it goes back");
	munmap(m, HPAGE);
	check(pool_is(n, n, 0), "and the first");
}

int main(int argc, char **argv)
{
	if (argc > 1 && !strcmp(argv[1], "keep"))
		return keep();
	if (argc > 1 && !strcmp(argv[1], "free-poison"))
		return free_poison();
	if (argc > 1 && !strcmp(argv[1], "drop"))
		return drop();
	long old = sysctl_read("/proc/sys/vm/nr_hugepages");

	check(old >= 0 && set_pool(POOL), "write /proc/sys/vm/nr_hugepages");
	long n = sysctl_read("/proc/sys/vm/nr_hugepages");
	if (argc > 1 && !strcmp(argv[1], "poison")) {
		poison(n);
	} else {
		test_pool(n);
		test_hugetlbfs(n);
		umount(MNT);
		rmdir(MNT);
		test_map_hugetlb(n);
		test_over_old_page_table(n);
		test_shm_hugetlb(n);
		test_split_and_protect(n);
		test_empty_pool();
		test_overcommit();
	}
	set_pool(old);
	printf("hugetlbtest: %d failed\n", failures);
	return failures != 0;
}
