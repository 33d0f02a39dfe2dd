/* Console number parsing (lib/parse.c) and the kernel command line
 * (kernel/cmdline.c). */
#include <string.h>

#include "kernel/cmdline.h"
#include "kernel/errno.h"
#include "lib/parse.h"
#include "tests/unit/test.h"

static void test_numbers(void)
{
	uint64_t v = 99;

	CHECK(parse_u64("0", &v) && v == 0);
	CHECK(parse_u64("4096", &v) && v == 4096);
	CHECK(parse_u64("0x1f", &v) && v == 31);
	CHECK(parse_u64("0XFF", &v) && v == 255);
	CHECK(parse_u64("18446744073709551615", &v) && v == UINT64_MAX);
	CHECK(parse_u64("0xffffffffffffffff", &v) && v == UINT64_MAX);
}

static void test_bad_numbers_change_nothing(void)
{
	const char *bad[] = { "", "0x", "12x", "x12", "-1", " 1", "1 ", "0x1g",
			      "18446744073709551616", "0x10000000000000000", "abc" };
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		uint64_t v = 77;
		CHECK(!parse_u64(bad[i], &v));
		CHECK(v == 77);
	}
}

static void test_cmdline(void)
{
	cmdline_init("console=ttyS0  quiet init=/bin/sh vm.x=1 vm.x=2");
	CHECK(strcmp(cmdline_get("console"), "ttyS0") == 0);
	CHECK(strcmp(cmdline_get("quiet"), "") == 0);
	CHECK(strcmp(cmdline_get("init"), "/bin/sh") == 0);
	CHECK(strcmp(cmdline_get("vm.x"), "2") == 0); /* the last one wins */
	CHECK(cmdline_get("missing") == NULL);
	CHECK(cmdline_get("consol") == NULL);
	CHECK(cmdline_position("console") == 0 && cmdline_position("quiet") == 1);
	CHECK(cmdline_position("vm.x") == 4); /* the last one */
	CHECK(cmdline_position("missing") == -1);
	CHECK(strcmp(cmdline_text(), "console=ttyS0  quiet init=/bin/sh vm.x=1 vm.x=2") == 0);
	CHECK(cmdline_after_dashes() == NULL);
	cmdline_init("console=ttyS0 init=/usertests -- -v fast=1");
	CHECK(strcmp(cmdline_get("init"), "/usertests") == 0);
	CHECK(cmdline_get("fast") == NULL); /* after "--": init's, not ours */
	CHECK(strcmp(cmdline_after_dashes(), "-v fast=1") == 0);
	cmdline_init("a=--b --");
	CHECK(strcmp(cmdline_get("a"), "--b") == 0);
	CHECK(strcmp(cmdline_after_dashes(), "") == 0);
	cmdline_init("");
	CHECK(cmdline_get("console") == NULL);
}

/* Linux's kstrtoull: what debugfs and /proc number files accept. */
static void test_kstrtoull(void)
{
	uint64_t v = 5;

	CHECK(kstrtoull("42", 0, &v) == 0 && v == 42);
	CHECK(kstrtoull("42\n", 0, &v) == 0 && v == 42);
	CHECK(kstrtoull("+7", 0, &v) == 0 && v == 7);
	CHECK(kstrtoull("0x1F", 0, &v) == 0 && v == 31);
	CHECK(kstrtoull("010", 0, &v) == 0 && v == 8);      /* octal, as Linux */
	CHECK(kstrtoull("1f", 16, &v) == 0 && v == 31);
	CHECK(kstrtoull("0xffffffffffffffff", 0, &v) == 0 && v == UINT64_MAX);
	v = 5;
	CHECK(kstrtoull("18446744073709551616", 0, &v) == -ERANGE && v == 5);
	const char *bad[] = { "", "\n", "abc", "-1", " 1", "1 ", "1\n\n", "0x", "08", "12abc" };
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		CHECK(kstrtoull(bad[i], 0, &v) == -EINVAL);
		CHECK(v == 5);
	}
}

int main(void)
{
	RUN(test_numbers);
	RUN(test_bad_numbers_change_nothing);
	RUN(test_cmdline);
	RUN(test_kstrtoull);
	return finish("unit parse");
}
