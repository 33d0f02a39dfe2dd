/*
 * swapon(2) and swapoff(2) as Linux 6.1 answers them (runs unchanged on
 * Linux, as root, given the same files):
 *
 *   swapontest DEV FILE HOLES
 *
 * DEV is a swap disk already on, FILE a swap file (mkswap'd, no holes)
 * not on, HOLES a sparse file with a swap header. Prints ok/FAIL per
 * check and "swapontest: N failed".
 */
#include <fcntl.h>
#include <stdlib.h>
#include <sys/swap.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
#include "check.h"

/* The priority /proc/swaps shows for path, or -1000 if it is not there. */
static int swaps_priority(const char *path)
{
	FILE *f = fopen("/proc/swaps", "r");
	char name[256], type[32];
	long size, used;
	int prio, found = -1000;

	if (!f)
		return -1000;
	fscanf(f, "%*[^\n]\n"); /* the heading */
	while (fscanf(f, "%255s %31s %ld %ld %d", name, type, &size, &used, &prio) == 5)
		if (!strcmp(name, path))
			found = prio;
	fclose(f);
	return found;
}

static void unprivileged(const char *dev, const char *file)
{
	pid_t pid = fork();
	int status;

	if (pid == 0) {
		if (setuid(1000))
			_exit(2);
		int bad = swapon(file, 0) != -1 || errno != EPERM;
		bad |= (swapoff(dev) != -1 || errno != EPERM) << 1;
		_exit(bad);
	}
	waitpid(pid, &status, 0);
	check(WIFEXITED(status) && WEXITSTATUS(status) == 0,
	      "without CAP_SYS_ADMIN: swapon and swapoff fail with EPERM");
}

/* A page of zeros written at offset 4096 (past the header) through a
 * new descriptor for path: 0, or the errno of the open or the write. */
static int write_page(const char *path, int flags)
{
	static char page[4096];
	int fd = open(path, flags), err = 0;

	if (fd < 0)
		return errno;
	if (pwrite(fd, page, sizeof(page), 4096) != sizeof(page))
		err = errno;
	close(fd);
	return err;
}

/*
 * An active swap area's blocks are the kernel's (Linux: S_SWAPFILE):
 * opening it for writing works, writing to it, truncating it and
 * O_TRUNC fail with ETXTBSY; the disk's exclusive claim makes an O_EXCL
 * open EBUSY. Once off, it is an ordinary file again.
 */
static void writes_to_active_swap(const char *dev, const char *file)
{
	check(write_page(file, O_WRONLY) == ETXTBSY, "write to FILE while on: ETXTBSY");
	check(write_page(file, O_RDWR) == ETXTBSY, "write to FILE opened O_RDWR: ETXTBSY");
	check_err(open(file, O_WRONLY | O_TRUNC), ETXTBSY, "open FILE with O_TRUNC: ETXTBSY");
	check_err(truncate(file, 8192), ETXTBSY, "truncate FILE while on: ETXTBSY");
	check(write_page(dev, O_WRONLY) == ETXTBSY, "write to DEV while on: ETXTBSY");
	check_err(open(dev, O_WRONLY | O_EXCL), EBUSY, "open DEV with O_EXCL: EBUSY");
	check_err(open(dev, O_RDONLY | O_EXCL), EBUSY, "open DEV O_RDONLY|O_EXCL: EBUSY");
	int fd = open(dev, O_RDONLY);
	char magic[10];
	check(fd >= 0 && pread(fd, magic, 10, 4096 - 10) == 10 && !memcmp(magic, "SWAPSPACE2", 10),
	      "DEV still reads: its swap signature");
	if (fd >= 0)
		close(fd);
}

/* A file of zeros next to FILE (not a running program, which Linux's
 * swapon could not open for writing: ETXTBSY). */
static void no_signature(const char *file)
{
	char path[256];
	int fd;

	snprintf(path, sizeof(path), "%s.zeros", file);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	check(fd >= 0 && ftruncate(fd, 16 * 4096) == 0, "a file of zeros made");
	if (fd >= 0)
		close(fd);
	check_err(swapon(path, 0), EINVAL, "swapon: no swap signature: EINVAL");
	unlink(path);
}

int main(int argc, char **argv)
{
	if (argc != 4) {
		fprintf(stderr, "usage: swapontest DEV FILE HOLES\n");
		return 2;
	}
	const char *dev = argv[1], *file = argv[2], *holes = argv[3];

	setvbuf(stdout, NULL, _IOLBF, 0);
	check_err(swapon(file, 0x80000), EINVAL, "swapon: unknown flags: EINVAL");
	check_err(swapon("/nonexistent", 0), ENOENT, "swapon: no such file: ENOENT");
	no_signature(file);
	check_err(swapon(holes, 0), EINVAL, "swapon: a swap file with holes: EINVAL");
	check_err(swapon(dev, 0), EBUSY, "swapon: a device already on: EBUSY");
	check_err(swapoff(file), EINVAL, "swapoff: a file that is not on: EINVAL");
	check_err(swapoff("/nonexistent"), ENOENT, "swapoff: no such file: ENOENT");
	unprivileged(dev, file);

	check(swapon(file, SWAP_FLAG_PREFER | 7) == 0, "swapon FILE with priority 7");
	check(swaps_priority(file) == 7, "/proc/swaps: FILE at priority 7");
	check_err(swapon(file, 0), EBUSY, "swapon: FILE again: EBUSY");
	writes_to_active_swap(dev, file);
	check(swapoff(file) == 0, "swapoff FILE");
	check(swaps_priority(file) == -1000, "/proc/swaps: FILE gone");
	check(write_page(file, O_WRONLY) == 0, "write to FILE once off: works");

	int dev_prio = swaps_priority(dev);
	check(swapon(file, 0) == 0, "swapon FILE with the default priority");
	check(swaps_priority(file) == dev_prio - 1, "its default priority is one below DEV's");
	check(swapoff(file) == 0, "swapoff FILE again");

	printf("swapontest: %d failed\n", failures);
	return failures != 0;
}
