/*
 * Random numbers (Linux: drivers/char/random.c, much reduced): a
 * splitmix64 generator that stirs in the time stamp counter at every
 * call. Unpredictable enough for what programs use it for here - stack
 * canaries (AT_RANDOM), hash seeds, temporary names - but not a
 * cryptographic generator: Antidote has no entropy pool.
 */
#include "kernel/errno.h"
#include "kernel/random.h"
#include "kernel/syscall.h"
#include "kernel/timer.h"
#include "kernel/uaccess.h"
#include "lib/string.h"

#define GRND_NONBLOCK 0x0001
#define GRND_RANDOM 0x0002
#define GRND_INSECURE 0x0004
#define CHUNK 256

static uint64_t state;

static uint64_t rdtsc(void)
{
	uint32_t lo, hi;

	__asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return ((uint64_t)hi << 32) | lo;
}

/* splitmix64 (Steele, Lea, Flood): a Weyl sequence through a mixer. */
static uint64_t next(void)
{
	state += 0x9e3779b97f4a7c15ULL ^ (rdtsc() << 32) ^ jiffies;
	uint64_t z = state;
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

void get_random_bytes(void *buf, size_t n)
{
	char *p = buf;

	while (n) {
		uint64_t v = next();
		size_t k = MIN(n, sizeof(v));
		memcpy(p, &v, k);
		p += k;
		n -= k;
	}
}

/* The pool is always ready, so no flag ever blocks; Linux's checks on
 * the flags are kept (INSECURE and RANDOM together are EINVAL). */
long sys_getrandom(uint64_t ubuf, uint64_t count, uint64_t flags)
{
	char chunk[CHUNK];
	uint64_t done = 0;

	if (flags & ~(uint64_t)(GRND_NONBLOCK | GRND_RANDOM | GRND_INSECURE))
		return -EINVAL;
	if ((flags & GRND_INSECURE) && (flags & GRND_RANDOM))
		return -EINVAL;
	if (count > 0x7ffff000)
		count = 0x7ffff000; /* Linux's MAX_RW_COUNT */
	while (done < count) {
		size_t n = MIN(count - done, sizeof(chunk));
		get_random_bytes(chunk, n);
		if (copy_to_user(ubuf + done, chunk, n))
			return done ? (long)done : -EFAULT;
		done += n;
	}
	return (long)done;
}
