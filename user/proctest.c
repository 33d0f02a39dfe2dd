/*
 * /proc from user space, in Linux's formats: proctest checks what a
 * program can check alone (ok/FAIL per check, "proctest: N failed");
 * the system tests compare the rest with the console.
 *
 *   proctest           the checks
 *   proctest meminfo   print /proc/meminfo
 *   proctest pagemap   touch a page, print its address and the frame
 *                      pagemap gives, then wait to be killed
 *   proctest poison    poison a touched page (MADV_HWPOISON) and print
 *                      its pagemap entry and kpageflags before and after
 *   proctest cat PATH  print a file (or why it cannot be read)
 *   proctest write PATH TEXT   write TEXT to a file, say what happened
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "check.h"

#define PM_PRESENT (1ULL << 63)
#define PM_SWAP (1ULL << 62)
#define PM_FILE (1ULL << 61)
#define PM_EXCLUSIVE (1ULL << 56)
#define PM_SOFT_DIRTY (1ULL << 55)
#define PM_PFN_MASK ((1ULL << 55) - 1)
#define KPF_LRU 5
#define KPF_MMAP 11
#define KPF_ANON 12
#define KPF_HWPOISON 19
#define KPF_NOPAGE 20

/* The whole of a small file, NUL-terminated, or NULL. */
static char *slurp(const char *path)
{
	static char buf[16384];
	int fd = open(path, O_RDONLY);

	if (fd < 0)
		return NULL;
	ssize_t n, total = 0;
	while ((n = read(fd, buf + total, sizeof(buf) - 1 - (size_t)total)) > 0)
		total += n;
	close(fd);
	buf[total] = '\0';
	return n < 0 ? NULL : buf;
}

static uint64_t read_word(const char *path, uint64_t index, ssize_t *got)
{
	uint64_t w = 0;
	int fd = open(path, O_RDONLY);

	*got = fd < 0 ? -1 : pread(fd, &w, 8, (off_t)(index * 8));
	if (fd >= 0)
		close(fd);
	return w;
}

static uint64_t pagemap_of(const void *addr)
{
	ssize_t got;
	uint64_t w = read_word("/proc/self/pagemap", (uintptr_t)addr / 4096, &got);

	return got == 8 ? w : 0;
}

static uint64_t kpageflags_of(uint64_t pfn)
{
	ssize_t got;
	uint64_t w = read_word("/proc/kpageflags", pfn, &got);

	return got == 8 ? w : ~0ULL;
}

/* Write text to path: 0 or the errno. */
static int write_file(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY);

	if (fd < 0)
		return errno;
	ssize_t n = write(fd, text, strlen(text));
	int err = n < 0 ? errno : 0;
	close(fd);
	return err;
}

/* The line of maps that covers addr. */
static const char *maps_line(const char *maps, const void *addr, char *line, size_t size)
{
	for (const char *p = maps; *p;) {
		unsigned long lo, hi;
		const char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p) : strlen(p);
		if (sscanf(p, "%lx-%lx", &lo, &hi) == 2 && lo <= (uintptr_t)addr && (uintptr_t)addr < hi) {
			snprintf(line, size, "%.*s", (int)len, p);
			return line;
		}
		p += len + (nl != NULL);
	}
	return "";
}

static void check_self_and_pid_files(char *argv0)
{
	char link[32], want[32], path[64];
	ssize_t n = readlink("/proc/self", link, sizeof(link) - 1);

	snprintf(want, sizeof(want), "%d", getpid());
	check(n > 0 && (link[n] = 0, !strcmp(link, want)), "/proc/self -> our pid");
	char *status = slurp("/proc/self/status");
	snprintf(path, sizeof(path), "\nPid:\t%d\n", getpid());
	check(status && !strncmp(status, "Name:\tproctest\n", 15) && strstr(status, path) &&
	      strstr(status, "\nState:\tR (running)\n") && strstr(status, "\nVmRSS:\t"),
	      "status: Name, State, Pid, VmRSS");
	char *stat = slurp("/proc/self/stat");
	snprintf(path, sizeof(path), "%d (proctest) R %d ", getpid(), getppid());
	check(stat && !strncmp(stat, path, strlen(path)), "stat: pid (comm) state ppid");
	int fields = 0;
	for (char *p = stat; p && *p; p++)
		fields += *p == ' ';
	check(fields == 51, "stat: 52 fields");
	unsigned long long start = 0;
	const char *p = strrchr(stat, ')');
	check(p && sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %*u %*u %*d %*d %*d %*d "
			  "%*d %*d %llu", &start) == 1 && start > 0, "stat: a start time, in ticks");
	char *cmdline = slurp("/proc/self/cmdline");
	check(cmdline && !strcmp(cmdline, argv0), "cmdline: our argv[0], NUL-terminated");
	check(!strcmp(slurp("/proc/self/comm"), "proctest\n"), "comm");
	snprintf(path, sizeof(path), "/proc/%d/comm", getpid());
	check(!strcmp(slurp(path), "proctest\n"), "/proc/PID/comm by number");
	check(!slurp("/proc/32767/status") && errno == ENOENT, "no such pid: ENOENT");
	check(!strcmp(slurp("/proc/2/maps"), "") && !strcmp(slurp("/proc/2/cmdline"), ""),
	      "a kernel thread: no areas, no arguments");
	check(!strncmp(slurp("/proc/1/status"), "Name:\tinit\n", 11), "/proc/1/status: init");
	check(!slurp("/proc/self/nope") && errno == ENOENT, "no such file in /proc/PID: ENOENT");
}

/* Does reading directory path list name, of type type? */
static int dir_has(const char *path, const char *name, unsigned char type)
{
	DIR *d = opendir(path);
	struct dirent *e;
	int found = 0;

	while (d && (e = readdir(d)))
		found |= !strcmp(e->d_name, name) && e->d_type == type;
	if (d)
		closedir(d);
	return found;
}

static void check_readdir(void)
{
	char pid[32];

	snprintf(pid, sizeof(pid), "%d", getpid());
	check(dir_has("/proc", pid, DT_DIR) && dir_has("/proc", "meminfo", DT_REG) &&
	      dir_has("/proc", "self", DT_LNK), "readdir /proc: meminfo, self and our pid");
	check(dir_has("/proc/self", "pagemap", DT_REG), "readdir /proc/self: pagemap");
	check(dir_has("/proc/sys", "vm", DT_DIR) && dir_has("/proc/sys", "kernel", DT_DIR) &&
	      dir_has("/proc/sys/vm", "drop_caches", DT_REG) &&
	      !dir_has("/proc/sys/vm", "printk", DT_REG), "readdir /proc/sys and /proc/sys/vm");
}

static void check_maps_and_pagemap(void)
{
	char line[256];
	char *maps = slurp("/proc/self/maps");
	char *area = mmap(NULL, 3 * 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	int on_stack;

	maps = strdup(slurp("/proc/self/maps"));
	const char *l = maps_line(maps, &on_stack, line, sizeof(line));
	check(strstr(l, " rw-p 00000000 00:00 0 ") && strstr(l, "[stack]") &&
	      strlen(l) == 73 + strlen("[stack]"), "maps: our stack, rw-p, [stack] at column 73");
	l = maps_line(maps, area, line, sizeof(line));
	check(strstr(l, " rw-p 00000000 00:00 0 ") != NULL, "maps: the mmap'ed area, rw-p");
	free(maps);
	mprotect(area + 4096, 4096, PROT_READ);
	maps = strdup(slurp("/proc/self/maps"));
	check(strstr(maps_line(maps, area + 4096, line, sizeof(line)), " r--p ") != NULL,
	      "maps: an mprotect'ed page is its own r--p area");
	free(maps);
	area[0] = 1;
	uint64_t pm = pagemap_of(area);
	check((pm & PM_PRESENT) && !(pm & PM_SWAP) && !(pm & PM_FILE) && (pm & PM_EXCLUSIVE) &&
	      (pm & PM_PFN_MASK), "pagemap: a touched page is present, anonymous, exclusive, with a frame");
	uint64_t kpf = kpageflags_of(pm & PM_PFN_MASK);
	check((kpf >> KPF_ANON & 1) && (kpf >> KPF_MMAP & 1) && (kpf >> KPF_LRU & 1) &&
	      !(kpf >> KPF_HWPOISON & 1), "kpageflags of that frame: anon, mmap, lru");
	check(pagemap_of(area + 2 * 4096) == PM_SOFT_DIRTY, "pagemap: an untouched page: soft-dirty only");
	char *shared = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	shared[0] = 1;
	pm = pagemap_of(shared);
	check((pm & PM_PRESENT) && (pm & PM_FILE), "pagemap: shared anonymous memory counts as file (shmem)");
	munmap(shared, 4096);
	munmap(area, 3 * 4096);
	check(pagemap_of(area) == 0, "pagemap: an unmapped page: 0");
	int fd = open("/proc/self/pagemap", O_RDONLY);
	uint64_t w;
	check(pread(fd, &w, 8, 3) == -1 && errno == EINVAL, "pagemap: unaligned offset: EINVAL");
	check(pread(fd, &w, 4, 0) == -1 && errno == EINVAL, "pagemap: 4-byte read: EINVAL");
	close(fd);
	ssize_t got;
	read_word("/proc/kpageflags", 1ULL << 40, &got);
	check(got == 0, "kpageflags beyond memory: end of file");
}

static void check_sysctl(void)
{
	const char *ek = "/proc/sys/vm/memory_failure_early_kill";

	check(!strcmp(slurp(ek), "0\n"), "vm.memory_failure_early_kill reads 0");
	check(!strcmp(slurp("/proc/sys/vm/memory_failure_recovery"), "1\n"),
	      "vm.memory_failure_recovery reads 1");
	check(write_file(ek, "abc") == EINVAL, "early_kill: \"abc\" -> EINVAL");
	check(write_file(ek, "2") == EINVAL, "early_kill: \"2\" -> EINVAL");
	check(write_file(ek, "-1") == EINVAL, "early_kill: \"-1\" -> EINVAL");
	check(!strcmp(slurp(ek), "0\n"), "early_kill unchanged by bad writes");
	check(write_file(ek, "1\n") == 0 && !strcmp(slurp(ek), "1\n"), "early_kill: \"1\\n\" accepted");
	check(write_file(ek, "0") == 0 && !strcmp(slurp(ek), "0\n"), "early_kill back to 0");
	check(!strcmp(slurp("/proc/sys/kernel/printk"), "7\t4\t1\t7\n"), "kernel.printk: 7 4 1 7");
	check(!strcmp(slurp("/proc/sys/vm/dirty_expire_centisecs"), "3000\n"),
	      "vm.dirty_expire_centisecs: 3000");
	check(!slurp("/proc/sys/vm/drop_caches") && errno == EACCES, "drop_caches is write-only: EACCES");
	check(write_file("/proc/sys/vm/drop_caches", "5") == EINVAL, "drop_caches: 5 -> EINVAL");
	check(write_file("/proc/sys/vm/drop_caches", "3") == 0, "drop_caches: 3 accepted");
}

/* Bad user buffers: EFAULT, never a crash. */
static void check_bad_buffers(void)
{
	void *bad = (void *)8;
	int fd = open("/proc/meminfo", O_RDONLY);

	check(read(fd, bad, 100) == -1 && errno == EFAULT, "meminfo into a bad buffer: EFAULT");
	close(fd);
	fd = open("/proc/self/pagemap", O_RDONLY);
	check(read(fd, bad, 64) == -1 && errno == EFAULT, "pagemap into a bad buffer: EFAULT");
	close(fd);
	fd = open("/proc/kpageflags", O_RDONLY);
	check(read(fd, bad, 64) == -1 && errno == EFAULT, "kpageflags into a bad buffer: EFAULT");
	close(fd);
	fd = open("/proc/sys/vm/memory_failure_early_kill", O_WRONLY);
	check(write(fd, bad, 2) == -1 && errno == EFAULT, "a sysctl from a bad buffer: EFAULT");
	close(fd);
	check(!strcmp(slurp("/proc/sys/vm/memory_failure_early_kill"), "0\n"), "...and unchanged");
}

static void check_reports(void)
{
	char *text = slurp("/proc/meminfo");
	check(text && !strncmp(text, "MemTotal:       ", 16) && strstr(text, "\nHardwareCorrupted: ") &&
	      strstr(text, "\nDirectMap2M:    "), "meminfo: MemTotal first, HardwareCorrupted, DirectMap2M");
	text = slurp("/proc/uptime");
	double up, idle;
	check(text && sscanf(text, "%lf %lf", &up, &idle) == 2 && up > 0 && idle >= 0 && idle <= up,
	      "uptime: seconds up and idle");
	check(!strncmp(slurp("/proc/version"), "Antidote version ", 17), "version");
	check(strstr(slurp("/proc/mounts"), "proc /proc proc rw 0 0\n") != NULL, "mounts lists /proc");
	check(strstr(slurp("/proc/filesystems"), "nodev\tproc\n") != NULL, "filesystems lists proc");
	check(!strncmp(slurp("/proc/buddyinfo"), "Node 0, zone   Normal ", 22), "buddyinfo");
}

static int print_file(const char *path)
{
	char *text = slurp(path);

	if (!text) {
		printf("proctest: %s: %s\n", path, strerror(errno));
		return 1;
	}
	fputs(text, stdout);
	return 0;
}

static __attribute__((noreturn)) void hold_touched_page(void)
{
	char *page = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	page[0] = 1;
	uint64_t pm = pagemap_of(page);
	printf("proctest: pid %d page %p pfn %#llx\n", getpid(), (void *)page,
	       (unsigned long long)(pm & PM_PFN_MASK));
	fflush(stdout);
	for (;;)
		pause();
}

static int poison_touched_page(void)
{
	char *page = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	page[0] = 1;
	uint64_t pfn = pagemap_of(page) & PM_PFN_MASK;
	printf("proctest: before: pfn %#llx kpageflags %#llx\n", (unsigned long long)pfn,
	       (unsigned long long)kpageflags_of(pfn));
	if (madvise(page, 4096, 100 /* MADV_HWPOISON */))
		perror("madvise");
	printf("proctest: after: pagemap %#llx kpageflags %#llx\n",
	       (unsigned long long)pagemap_of(page), (unsigned long long)kpageflags_of(pfn));
	return 0;
}

int main(int argc, char **argv)
{
	if (argc > 1 && !strcmp(argv[1], "meminfo"))
		return print_file("/proc/meminfo");
	if (argc == 3 && !strcmp(argv[1], "cat"))
		return print_file(argv[2]);
	if (argc == 4 && !strcmp(argv[1], "write")) {
		int err = write_file(argv[2], argv[3]);
		printf("proctest: write %s: %s\n", argv[2], err ? strerror(err) : "ok");
		return err != 0;
	}
	if (argc > 1 && !strcmp(argv[1], "pagemap"))
		hold_touched_page();
	if (argc > 1 && !strcmp(argv[1], "poison"))
		return poison_touched_page();
	check_self_and_pid_files(argv[0]);
	check_readdir();
	check_maps_and_pagemap();
	check_sysctl();
	check_bad_buffers();
	check_reports();
	printf("proctest: %d failed\n", failures);
	return failures != 0;
}
