/*
 * A minimal unit-test kit for host-compiled tests. A test is a void
 * function that makes CHECKs; run_test() prints "ok NAME" or "not ok NAME"
 * and finish() the suite's "N passed, N failed" line and exit status.
 */
#ifndef TESTS_UNIT_TEST_H
#define TESTS_UNIT_TEST_H

#include <stdbool.h>
#include <stdio.h>

static int passed, failed;
static bool current_failed;

/* Report a failed check with its source line; returns the condition. */
static inline bool check(bool ok, const char *what, const char *file, int line)
{
	if (!ok && !current_failed)
		printf("  check failed: %s (%s:%d)\n", what, file, line);
	if (!ok)
		current_failed = true;
	return ok;
}

#define CHECK(cond) check((cond), #cond, __FILE__, __LINE__)

static inline void run_test(const char *name, void (*fn)(void))
{
	current_failed = false;
	fn();
	printf("%s %s\n", current_failed ? "not ok" : "ok", name);
	if (current_failed)
		failed++;
	else
		passed++;
}

#define RUN(fn) run_test(#fn, fn)

static inline int finish(const char *suite)
{
	printf("%s: %d passed, %d failed\n", suite, passed, failed);
	return failed ? 1 : 0;
}

#endif
