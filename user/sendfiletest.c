/*
 * sendfile (fs/read_write.c): a file to a file, a pipe and the terminal,
 * at an offset or the file's own position, with Linux's results and
 * errors. Runs on Linux too. Usage: sendfiletest [DIR] (default /tmp).
 * Prints one line per check and "sendfiletest: N failed".
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sendfile.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "check.h"

#define BAD ((void *)8)
#define BIG (100 * 1024 + 17) /* several of the kernel's chunks, and a piece */

static char src[256], dst[256];
static char big[BIG], back[BIG];

static int make_source(void)
{
	for (int i = 0; i < BIG; i++)
		big[i] = (char)('a' + i % 23);
	int fd = open(src, O_RDWR | O_CREAT | O_TRUNC, 0644);
	if (write(fd, big, BIG) != BIG)
		return -1;
	return fd;
}

static int fresh_dest(int flags)
{
	return open(dst, O_RDWR | O_CREAT | O_TRUNC | flags, 0644);
}

static void test_file_to_file(int in)
{
	int out = fresh_dest(0);
	off_t off = 1000;

	lseek(in, 5, SEEK_SET);
	check(sendfile(out, in, &off, 300) == 300 && off == 1300,
	      "sendfile at an offset: 300 bytes, the offset moved on");
	check(lseek(in, 0, SEEK_CUR) == 5, "...the source's own position did not");
	check(lseek(out, 0, SEEK_CUR) == 300 && pread(out, back, 300, 0) == 300 &&
	      !memcmp(back, big + 1000, 300), "...the destination got them at its position");
	check(sendfile(out, in, NULL, 10) == 10 && lseek(in, 0, SEEK_CUR) == 15 &&
	      pread(out, back, 10, 300) == 10 && !memcmp(back, big + 5, 10),
	      "without an offset: from the source's position, which moves on");
	close(out);

	out = fresh_dest(0);
	off = 0;
	check(sendfile(out, in, &off, BIG + 1000) == BIG && off == BIG,
	      "a count past the end: the rest of the file");
	check(pread(out, back, BIG, 0) == BIG && !memcmp(back, big, BIG),
	      "...all of it, in the right order");
	check(sendfile(out, in, &off, 100) == 0, "at the end of the file: 0");
	off = 0;
	check(sendfile(out, in, &off, 0) == 0 && off == 0, "count 0: 0");
	close(out);
}

static void test_to_pipe_and_terminal(int in)
{
	int p[2];
	off_t off = 0;
	char buf[64];

	pipe(p);
	check(sendfile(p[1], in, &off, 40) == 40 && read(p[0], buf, sizeof(buf)) == 40 &&
	      !memcmp(buf, big, 40), "into a pipe: its reader gets the bytes");
	off = 0;
	check(sendfile(p[1], in, &off, BIG) == 65536 && off == 65536,
	      "into a pipe nobody reads yet: what fits (64 KiB), no waiting for more");
	check(read(p[0], back, BIG) == 65536 && !memcmp(back, big, 65536), "...and the reader gets it");
	check_err(sendfile(p[1], p[0], NULL, 10), EINVAL, "from a pipe: EINVAL");
	check_err(sendfile(p[1], p[0], &off, 10), ESPIPE, "from a pipe at an offset: ESPIPE");
	close(p[0]);
	close(p[1]);

	const char *line = "sendfile: this line went to the terminal\n";
	int fd = open(dst, O_RDWR | O_CREAT | O_TRUNC, 0644);
	write(fd, line, strlen(line));
	off = 0;
	check(sendfile(1, fd, &off, 1000) == (ssize_t)strlen(line), "to the terminal (stdout)");
	close(fd);
}

static void test_errors(int in)
{
	int ro = open(dst, O_RDONLY), wo = open(src, O_WRONLY), app = fresh_dest(O_APPEND);
	int dir = open("/", O_RDONLY | O_DIRECTORY), out = fresh_dest(0);
	off_t off = 0, neg = -1;

	check_err(sendfile(out, 99, NULL, 10), EBADF, "a closed in_fd: EBADF");
	check_err(sendfile(99, in, NULL, 10), EBADF, "a closed out_fd: EBADF");
	check_err(sendfile(out, wo, NULL, 10), EBADF, "in_fd not open for reading: EBADF");
	check_err(sendfile(ro, in, &off, 10), EBADF, "out_fd not open for writing: EBADF");
	check_err(sendfile(app, in, &off, 10), EINVAL, "out_fd with O_APPEND: EINVAL");
	check_err(sendfile(out, dir, NULL, 10), EINVAL, "from a directory: EINVAL");
	check_err(sendfile(out, in, &neg, 10), EINVAL, "a negative offset: EINVAL");
	check_err(sendfile(out, in, BAD, 10), EFAULT, "the offset at a bad pointer: EFAULT");
	check_err(syscall(SYS_sendfile, out, in, NULL, -1L), EINVAL,
		  "a count over SSIZE_MAX: EINVAL");
	check(lseek(out, 0, SEEK_END) == 0, "...and none of them wrote anything");
	close(ro);
	close(wo);
	close(app);
	close(dir);
	close(out);
}

int main(int argc, char **argv)
{
	const char *dir = argc > 1 ? argv[1] : "/tmp";

	setvbuf(stdout, NULL, _IONBF, 0);
	snprintf(src, sizeof(src), "%s/sendfile.src", dir);
	snprintf(dst, sizeof(dst), "%s/sendfile.dst", dir);
	int in = make_source();
	check(in >= 0, "a source file");
	test_file_to_file(in);
	test_to_pipe_and_terminal(in);
	test_errors(in);
	close(in);
	unlink(src);
	unlink(dst);
	printf("sendfiletest: %d failed\n", failures);
	return failures != 0;
}
