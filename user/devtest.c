/*
 * /dev as on Linux: null, zero, full, tty, console and kmsg (the kernel
 * log, as dmesg and systemd read it). Prints ok/FAIL per check and
 * "devtest: N failed".
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check.h"

static void check_node(const char *path, unsigned major, unsigned minor)
{
	struct stat st;
	char what[64];

	snprintf(what, sizeof(what), "%s is character device %u:%u", path, major, minor);
	check(stat(path, &st) == 0 && S_ISCHR(st.st_mode) && major(st.st_rdev) == major &&
	      minor(st.st_rdev) == minor, what);
}

static void check_memory_devices(void)
{
	char buf[64];
	int fd = open("/dev/null", O_RDWR);

	check(read(fd, buf, sizeof(buf)) == 0, "/dev/null: read gives end of file");
	check(write(fd, buf, sizeof(buf)) == sizeof(buf), "/dev/null: write takes everything");
	close(fd);
	fd = open("/dev/zero", O_RDWR);
	memset(buf, 7, sizeof(buf));
	int zeros = read(fd, buf, sizeof(buf)) == sizeof(buf);
	for (size_t i = 0; i < sizeof(buf); i++)
		zeros &= buf[i] == 0;
	check(zeros, "/dev/zero: reads zeros");
	check(write(fd, buf, 10) == 10, "/dev/zero: write takes everything");
	close(fd);
	fd = open("/dev/full", O_RDWR);
	check(write(fd, buf, 10) == -1 && errno == ENOSPC, "/dev/full: write fails with ENOSPC");
	check(read(fd, buf, 10) == 10 && buf[0] == 0, "/dev/full: reads zeros");
	close(fd);
	check_node("/dev/null", 1, 3);
	check_node("/dev/zero", 1, 5);
	check_node("/dev/full", 1, 7);
	check_node("/dev/kmsg", 1, 11);
	check_node("/dev/tty", 5, 0);
	check_node("/dev/console", 5, 1);
	struct stat st;
	check(stat("/dev/vda", &st) == 0 && S_ISBLK(st.st_mode), "/dev/vda: the disk, a block device");
	fd = open("/dev/tty", O_WRONLY);
	check(write(fd, "devtest: via /dev/tty\n", 22) == 22, "/dev/tty writes to the console");
	close(fd);
}

/* One record: "PRI,SEQ,TS,-;text\n". */
static int parse_record(const char *rec, unsigned *pri, unsigned long long *seq, const char **text)
{
	unsigned long long ts;
	int n = 0;

	if (sscanf(rec, "%u,%llu,%llu,-;%n", pri, seq, &ts, &n) != 3 || !n)
		return 0;
	*text = rec + n;
	return 1;
}

static void check_kmsg(void)
{
	char rec[2048];
	unsigned pri;
	unsigned long long seq, seq2;
	const char *text;
	int fd = open("/dev/kmsg", O_RDWR | O_NONBLOCK);

	ssize_t n = read(fd, rec, sizeof(rec) - 1);
	rec[n > 0 ? n : 0] = '\0';
	check(n > 0 && rec[n - 1] == '\n' && parse_record(rec, &pri, &seq, &text) && seq == 0 &&
	      pri <= 7, "kmsg: the first record, PRI,SEQ,TIMESTAMP,-;text: seq 0, a kernel level");
	n = read(fd, rec, sizeof(rec) - 1);
	rec[n > 0 ? n : 0] = '\0';
	check(n > 0 && parse_record(rec, &pri, &seq2, &text) && seq2 == 1, "kmsg: one record per read");
	check(read(fd, rec, 5) == -1 && errno == EINVAL, "kmsg: a buffer too small: EINVAL");
	check(lseek(fd, 0, SEEK_END) == 0, "kmsg: SEEK_END");
	check(read(fd, rec, sizeof(rec)) == -1 && errno == EAGAIN, "kmsg: at the end, O_NONBLOCK: EAGAIN");
	check(lseek(fd, 1, SEEK_SET) == -1 && errno == ESPIPE, "kmsg: seek to an offset: ESPIPE");
	const char *line = "<5>devtest: hello\tkmsg\n";
	check(write(fd, line, strlen(line)) == (ssize_t)strlen(line), "kmsg: write a line");
	n = read(fd, rec, sizeof(rec) - 1);
	rec[n > 0 ? n : 0] = '\0';
	check(n > 0 && parse_record(rec, &pri, &seq, &text) && pri == 13 &&
	      !strcmp(text, "devtest: hello\\x09kmsg\n"),
	      "kmsg: our line back: user facility, level 5, the tab escaped");
	check(lseek(fd, 0, SEEK_SET) == 0 && read(fd, rec, sizeof(rec) - 1) > 0 &&
	      parse_record(rec, &pri, &seq, &text) && seq == 0, "kmsg: SEEK_SET: the oldest again");
	/* A reader left behind while the ring wraps. */
	int behind = open("/dev/kmsg", O_RDONLY | O_NONBLOCK);
	for (int i = 0; i < 6000; i++) {
		char msg[64];
		int len = snprintf(msg, sizeof(msg), "<7>devtest: filler %d", i);
		write(fd, msg, (size_t)len);
	}
	check(read(behind, rec, sizeof(rec)) == -1 && errno == EPIPE, "kmsg: overwritten records: EPIPE");
	n = read(behind, rec, sizeof(rec) - 1);
	rec[n > 0 ? n : 0] = '\0';
	check(n > 0 && parse_record(rec, &pri, &seq, &text) && seq > 0, "kmsg: then on from the oldest left");
	close(behind);
	char *bad = (char *)8;
	check(lseek(fd, 0, SEEK_SET) == 0 && read(fd, bad, 1024) == -1 && errno == EFAULT,
	      "kmsg: a bad buffer: EFAULT");
	check(write(fd, bad, 10) == -1 && errno == EFAULT, "kmsg: writing from a bad buffer: EFAULT");
	close(fd);
}

/* A blocking reader at the end wakes for the next record. */
static void check_kmsg_wait(void)
{
	char rec[2048];
	unsigned pri;
	unsigned long long seq;
	const char *text;
	int fd = open("/dev/kmsg", O_RDONLY);

	lseek(fd, 0, SEEK_END);
	pid_t child = fork();
	if (child == 0) {
		usleep(100000);
		int w = open("/dev/kmsg", O_WRONLY);
		write(w, "<7>devtest: wake up", 19);
		_exit(0);
	}
	ssize_t n = read(fd, rec, sizeof(rec) - 1);
	rec[n > 0 ? n : 0] = '\0';
	check(n > 0 && parse_record(rec, &pri, &seq, &text) && !strcmp(text, "devtest: wake up\n"),
	      "kmsg: a read at the end waits for the next record");
	waitpid(child, NULL, 0);
	close(fd);
}

int main(void)
{
	check_memory_devices();
	check_kmsg();
	check_kmsg_wait();
	printf("devtest: %d failed\n", failures);
	return failures != 0;
}
