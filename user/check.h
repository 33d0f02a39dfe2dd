/*
 * What the user-space test suites share: check() and check_err() print
 * one "ok: ..." or "FAIL: ..." line per check, as tests/system reads
 * them, and count the failures; a suite ends with "NAME: N failed" and
 * exits non-zero if N > 0.
 */
#ifndef USER_CHECK_H
#define USER_CHECK_H

#include <errno.h>
#include <stdio.h>
#include <string.h>

static int failures;

static inline void check(int ok, const char *what)
{
	printf("%s: %s\n", ok ? "ok" : "FAIL", what);
	if (!ok)
		failures++;
}

/* ret must be -1 with errno err. */
static inline void check_err(long ret, int err, const char *what)
{
	int got = errno;

	if (ret == -1 && got == err) {
		printf("ok: %s\n", what);
		return;
	}
	printf("FAIL: %s (returned %ld, errno %d %s; wanted errno %d %s)\n", what, ret,
	       ret == -1 ? got : 0, ret == -1 ? strerror(got) : "", err, strerror(err));
	failures++;
}

#endif
