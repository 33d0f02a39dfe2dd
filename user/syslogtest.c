/*
 * syslog(2) as dmesg uses it: the buffer size, READ_ALL's format and its
 * newest-lines-that-fit rule, CLEAR, SIZE_UNREAD and the argument checks.
 * Prints ok/FAIL per check and "syslogtest: N failed".
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "check.h"

#define SYSLOG_ACTION_READ 2
#define SYSLOG_ACTION_READ_ALL 3
#define SYSLOG_ACTION_CLEAR 5
#define SYSLOG_ACTION_CONSOLE_LEVEL 8
#define SYSLOG_ACTION_SIZE_UNREAD 9
#define SYSLOG_ACTION_SIZE_BUFFER 10

static long klog(int type, void *buf, long len)
{
	return syscall(SYS_syslog, type, buf, len);
}

/* Every line of text[0..n) looks like "<PRI>[    S.UUUUUU] ...". */
static int well_formed(const char *text, long n)
{
	for (long i = 0; i < n;) {
		unsigned pri, s, us;
		char close;
		if (sscanf(text + i, "<%u>[%u.%6u%c", &pri, &s, &us, &close) != 4 || close != ']' ||
		    pri > 191)
			return 0;
		const char *nl = memchr(text + i, '\n', (size_t)(n - i));
		if (!nl)
			return 0;
		i = nl - text + 1;
	}
	return 1;
}

int main(void)
{
	long size = klog(SYSLOG_ACTION_SIZE_BUFFER, NULL, 0);
	check(size == 128 * 1024, "SIZE_BUFFER is the 128 KiB log");
	char *all = malloc((size_t)size), *small = malloc(200);
	long n = klog(SYSLOG_ACTION_READ_ALL, all, size);
	check(n > 0 && well_formed(all, n), "READ_ALL: <PRI>[seconds.micros] lines");
	check(n > 0 && memmem(all, (size_t)n, "\n<6>[", 5), "boot messages at level 6 (info)");
	long m = klog(SYSLOG_ACTION_READ_ALL, small, 200);
	check(m > 0 && m <= 200 && well_formed(small, m) && !memcmp(small, all + n - m, (size_t)m),
	      "READ_ALL into a small buffer: the newest whole lines");
	check(klog(SYSLOG_ACTION_SIZE_UNREAD, NULL, 0) > 0, "SIZE_UNREAD: boot lines unread");
	errno = 0;
	check(klog(SYSLOG_ACTION_READ_ALL, NULL, 10) == -1 && errno == EINVAL, "NULL buffer: EINVAL");
	errno = 0;
	check(klog(SYSLOG_ACTION_READ_ALL, (void *)8, 4096) == -1 && errno == EFAULT,
	      "unmapped buffer: EFAULT");
	errno = 0;
	check(klog(SYSLOG_ACTION_CONSOLE_LEVEL, NULL, 9) == -1 && errno == EINVAL,
	      "CONSOLE_LEVEL 9: EINVAL");
	errno = 0;
	check(klog(11, NULL, 0) == -1 && errno == EINVAL, "action 11: EINVAL");
	long unread = klog(SYSLOG_ACTION_SIZE_UNREAD, NULL, 0);
	char first[100];
	long got = klog(SYSLOG_ACTION_READ, first, sizeof(first));
	check(got == (long)sizeof(first) && !memcmp(first, all, sizeof(first)),
	      "READ: the oldest unread bytes, consumed");
	check(klog(SYSLOG_ACTION_SIZE_UNREAD, NULL, 0) == unread - got, "SIZE_UNREAD less what READ took");
	check(klog(SYSLOG_ACTION_CLEAR, NULL, 0) == 0, "CLEAR");
	n = klog(SYSLOG_ACTION_READ_ALL, all, size);
	check(n == 0, "READ_ALL after CLEAR: nothing old");
	printf("syslogtest: %d failed\n", failures);
	return failures != 0;
}
