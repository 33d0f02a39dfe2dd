/*
 * tmpfs and shared memory (mm/shmem.c, mm/memfd.c): files in /tmp
 * written and read back by checksum, large and sparse files, truncation,
 * names changing under open files, statfs, a small tmpfs that fills up,
 * umount while busy, MAP_SHARED|MAP_ANONYMOUS and memfd memory shared
 * across fork, MAP_PRIVATE copy-on-write of a file, seals, bad pointers.
 * Each check compares with what Linux 6.1 does. Prints ok/FAIL per check
 * and "shmemtest: N failed".
 *
 *   shmemtest        the checks
 *   shmemtest hold   leave a 1 MiB file /tmp/shmemtest.hold (meminfo's Shmem)
 *   shmemtest drop   remove it again
 *   shmemtest poison poison a memfd page (MADV_HWPOISON: one frame is lost)
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check.h"
#include "touch.h"

#define BAD ((void *)8) /* user space, never mapped */
#define PAGE 4096
#define MiB (1024 * 1024)
#define TMPFS_MAGIC 0x01021994
#define HOLD "/tmp/shmemtest.hold"

/* The byte at offset off of test data number seed. */
static unsigned char pattern(unsigned seed, size_t off)
{
	uint32_t x = (uint32_t)(off / 4) * 2654435761u + seed;
	return (unsigned char)(x >> (8 * (off % 4)));
}

static uint32_t checksum(const unsigned char *p, size_t n)
{
	uint32_t sum = 0;

	for (size_t i = 0; i < n; i++)
		sum = sum * 31 + p[i];
	return sum;
}

static int all_zero(const unsigned char *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i])
			return 0;
	return 1;
}

static void fill(unsigned char *p, size_t n, unsigned seed)
{
	for (size_t i = 0; i < n; i++)
		p[i] = pattern(seed, i);
}

static int wait_ok(pid_t pid)
{
	int status;

	return pid > 0 && waitpid(pid, &status, 0) == pid && WIFEXITED(status) &&
	       WEXITSTATUS(status) == 0;
}

static void test_tmp_is_tmpfs(void)
{
	struct statfs sf;
	struct stat st;

	check(statfs("/tmp", &sf) == 0 && sf.f_type == TMPFS_MAGIC && sf.f_bsize == PAGE,
	      "/tmp is a tmpfs (f_type 0x01021994, 4 KiB blocks)");
	check(stat("/tmp", &st) == 0 && st.st_mode == (S_IFDIR | 01777),
	      "/tmp is mode 1777, as Debian mounts it");
	check(sf.f_blocks > 0 && sf.f_files > 0 && sf.f_bfree <= sf.f_blocks,
	      "its size is limited (half of RAM by default)");
}

/* 3 MiB in odd-sized writes, read back in other sizes. */
static void test_large_file(void)
{
	size_t size = 3 * MiB + 123;
	unsigned char *buf = malloc(size), *back = malloc(size);
	int fd = open("/tmp/shmemtest.big", O_RDWR | O_CREAT | O_TRUNC, 0644);

	fill(buf, size, 1);
	size_t done = 0;
	while (fd >= 0 && done < size) {
		size_t n = size - done < 10007 ? size - done : 10007;
		if (write(fd, buf + done, n) != (ssize_t)n)
			break;
		done += n;
	}
	check(fd >= 0 && done == size, "write 3 MiB in 10007-byte pieces");
	close(fd);
	struct stat st;
	check(stat("/tmp/shmemtest.big", &st) == 0 && st.st_size == (off_t)size &&
	      st.st_blocks == (blkcnt_t)((size + PAGE - 1) / PAGE * 8),
	      "stat: its size, and a page per 4 KiB in st_blocks");
	fd = open("/tmp/shmemtest.big", O_RDONLY);
	memset(back, 0, size);
	done = 0;
	ssize_t n;
	while ((n = read(fd, back + done, 65536)) > 0)
		done += (size_t)n;
	check(done == size && checksum(back, size) == checksum(buf, size),
	      "read back after reopening: the same checksum");
	check(pread(fd, back, 100, 2 * MiB + 5) == 100 && !memcmp(back, buf + 2 * MiB + 5, 100),
	      "pread in the middle");
	check(read(fd, back, 10) == 0, "read at the end: 0");
	close(fd);
	check(unlink("/tmp/shmemtest.big") == 0, "unlink it");
	free(buf);
	free(back);
}

static void test_sparse_file(void)
{
	int fd = open("/tmp/shmemtest.sparse", O_RDWR | O_CREAT | O_TRUNC, 0644);
	unsigned char buf[PAGE];
	struct stat st;

	check(fd >= 0 && pwrite(fd, "x", 1, 10 * MiB) == 1, "write one byte at 10 MiB");
	check(fstat(fd, &st) == 0 && st.st_size == 10 * MiB + 1 && st.st_blocks == 8,
	      "the file is 10 MiB + 1 long and takes one page");
	check(pread(fd, buf, sizeof(buf), 5 * MiB) == sizeof(buf) && all_zero(buf, sizeof(buf)),
	      "the hole reads as zeros");
	check(fstat(fd, &st) == 0 && st.st_blocks == 8, "...without taking memory");
	check(lseek(fd, 0, SEEK_DATA) == 10 * MiB, "SEEK_DATA finds the data page");
	check(lseek(fd, 0, SEEK_HOLE) == 0, "SEEK_HOLE: a hole at 0");
	check(lseek(fd, 10 * MiB, SEEK_HOLE) == 10 * MiB + 1, "SEEK_HOLE after the data: the end");
	check_err(lseek(fd, 10 * MiB + 1, SEEK_DATA), ENXIO, "SEEK_DATA at the end: ENXIO");
	close(fd);
	unlink("/tmp/shmemtest.sparse");
}

static void test_truncate(void)
{
	int fd = open("/tmp/shmemtest.trunc", O_RDWR | O_CREAT | O_TRUNC, 0644);
	unsigned char buf[10000];
	struct stat st;

	memset(buf, 'a', sizeof(buf));
	check(fd >= 0 && write(fd, buf, sizeof(buf)) == sizeof(buf), "write 10000 bytes");
	check(ftruncate(fd, 5000) == 0 && fstat(fd, &st) == 0 && st.st_size == 5000 &&
	      st.st_blocks == 16, "truncate to 5000: the second page goes");
	check(ftruncate(fd, 3 * PAGE) == 0 && fstat(fd, &st) == 0 && st.st_size == 3 * PAGE,
	      "extend to 3 pages");
	memset(buf, 'z', sizeof(buf));
	check(pread(fd, buf, sizeof(buf), 0) == sizeof(buf), "read it back");
	check(buf[4999] == 'a' && all_zero(buf + 5000, sizeof(buf) - 5000),
	      "the old data up to 5000, zeros after it");
	check(truncate("/tmp/shmemtest.trunc", 0) == 0 && fstat(fd, &st) == 0 && st.st_size == 0 &&
	      st.st_blocks == 0, "truncate(path, 0): empty, no pages");
	check_err(ftruncate(fd, -1), EINVAL, "a negative size: EINVAL");
	close(fd);
	unlink("/tmp/shmemtest.trunc");
}

/* An open file keeps its data while its names change and go. */
static void test_names_of_open_files(void)
{
	unsigned char buf[3 * PAGE], back[3 * PAGE];
	struct statfs before, during, after;
	struct stat st;

	fill(buf, sizeof(buf), 7);
	statfs("/tmp", &before);
	int fd = open("/tmp/shmemtest.a", O_RDWR | O_CREAT | O_EXCL, 0600);
	check(fd >= 0 && write(fd, buf, sizeof(buf)) == sizeof(buf), "write a file");
	check(link("/tmp/shmemtest.a", "/tmp/shmemtest.b") == 0 && fstat(fd, &st) == 0 &&
	      st.st_nlink == 2, "link: two names");
	check(rename("/tmp/shmemtest.b", "/tmp/shmemtest.c") == 0 &&
	      access("/tmp/shmemtest.b", F_OK) == -1 && access("/tmp/shmemtest.c", F_OK) == 0,
	      "rename the second name");
	check_err(syscall(SYS_renameat2, AT_FDCWD, "/tmp/shmemtest.c", AT_FDCWD, "/tmp/shmemtest.a",
			  1 /* RENAME_NOREPLACE */), EEXIST, "RENAME_NOREPLACE over a name: EEXIST");
	check(unlink("/tmp/shmemtest.a") == 0 && unlink("/tmp/shmemtest.c") == 0 &&
	      fstat(fd, &st) == 0 && st.st_nlink == 0, "unlink both names: no links left");
	check(pread(fd, back, sizeof(back), 0) == sizeof(back) && !memcmp(back, buf, sizeof(buf)),
	      "the open file still reads its data");
	statfs("/tmp", &during);
	check(during.f_bfree == before.f_bfree - 3, "...and still holds its 3 pages");
	close(fd);
	statfs("/tmp", &after);
	check(after.f_bfree == before.f_bfree && after.f_ffree == before.f_ffree,
	      "the last close gives its pages and inode back");
}

static void test_special_files(void)
{
	struct stat st;
	char target[64];
	DIR *d;
	struct dirent *e;
	int seen = 0;

	check(mkdir("/tmp/shmemtest.d", 0755) == 0, "mkdir");
	check(mknod("/tmp/shmemtest.d/fifo", S_IFIFO | 0644, 0) == 0 &&
	      stat("/tmp/shmemtest.d/fifo", &st) == 0 && S_ISFIFO(st.st_mode), "mknod a FIFO");
	check(mknod("/tmp/shmemtest.d/null", S_IFCHR | 0666, makedev(1, 3)) == 0 &&
	      stat("/tmp/shmemtest.d/null", &st) == 0 && S_ISCHR(st.st_mode) &&
	      st.st_rdev == makedev(1, 3), "mknod a character device 1:3");
	check(symlink("fifo", "/tmp/shmemtest.d/link") == 0 &&
	      readlink("/tmp/shmemtest.d/link", target, sizeof(target)) == 4 &&
	      !memcmp(target, "fifo", 4), "symlink and readlink");
	d = opendir("/tmp/shmemtest.d");
	while (d && (e = readdir(d)))
		seen += !strcmp(e->d_name, "fifo") + !strcmp(e->d_name, "null") +
			!strcmp(e->d_name, "link");
	if (d)
		closedir(d);
	check(seen == 3, "getdents lists them");
	check_err(rmdir("/tmp/shmemtest.d"), ENOTEMPTY, "rmdir of a full directory: ENOTEMPTY");
	check(unlink("/tmp/shmemtest.d/fifo") == 0 && unlink("/tmp/shmemtest.d/null") == 0 &&
	      unlink("/tmp/shmemtest.d/link") == 0 && rmdir("/tmp/shmemtest.d") == 0,
	      "remove them all");
}

/* A small tmpfs: statfs, ENOSPC as a short write, umount while busy. */
static void test_small_mount(void)
{
	static unsigned char buf[100 * 1024];
	struct statfs sf;

	check_err(mount("none", "/mnt", "tmpfs", 0, "size=abc"), EINVAL, "size=abc: EINVAL");
	check_err(mount("none", "/mnt", "tmpfs", 0, "bogus=1"), EINVAL, "an unknown option: EINVAL");
	check(mount("none", "/mnt", "tmpfs", 0, "size=64k,nr_inodes=10") == 0,
	      "mount -t tmpfs -o size=64k,nr_inodes=10 none /mnt");
	check(statfs("/mnt", &sf) == 0 && sf.f_type == TMPFS_MAGIC && sf.f_blocks == 16 &&
	      sf.f_bfree == 16 && sf.f_bavail == 16 && sf.f_files == 10 && sf.f_ffree == 9,
	      "statfs: 16 blocks free of 16, 9 inodes of 10 (the root has one)");
	int fd = open("/mnt/f", O_WRONLY | O_CREAT, 0644);
	memset(buf, 'q', sizeof(buf));
	check(fd >= 0 && write(fd, buf, sizeof(buf)) == 64 * 1024,
	      "a 100 KiB write stops at 64 KiB: a short count");
	check_err(write(fd, buf, 10), ENOSPC, "the next write: ENOSPC");
	check(statfs("/mnt", &sf) == 0 && sf.f_bfree == 0 && sf.f_ffree == 8, "statfs: full");
	check_err(umount("/mnt"), EBUSY, "umount while a file is open: EBUSY");
	int made = 0;
	for (char name[16]; made < 9; made++) {
		snprintf(name, sizeof(name), "/mnt/i%d", made);
		int f = open(name, O_WRONLY | O_CREAT, 0644);
		if (f < 0)
			break;
		close(f);
	}
	check(made == 8 && errno == ENOSPC, "8 more files fill nr_inodes=10: then ENOSPC");
	check_err(mount("none", "/mnt", "tmpfs", MS_REMOUNT, "size=4k"), EINVAL,
		  "remount smaller than what is in use: EINVAL");
	check(mount("none", "/mnt", "tmpfs", MS_REMOUNT, "size=128k") == 0 &&
	      statfs("/mnt", &sf) == 0 && sf.f_blocks == 32 && sf.f_bfree == 16,
	      "remount size=128k: 16 more blocks");
	check(write(fd, buf, 4096) == 4096, "...and the write goes on");
	check(ftruncate(fd, 4096) == 0 && statfs("/mnt", &sf) == 0 && sf.f_bfree == 31,
	      "truncating gives the blocks back");
	close(fd);
	check(umount("/mnt") == 0, "umount after the close");
	check(access("/mnt/f", F_OK) == -1 && errno == ENOENT, "the files went with it");
}

/* Child and parent touch pages of m that neither touched before the
 * fork, each in turn (two pipes): each must see the other's writes. */
static void share_across_fork(volatile char *m, const char *what)
{
	int to_parent[2], to_child[2];
	char c = 0, msg[128];

	pipe(to_parent);
	pipe(to_child);
	pid_t pid = fork();
	if (pid == 0) {
		m[0] = 'c';
		m[3 * PAGE + 7] = 'c';
		write(to_parent[1], "w", 1);
		read(to_child[0], &c, 1); /* the parent wrote page 1 */
		_exit(m[PAGE] == 'p' ? 0 : 1);
	}
	read(to_parent[0], &c, 1);
	snprintf(msg, sizeof(msg), "%s: the parent sees the child's writes", what);
	check(c == 'w' && m[0] == 'c' && m[3 * PAGE + 7] == 'c', msg);
	m[PAGE] = 'p';
	write(to_child[1], "w", 1);
	snprintf(msg, sizeof(msg), "%s: the child sees the parent's write", what);
	check(wait_ok(pid), msg);
	close(to_parent[0]), close(to_parent[1]), close(to_child[0]), close(to_child[1]);
}

/* Shared anonymous memory is a shmem file: pages first touched after
 * the fork are shared too (nothing is populated before it). */
static void test_shared_anonymous(void)
{
	volatile char *m = mmap(NULL, 4 * PAGE, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS,
				-1, 0);

	check(m != MAP_FAILED, "mmap MAP_SHARED|MAP_ANONYMOUS, nothing touched");
	share_across_fork(m, "MAP_SHARED|MAP_ANONYMOUS");
	check(m[2 * PAGE] == 0, "an untouched page reads as zeros");
	check(munmap((void *)m, 4 * PAGE) == 0, "munmap it");
}

static void test_memfd(void)
{
	struct stat st;
	char buf[16];

	check_err(memfd_create("x", 0x100), EINVAL, "memfd_create with unknown flags: EINVAL");
	check_err(memfd_create(BAD, 0), EFAULT, "memfd_create with a bad name: EFAULT");
	char longname[300];
	memset(longname, 'n', sizeof(longname) - 1);
	longname[sizeof(longname) - 1] = '\0';
	check_err(memfd_create(longname, 0), EINVAL, "a name longer than 249: EINVAL");
	int fd = memfd_create("shmemtest", MFD_CLOEXEC | MFD_ALLOW_SEALING);
	check(fd >= 0 && fcntl(fd, F_GETFD) == FD_CLOEXEC, "memfd_create(MFD_CLOEXEC): close-on-exec");
	check(fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size == 0 && st.st_nlink == 0,
	      "an empty regular file without names");
	check(ftruncate(fd, 4 * PAGE) == 0 && fstat(fd, &st) == 0 && st.st_size == 4 * PAGE &&
	      st.st_blocks == 0, "ftruncate sizes it, allocating nothing");
	volatile char *m = mmap(NULL, 4 * PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	check(m != MAP_FAILED, "mmap it MAP_SHARED");
	share_across_fork(m, "memfd");
	check(pread(fd, buf, 1, 3 * PAGE + 7) == 1 && buf[0] == 'c',
	      "read() sees what the child wrote through its mapping");
	check(pwrite(fd, "W", 1, 5) == 1 && m[5] == 'W', "the mapping sees what write() wrote");
	check(fcntl(fd, F_GET_SEALS) == 0, "F_GET_SEALS: none yet");
	check_err(fcntl(fd, F_ADD_SEALS, F_SEAL_WRITE), EBUSY,
		  "F_SEAL_WRITE while mapped shared and writable: EBUSY");
	munmap((void *)m, 4 * PAGE);
	check(fcntl(fd, F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW) == 0 &&
	      fcntl(fd, F_GET_SEALS) == (F_SEAL_SHRINK | F_SEAL_GROW), "F_ADD_SEALS shrink, grow");
	check_err(ftruncate(fd, PAGE), EPERM, "shrinking a sealed file: EPERM");
	check_err(pwrite(fd, "x", 1, 4 * PAGE), EPERM, "growing it by write: EPERM");
	check(pwrite(fd, "x", 1, 0) == 1, "writing inside it still works");
	check(fcntl(fd, F_ADD_SEALS, F_SEAL_WRITE | F_SEAL_SEAL) == 0, "seal writes, and the seals");
	check_err(pwrite(fd, "x", 1, 0), EPERM, "a write: EPERM");
	check(mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0) == MAP_FAILED &&
	      errno == EPERM, "a shared writable mapping: EPERM");
	check_err(fcntl(fd, F_ADD_SEALS, F_SEAL_GROW), EPERM, "no more seals: EPERM");
	close(fd);
	fd = memfd_create("plain", 0);
	check(fd >= 0 && fcntl(fd, F_GET_SEALS) == F_SEAL_SEAL &&
	      fcntl(fd, F_ADD_SEALS, F_SEAL_WRITE) == -1 && errno == EPERM,
	      "without MFD_ALLOW_SEALING: F_SEAL_SEAL, nothing can be added");
	close(fd);
	check_err(fcntl(0, F_GET_SEALS), EINVAL, "F_GET_SEALS of the console: EINVAL");
}

static void test_file_mappings(void)
{
	int fd = open("/tmp/shmemtest.map", O_RDWR | O_CREAT | O_TRUNC, 0644);
	char buf[PAGE];

	memset(buf, 'x', sizeof(buf));
	check(fd >= 0 && write(fd, buf, sizeof(buf)) == sizeof(buf), "a one-page file of 'x'");
	char *priv = mmap(NULL, 2 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
	check(priv != MAP_FAILED && priv[0] == 'x', "MAP_PRIVATE maps the file's data");
	priv[0] = 'y';
	check(pread(fd, buf, 1, 0) == 1 && buf[0] == 'x' && priv[0] == 'y',
	      "a write to it is copy-on-write: the file stays 'x'");
	check(touch(priv + PAGE) == BUS_ADRERR, "beyond the end of the file: SIGBUS BUS_ADRERR");
	char *shared = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	check(shared != MAP_FAILED && shared[0] == 'x', "MAP_SHARED of the same file");
	shared[1] = 'S';
	check(pread(fd, buf, 2, 0) == 2 && buf[1] == 'S', "a write through it reaches the file");
	check(pwrite(fd, "W", 1, 2) == 1 && shared[2] == 'W', "and write() reaches the mapping");
	pid_t pid = fork();
	if (pid == 0)
		_exit(shared[1] == 'S' && touch(priv) == 0 && priv[0] == 'y' ? 0 : 1);
	check(wait_ok(pid), "a child sees the shared page, and its own copy of the private one");
	check(ftruncate(fd, 0) == 0 && touch(shared) == BUS_ADRERR,
	      "truncated under the mapping: SIGBUS BUS_ADRERR");
	check(ftruncate(fd, PAGE) == 0 && touch(shared) == 0 && shared[1] == 0 && priv[0] == 0,
	      "grown again: zeros, in the private mapping too (truncation took its copy, as Linux)");
	munmap(priv, 2 * PAGE);
	munmap(shared, PAGE);
	memset(buf, 'x', sizeof(buf));
	check(pwrite(fd, buf, PAGE, 0) == PAGE, "the file is 'x' again");
	priv = mmap(NULL, PAGE, PROT_READ, MAP_PRIVATE, fd, 0);
	check(priv != MAP_FAILED && priv[0] == 'x' && mprotect(priv, PAGE, PROT_READ | PROT_WRITE) == 0,
	      "a read-only MAP_PRIVATE mapping, read, then made writable");
	priv[0] = 'z';
	check(pread(fd, buf, 1, 0) == 1 && buf[0] == 'x' && priv[0] == 'z',
	      "...a write to it still copies: the file stays 'x'");
	munmap(priv, PAGE);
	int ro = open("/tmp/shmemtest.map", O_RDONLY);
	shared = mmap(NULL, PAGE, PROT_READ, MAP_SHARED, ro, 0);
	check(shared != MAP_FAILED && mprotect(shared, PAGE, PROT_READ | PROT_WRITE) == -1 &&
	      errno == EACCES, "mprotect writable of a read-only descriptor's shared mapping: EACCES");
	munmap(shared, PAGE);
	check(mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, ro, 0) == MAP_FAILED &&
	      errno == EACCES, "MAP_SHARED writable of a read-only descriptor: EACCES");
	check(mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE, ro, 0) != MAP_FAILED,
	      "...MAP_PRIVATE of it is fine");
	check_err((long)mmap(NULL, PAGE, PROT_READ, MAP_SHARED, 99, 0), EBADF,
		  "mmap of a closed descriptor: EBADF");
	close(ro);
	close(fd);
	unlink("/tmp/shmemtest.map");
}

/* MADV_REMOVE punches a hole in the file under a shared mapping. */
static void test_madvise_remove(void)
{
	int fd = memfd_create("remove", 0);
	struct stat st;
	char buf[PAGE];

	check(fd >= 0 && ftruncate(fd, 3 * PAGE) == 0, "a 3-page memfd");
	char *m = mmap(NULL, 3 * PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	memset(m, 'r', 3 * PAGE);
	check(fstat(fd, &st) == 0 && st.st_blocks == 24, "written: 3 pages");
	check(madvise(m + PAGE, PAGE, MADV_REMOVE) == 0, "MADV_REMOVE the middle page");
	check(fstat(fd, &st) == 0 && st.st_blocks == 16 && st.st_size == 3 * PAGE,
	      "its page is gone, the size stays");
	check(m[PAGE] == 0 && m[0] == 'r' && m[2 * PAGE] == 'r' &&
	      pread(fd, buf, PAGE, PAGE) == PAGE && all_zero((unsigned char *)buf, PAGE),
	      "it reads as zeros, through the mapping and read()");
	munmap(m, 3 * PAGE);
	m = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	check_err(madvise(m, PAGE, MADV_REMOVE), EINVAL, "MADV_REMOVE of private memory: EINVAL");
	munmap(m, PAGE);
	m = mmap(NULL, PAGE, PROT_READ, MAP_SHARED, fd, 0);
	check_err(madvise(m, PAGE, MADV_REMOVE), EACCES, "...of a read-only mapping: EACCES");
	munmap(m, PAGE);
	close(fd);
}

static void test_bad_pointers(void)
{
	int fd = open("/tmp/shmemtest.bad", O_RDWR | O_CREAT | O_TRUNC, 0644);
	struct stat st;

	check_err(write(fd, BAD, 10), EFAULT, "write from a bad pointer: EFAULT");
	check(fstat(fd, &st) == 0 && st.st_size == 0, "...and the file is unchanged");
	check(pwrite(fd, "hello", 5, 0) == 5, "write 5 bytes");
	check_err(read(fd, BAD, 5), EFAULT, "read into a bad pointer: EFAULT");
	check_err(syscall(SYS_statfs, "/tmp", BAD), EFAULT, "statfs into a bad pointer: EFAULT");
	check_err(mount("none", "/mnt", "tmpfs", 0, BAD), EFAULT, "mount with bad options: EFAULT");
	close(fd);
	unlink("/tmp/shmemtest.bad");
}

/* A poisoned tmpfs page stays in its file's cache: a mapping made after
 * the poisoning faults on it too (SIGBUS BUS_MCEERR_AR), as in Linux. */
static int poison(void)
{
	int fd = memfd_create("poison", 0);
	struct stat st;

	check(fd >= 0 && ftruncate(fd, 2 * PAGE) == 0, "a 2-page memfd");
	char *m = mmap(NULL, 2 * PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	m[0] = m[PAGE] = 1;
	check(madvise(m, PAGE, MADV_HWPOISON) == 0, "MADV_HWPOISON its first page");
	check(touch(m) == BUS_MCEERR_AR, "touching it: SIGBUS BUS_MCEERR_AR");
	char *again = mmap(NULL, 2 * PAGE, PROT_READ, MAP_SHARED, fd, 0);
	check(again != MAP_FAILED && touch(again) == BUS_MCEERR_AR,
	      "a mapping made afterwards: SIGBUS BUS_MCEERR_AR too");
	check(touch(again + PAGE) == 0 && again[PAGE] == 1, "the other page is intact");
	check(fstat(fd, &st) == 0 && st.st_blocks == 16, "the poisoned page stays in the file");
	char b[1];
	check_err(pread(fd, b, 1, 0), EIO, "pread at the poisoned page: EIO");
	check(pread(fd, b, 1, PAGE) == 1 && b[0] == 1, "pread of the other page: its data");
	check_err(pwrite(fd, "x", 1, 10), EIO, "pwrite at the poisoned page: EIO");
	check(fstat(fd, &st) == 0 && st.st_size == 2 * PAGE, "the size does not change");
	check(fsync(fd) == 0, "fsync: 0 (tmpfs has nothing to write back)");
	munmap(m, 2 * PAGE);
	munmap(again, 2 * PAGE);
	close(fd);
	printf("shmemtest: %d failed\n", failures);
	return failures != 0;
}

/* The file meminfo's Shmem counts, left for the system test. */
static int hold(void)
{
	static char buf[MiB];
	int fd = open(HOLD, O_WRONLY | O_CREAT | O_TRUNC, 0644);

	memset(buf, 'h', sizeof(buf));
	check(fd >= 0 && write(fd, buf, sizeof(buf)) == sizeof(buf), "write 1 MiB to " HOLD);
	close(fd);
	printf("shmemtest: %d failed\n", failures);
	return failures != 0;
}

int main(int argc, char **argv)
{
	if (argc > 1 && !strcmp(argv[1], "hold"))
		return hold();
	if (argc > 1 && !strcmp(argv[1], "poison"))
		return poison();
	if (argc > 1 && !strcmp(argv[1], "drop")) {
		check(unlink(HOLD) == 0, "remove " HOLD);
		printf("shmemtest: %d failed\n", failures);
		return failures != 0;
	}
	test_tmp_is_tmpfs();
	test_large_file();
	test_sparse_file();
	test_truncate();
	test_names_of_open_files();
	test_special_files();
	test_small_mount();
	test_shared_anonymous();
	test_memfd();
	test_file_mappings();
	test_madvise_remove();
	test_bad_pointers();
	printf("shmemtest: %d failed\n", failures);
	return failures != 0;
}
