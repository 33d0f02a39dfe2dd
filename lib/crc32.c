#include "lib/crc32.h"

#define CRC32_POLY_LE 0xedb88320u /* the polynomial, bits reversed */

/* A bit at a time: slow (8 steps a byte), but a table would be 1 KiB of
 * code to explain, and the console reads at most 64 KiB at once. */
uint32_t crc32_le(uint32_t crc, const void *buf, size_t len)
{
	const uint8_t *p = buf;

	while (len--) {
		crc ^= *p++;
		for (int bit = 0; bit < 8; bit++)
			crc = (crc >> 1) ^ (CRC32_POLY_LE & -(crc & 1));
	}
	return crc;
}
