/*
 * The C string and memory functions. memset, memcpy and memmove move
 * eight bytes at a time, eight words per loop turn, and finish the last
 * few bytes one by one. A byte loop would be simpler but is slow: under
 * QEMU's TCG each loop turn is a pass through a translated block, and
 * every store into a frame that once held code costs a check of the
 * translation cache, so fewer, wider stores and fewer turns matter most.
 * (Measured under TCG on 4 KiB: this loop takes about 60% of the time of
 * rep stosq/movsq, which TCG runs one element per pass.) The rest stay
 * byte-at-a-time: obviously correct and never on a hot path.
 */
#include "lib/string.h"

/* A 64-bit word at any address, which may alias anything: C otherwise
 * forbids reading a char buffer through a uint64_t. On x86 an unaligned
 * word access is an ordinary mov. */
typedef uint64_t __attribute__((may_alias, aligned(1))) word_t;
/* The same, at an address that is a multiple of 8. */
typedef uint64_t __attribute__((may_alias)) aligned_word_t;
typedef uint32_t __attribute__((may_alias, aligned(1))) word32_t;
typedef uint16_t __attribute__((may_alias, aligned(1))) word16_t;

void *memset(void *dst, int c, size_t n)
{
	uint64_t pattern = (uint64_t)(unsigned char)c * 0x0101010101010101ULL;
	unsigned char *d = dst;

	for (; n >= 64; n -= 64, d += 64) {
		word_t *w = (word_t *)d;
		w[0] = pattern, w[1] = pattern, w[2] = pattern, w[3] = pattern;
		w[4] = pattern, w[5] = pattern, w[6] = pattern, w[7] = pattern;
	}
	for (; n >= 8; n -= 8, d += 8)
		*(word_t *)d = pattern;
	while (n--)
		*d++ = (unsigned char)c;
	return dst;
}

/* Forwards. Also right for overlapping areas when dst is below src: each
 * word is read before anything is stored over it. */
static void copy_forwards(unsigned char *d, const unsigned char *s, size_t n)
{
	for (; n >= 64; n -= 64, d += 64, s += 64) {
		word_t *w = (word_t *)d;
		const word_t *r = (const word_t *)s;
		w[0] = r[0], w[1] = r[1], w[2] = r[2], w[3] = r[3];
		w[4] = r[4], w[5] = r[5], w[6] = r[6], w[7] = r[7];
	}
	for (; n >= 8; n -= 8, d += 8, s += 8)
		*(word_t *)d = *(const word_t *)s;
	/* The last 0-7 bytes in at most three moves, not a loop: most of
	 * the kernel's copies are short (a message's pieces, names). */
	if (n >= 4) {
		*(word32_t *)d = *(const word32_t *)s;
		d += 4, s += 4, n -= 4;
	}
	if (n >= 2) {
		*(word16_t *)d = *(const word16_t *)s;
		d += 2, s += 2, n -= 2;
	}
	if (n)
		*d = *s;
}

void *memcpy(void *dst, const void *src, size_t n)
{
	copy_forwards(dst, src, n);
	return dst;
}

/* If dst lies inside [src, src + n), copy from the end down, so that no
 * byte is overwritten before it is read. */
void *memmove(void *dst, const void *src, size_t n)
{
	unsigned char *d = dst;
	const unsigned char *s = src;

	if (d <= s || d >= s + n) {
		copy_forwards(d, s, n);
		return dst;
	}
	for (; n >= 8; n -= 8)
		*(word_t *)(d + n - 8) = *(const word_t *)(s + n - 8);
	while (n--)
		d[n] = s[n];
	return dst;
}

int memcmp(const void *a, const void *b, size_t n)
{
	const unsigned char *x = a, *y = b;

	for (; n; n--, x++, y++)
		if (*x != *y)
			return *x - *y;
	return 0;
}

/*
 * Searching a word at a time (Linux: include/asm-generic/word-at-a-time.h):
 * every kernel message is scanned for its '%'s while it is formatted and
 * for its newlines while it is logged, and a byte loop costs five or six
 * instructions a character. In zero_bytes(x) the 0x80 bit of each byte of
 * x that is zero is set: subtracting 1 from a zero byte borrows and sets
 * its top bit, which ~x keeps only where that bit was clear in x. A borrow
 * can also mark the byte above a zero byte, so only the lowest marked byte
 * is sure - which is the one a search wants. x ^ (c * ONES) has a zero
 * byte where x has c.
 */
#define ONES 0x0101010101010101ULL
#define HIGHS 0x8080808080808080ULL

static uint64_t zero_bytes(uint64_t x)
{
	return (x - ONES) & ~x & HIGHS;
}

/* The index of the lowest marked byte of a zero_bytes() result. */
static size_t first_marked(uint64_t marks)
{
	return (size_t)__builtin_ctzll(marks) / 8;
}

/*
 * The first c or the terminating '\0' of s (Linux: strchrnul), a word at a
 * time. The words are read at multiples of 8, so none crosses into the
 * next page: the first may hold bytes before s, and the last bytes after
 * the terminator, which are not the string's but safe to read (the
 * sanitizers of the host unit tests would call both an overflow, hence
 * the attribute). The bytes before s - the first word's low bytes, x86
 * being little-endian - are set to 0xff in both tests: then they match
 * nothing, and never borrow into s's bytes.
 */
__attribute__((no_sanitize_address))
char *strchrnul(const char *s, int c)
{
	uint64_t pattern = (unsigned char)c * ONES;
	unsigned skip = (uintptr_t)s % 8;
	const aligned_word_t *w = (const aligned_word_t *)(const void *)(s - skip);
	uint64_t before = skip ? ~0ULL >> (64 - 8 * skip) : 0;
	uint64_t marks = zero_bytes(*w | before) | zero_bytes((*w ^ pattern) | before);

	while (!marks) {
		w++;
		marks = zero_bytes(*w) | zero_bytes(*w ^ pattern);
	}
	return (char *)w + first_marked(marks);
}

size_t strlen(const char *s)
{
	return (size_t)(strchrnul(s, '\0') - s);
}

/* The first c in the n bytes at s, or NULL; a word at a time, never
 * reading past the n bytes. */
void *memchr(const void *s, int c, size_t n)
{
	const unsigned char *p = s;
	unsigned char ch = (unsigned char)c;
	uint64_t pattern = ch * ONES;

	for (; n >= 8; n -= 8, p += 8) {
		uint64_t marks = zero_bytes(*(const word_t *)p ^ pattern);
		if (marks)
			return (void *)(p + first_marked(marks));
	}
	for (; n; n--, p++)
		if (*p == ch)
			return (void *)p;
	return NULL;
}

int strcmp(const char *a, const char *b)
{
	while (*a && *a == *b)
		a++, b++;
	return (unsigned char)*a - (unsigned char)*b;
}

int strncmp(const char *a, const char *b, size_t n)
{
	for (; n; n--, a++, b++) {
		if (*a != *b)
			return (unsigned char)*a - (unsigned char)*b;
		if (!*a)
			return 0;
	}
	return 0;
}

char *strchr(const char *s, int c)
{
	for (; *s; s++)
		if (*s == (char)c)
			return (char *)s;
	return c ? NULL : (char *)s;
}

char *strrchr(const char *s, int c)
{
	const char *last = NULL;

	for (;; s++) {
		if (*s == (char)c)
			last = s;
		if (!*s)
			return (char *)last;
	}
}

/* Copy with truncation; the result is always terminated (when size > 0). */
size_t strlcpy(char *dst, const char *src, size_t size)
{
	size_t len = strlen(src);

	if (size) {
		size_t n = len < size - 1 ? len : size - 1;
		memcpy(dst, src, n);
		dst[n] = '\0';
	}
	return len;
}
