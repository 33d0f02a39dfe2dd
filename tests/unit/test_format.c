/*
 * lib/format.c against the C library's printf on the same inputs. The
 * Makefile builds kernel sources for the host with their C-library names
 * prefixed (snprintf becomes kernel_snprintf), so both live in one program.
 */
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "tests/unit/test.h"

int kernel_snprintf(char *buf, size_t size, const char *fmt, ...);

#define SAME(fmt, ...)                                                  \
	do {                                                            \
		char want[128], got[128];                               \
		int wn = snprintf(want, sizeof(want), fmt, __VA_ARGS__); \
		int gn = kernel_snprintf(got, sizeof(got), fmt, __VA_ARGS__); \
		CHECK(wn == gn);                                        \
		if (!CHECK(strcmp(want, got) == 0))                     \
			printf("  \"%s\": want '%s' got '%s'\n", fmt, want, got); \
	} while (0)

static void test_integers(void)
{
	SAME("%d %d %d", 0, -1, 2147483647);
	SAME("%i|%5d|%-5d|%05d", -42, 42, 42, -42);
	SAME("%u %lu %llu", 4000000000u, 18446744073709551615ul, 1ull << 63);
	SAME("%ld %lld", -9223372036854775807L - 1, -5LL);
	SAME("%zu", (size_t)12345);
	SAME("%o", 8);
}

static void test_hex(void)
{
	SAME("%x %X %lx", 0xabcu, 0xabcu, 0xffff888000000000ul);
	SAME("%016lx|%08x|%#x|%#06x", 0x1234ul, 0xbeefu, 0x10u, 0x10u);
	SAME("%#lx %#x", 0ul, 0u); /* C prints no 0x for zero */
	SAME("%#018lx", 0x100000ul);
}

static void test_strings_and_chars(void)
{
	SAME("[%s] [%10s] [%-10s] [%.3s]", "abc", "abc", "abc", "abcdef");
	SAME("%c%c%c", 'a', 'b', 'c');
	SAME("100%% %s", "sure");
	SAME("%*d|%-*d", 6, 7, 6, 7);
	SAME("[%.*s]", 2, "abcdef");
}

static void test_pointer(void)
{
	char got[64];

	kernel_snprintf(got, sizeof(got), "%p", (void *)0xffffffff80100000ul);
	CHECK(strcmp(got, "0xffffffff80100000") == 0);
}

static void test_truncation(void)
{
	char buf[8];
	int n = kernel_snprintf(buf, sizeof(buf), "%s", "0123456789");

	CHECK(n == 10); /* the length it would have had */
	CHECK(strcmp(buf, "0123456") == 0);
	CHECK(kernel_snprintf(NULL, 0, "%d", 12345) == 5);
	/* Cut in the middle of plain text, and of text after a conversion. */
	CHECK(kernel_snprintf(buf, sizeof(buf), "pfn %#lx", 0x1234UL) == 10);
	CHECK(strcmp(buf, "pfn 0x1") == 0);
	CHECK(kernel_snprintf(buf, sizeof(buf), "%d: dirty", 42) == 9);
	CHECK(strcmp(buf, "42: dir") == 0);
	CHECK(kernel_snprintf(NULL, 0, "pfn %#lx: %s", 0x1234UL, "dirty") == 17);
	CHECK(kernel_snprintf(buf, 1, "text") == 4 && buf[0] == '\0');
}

int main(void)
{
	RUN(test_integers);
	RUN(test_hex);
	RUN(test_strings_and_chars);
	RUN(test_pointer);
	RUN(test_truncation);
	return finish("unit format");
}
