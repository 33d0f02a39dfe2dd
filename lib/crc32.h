/* CRC-32 (IEEE 802.3, the polynomial of zlib, gzip and Ethernet). */
#ifndef LIB_CRC32_H
#define LIB_CRC32_H

#include "lib/types.h"

/* Linux's crc32_le: no inversion before or after, so that a long buffer
 * can be fed in pieces. zlib's crc32(0, buf, len) is
 * ~crc32_le(~0, buf, len). */
uint32_t crc32_le(uint32_t crc, const void *buf, size_t len);

#endif
