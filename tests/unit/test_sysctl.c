/* /proc/sys's integer rules (kernel/sysctl_int.c), as Linux 6.1's
 * proc_dointvec and proc_dointvec_minmax. */
#include <string.h>

#include "kernel/errno.h"
#include "kernel/sysctl.h"
#include "tests/unit/test.h"

static int value, pair[2];
static const int zero, one = 1;
static const struct ctl_table flag = { "vm.flag", &value, sizeof(int), 0644,
				       proc_dointvec_minmax, &zero, &one, "" };
static const struct ctl_table two = { "kernel.two", pair, sizeof(pair), 0644, proc_dointvec,
				      NULL, NULL, "" };

/* Write text at offset pos: the handler's result; *done the bytes taken. */
static int write_at(const struct ctl_table *t, const char *text, int64_t pos, size_t *done)
{
	char buf[64];
	size_t len = strlen(text);

	memcpy(buf, text, len + 1);
	*done = len;
	return t->proc_handler(t, 1, buf, done, &pos);
}

static int write_text(const struct ctl_table *t, const char *text)
{
	size_t done;

	return write_at(t, text, 0, &done);
}

static void test_minmax_accepts_what_linux_accepts(void)
{
	size_t done;

	value = 0;
	CHECK(write_at(&flag, "1\n", 0, &done) == 0 && value == 1 && done == 2);
	CHECK(write_text(&flag, "0") == 0 && value == 0);
	CHECK(write_text(&flag, "  1  \n") == 0 && value == 1);
	CHECK(write_text(&flag, "0x0") == 0 && value == 0);
	CHECK(write_text(&flag, "-0") == 0 && value == 0);
	CHECK(write_text(&flag, "") == 0 && value == 0); /* nothing written: nothing to refuse */
}

static void test_minmax_refuses_and_changes_nothing(void)
{
	const char *bad[] = { "2", "-1", "abc", "\n", " ", "1abc", "0x", "99999999999",
			      "1111111111111111111111" };
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		value = 1;
		CHECK(write_text(&flag, bad[i]) == -EINVAL);
		CHECK(value == 1);
	}
}

static void test_vectors(void)
{
	char buf[64];
	size_t len = sizeof(buf);
	int64_t pos = 0;

	CHECK(write_text(&two, "7 -4\n") == 0 && pair[0] == 7 && pair[1] == -4);
	CHECK(write_text(&two, "3") == 0 && pair[0] == 3 && pair[1] == -4); /* the first only */
	CHECK(two.proc_handler(&two, 0, buf, &len, &pos) == 0);
	CHECK(len == 5 && !memcmp(buf, "3\t-4\n", 5) && pos == 5);
	CHECK(write_text(&two, "2147483648") == -EINVAL && pair[0] == 3);
	CHECK(write_text(&two, "-2147483648") == 0 && pair[0] == -2147483647 - 1);
}

/* The whole value comes in the first read; later offsets read nothing,
 * and writes there are taken and ignored. */
static void test_offsets(void)
{
	char buf[64];
	size_t len = sizeof(buf), done;
	int64_t pos = 3;

	value = 1;
	CHECK(flag.proc_handler(&flag, 0, buf, &len, &pos) == 0 && len == 0);
	CHECK(write_at(&flag, "0", 1, &done) == 0 && done == 1 && value == 1);
	len = 1;
	pos = 0;
	CHECK(flag.proc_handler(&flag, 0, buf, &len, &pos) == 0 && len == 1 && buf[0] == '1');
}

int main(void)
{
	RUN(test_minmax_accepts_what_linux_accepts);
	RUN(test_minmax_refuses_and_changes_nothing);
	RUN(test_vectors);
	RUN(test_offsets);
	return finish("unit sysctl");
}
