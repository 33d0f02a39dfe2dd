/* lib/crc32.c: the CRC the console's `blk read` prints, which tests
 * compare with Python's zlib.crc32. */
#include <string.h>

#include "lib/crc32.h"
#include "tests/unit/test.h"

static uint32_t zlib_crc32(const void *buf, size_t len)
{
	return ~crc32_le(~0u, buf, len);
}

static void test_check_value(void)
{
	CHECK(zlib_crc32("123456789", 9) == 0xcbf43926); /* the CRC-32 check value */
	CHECK(zlib_crc32("", 0) == 0);
}

static void test_pieces_give_the_whole(void)
{
	const char *s = "The quick brown fox jumps over the lazy dog";
	uint32_t crc = crc32_le(~0u, s, 10);

	crc = crc32_le(crc, s + 10, strlen(s) - 10);
	CHECK(~crc == 0x414fa339);
	CHECK(zlib_crc32(s, strlen(s)) == 0x414fa339);
}

int main(void)
{
	RUN(test_check_value);
	RUN(test_pieces_give_the_whole);
	return finish("crc32");
}
