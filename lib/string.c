/*
 * The C string and memory functions. memset, memcpy and memmove move
 * eight bytes at a time with the string instructions (rep stosq, rep
 * movsq) and finish the last few bytes one by one. A byte loop would be
 * simpler but is slow, and under QEMU's TCG every store into a frame that
 * once held code costs a translation-cache check: fewer, wider stores
 * matter there most. The rest stay byte-at-a-time: obviously correct and
 * never on a hot path.
 */
#include "lib/string.h"

void *memset(void *dst, int c, size_t n)
{
	uint64_t pattern = (uint64_t)(unsigned char)c * 0x0101010101010101ULL;
	void *d = dst;
	size_t words = n / 8, bytes = n % 8;

	__asm__ volatile("rep stosq" : "+D"(d), "+c"(words) : "a"(pattern) : "memory");
	__asm__ volatile("rep stosb" : "+D"(d), "+c"(bytes) : "a"(pattern) : "memory");
	return dst;
}

void *memcpy(void *dst, const void *src, size_t n)
{
	void *d = dst;
	size_t words = n / 8, bytes = n % 8;

	__asm__ volatile("rep movsq" : "+D"(d), "+S"(src), "+c"(words) : : "memory");
	__asm__ volatile("rep movsb" : "+D"(d), "+S"(src), "+c"(bytes) : : "memory");
	return dst;
}

/*
 * A forward copy is safe whenever the destination starts below the
 * source: each store lands on bytes already read. Otherwise, if the two
 * overlap, copy from the end down: first the odd bytes at the top, then
 * whole words, with the direction flag set (and cleared again, as the
 * ABI wants it).
 */
void *memmove(void *dst, const void *src, size_t n)
{
	unsigned char *d = dst;
	const unsigned char *s = src;
	size_t words = n / 8, bytes = n % 8;

	if (d <= s || d >= s + n)
		return memcpy(dst, src, n);
	while (bytes--) {
		n--;
		d[n] = s[n];
	}
	if (!words)
		return dst;
	void *dw = d + n - 8;
	const void *sw = s + n - 8;
	__asm__ volatile("std\n\trep movsq\n\tcld"
			 : "+D"(dw), "+S"(sw), "+c"(words) : : "memory");
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
