/*
 * The OOM killer (tests/system/test_oom.py); runs on Linux too (as root,
 * without swap, or the hog only swaps).
 *
 *   oomtest kill SMALL_MIB     a child keeps SMALL_MIB of checksummed
 *                              memory while another (the hog) touches
 *                              anonymous memory until something gives:
 *                              the hog must die of SIGKILL, the small
 *                              one's memory must check out after it
 *   oomtest protect MIB        a child set to oom_score_adj -1000 holds
 *                              MIB (the biggest process), a hog grows:
 *                              the hog is killed, the protected one lives
 *   oomtest sleeper BIG SMALL  a child holds BIG MiB and sleeps; another
 *                              then touches SMALL MiB, more than is left:
 *                              the sleeper is killed (SIGKILL wakes it),
 *                              its memory freed, and the other finishes
 *   oomtest hog                the hog alone (the console's run reports
 *                              how it ended)
 *   oomtest proc               /proc/self/oom_score_adj, oom_adj and
 *                              oom_score: reads, writes, bad input,
 *                              lowering without CAP_SYS_RESOURCE
 *
 * Each prints ok/FAIL lines and "oomtest: N failed".
 */
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check.h"

#define MiB (1024UL * 1024)
#define PAGE 4096UL

static uint32_t word(uint64_t i)
{
	uint64_t x = (i + 1) * 0x9e3779b97f4a7c15ULL;

	return (uint32_t)(x ^ (x >> 29));
}

/* Touch anonymous memory a page at a time, for ever: only a signal ends
 * it (the OOM killer's SIGKILL). */
static void hog(void)
{
	for (;;) {
		char *p = mmap(NULL, MiB, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

		if (p == MAP_FAILED)
			continue; /* the address space, not memory: try again */
		for (size_t off = 0; off < MiB; off += PAGE)
			p[off] = 1;
	}
}

/* SMALL: fill mib of memory with its pattern, say so on `ready`, wait
 * for a byte on `go`, then exit 0 if every word is still right. */
static void small(unsigned long mib, int ready, int go)
{
	size_t words = mib * MiB / 4;
	uint32_t *mem = mmap(NULL, mib * MiB, PROT_READ | PROT_WRITE,
			     MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	char c = 1;

	if (mem == MAP_FAILED)
		_exit(2);
	for (size_t i = 0; i < words; i++)
		mem[i] = word(i);
	if (write(ready, &c, 1) != 1 || read(go, &c, 1) != 1)
		_exit(3);
	for (size_t i = 0; i < words; i++)
		if (mem[i] != word(i))
			_exit(1);
	_exit(0);
}

static int set_adj(const char *file, const char *value)
{
	int fd = open(file, O_WRONLY);
	ssize_t n = fd < 0 ? -1 : write(fd, value, strlen(value));

	if (fd >= 0)
		close(fd);
	return n == (ssize_t)strlen(value) ? 0 : -1;
}

static long read_number(const char *file)
{
	char buf[32] = { 0 };
	int fd = open(file, O_RDONLY);
	ssize_t n = fd < 0 ? -1 : read(fd, buf, sizeof(buf) - 1);

	if (fd >= 0)
		close(fd);
	return n > 0 ? strtol(buf, NULL, 10) : -99999;
}

/* Start the small process; returns its pid, with its go pipe in *go. */
static pid_t start_small(unsigned long mib, const char *adj, int *go)
{
	int ready[2], start[2];
	char c;

	if (pipe(ready) || pipe(start))
		return -1;
	pid_t pid = fork();
	if (pid == 0) {
		if (adj && set_adj("/proc/self/oom_score_adj", adj))
			_exit(4);
		small(mib, ready[1], start[0]);
	}
	close(ready[1]);
	close(start[0]);
	*go = start[1];
	if (pid < 0 || read(ready[0], &c, 1) != 1)
		return -1;
	close(ready[0]);
	return pid;
}

/* The hog runs until something kills it: how it died. */
static int run_hog(void)
{
	int status = 0;
	pid_t pid = fork();

	if (pid == 0)
		hog();
	if (pid < 0 || waitpid(pid, &status, 0) != pid)
		return -1;
	return status;
}

static int finish_small(pid_t pid, int go)
{
	int status = -1;
	char c = 1;

	if (write(go, &c, 1) != 1 || waitpid(pid, &status, 0) != pid)
		return -1;
	return status;
}

static void do_kill(unsigned long small_mib, const char *small_adj)
{
	int go, status;
	pid_t small_pid = start_small(small_mib, small_adj, &go);

	check(small_pid > 0, "the small process filled its memory");
	if (small_pid <= 0)
		return;
	status = run_hog();
	printf("oomtest: hog wait status %#x\n", status);
	check(status >= 0 && WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL,
	      "the hog was killed by SIGKILL");
	status = finish_small(small_pid, go);
	check(status == 0, "the small process's memory is intact and it exited normally");
}

/* Touch mib of anonymous memory and exit 0 (or 1 if mmap fails). */
static void touch(unsigned long mib)
{
	char *p = mmap(NULL, mib * MiB, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		_exit(1);
	for (size_t off = 0; off < mib * MiB; off += PAGE)
		p[off] = 1;
	_exit(0);
}

static void do_sleeper(unsigned long big, unsigned long small_mib)
{
	int ready[2], status = -1, toucher_status = -1;
	char c;

	check(pipe(ready) == 0, "pipe");
	pid_t sleeper = fork();
	if (sleeper == 0) {
		char *p = mmap(NULL, big * MiB, PROT_READ | PROT_WRITE,
			       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

		for (size_t off = 0; p != MAP_FAILED && off < big * MiB; off += PAGE)
			p[off] = 1;
		if (p == MAP_FAILED || write(ready[1], &c, 1) != 1)
			_exit(1);
		for (;;)
			pause();
	}
	check(sleeper > 0 && read(ready[0], &c, 1) == 1, "the sleeper holds its memory");
	pid_t toucher = fork();
	if (toucher == 0)
		touch(small_mib);
	check(toucher > 0 && waitpid(toucher, &toucher_status, 0) == toucher &&
	      WIFEXITED(toucher_status) && WEXITSTATUS(toucher_status) == 0,
	      "the other process got its memory and finished");
	check(waitpid(sleeper, &status, 0) == sleeper && WIFSIGNALED(status) &&
	      WTERMSIG(status) == SIGKILL, "the sleeper, the biggest, was killed by SIGKILL");
}

static void write_fails(const char *file, const char *value, int err, const char *what)
{
	int fd = open(file, O_WRONLY);
	long ret = fd < 0 ? -2 : (long)write(fd, value, strlen(value));

	check_err(ret, err, what);
	if (fd >= 0)
		close(fd);
}

/* What an unprivileged process may do to its own oom_score_adj. */
static int unprivileged_child(void)
{
	if (setuid(65534))
		return 10;
	/* Linux: a process that changed its ids is not dumpable, and its
	 * /proc files then belong to root; dumpable again, to its user. */
	prctl(PR_SET_DUMPABLE, 1, 0, 0, 0);
	if (set_adj("/proc/self/oom_score_adj", "100"))
		return 11; /* raising is always allowed */
	if (set_adj("/proc/self/oom_score_adj", "0"))
		return 12; /* back down to the floor root left: allowed */
	int fd = open("/proc/self/oom_score_adj", O_WRONLY);
	if (fd < 0)
		return 13;
	if (write(fd, "-1", 2) != -1 || errno != EACCES)
		return 14; /* under it: needs CAP_SYS_RESOURCE */
	close(fd);
	return read_number("/proc/self/oom_score_adj") == 0 ? 0 : 15;
}

static void do_proc(void)
{
	const char *adj = "/proc/self/oom_score_adj";
	int status = -1;

	check(read_number(adj) == 0, "oom_score_adj starts at 0");
	long score0 = read_number("/proc/self/oom_score");
	check(score0 >= 0 && score0 <= 1000, "oom_score is between 0 and 1000");
	check(set_adj(adj, "500\n") == 0 && read_number(adj) == 500, "oom_score_adj takes 500");
	long score500 = read_number("/proc/self/oom_score");
	printf("oomtest: oom_score %ld at 0, %ld at 500\n", score0, score500);
	check(score500 >= score0 + 300, "a higher oom_score_adj raises oom_score");
	check(read_number("/proc/self/oom_adj") == 8, "oom_adj shows 500 as 8");
	write_fails(adj, "1001", EINVAL, "oom_score_adj 1001 is EINVAL");
	write_fails(adj, "-1001", EINVAL, "oom_score_adj -1001 is EINVAL");
	write_fails(adj, "abc", EINVAL, "oom_score_adj abc is EINVAL");
	write_fails(adj, "", EINVAL, "an empty oom_score_adj is EINVAL");
	write_fails("/proc/self/oom_adj", "16", EINVAL, "oom_adj 16 is EINVAL");
	check(read_number(adj) == 500, "bad writes changed nothing");
	check(set_adj(adj, "-1000") == 0 && read_number("/proc/self/oom_score") == 0,
	      "oom_score_adj -1000 (root may): oom_score 0");
	check(set_adj("/proc/self/oom_adj", "15") == 0 && read_number(adj) == 1000,
	      "oom_adj 15 is oom_score_adj 1000");
	check(set_adj("/proc/self/oom_adj", "-17") == 0 && read_number(adj) == -1000 &&
	      read_number("/proc/self/oom_adj") == -17, "oom_adj -17 is oom_score_adj -1000");
	check(set_adj(adj, "0") == 0, "back to 0");
	pid_t pid = fork();
	if (pid == 0)
		_exit(unprivileged_child());
	check(pid > 0 && waitpid(pid, &status, 0) == pid && WIFEXITED(status) &&
	      WEXITSTATUS(status) == 0,
	      "without CAP_SYS_RESOURCE: raise, back to 0, but not below: EACCES");
	if (WIFEXITED(status) && WEXITSTATUS(status))
		printf("oomtest: the unprivileged child failed at step %d\n", WEXITSTATUS(status));
}

int main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IONBF, 0); /* the hog's fork must not copy buffered lines */
	if (argc == 3 && !strcmp(argv[1], "kill"))
		do_kill(strtoul(argv[2], NULL, 0), NULL);
	else if (argc == 3 && !strcmp(argv[1], "protect"))
		do_kill(strtoul(argv[2], NULL, 0), "-1000");
	else if (argc == 4 && !strcmp(argv[1], "sleeper"))
		do_sleeper(strtoul(argv[2], NULL, 0), strtoul(argv[3], NULL, 0));
	else if (argc == 2 && !strcmp(argv[1], "hog"))
		hog();
	else if (argc == 2 && !strcmp(argv[1], "proc"))
		do_proc();
	else {
		fprintf(stderr, "usage: oomtest kill|protect MIB | sleeper BIG SMALL | hog | proc\n");
		return 2;
	}
	printf("oomtest: %d failed\n", failures);
	return failures != 0;
}
