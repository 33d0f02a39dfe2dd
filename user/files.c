/*
 * File descriptors and the file system calls, through the C library and
 * through raw syscall() with bad pointers (EFAULT) and bad descriptors
 * (EBADF). Reads the program file /bin/hello - in the initramfs or on the
 * disk, whichever is "/" - mostly as "hello", relative to /bin, where
 * main() starts.
 * Prints ok/FAIL per check and "files: N failed"; exits non-zero on
 * failure.
 *
 * `files check-fds CLOSED OPEN` is the program's second life, after the
 * close-on-exec test execs it: exit 0 if descriptor CLOSED is closed and
 * OPEN is open.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check.h"

#define BAD ((void *)8)                        /* user space, never mapped */
#define KERNEL ((void *)0xffff888000000000UL)  /* not user space at all */
#define NR_OPEN 256
#define RAMFS_MAGIC 0x858458f6                 /* rootfs, the initramfs's files */

static int open_hello(void)
{
	return open("hello", O_RDONLY);
}

static off_t offset_of(int fd)
{
	return lseek(fd, 0, SEEK_CUR);
}

/* The lowest descriptor free now (dup takes it, close gives it back). */
static int lowest_free(void)
{
	int fd = dup(0);

	close(fd);
	return fd;
}

static void reading_a_file(void)
{
	char buf[8];
	struct stat st;
	int fd = open_hello();

	check(fd == 3, "open(\"hello\") takes the lowest free descriptor, 3");
	check(read(fd, buf, 4) == 4 && memcmp(buf, "\177ELF", 4) == 0,
	      "read: hello starts with \\177ELF");
	check(offset_of(fd) == 4, "read moved the offset to 4");
	check(fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 4,
	      "fstat: a regular file with a size");
	/* Its blocks hold its bytes, with less than one block to spare
	 * (512-byte units on rootfs, 4 KiB ones on the disk). */
	check(st.st_nlink == 1 && st.st_blocks * 512 >= st.st_size &&
	      st.st_blocks * 512 < st.st_size + st.st_blksize && st.st_ino > 1,
	      "fstat: one link, its blocks, an inode number");
	check(lseek(fd, 0, SEEK_END) == st.st_size, "lseek(SEEK_END) is the size fstat gives");
	check(read(fd, buf, 4) == 0, "read at the end: 0 (end of file)");
	check(lseek(fd, 1, SEEK_SET) == 1 && read(fd, buf, 3) == 3 && memcmp(buf, "ELF", 3) == 0,
	      "lseek(1, SEEK_SET) then read: ELF");
	check(lseek(fd, -2, SEEK_CUR) == 2 && lseek(fd, -st.st_size, SEEK_END) == 0,
	      "lseek: SEEK_CUR and SEEK_END with negative offsets");
	check(lseek(fd, st.st_size + 100, SEEK_SET) == st.st_size + 100 &&
	      read(fd, buf, 4) == 0, "lseek past the end is allowed; read there gives 0");
	check_err(lseek(fd, -1, SEEK_SET), EINVAL, "lseek to a negative offset: EINVAL");
	check_err(lseek(fd, -st.st_size - 1, SEEK_END), EINVAL, "lseek before the start: EINVAL");
	check_err(lseek(fd, 0, 7), EINVAL, "lseek with a bad whence: EINVAL");
	check(offset_of(fd) == st.st_size + 100, "failed lseeks leave the offset alone");

	lseek(fd, 10, SEEK_SET);
	check(pread(fd, buf, 4, 0) == 4 && memcmp(buf, "\177ELF", 4) == 0,
	      "pread at offset 0");
	check(offset_of(fd) == 10, "pread does not move the offset");
	check_err(pread(fd, buf, 4, -1), EINVAL, "pread at a negative offset: EINVAL");
	check_err(pwrite(fd, "x", 1, 0), EBADF, "pwrite on a read-only descriptor: EBADF");
	check_err(write(fd, "x", 1), EBADF, "write on a read-only descriptor: EBADF");

	char a[2], b[3];
	struct iovec iov[2] = { { a, 2 }, { b, 3 } };
	lseek(fd, 0, SEEK_SET);
	check(readv(fd, iov, 2) == 5 && memcmp(a, "\177E", 2) == 0 && memcmp(b, "LF", 2) == 0,
	      "readv fills two buffers in turn");
	check(readv(fd, iov, 0) == 0 && offset_of(fd) == 5, "readv of no buffers: 0");
	check(fsync(fd) == 0 && fdatasync(fd) == 0, "fsync and fdatasync of a file: 0");
	check(close(fd) == 0, "close");
	check_err(close(fd), EBADF, "close again: EBADF");
}

static void naming_files(void)
{
	struct stat ref, st;
	static const char *const names[] = { "/bin/hello", "./hello", "//bin//hello",
					     "/./bin/./hello", "../bin/hello", "/../../bin/hello",
					     "./././hello" };

	check(stat("hello", &ref) == 0 && S_ISREG(ref.st_mode), "stat(\"hello\")");
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		char what[64];
		int fd = open(names[i], O_RDONLY);
		snprintf(what, sizeof(what), "open(\"%s\") is hello", names[i]);
		check(fd >= 0 && fstat(fd, &st) == 0 && st.st_ino == ref.st_ino &&
		      st.st_size == ref.st_size, what);
		close(fd);
	}
	check_err(open("nope", O_RDONLY), ENOENT, "open a missing file: ENOENT");
	check_err(open("", O_RDONLY), ENOENT, "open the empty path: ENOENT");
	check_err(open("nope/x", O_RDONLY), ENOENT, "open under a missing name: ENOENT");
	check_err(open("hello/", O_RDONLY), ENOTDIR, "open \"hello/\": ENOTDIR");
	check_err(open("hello/x", O_RDONLY), ENOTDIR, "open \"hello/x\": ENOTDIR");
	check_err(open("hello/..", O_RDONLY), ENOTDIR, "open \"hello/..\": ENOTDIR");
	check_err(open("hello", O_RDONLY | O_CREAT | O_EXCL, 0644), EEXIST,
		  "O_CREAT|O_EXCL of an existing file: EEXIST");
	check_err(open("hello", O_RDONLY | O_DIRECTORY), ENOTDIR, "O_DIRECTORY on a file: ENOTDIR");
	check_err(stat("nope", &st), ENOENT, "stat a missing file: ENOENT");
	check_err(stat("hello/", &st), ENOTDIR, "stat \"hello/\": ENOTDIR");

	static char long_path[5000];
	memset(long_path, 'a', sizeof(long_path) - 1);
	check_err(open(long_path, O_RDONLY), ENAMETOOLONG, "a path of 4999 bytes: ENAMETOOLONG");
	long_path[4095] = '\0';
	check_err(open(long_path, O_RDONLY), ENAMETOOLONG,
		  "a path of 4095 bytes with a 4095-byte name: ENAMETOOLONG");
	memset(long_path, 0, sizeof(long_path));
	for (int i = 0; i < 1000; i++)
		memcpy(long_path + 2 * i, "./", 2);
	strcpy(long_path + 2000, "hello");
	int fd = open(long_path, O_RDONLY);
	check(fd >= 0, "a 2005-byte path (./././...hello) opens");
	close(fd);
	memset(long_path, 'a', 256);
	long_path[256] = '\0';
	check_err(open(long_path, O_RDONLY), ENAMETOOLONG, "a 256-byte name: ENAMETOOLONG");
	long_path[255] = '\0';
	check_err(open(long_path, O_RDONLY), ENOENT, "a 255-byte name: ENOENT");
}

/* Opening for writing: rootfs's regular files are read-only (EROFS);
 * on a disk they are files like any other, tried on a new one in /home. */
static void writing_files(void)
{
	struct statfs sfs;

	if (statfs("/", &sfs) == 0 && sfs.f_type == RAMFS_MAGIC) {
		check_err(open("hello", O_WRONLY), EROFS, "rootfs: open for writing: EROFS");
		check_err(open("hello", O_RDWR), EROFS, "rootfs: open for reading and writing: EROFS");
		check_err(open("hello", O_RDONLY | O_TRUNC), EROFS, "rootfs: open with O_TRUNC: EROFS");
		check_err(open("new", O_WRONLY | O_CREAT, 0644), EROFS, "rootfs: create a file: EROFS");
		return;
	}
	char name[32];
	/* /tmp is tmpfs. One name for every run: a name per run (the pid)
	 * left one more (negative) dentry after each, which test_files, asking
	 * that a second run give back all it took, counted when it crossed a
	 * slab page. */
	snprintf(name, sizeof(name), "/home/files.tmp");
	int fd = open(name, O_WRONLY | O_CREAT | O_EXCL, 0644);
	check(fd >= 0 && write(fd, "abc", 3) == 3 && close(fd) == 0, "disk: create a file and write it");
	fd = open(name, O_RDWR);
	char buf[4] = { 0 };
	check(fd >= 0 && read(fd, buf, 3) == 3 && !strcmp(buf, "abc") && close(fd) == 0,
	      "disk: open it for reading and writing: what was written");
	struct stat st;
	fd = open(name, O_RDONLY | O_TRUNC);
	check(fd >= 0 && fstat(fd, &st) == 0 && st.st_size == 0 && close(fd) == 0,
	      "disk: O_TRUNC empties it");
	check_err(open(name, O_WRONLY | O_CREAT | O_EXCL, 0644), EEXIST,
		  "disk: O_CREAT|O_EXCL of it: EEXIST");
	check(unlink(name) == 0, "disk: unlink it");
}

static void the_root_directory(void)
{
	struct stat st;
	char buf[4];
	int fd = open("/", O_RDONLY);

	check(fd >= 0 && fstat(fd, &st) == 0 && S_ISDIR(st.st_mode), "open(\"/\") and fstat: a directory");
	check_err(read(fd, buf, sizeof(buf)), EISDIR, "read a directory: EISDIR");
	check(fsync(fd) == 0, "fsync a directory: 0");
	close(fd);
	check(stat(".", &st) == 0 && S_ISDIR(st.st_mode), "stat(\".\"): a directory");
	check(stat("/..", &st) == 0 && S_ISDIR(st.st_mode), "stat(\"/..\"): a directory");
	check_err(open("/", O_WRONLY), EISDIR, "open \"/\" for writing: EISDIR");
	check_err(open("/", O_RDWR), EISDIR, "open \"/\" for reading and writing: EISDIR");
	check(open("/", O_RDONLY | O_DIRECTORY) == fd && close(fd) == 0, "O_DIRECTORY on \"/\"");

	char cwd[64];
	check(getcwd(cwd, sizeof(cwd)) && strcmp(cwd, "/bin") == 0, "getcwd: /bin");
	check(chdir("/") == 0 && syscall(SYS_getcwd, cwd, 2) == 2,
	      "getcwd returns the length with the NUL: 2");
	check_err(syscall(SYS_getcwd, cwd, 1), ERANGE, "getcwd into 1 byte: ERANGE");
	check_err(syscall(SYS_getcwd, cwd, 0), ERANGE, "getcwd into 0 bytes: ERANGE");
	check(chdir("/") == 0 && chdir(".") == 0 && chdir("..") == 0 && chdir("//") == 0,
	      "chdir to /, ., .., //");
	check_err(chdir("bin/hello"), ENOTDIR, "chdir to a file: ENOTDIR");
	check_err(chdir("nope"), ENOENT, "chdir to a missing name: ENOENT");
	check_err(chdir(""), ENOENT, "chdir to the empty path: ENOENT");
	check(getcwd(cwd, sizeof(cwd)) && strcmp(cwd, "/") == 0, "getcwd after chdir: /");
	chdir("/bin");
}

static void openat_and_newfstatat(void)
{
	struct stat ref, st;
	int dir = open("/bin", O_RDONLY);
	int file = open_hello();

	stat("hello", &ref);
	int fd = openat(AT_FDCWD, "hello", O_RDONLY);
	check(fd >= 0, "openat(AT_FDCWD, \"hello\")");
	close(fd);
	fd = openat(dir, "hello", O_RDONLY);
	check(fd >= 0 && fstat(fd, &st) == 0 && st.st_ino == ref.st_ino,
	      "openat relative to an open \"/bin\"");
	close(fd);
	fd = openat(99, "/bin/hello", O_RDONLY);
	check(fd >= 0, "openat with an absolute path ignores dirfd");
	close(fd);
	check_err(openat(file, "hello", O_RDONLY), ENOTDIR, "openat relative to a file: ENOTDIR");
	check_err(openat(99, "hello", O_RDONLY), EBADF, "openat relative to a closed fd: EBADF");
	check_err(openat(-1, "hello", O_RDONLY), EBADF, "openat relative to fd -1: EBADF");

	check(syscall(SYS_newfstatat, AT_FDCWD, "hello", &st, 0) == 0 && st.st_ino == ref.st_ino,
	      "newfstatat(AT_FDCWD, \"hello\")");
	check(syscall(SYS_newfstatat, dir, "hello", &st, 0) == 0 && st.st_ino == ref.st_ino,
	      "newfstatat relative to \"/bin\"");
	check(syscall(SYS_newfstatat, file, "", &st, AT_EMPTY_PATH) == 0 &&
	      st.st_ino == ref.st_ino, "newfstatat(fd, \"\", AT_EMPTY_PATH) is fstat");
	check(syscall(SYS_newfstatat, AT_FDCWD, "", &st, AT_EMPTY_PATH) == 0 &&
	      S_ISDIR(st.st_mode), "newfstatat(AT_FDCWD, \"\", AT_EMPTY_PATH): the working directory");
	check(syscall(SYS_newfstatat, 1, "", &st, AT_EMPTY_PATH) == 0 && S_ISCHR(st.st_mode),
	      "newfstatat(1, \"\", AT_EMPTY_PATH): the console");
	check_err(syscall(SYS_newfstatat, AT_FDCWD, "", &st, 0), ENOENT,
		  "newfstatat with an empty path, no AT_EMPTY_PATH: ENOENT");
	check_err(syscall(SYS_newfstatat, file, "x", &st, 0), ENOTDIR,
		  "newfstatat relative to a file: ENOTDIR");
	check_err(syscall(SYS_newfstatat, AT_FDCWD, "hello", &st, 0x1), EINVAL,
		  "newfstatat with an unknown flag: EINVAL");
	close(dir);
	close(file);
}

static void the_console(void)
{
	struct stat st;
	char buf[4];

	int flags = fcntl(0, F_GETFL);
	fcntl(0, F_SETFL, flags | O_NONBLOCK);
	check_err(read(0, buf, sizeof(buf)), EAGAIN,
		  "read the terminal with nothing typed, O_NONBLOCK: EAGAIN");
	fcntl(0, F_SETFL, flags);
	check(fstat(1, &st) == 0 && S_ISCHR(st.st_mode), "fstat(1): a character device");
	check(isatty(1), "isatty(1)");
	check_err(lseek(1, 0, SEEK_SET), ESPIPE, "lseek on the console: ESPIPE");
	check_err(pread(0, buf, 1, 0), ESPIPE, "pread on the console: ESPIPE");
	check_err(fsync(1), EINVAL, "fsync the console: EINVAL");
	check_err(fdatasync(1), EINVAL, "fdatasync the console: EINVAL");
	struct iovec iov[3] = { { "ok: ", 4 }, { "writev in ", 10 }, { "three pieces\n", 13 } };
	check(writev(1, iov, 3) == 27, "writev returns the total");
	check(write(1, buf, 0) == 0, "write of 0 bytes: 0");
}

static void descriptors(void)
{
	char buf[4];
	int fd = open_hello();

	int copy = dup(fd);
	check(copy == fd + 1, "dup takes the lowest free descriptor");
	check(read(copy, buf, 4) == 4 && offset_of(fd) == 4, "a dup shares the offset");
	check(dup2(fd, 10) == 10 && offset_of(10) == 4, "dup2 to 10");
	check(dup2(copy, 10) == 10 && close(copy) == 0 && offset_of(10) == 4,
	      "dup2 onto an open descriptor closes it first");
	check(dup2(fd, fd) == fd, "dup2(fd, fd) returns fd");
	check_err(dup2(99, 99), EBADF, "dup2(closed, same): EBADF");
	check_err(dup2(fd, NR_OPEN), EBADF, "dup2 to 256: EBADF");
	check_err(syscall(SYS_dup3, fd, fd, 0), EINVAL, "dup3(fd, fd): EINVAL");
	check_err(syscall(SYS_dup3, fd, 11, 1), EINVAL, "dup3 with a flag other than O_CLOEXEC: EINVAL");
	check(syscall(SYS_dup3, fd, 11, O_CLOEXEC) == 11, "dup3 with O_CLOEXEC");
	close(10);
	close(11);

	/* Lowest first: close 4 of 4..7, the next open gets 4. */
	int fds[4];
	for (int i = 0; i < 4; i++)
		fds[i] = dup(0);
	check(fds[0] == fd + 1 && fds[3] == fd + 4, "four dups in a row get the next four");
	close(fds[2]);
	close(fds[0]);
	check(dup(0) == fds[0] && dup(0) == fds[2] && dup(0) == fds[3] + 1,
	      "freed descriptors are reused lowest first");
	for (int i = fd + 1; i <= fds[3] + 1; i++)
		close(i);

	int n = 0, last;
	while ((last = dup(0)) >= 0)
		n++;
	check_err(last, EMFILE, "dup until the table is full: EMFILE");
	check(n == NR_OPEN - (fd + 1), "256 descriptors in all");
	check_err(open_hello(), EMFILE, "open with a full table: EMFILE");
	int p[2];
	check_err(pipe(p), EMFILE, "pipe with a full table: EMFILE");
	for (int i = fd + 1; i < NR_OPEN; i++)
		close(i);
	check(lowest_free() == fd + 1, "all closed again");
	close(fd);
}

static void fork_shares_open_files(void)
{
	int fd = open_hello();
	char buf[4];
	pid_t pid = fork();

	if (pid == 0)
		_exit(read(fd, buf, 4) == 4 ? 0 : 1);
	int status;
	waitpid(pid, &status, 0);
	check(WIFEXITED(status) && WEXITSTATUS(status) == 0 && offset_of(fd) == 4,
	      "after fork, a read in the child moves the parent's offset");
	close(fd);
}

static void close_on_exec(void)
{
	int keep = open_hello();
	int gone = open_hello();
	char closed[16], open_[16];

	check(syscall(SYS_dup3, keep, gone, O_CLOEXEC) == gone, "dup3(O_CLOEXEC) over a descriptor");
	snprintf(closed, sizeof(closed), "%d", gone);
	snprintf(open_, sizeof(open_), "%d", keep);
	pid_t pid = fork();
	if (pid == 0) {
		char *argv[] = { "files", "check-fds", closed, open_, NULL };
		execv("/bin/files", argv);
		_exit(2);
	}
	int status;
	waitpid(pid, &status, 0);
	check(WIFEXITED(status) && WEXITSTATUS(status) == 0,
	      "execve closes O_CLOEXEC descriptors and keeps the others");
	close(keep);
	close(gone);
}

static int check_fds(int closed, int open_)
{
	struct stat st;

	/* Raw: on EBADF, the C library's fstat would try fcntl, which the
	 * kernel does not have yet. */
	return syscall(SYS_fstat, closed, &st) == -1 && errno == EBADF &&
	       syscall(SYS_fstat, open_, &st) == 0 ? 0 : 1;
}

static void pipes(void)
{
	int p[2];
	char buf[8000];
	struct stat st;

	check(pipe(p) == 0 && p[0] == 3 && p[1] == 4, "pipe: descriptors 3 and 4");
	check(write(p[1], "hi!", 3) == 3 && read(p[0], buf, sizeof(buf)) == 3 &&
	      memcmp(buf, "hi!", 3) == 0, "what is written comes out");
	check(fstat(p[0], &st) == 0 && S_ISFIFO(st.st_mode) && fstat(p[1], &st) == 0 &&
	      S_ISFIFO(st.st_mode), "fstat of both ends: a FIFO");
	check_err(lseek(p[0], 0, SEEK_SET), ESPIPE, "lseek on a pipe: ESPIPE");
	check_err(pread(p[0], buf, 1, 0), ESPIPE, "pread on a pipe: ESPIPE");
	check_err(pwrite(p[1], buf, 1, 0), ESPIPE, "pwrite on a pipe: ESPIPE");
	check_err(fsync(p[1]), EINVAL, "fsync a pipe: EINVAL");
	check_err(read(p[1], buf, 1), EBADF, "read the write end: EBADF");
	check_err(write(p[0], buf, 1), EBADF, "write the read end: EBADF");

	/* Around the end of the ring and back. */
	int same = 1;
	for (int round = 0; round < 5; round++) {
		for (int i = 0; i < 3000; i++)
			buf[i] = (char)(i * 7 + round);
		write(p[1], buf, 3000);
		memset(buf, 0, 3000);
		same &= read(p[0], buf, 3000) == 3000;
		for (int i = 0; i < 3000; i++)
			same &= buf[i] == (char)(i * 7 + round);
	}
	check(same, "3000-byte writes and reads wrap around the 4 KiB ring intact");

	char a[4], b[4];
	struct iovec iov[2] = { { a, 4 }, { b, 4 } };
	write(p[1], "four", 4);
	check(readv(p[0], iov, 2) == 4 && memcmp(a, "four", 4) == 0,
	      "readv of 8 from a pipe holding 4: 4, without waiting");
	struct iovec out[2] = { { "ab", 2 }, { "cd", 2 } };
	check(writev(p[1], out, 2) == 4 && read(p[0], buf, 10) == 4 && memcmp(buf, "abcd", 4) == 0,
	      "writev into a pipe");
	check(read(p[0], buf, 0) == 0, "read of 0 bytes from an empty pipe: 0, without waiting");

	close(p[1]);
	check(read(p[0], buf, 10) == 0, "all write ends closed: read gives 0 (end of file)");
	close(p[0]);
}

static void pipe_blocking(void)
{
	enum { TOTAL = 100000 };
	static char buf[TOTAL];
	int p[2];

	pipe(p);
	pid_t pid = fork();
	if (pid == 0) {
		close(p[0]);
		for (int i = 0; i < TOTAL; i++)
			buf[i] = (char)(i % 251);
		_exit(write(p[1], buf, TOTAL) == TOTAL ? 0 : 1);
	}
	close(p[1]);
	memset(buf, 0, sizeof(buf));
	size_t got = 0;
	ssize_t n;
	while ((n = read(p[0], buf + got, sizeof(buf) - got)) > 0)
		got += (size_t)n;
	int same = got == TOTAL;
	for (int i = 0; i < TOTAL && same; i++)
		same = buf[i] == (char)(i % 251);
	int status;
	waitpid(pid, &status, 0);
	check(same && WIFEXITED(status) && WEXITSTATUS(status) == 0,
	      "a 100000-byte write through a 64 KiB pipe: the writer waits for the reader");
	check(n == 0, "then end of file");
	close(p[0]);
}

/* Two writers, 4096-byte blocks of their own letter: no block mixes them. */
static void pipe_atomic_writes(void)
{
	enum { BLOCKS = 40, PIPE_BUF_ = 4096 };
	static char block[PIPE_BUF_];
	int p[2];
	pid_t pids[2];

	pipe(p);
	for (int w = 0; w < 2; w++) {
		pids[w] = fork();
		if (pids[w] == 0) {
			close(p[0]);
			memset(block, 'a' + w, sizeof(block));
			for (int i = 0; i < BLOCKS; i++)
				if (write(p[1], block, sizeof(block)) != sizeof(block))
					_exit(1);
			_exit(0);
		}
	}
	close(p[1]);
	int blocks = 0, whole = 1;
	size_t got = 0;
	ssize_t n;
	while ((n = read(p[0], block + got, sizeof(block) - got)) > 0) {
		got += (size_t)n;
		if (got < sizeof(block))
			continue;
		for (size_t i = 1; i < sizeof(block); i++)
			whole &= block[i] == block[0];
		blocks++;
		got = 0;
	}
	for (int w = 0; w < 2; w++)
		waitpid(pids[w], NULL, 0);
	check(whole && blocks == 2 * BLOCKS && got == 0,
	      "writes of PIPE_BUF bytes from two processes never interleave");
	close(p[0]);
}

static void pipe_broken_and_nonblocking(void)
{
	int p[2];
	char buf[4096];

	pipe(p);
	close(p[0]);
	signal(SIGPIPE, SIG_IGN);
	check_err(write(p[1], "x", 1), EPIPE, "write with no reader (SIGPIPE ignored): EPIPE");
	signal(SIGPIPE, SIG_DFL);
	pid_t pid = fork();
	if (pid == 0) {
		write(p[1], "x", 1);
		_exit(0);
	}
	int status;
	waitpid(pid, &status, 0);
	check(WIFSIGNALED(status) && WTERMSIG(status) == SIGPIPE,
	      "write with no reader: killed by SIGPIPE");
	close(p[1]);

	check(syscall(SYS_pipe2, p, O_NONBLOCK | O_CLOEXEC) == 0, "pipe2(O_NONBLOCK | O_CLOEXEC)");
	check_err(read(p[0], buf, 1), EAGAIN, "non-blocking read of an empty pipe: EAGAIN");
	memset(buf, 'x', sizeof(buf));
	int filled = 0;
	for (int i = 0; i < 15; i++)
		filled += write(p[1], buf, sizeof(buf)) == sizeof(buf);
	check(filled == 15 && write(p[1], buf, 4000) == 4000,
	      "non-blocking writes that fit: 64 KiB less 96 bytes");
	check_err(write(p[1], buf, 100), EAGAIN,
		  "non-blocking write of 100 (atomic) into 96 free bytes: EAGAIN");
	check(write(p[1], buf, 4096 + 10) == 96,
	      "non-blocking write of more than PIPE_BUF: what fits, 96");
	close(p[0]);
	close(p[1]);
	check_err(syscall(SYS_pipe2, p, 0x1), EINVAL, "pipe2 with an unknown flag: EINVAL");
}

/* F_GETPIPE_SZ and F_SETPIPE_SZ with Linux's rounding and errors; the
 * data held survives a resize, even when it wraps around the ring. */
static void pipe_size(void)
{
	char in[6000], out[6000];
	int p[2], fd = open_hello();

	pipe(p);
	check(fcntl(p[0], F_GETPIPE_SZ) == 65536 && fcntl(p[1], F_GETPIPE_SZ) == 65536,
	      "F_GETPIPE_SZ of a new pipe: 65536, on both ends");
	check(fcntl(p[1], F_SETPIPE_SZ, 5000) == 8192 && fcntl(p[0], F_GETPIPE_SZ) == 8192,
	      "F_SETPIPE_SZ 5000: rounded up to two pages, 8192");
	check(fcntl(p[1], F_SETPIPE_SZ, 0) == 4096, "F_SETPIPE_SZ 0: one page, 4096");
	check(fcntl(p[1], F_SETPIPE_SZ, 1 << 20) == 1 << 20, "F_SETPIPE_SZ 1 MiB (pipe-max-size)");
	check_err(fcntl(p[1], F_SETPIPE_SZ, (1 << 20) + 1), EPERM,
		  "F_SETPIPE_SZ above pipe-max-size: EPERM");
	check_err(fcntl(p[1], F_SETPIPE_SZ, 0x80000001UL), EINVAL,
		  "F_SETPIPE_SZ above 2 GiB: EINVAL");
	check(fcntl(p[0], F_GETPIPE_SZ) == 1 << 20, "a failed F_SETPIPE_SZ changes nothing");
	check_err(fcntl(fd, F_GETPIPE_SZ), EBADF, "F_GETPIPE_SZ of a file that is no pipe: EBADF");

	/* Wrap the data around the end of a two-page ring, then resize it. */
	for (size_t i = 0; i < sizeof(in); i++)
		in[i] = (char)(i % 253);
	fcntl(p[1], F_SETPIPE_SZ, 8192);
	write(p[1], in, sizeof(in));
	read(p[0], out, sizeof(out));
	write(p[1], in, sizeof(in));
	check_err(fcntl(p[1], F_SETPIPE_SZ, 4096), EBUSY,
		  "F_SETPIPE_SZ below the 6000 bytes held: EBUSY");
	check(fcntl(p[1], F_SETPIPE_SZ, 16384) == 16384 && read(p[0], out, sizeof(out)) == 6000 &&
	      memcmp(in, out, sizeof(in)) == 0, "F_SETPIPE_SZ keeps the data held, in order");
	memset(in, 'x', sizeof(in));
	for (int i = 0; i < 2; i++)
		write(p[1], in, 6000);
	check(fcntl(p[1], F_SETPIPE_SZ, 4096 * 3) == 16384 && fcntl(p[1], F_SETPIPE_SZ, 65536) == 65536,
	      "F_SETPIPE_SZ 3 pages: rounded to 4, as full as it can be; then grown");
	close(fd);
	close(p[0]);
	close(p[1]);
}

/* SIGKILL ends a process blocked in a long write into a full pipe. */
static void pipe_write_killed(void)
{
	enum { TOTAL = 1 << 20 };
	static char buf[TOTAL];
	int p[2], status;

	pipe(p);
	pid_t pid = fork();
	if (pid == 0) {
		write(p[1], buf, TOTAL);
		_exit(0);
	}
	close(p[1]);
	char c;
	read(p[0], &c, 1); /* the writer is under way */
	kill(pid, SIGKILL);
	waitpid(pid, &status, 0);
	check(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL,
	      "SIGKILL ends a writer in the middle of a 1 MiB pipe write");
	close(p[0]);
}

static volatile sig_atomic_t got_usr1;

static void on_usr1(int sig)
{
	(void)sig;
	got_usr1 = 1;
}

/* A reader asleep on an empty pipe is woken by a signal: EINTR. */
static void pipe_read_interrupted(void)
{
	int p[2];
	struct sigaction sa = { 0 };

	pipe(p);
	sa.sa_handler = on_usr1; /* no SA_RESTART */
	sigaction(SIGUSR1, &sa, NULL);
	pid_t pid = fork();
	if (pid == 0) {
		char c;
		ssize_t n = read(p[0], &c, 1);
		_exit(n == -1 && errno == EINTR && got_usr1 ? 0 : 1);
	}
	/* Until the child ends: a signal that comes before it sleeps only
	 * runs the handler, so send another. */
	int status, done = 0;
	for (int i = 0; i < 200 && !done; i++) {
		kill(pid, SIGUSR1);
		usleep(20000);
		done = waitpid(pid, &status, WNOHANG) == pid;
	}
	if (!done) {
		kill(pid, SIGKILL);
		waitpid(pid, &status, 0);
	}
	check(done && WIFEXITED(status) && WEXITSTATUS(status) == 0,
	      "a signal wakes a reader of an empty pipe: EINTR");
	signal(SIGUSR1, SIG_DFL);
	close(p[0]);
	close(p[1]);
}

/* Raw system calls with pointers the kernel must refuse: EFAULT. */
static void bad_pointers(void)
{
	struct stat st;
	char buf[8];
	int fd = open_hello();
	struct iovec bad_base = { BAD, 4 };
	int before = lowest_free();

	check_err(syscall(SYS_read, fd, BAD, 4), EFAULT, "read into an unmapped buffer: EFAULT");
	check_err(syscall(SYS_read, fd, KERNEL, 4), EFAULT, "read into kernel memory: EFAULT");
	check(offset_of(fd) == 0, "a failed read leaves the offset alone");
	check_err(syscall(SYS_write, 1, BAD, 4), EFAULT, "write from an unmapped buffer: EFAULT");
	check_err(syscall(SYS_write, 1, KERNEL, 4), EFAULT, "write from kernel memory: EFAULT");
	check_err(syscall(SYS_open, BAD, O_RDONLY), EFAULT, "open with a bad path: EFAULT");
	check_err(syscall(SYS_openat, AT_FDCWD, KERNEL, O_RDONLY), EFAULT,
		  "openat with a bad path: EFAULT");
	check_err(syscall(SYS_stat, BAD, &st), EFAULT, "stat with a bad path: EFAULT");
	check_err(syscall(SYS_stat, "hello", BAD), EFAULT, "stat into a bad buffer: EFAULT");
	check_err(syscall(SYS_fstat, fd, BAD), EFAULT, "fstat into a bad buffer: EFAULT");
	check_err(syscall(SYS_fstat, fd, KERNEL), EFAULT, "fstat into kernel memory: EFAULT");
	check_err(syscall(SYS_newfstatat, AT_FDCWD, BAD, &st, 0), EFAULT,
		  "newfstatat with a bad path: EFAULT");
	check_err(syscall(SYS_newfstatat, AT_FDCWD, "hello", BAD, 0), EFAULT,
		  "newfstatat into a bad buffer: EFAULT");
	check_err(syscall(SYS_pread64, fd, BAD, 4, 0), EFAULT, "pread64 into a bad buffer: EFAULT");
	check_err(syscall(SYS_readv, fd, BAD, 1), EFAULT, "readv with a bad iovec array: EFAULT");
	check_err(syscall(SYS_readv, fd, &bad_base, 1), EFAULT, "readv into a bad buffer: EFAULT");
	check_err(syscall(SYS_writev, 1, BAD, 1), EFAULT, "writev with a bad iovec array: EFAULT");
	check_err(syscall(SYS_writev, 1, &bad_base, 1), EFAULT, "writev from a bad buffer: EFAULT");
	check_err(syscall(SYS_readv, fd, &bad_base, 1025), EINVAL, "readv of 1025 buffers: EINVAL");
	check_err(syscall(SYS_getcwd, BAD, 64), EFAULT, "getcwd into a bad buffer: EFAULT");
	check_err(syscall(SYS_chdir, BAD), EFAULT, "chdir with a bad path: EFAULT");
	check_err(syscall(SYS_pipe, BAD), EFAULT, "pipe into a bad array: EFAULT");
	check_err(syscall(SYS_pipe2, KERNEL, 0), EFAULT, "pipe2 into kernel memory: EFAULT");
	check(lowest_free() == before, "failed calls leave no descriptor behind");
	check(read(fd, buf, 4) == 4 && memcmp(buf, "\177ELF", 4) == 0, "and the file still reads");
	close(fd);
}

/* Every descriptor call with descriptors that are not open: EBADF. */
static void bad_descriptors(void)
{
	static const long fds[] = { -1, 99, NR_OPEN, 1000000 };
	struct stat st;
	char buf[4];
	struct iovec iov = { buf, 4 };

	for (size_t i = 0; i < sizeof(fds) / sizeof(fds[0]); i++) {
		long fd = fds[i];
		int all = 1;
		errno = 0;
		all &= syscall(SYS_read, fd, buf, 4) == -1 && errno == EBADF;
		all &= syscall(SYS_write, fd, buf, 4) == -1 && errno == EBADF;
		all &= syscall(SYS_close, fd) == -1 && errno == EBADF;
		all &= syscall(SYS_fstat, fd, &st) == -1 && errno == EBADF;
		all &= syscall(SYS_lseek, fd, 0, SEEK_SET) == -1 && errno == EBADF;
		all &= syscall(SYS_pread64, fd, buf, 4, 0) == -1 && errno == EBADF;
		all &= syscall(SYS_pwrite64, fd, buf, 4, 0) == -1 && errno == EBADF;
		all &= syscall(SYS_readv, fd, &iov, 1) == -1 && errno == EBADF;
		all &= syscall(SYS_writev, fd, &iov, 1) == -1 && errno == EBADF;
		all &= syscall(SYS_dup, fd) == -1 && errno == EBADF;
		all &= syscall(SYS_dup2, fd, 5) == -1 && errno == EBADF;
		all &= syscall(SYS_dup3, fd, 5, 0) == -1 && errno == EBADF;
		all &= syscall(SYS_fsync, fd) == -1 && errno == EBADF;
		all &= syscall(SYS_fdatasync, fd) == -1 && errno == EBADF;
		all &= syscall(SYS_newfstatat, fd, "", &st, AT_EMPTY_PATH) == -1 && errno == EBADF;
		all &= syscall(SYS_ioctl, fd, TIOCGWINSZ, buf) == -1 && errno == EBADF;
		char what[200];
		snprintf(what, sizeof(what), "fd %ld: read, write, close, fstat, lseek, pread64, "
			 "pwrite64, readv, writev, dup, dup2, dup3, fsync, fdatasync, newfstatat, "
			 "ioctl: EBADF", fd);
		check(all, what);
	}
	check(lowest_free() == 3, "no descriptor left open by the tests");
}

static void fcntl_calls(void)
{
	int fd = open("/bin/hello", O_RDONLY | O_CLOEXEC);

	check(fd >= 0 && fcntl(fd, F_GETFD) == FD_CLOEXEC, "open(O_CLOEXEC): F_GETFD says FD_CLOEXEC");
	check(fcntl(fd, F_SETFD, 0) == 0 && fcntl(fd, F_GETFD) == 0, "F_SETFD clears it");
	check((fcntl(fd, F_GETFL) & O_ACCMODE) == O_RDONLY, "F_GETFL: the access mode");
	int high = fcntl(fd, F_DUPFD, 100);
	check(high == 100, "F_DUPFD 100: the lowest free descriptor from 100");
	check(fcntl(fd, F_DUPFD_CLOEXEC, 100) == 101 && fcntl(101, F_GETFD) == FD_CLOEXEC,
	      "F_DUPFD_CLOEXEC: the next one, close-on-exec");
	int p[2];
	pipe(p);
	check(fcntl(p[0], F_SETFL, O_NONBLOCK) == 0 && (fcntl(p[0], F_GETFL) & O_NONBLOCK),
	      "F_SETFL O_NONBLOCK on a pipe");
	char c;
	check_err(read(p[0], &c, 1), EAGAIN, "then an empty pipe read: EAGAIN");
	check_err(fcntl(fd, F_DUPFD, NR_OPEN), EINVAL, "F_DUPFD beyond the table: EINVAL");
	check_err(fcntl(fd, 9999), EINVAL, "an unknown fcntl command: EINVAL");
	check_err(fcntl(300, F_GETFD), EBADF, "fcntl on a bad descriptor: EBADF");
	close(p[0]), close(p[1]), close(fd), close(100), close(101);
}

int main(int argc, char **argv)
{
	if (argc == 4 && strcmp(argv[1], "check-fds") == 0)
		return check_fds(atoi(argv[2]), atoi(argv[3]));

	if (chdir("/bin") != 0) {
		printf("FAIL: chdir(\"/bin\"), where the programs are\nfiles: 1 failed\n");
		return 1;
	}
	reading_a_file();
	naming_files();
	writing_files();
	the_root_directory();
	openat_and_newfstatat();
	the_console();
	descriptors();
	fork_shares_open_files();
	close_on_exec();
	pipes();
	pipe_blocking();
	pipe_atomic_writes();
	pipe_broken_and_nonblocking();
	pipe_read_interrupted();
	pipe_size();
	pipe_write_killed();
	bad_pointers();
	bad_descriptors();
	fcntl_calls();
	printf("files: %d failed\n", failures);
	return failures ? 1 : 0;
}
