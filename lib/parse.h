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

/*
 * Linux's number parsing for files (lib/kstrtox.c), which /proc and
 * debugfs writes go through. kstrtoull: the whole string (one trailing
 * newline allowed, and a leading '+') in base (0: "0x" hex, "0" octal,
 * else decimal): 0, or -EINVAL (not a number) or -ERANGE (too large),
 * leaving *res alone.
 */
int kstrtoull(const char *s, unsigned int base, uint64_t *res);
/* Linux's kstrtoint: the same for an int, with a leading '-' allowed;
 * -ERANGE outside INT_MIN..INT_MAX. */
int kstrtoint(const char *s, unsigned int base, int *res);
/* Base 0's choice for s (which it skips a "0x" of, for base 16). */
const char *parse_integer_fixup_radix(const char *s, unsigned int *base);
/* The digits of base at s, as many as there are: how many (0: none);
 * *overflow if the value did not fit in 64 bits. */
size_t parse_integer(const char *s, unsigned int base, uint64_t *res, bool *overflow);

#endif
