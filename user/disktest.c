/*
 * Files on a disk file system, from user space: `disktest DIR` makes DIR
 * (which must not exist) and works in it - small, indirect, double
 * indirect and sparse files past 4 GiB, truncate and extend, links,
 * renames of files and directories, both kinds of symlinks, a directory
 * of 2000 entries, times, fsync. It leaves in DIR what the host checks
 * afterwards with debugfs (keep.txt, pattern, sparse). Prints ok/FAIL per
 * check and "disktest: N failed"; exits non-zero on failure. Runs the
 * same on Linux (a loop-mounted ext2), which is how its expectations
 * were checked.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <unistd.h>

#define MiB (1024 * 1024)
#define FAR (5LL << 30) /* past 4 GiB: the triple indirect tree */
#define RENAME_NOREPLACE 1
#define RENAME_EXCHANGE 2

static int failures;

static void check(int ok, const char *what)
{
	printf("%s: %s\n", ok ? "ok" : "FAIL", what);
	if (!ok)
		failures++;
}

static void check_err(long ret, int err, const char *what)
{
	int got = errno;

	if (ret == -1 && got == err) {
		printf("ok: %s\n", what);
		return;
	}
	printf("FAIL: %s (returned %ld, errno %d; wanted errno %d)\n", what, ret,
	       ret == -1 ? got : 0, err);
	failures++;
}

/* The same bytes the host test computes (tests/system/test_ext2.py). */
static unsigned char pattern(uint64_t i)
{
	return (unsigned char)(i * 7 + i / 4096 + 1);
}

static int write_pattern(int fd, off_t off, size_t len)
{
	static unsigned char buf[65536];

	while (len) {
		size_t n = len < sizeof(buf) ? len : sizeof(buf);

		for (size_t i = 0; i < n; i++)
			buf[i] = pattern(off + i);
		if (pwrite(fd, buf, n, off) != (ssize_t)n)
			return -1;
		off += n;
		len -= n;
	}
	return 0;
}

/* Do bytes off..off+len read back as the pattern (or as zeros)? */
static int reads_back(int fd, off_t off, size_t len, int zeros)
{
	static unsigned char buf[65536];

	while (len) {
		size_t n = len < sizeof(buf) ? len : sizeof(buf);

		if (pread(fd, buf, n, off) != (ssize_t)n)
			return 0;
		for (size_t i = 0; i < n; i++)
			if (buf[i] != (zeros ? 0 : pattern(off + i)))
				return 0;
		off += n;
		len -= n;
	}
	return 1;
}

static int write_file(const char *name, const char *text)
{
	int fd = open(name, O_CREAT | O_EXCL | O_WRONLY, 0644);
	int ok = fd >= 0 && write(fd, text, strlen(text)) == (ssize_t)strlen(text);

	if (fd >= 0)
		close(fd);
	return ok;
}

static off_t size_of(const char *name)
{
	struct stat st;

	return stat(name, &st) == 0 ? st.st_size : -1;
}

static nlink_t links_of(const char *name)
{
	struct stat st;

	return stat(name, &st) == 0 ? st.st_nlink : 0;
}

static void small_files(void)
{
	char buf[64] = { 0 };
	int fd;

	check(write_file("keep.txt", "persisted by disktest\n"), "create and write keep.txt");
	check_err(open("keep.txt", O_CREAT | O_EXCL | O_WRONLY, 0644), EEXIST,
		  "O_CREAT|O_EXCL on an existing file: EEXIST");
	fd = open("keep.txt", O_RDONLY);
	check(fd >= 0 && read(fd, buf, sizeof(buf)) == 22 && strcmp(buf, "persisted by disktest\n") == 0,
	      "keep.txt reads back");
	close(fd);
	check_err(open("no/such", O_RDONLY), ENOENT, "open of a missing path: ENOENT");
}

static void big_and_sparse_files(void)
{
	struct stat st;
	int fd = open("pattern", O_CREAT | O_RDWR, 0644);

	check(fd >= 0 && write_pattern(fd, 0, 9 * MiB + 17) == 0,
	      "write 9 MiB (direct, indirect and double indirect blocks)");
	check(fsync(fd) == 0, "fsync");
	check(reads_back(fd, 0, 9 * MiB + 17, 0), "the 9 MiB read back");
	check(fstat(fd, &st) == 0 && st.st_size == 9 * MiB + 17, "its size");
	/* 2305 data blocks, 1 + 1 + 2 indirect ones, 8 sectors each */
	check(st.st_blocks == (2305 + 4) * 8, "st_blocks counts data and indirect blocks");
	close(fd);

	fd = open("sparse", O_CREAT | O_RDWR, 0644);
	check(fd >= 0 && write_pattern(fd, FAR, 4096) == 0 && write_pattern(fd, 0, 10) == 0,
	      "write at 5 GiB (a triple indirect block) and at 0");
	check(fstat(fd, &st) == 0 && st.st_size == FAR + 4096, "a 5 GiB sparse file");
	check(st.st_blocks == 5 * 8, "it holds two data blocks and three indirect ones");
	check(reads_back(fd, FAR, 4096, 0) && reads_back(fd, 0, 10, 0), "its data reads back");
	check(reads_back(fd, 1 << 30, 65536, 1), "its hole reads as zeros");
	check(fdatasync(fd) == 0, "fdatasync");
	close(fd);
}

static void truncate_and_extend(void)
{
	struct stat st;
	int fd = open("cut", O_CREAT | O_RDWR, 0644);

	check(fd >= 0 && write_pattern(fd, 0, 6 * MiB) == 0, "write 6 MiB");
	check(ftruncate(fd, 100000) == 0 && fstat(fd, &st) == 0 && st.st_size == 100000,
	      "ftruncate to 100000 bytes");
	check(st.st_blocks == (25 + 1) * 8, "the blocks past the end are freed");
	check(truncate("cut", 2 * MiB) == 0 && size_of("cut") == 2 * MiB, "truncate to extend to 2 MiB");
	check(reads_back(fd, 0, 100000, 0) && reads_back(fd, 100000, 2 * MiB - 100000, 1),
	      "data up to the old end, zeros after it");
	close(fd);
	check_err(truncate("no-such", 0), ENOENT, "truncate of a missing file: ENOENT");
}

static void links_and_renames(void)
{
	check(write_file("a", "A") && link("a", "b") == 0 && links_of("a") == 2, "link: two names");
	check(unlink("a") == 0 && links_of("b") == 1 && size_of("b") == 1, "unlink one name: the other stays");
	check_err(unlink("a"), ENOENT, "unlink a missing name: ENOENT");
	check(rename("b", "c") == 0 && size_of("b") < 0 && size_of("c") == 1, "rename a file");
	check(write_file("d", "DD") && rename("c", "d") == 0 && size_of("d") == 1,
	      "rename over an existing file replaces it");
	check(write_file("e", "E") &&
	      syscall(SYS_renameat2, AT_FDCWD, "e", AT_FDCWD, "d", RENAME_NOREPLACE) == -1 &&
	      errno == EEXIST, "renameat2(RENAME_NOREPLACE) over a file: EEXIST");

	check(mkdir("dir1", 0755) == 0 && mkdir("dir2", 0755) == 0 && mkdir("dir1/sub", 0755) == 0,
	      "mkdir");
	check(links_of("dir1") == 3 && links_of(".") == 4, "a directory's links: ., its name, ..s");
	check(rename("dir1/sub", "dir2/moved") == 0 && links_of("dir1") == 2 && links_of("dir2") == 3,
	      "rename a directory to another parent");
	check(write_file("dir2/moved/f", "F") && size_of("dir2/moved/../moved/f") == 1,
	      "its .. is the new parent");
	check_err(rmdir("dir2"), ENOTEMPTY, "rmdir of a non-empty directory: ENOTEMPTY");
	check_err(rename("dir1", "dir2"), ENOTEMPTY, "rename over a non-empty directory: ENOTEMPTY");
	check(rename("dir2/moved", "dir1") == 0 && links_of(".") == 4, "rename over an empty directory");
	check(unlink("dir1/f") == 0 && rmdir("dir1") == 0 && rmdir("dir2") == 0 && links_of(".") == 2,
	      "rmdir");
	check(unlink("d") == 0 && unlink("e") == 0, "unlink");
}

static void symlinks(void)
{
	char target[300], buf[400];
	ssize_t n;

	check(symlink("keep.txt", "fast") == 0 && size_of("fast") == 22, "a short symlink is followed");
	n = readlink("fast", buf, sizeof(buf));
	check(n == 8 && memcmp(buf, "keep.txt", 8) == 0, "readlink of a short symlink");
	memset(target, 'x', 200);
	target[200] = '\0';
	check(symlink(target, "slow") == 0, "a 200-byte symlink (a block of its own)");
	n = readlink("slow", buf, sizeof(buf));
	check(n == 200 && memcmp(buf, target, 200) == 0, "readlink of the long symlink");
	check(unlink("slow") == 0 && unlink("fast") == 0, "unlink the symlinks");
}

static int count_entries(const char *dir)
{
	DIR *d = opendir(dir);
	int n = 0;

	if (!d)
		return -1;
	while (readdir(d))
		n++;
	closedir(d);
	return n;
}

static void a_large_directory(void)
{
	char name[64];
	int ok = mkdir("many", 0755) == 0;

	for (int i = 0; ok && i < 2000; i++) {
		snprintf(name, sizeof(name), "many/a-rather-long-file-name-%04d", i);
		ok = write_file(name, "x");
	}
	check(ok, "2000 files in one directory");
	check(count_entries("many") == 2002, "getdents lists them all, . and ..");
	for (int i = 0; ok && i < 2000; i += 2) {
		snprintf(name, sizeof(name), "many/a-rather-long-file-name-%04d", i);
		ok = unlink(name) == 0;
	}
	check(ok && count_entries("many") == 1002, "half of them unlinked");
	check(size_of("many/a-rather-long-file-name-1999") == 1, "a late entry is found");
}

static void times_and_space(void)
{
	struct timespec ts[2] = { { 1000000000, 0 }, { 1234567890, 0 } };
	struct statvfs sv;
	struct stat st;

	check(utimensat(AT_FDCWD, "keep.txt", ts, 0) == 0 && stat("keep.txt", &st) == 0 &&
	      st.st_atime == 1000000000 && st.st_mtime == 1234567890, "utimensat sets both times");
	check(statvfs(".", &sv) == 0 && sv.f_bsize == 4096 && sv.f_bfree > 0 &&
	      sv.f_bavail <= sv.f_bfree && sv.f_namemax == 255, "statvfs");
	sync();
	check(1, "sync");
}

int main(int argc, char **argv)
{
	const char *dir = argc > 1 ? argv[1] : "/home/disktest";

	if (mkdir(dir, 0755) != 0 || chdir(dir) != 0) {
		printf("FAIL: cannot make and enter %s (errno %d)\n", dir, errno);
		printf("disktest: 1 failed\n");
		return 1;
	}
	small_files();
	big_and_sparse_files();
	truncate_and_extend();
	links_and_renames();
	symlinks();
	a_large_directory();
	times_and_space();
	printf("disktest: %d failed\n", failures);
	return failures ? 1 : 0;
}
