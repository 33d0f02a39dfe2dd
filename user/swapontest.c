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
	check_err(swapon(argv[0][0] == '/' ? argv[0] : "/bin/swapontest", 0), EINVAL,
		  "swapon: no swap signature: EINVAL");
	check_err(swapon(holes, 0), EINVAL, "swapon: a swap file with holes: EINVAL");
	check_err(swapon(dev, 0), EBUSY, "swapon: a device already on: EBUSY");
	check_err(swapoff(file), EINVAL, "swapoff: a file that is not on: EINVAL");
	check_err(swapoff("/nonexistent"), ENOENT, "swapoff: no such file: ENOENT");
	unprivileged(dev, file);

	check(swapon(file, SWAP_FLAG_PREFER | 7) == 0, "swapon FILE with priority 7");
	check(swaps_priority(file) == 7, "/proc/swaps: FILE at priority 7");
	check_err(swapon(file, 0), EBUSY, "swapon: FILE again: EBUSY");
	check(swapoff(file) == 0, "swapoff FILE");
	check(swaps_priority(file) == -1000, "/proc/swaps: FILE gone");

	int dev_prio = swaps_priority(dev);
	check(swapon(file, 0) == 0, "swapon FILE with the default priority");
	check(swaps_priority(file) == dev_prio - 1, "its default priority is one below DEV's");
	check(swapoff(file) == 0, "swapoff FILE again");

	printf("swapontest: %d failed\n", failures);
	return failures != 0;
}
