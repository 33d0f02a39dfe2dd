/* Benchmark: file reads and writes through the page cache, on a disk
 * file system (`bench-file [DIR]`, default /home; the file is
 * DIR/bench-file.dat, 16 MiB, removed at the end). The figures:
 *
 *   file-seq-write   write it in 64 KiB writes, then fsync: MiB/s
 *   file-seq-read    read it in 64 KiB reads, all cached: MiB/s
 *   file-rand-read   4 KiB preads at random page offsets, cached: ns each
 *   file-rand-write  4 KiB pwrites at random page offsets: ns each
 *   file-cold-read   fsync, drop the caches (/proc/sys/vm/drop_caches),
 *                    read it in 64 KiB reads from the disk: MiB/s
 *
 * The random offsets are the same sequence on every kernel. */
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "bench.h"

#define FILE_SIZE (16 << 20)
#define CHUNK (64 << 10)
#define PAGE 4096
#define RANDOM_CALLS 4096

static char buf[CHUNK];
static char path[4096];

static void die(const char *what)
{
	perror(what);
	unlink(path);
	exit(1);
}

static double mib_per_s(double ns)
{
	return (double)FILE_SIZE / (1 << 20) / (ns / 1e9);
}

static double seq_write(void)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);

	if (fd < 0)
		die("bench-file: open");
	double start = now_ns();
	for (long done = 0; done < FILE_SIZE; done += CHUNK)
		if (write(fd, buf, CHUNK) != CHUNK)
			die("bench-file: write");
	if (fsync(fd))
		die("bench-file: fsync");
	double elapsed = now_ns() - start;
	close(fd);
	return mib_per_s(elapsed);
}

/* Read the whole file from the start with fd: the nanoseconds it took. */
static double read_all(int fd)
{
	long got = 0, n;

	if (lseek(fd, 0, SEEK_SET) != 0)
		die("bench-file: lseek");
	double start = now_ns();
	while ((n = read(fd, buf, CHUNK)) > 0)
		got += n;
	double elapsed = now_ns() - start;
	if (got != FILE_SIZE)
		die("bench-file: short read");
	return elapsed;
}

static uint64_t rng = 88172645463325252ull;

/* A page of the file, at random (xorshift64). */
static off_t random_page(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (off_t)(rng % (FILE_SIZE / PAGE)) * PAGE;
}

static double random_io(int fd, int write)
{
	double start = now_ns();

	for (int i = 0; i < RANDOM_CALLS; i++) {
		off_t off = random_page();
		ssize_t n = write ? pwrite(fd, buf, PAGE, off) : pread(fd, buf, PAGE, off);
		if (n != PAGE)
			die(write ? "bench-file: pwrite" : "bench-file: pread");
	}
	return (now_ns() - start) / RANDOM_CALLS;
}

/* Write back and drop every clean cached page, as root may: 0, or -1
 * where the kernel has no drop_caches. */
static int drop_caches(int fd)
{
	int dc = open("/proc/sys/vm/drop_caches", O_WRONLY);

	if (fsync(fd))
		die("bench-file: fsync");
	if (dc < 0)
		return -1;
	sync();
	int ok = write(dc, "3\n", 2) == 2;
	close(dc);
	return ok ? 0 : -1;
}

int main(int argc, char **argv)
{
	double runs[RUNS];
	int fd;

	snprintf(path, sizeof(path), "%s/bench-file.dat", argc > 1 ? argv[1] : "/home");
	for (int i = 0; i < CHUNK; i++)
		buf[i] = (char)(i * 7 + 1);
	bench_init();
	for (int i = 0; i < RUNS; i++)
		runs[i] = seq_write();
	report("file-seq-write", "MiB/s", runs);

	fd = open(path, O_RDWR);
	if (fd < 0)
		die("bench-file: open");
	read_all(fd); /* every page cached, whatever the last write left */
	for (int i = 0; i < RUNS; i++)
		runs[i] = mib_per_s(read_all(fd));
	report("file-seq-read", "MiB/s", runs);
	for (int i = 0; i < RUNS; i++)
		runs[i] = random_io(fd, 0);
	report("file-rand-read", "ns", runs);
	for (int i = 0; i < RUNS; i++)
		runs[i] = random_io(fd, 1);
	report("file-rand-write", "ns", runs);
	for (int i = 0; i < RUNS; i++) {
		if (drop_caches(fd)) {
			printf("bench-file: no /proc/sys/vm/drop_caches: no cold read\n");
			break;
		}
		runs[i] = mib_per_s(read_all(fd));
		if (i == RUNS - 1)
			report("file-cold-read", "MiB/s", runs);
	}
	close(fd);
	unlink(path);
	return 0;
}
