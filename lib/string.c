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
	while (n--)
		*d++ = *s++;
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

size_t strlen(const char *s)
{
	size_t n = 0;

	while (s[n])
		n++;
	return n;
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
