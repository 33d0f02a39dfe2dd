/* Strict number parsing for console arguments: a whole word or an error. */
#ifndef LIB_PARSE_H
#define LIB_PARSE_H

#include "lib/types.h"

/*
 * Parse a decimal or 0x-prefixed hexadecimal number that fills the whole
 * string. Returns false (and leaves *out alone) for an empty string, stray
 * characters, or a value that does not fit in 64 bits.
 */
bool parse_u64(const char *s, uint64_t *out);

#endif
