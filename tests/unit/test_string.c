/* lib/string.c against the C library (kernel versions are kernel_*). */
#define _GNU_SOURCE
#include <stddef.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "tests/unit/test.h"

void *kernel_memset(void *dst, int c, size_t n);
void *kernel_memcpy(void *dst, const void *src, size_t n);
void *kernel_memmove(void *dst, const void *src, size_t n);
int kernel_memcmp(const void *a, const void *b, size_t n);
size_t kernel_strlen(const char *s);
char *kernel_strchrnul(const char *s, int c);
void *kernel_memchr(const void *s, int c, size_t n);
int kernel_strcmp(const char *a, const char *b);
int kernel_strncmp(const char *a, const char *b, size_t n);
char *kernel_strchr(const char *s, int c);
size_t kernel_strlcpy(char *dst, const char *src, size_t size);

static int sign(int x)
{
	return (x > 0) - (x < 0);
}

static void test_memory(void)
{
	char a[32], b[32];

	kernel_memset(a, 'x', sizeof(a));
	memset(b, 'x', sizeof(b));
	CHECK(memcmp(a, b, sizeof(a)) == 0);
	kernel_memcpy(a, "hello", 6);
	CHECK(strcmp(a, "hello") == 0);
	strcpy(a, "abcdefgh");
	kernel_memmove(a + 2, a, 6); /* overlapping, forwards */
	CHECK(memcmp(a, "ababcdef", 8) == 0);
	strcpy(a, "abcdefgh");
	kernel_memmove(a, a + 2, 6); /* overlapping, backwards */
	CHECK(memcmp(a, "cdefghgh", 8) == 0);
	CHECK(sign(kernel_memcmp("abc", "abd", 3)) == sign(memcmp("abc", "abd", 3)));
	CHECK(kernel_memcmp("abc", "abc", 3) == 0);
}

/* A buffer of recognisable bytes: byte i is (i * 7 + seed) % 251. */
static void fill(unsigned char *buf, size_t n, unsigned seed)
{
	for (size_t i = 0; i < n; i++)
		buf[i] = (unsigned char)((i * 7 + seed) % 251);
}

#define AREA 600
#define MAX_LEN 300
#define MAX_ALIGN 16

/* Every length up to MAX_LEN at every alignment of both ends, checked
 * against the C library, including the bytes just outside the range. */
static void test_memset_memcpy_sizes(void)
{
	static unsigned char mine[AREA], ref[AREA], src[AREA];
	int bad = 0;

	fill(src, AREA, 3);
	for (size_t len = 0; len <= MAX_LEN; len++)
		for (size_t da = 0; da < MAX_ALIGN; da++)
			for (size_t sa = 0; sa < MAX_ALIGN; sa += 5) {
				fill(mine, AREA, 1);
				fill(ref, AREA, 1);
				kernel_memcpy(mine + da, src + sa, len);
				memcpy(ref + da, src + sa, len);
				bad += memcmp(mine, ref, AREA) != 0;
				CHECK(kernel_memset(mine + da, 0xa5 + (int)sa, len) == mine + da);
				memset(ref + da, 0xa5 + (int)sa, len);
				bad += memcmp(mine, ref, AREA) != 0;
			}
	CHECK(bad == 0);
	CHECK(kernel_memcpy(mine + 3, src, 17) == mine + 3);
}

/* memmove with the source and destination at every distance from -40 to
 * 40 bytes apart (overlapping both ways), every length and alignment. */
static void test_memmove_overlaps(void)
{
	static unsigned char mine[AREA], ref[AREA];
	int bad = 0;

	for (size_t len = 0; len <= MAX_LEN; len += 1 + len / 16)
		for (size_t base = 40; base < 40 + MAX_ALIGN; base++)
			for (int dist = -40; dist <= 40; dist++) {
				fill(mine, AREA, (unsigned)len);
				fill(ref, AREA, (unsigned)len);
				unsigned char *d = mine + base + dist;
				CHECK(kernel_memmove(d, mine + base, len) == d);
				memmove(ref + base + dist, ref + base, len);
				bad += memcmp(mine, ref, AREA) != 0;
			}
	CHECK(bad == 0);
}

static void test_strings(void)
{
	const char *pairs[][2] = { { "a", "b" }, { "b", "a" }, { "abc", "abc" },
				   { "ab", "abc" }, { "", "x" }, { "\xff", "a" } };
	for (size_t i = 0; i < sizeof(pairs) / sizeof(pairs[0]); i++) {
		CHECK(sign(kernel_strcmp(pairs[i][0], pairs[i][1])) ==
		      sign(strcmp(pairs[i][0], pairs[i][1])));
		CHECK(sign(kernel_strncmp(pairs[i][0], pairs[i][1], 2)) ==
		      sign(strncmp(pairs[i][0], pairs[i][1], 2)));
	}
	CHECK(kernel_strlen("") == 0 && kernel_strlen("four") == 4);
	const char *s = "key=value";
	CHECK(kernel_strchr(s, '=') == s + 3);
	CHECK(kernel_strchr(s, '#') == NULL);
	CHECK(kernel_strchr(s, '\0') == s + 9);
}

static void test_strlcpy(void)
{
	char buf[6];

	CHECK(kernel_strlcpy(buf, "abc", sizeof(buf)) == 3 && strcmp(buf, "abc") == 0);
	CHECK(kernel_strlcpy(buf, "abcdefgh", sizeof(buf)) == 8 && strcmp(buf, "abcde") == 0);
	buf[0] = 'z';
	CHECK(kernel_strlcpy(buf, "abc", 0) == 3 && buf[0] == 'z');
}

/*
 * The word-at-a-time searches (strchrnul, strlen, memchr) against a byte
 * loop: the byte sought at every position, strings at every alignment,
 * the bytes before an unaligned string, and strings that end just before
 * an inaccessible page - an aligned word read must never reach into it.
 */
static char buf[256];

/* The first c or the end, byte by byte. */
static const char *reference_strchrnul(const char *s, char c)
{
	while (*s && *s != c)
		s++;
	return s;
}

static void test_every_position_and_alignment(void)
{
	for (size_t start = 0; start < 16; start++) {
		for (size_t len = 0; len < 40; len++) {
			char *s = buf + start;
			memset(buf, 'a', sizeof(buf));
			s[len] = '\0';
			CHECK(kernel_strlen(s) == len);
			CHECK(kernel_strchrnul(s, '%') == s + len);
			for (size_t at = 0; at < len; at++) {
				s[at] = '%';
				CHECK(kernel_strchrnul(s, '%') == reference_strchrnul(s, '%'));
				CHECK(kernel_memchr(s, '%', len) == s + at);
				CHECK(kernel_memchr(s, '%', at) == NULL);
				s[at] = 'a';
			}
		}
	}
}

/* Bytes with the top bit set, and a byte just above the sought one, are
 * where a borrow could fool the test of a word. */
static void test_bytes_around_the_one_sought(void)
{
	const char text[] = "\x80\xff\x26\x24%\x01";

	CHECK(kernel_strchrnul(text, '%') == text + 4);
	CHECK(kernel_memchr(text, '%', sizeof(text)) == text + 4);
	CHECK(kernel_memchr(text, 0x01, sizeof(text)) == text + 5);
	CHECK(kernel_strchrnul(text, 0x7f) == text + 6);
	CHECK(kernel_strlen("\x80\x80\x80\x80\x80\x80\x80\x80\x81") == 9);
}

/* The bytes before an unaligned string share its first word: a zero or
 * a '%' there must neither count nor make its neighbour look like one. */
static void test_bytes_before_the_string(void)
{
	for (size_t start = 1; start < 8; start++) {
		char *s = buf + start;
		memset(buf, 0, start);
		memcpy(s, "\x01$\x01$abcdefghijkl", 17);
		CHECK(kernel_strlen(s) == 16);
		memset(buf, '%', start);
		CHECK(kernel_strchrnul(s, '%') == s + 16);
	}
}

static void test_string_at_the_end_of_a_page(void)
{
	long page = sysconf(_SC_PAGESIZE);
	char *map = mmap(NULL, 2 * page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (!CHECK(map != MAP_FAILED))
		return;
	CHECK(mprotect(map + page, page, PROT_NONE) == 0);
	for (size_t len = 0; len < 24; len++) {
		char *s = map + page - len - 1;
		memset(s, 'x', len);
		s[len] = '\0';
		CHECK(kernel_strlen(s) == len);
		CHECK(kernel_strchrnul(s, '\n') == s + len);
		CHECK(kernel_memchr(s, '\n', len + 1) == NULL);
	}
	munmap(map, 2 * page);
}

int main(void)
{
	RUN(test_memory);
	RUN(test_memset_memcpy_sizes);
	RUN(test_memmove_overlaps);
	RUN(test_strings);
	RUN(test_strlcpy);
	RUN(test_every_position_and_alignment);
	RUN(test_bytes_around_the_one_sought);
	RUN(test_bytes_before_the_string);
	RUN(test_string_at_the_end_of_a_page);
	return finish("unit string");
}
