/*
 * The page contents the swap tests check (user/swaptest.c,
 * user/shmswaptest.c, user/swapstress.c, user/mfswap.c): each word computed from its page's number, its
 * place in the page and a seed, so a page that comes back wrong -
 * another page's, stale, zeroed - is found.
 */
#ifndef USER_PATTERN_H
#define USER_PATTERN_H

#include <stdint.h>

#define PAGE 4096UL
#define WORDS (PAGE / sizeof(uint64_t))

static inline uint64_t word(unsigned long page, unsigned long i, uint64_t seed)
{
	return (((uint64_t)page << 20) | i) * 0x9e3779b97f4a7c15ULL ^ seed;
}

static inline void fill(uint64_t *mem, unsigned long pages, uint64_t seed)
{
	for (unsigned long p = 0; p < pages; p++)
		for (unsigned long i = 0; i < WORDS; i++)
			mem[p * WORDS + i] = word(p, i, seed);
}

#endif
