/*
 * /sys/kernel/debug from user space: the hwpoison and mce-inject files,
 * their defaults and Linux's errors, and the hwpoison filter applied to
 * madvise(MADV_HWPOISON). Prints ok/FAIL per check and "debugfstest: N
 * failed".
 *
 *   debugfstest                the checks
 *   debugfstest corrupt PFN    write PFN to corrupt-pfn; print the result
 *   debugfstest unpoison PFN   write PFN to unpoison-pfn; print the result
 *   debugfstest latent PFN     write PFN to latent-pfn (arm it: mce/latent.c)
 *   debugfstest mce-inject WORD...  run mce-inject with the words on its
 *                              standard input (the console has no pipes)
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check.h"

#define HW "/sys/kernel/debug/hwpoison/"
#define MI "/sys/kernel/debug/mce-inject/"
#define KPF_ANON 12
#define KPF_HWPOISON 19

static int write_file(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY);

	if (fd < 0)
		return errno;
	ssize_t n = write(fd, text, strlen(text));
	int err = n < 0 ? errno : n == (ssize_t)strlen(text) ? 0 : EIO;
	close(fd);
	return err;
}

/* The file's text, or the errno as "E<n>". */
static const char *read_file(const char *path)
{
	static char buf[256];
	int fd = open(path, O_RDONLY);
	ssize_t n = fd < 0 ? -1 : read(fd, buf, sizeof(buf) - 1);

	if (n < 0)
		snprintf(buf, sizeof(buf), "E%d", errno);
	else
		buf[n] = '\0';
	if (fd >= 0)
		close(fd);
	return buf;
}

static uint64_t read_word(const char *path, uint64_t index)
{
	uint64_t w = 0;
	int fd = open(path, O_RDONLY);

	if (fd >= 0 && pread(fd, &w, 8, (off_t)(index * 8)) != 8)
		w = 0;
	if (fd >= 0)
		close(fd);
	return w;
}

static int poisoned(uint64_t pfn)
{
	return read_word("/proc/kpageflags", pfn) >> KPF_HWPOISON & 1;
}

static void check_hwpoison_files(void)
{
	struct stat st;

	check(stat(HW "corrupt-pfn", &st) == 0 && (st.st_mode & 0777) == 0200, "corrupt-pfn, mode 0200");
	check(!strcmp(read_file(HW "corrupt-filter-enable"), "0\n"), "corrupt-filter-enable: 0");
	check(!strcmp(read_file(HW "corrupt-filter-dev-major"), "4294967295\n"), "dev-major: ~0");
	check(!strcmp(read_file(HW "corrupt-filter-dev-minor"), "4294967295\n"), "dev-minor: ~0");
	check(!strcmp(read_file(HW "corrupt-filter-flags-mask"), "0\n"), "flags-mask: 0");
	check(!strcmp(read_file(HW "corrupt-filter-flags-value"), "0\n"), "flags-value: 0");
	check(!strcmp(read_file(HW "corrupt-filter-memcg"), "0\n"), "memcg: 0");
	check(!strcmp(read_file(HW "corrupt-pfn"), "E13"), "reading corrupt-pfn: EACCES");
	check(write_file(HW "corrupt-pfn", "abc") == EINVAL, "corrupt-pfn \"abc\": EINVAL");
	check(write_file(HW "corrupt-pfn", "-1") == EINVAL, "corrupt-pfn \"-1\": EINVAL");
	check(write_file(HW "corrupt-pfn", "0x1000000000\n") == ENXIO, "corrupt-pfn beyond memory: ENXIO");
	check(stat(HW "latent-pfn", &st) == 0 && (st.st_mode & 0777) == 0200, "latent-pfn, mode 0200");
	check(write_file(HW "latent-pfn", "abc") == EINVAL, "latent-pfn \"abc\": EINVAL");
	check(write_file(HW "latent-pfn", "0") == EINVAL, "latent-pfn 0 (reserved): EINVAL");
	check(write_file(HW "unpoison-pfn", "abc") == EINVAL, "unpoison-pfn \"abc\": EINVAL");
	check(write_file(HW "corrupt-filter-dev-major", "0x10\n") == 0 &&
	      !strcmp(read_file(HW "corrupt-filter-dev-major"), "16\n"), "dev-major takes 0x10, shows 16");
	check(write_file(HW "corrupt-filter-dev-major", "4294967295") == 0, "dev-major back to ~0");
}

static void check_mce_inject_files(void)
{
	check(!strcmp(read_file(MI "status"), "0\n"), "mce-inject/status: 0");
	check(write_file(MI "status", "0x9c00000000000000") == 0 &&
	      !strcmp(read_file(MI "status"), "9c00000000000000\n"), "status: written, shown in hex");
	check(write_file(MI "bank", "99") == EINVAL, "bank 99 does not exist: EINVAL");
	check(write_file(MI "cpu", "1") == EINVAL, "cpu 1 does not exist: EINVAL");
	check(!strcmp(read_file(MI "flags"), "sw\n"), "flags: sw");
	check(write_file(MI "flags", "hw\n") == 0 && !strcmp(read_file(MI "flags"), "hw\n"), "flags: hw");
	check(write_file(MI "flags", "xx") == EINVAL, "flags xx: EINVAL");
	check(write_file(MI "flags", "sw") == 0 && write_file(MI "status", "0") == 0, "back to sw, 0");
}

/* With the filter on and anonymous pages masked out, MADV_HWPOISON
 * succeeds and poisons nothing, as on Linux. */
static void check_filter_on_madvise(void)
{
	char *page = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	char mask[32];

	page[0] = 42;
	uint64_t pfn = read_word("/proc/self/pagemap", (uintptr_t)page / 4096) & ((1ULL << 55) - 1);
	snprintf(mask, sizeof(mask), "%llu", 1ULL << KPF_ANON);
	check(write_file(HW "corrupt-filter-flags-mask", mask) == 0 &&
	      write_file(HW "corrupt-filter-flags-value", "0") == 0 &&
	      write_file(HW "corrupt-filter-enable", "1") == 0, "filter: anonymous pages out");
	check(madvise(page, 4096, 100 /* MADV_HWPOISON */) == 0, "madvise(MADV_HWPOISON): 0");
	check(!poisoned(pfn) && page[0] == 42, "the filtered page is not poisoned");
	check(write_file(HW "corrupt-filter-enable", "0") == 0 &&
	      write_file(HW "corrupt-filter-flags-mask", "0") == 0, "filter off");
	munmap(page, 4096);
}

/* The words, a line, on mce-inject's standard input: its exit status. */
static int run_mce_inject(int nwords, char **words)
{
	int fds[2];

	if (pipe(fds))
		return 127;
	pid_t pid = fork();
	if (pid == 0) {
		dup2(fds[0], 0);
		close(fds[0]);
		close(fds[1]);
		execlp("mce-inject", "mce-inject", (char *)NULL); /* along PATH */
		_exit(127);
	}
	close(fds[0]);
	for (int i = 0; i < nwords; i++) {
		write(fds[1], words[i], strlen(words[i]));
		write(fds[1], i + 1 < nwords ? " " : "\n", 1);
	}
	close(fds[1]);
	int status;
	waitpid(pid, &status, 0);
	printf("debugfstest: mce-inject exited with %d\n", WIFEXITED(status) ? WEXITSTATUS(status) : -1);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 3 && (!strcmp(argv[1], "corrupt") || !strcmp(argv[1], "unpoison") ||
			  !strcmp(argv[1], "latent"))) {
		const char *file = !strcmp(argv[1], "corrupt")	? HW "corrupt-pfn"
				   : !strcmp(argv[1], "latent") ? HW "latent-pfn"
								: HW "unpoison-pfn";
		int err = write_file(file, argv[2]);
		printf("debugfstest: %s %s: errno %d, poisoned %d\n", argv[1], argv[2], err,
		       poisoned(strtoull(argv[2], NULL, 0)));
		return 0;
	}
	if (argc >= 3 && !strcmp(argv[1], "mce-inject"))
		return run_mce_inject(argc - 2, argv + 2);
	check_hwpoison_files();
	check_mce_inject_files();
	check_filter_on_madvise();
	printf("debugfstest: %d failed\n", failures);
	return failures != 0;
}
