/*
 * Where a page of ours is in physical memory, as root reads it: the
 * frame from /proc/self/pagemap (bit 63 present, bits 0-54 the frame)
 * and that frame's /proc/kpageflags word. The suites that arm, poison or
 * collapse a frame by number share it.
 */
#ifndef USER_PAGEMAP_H
#define USER_PAGEMAP_H

#include <fcntl.h>
#include <stdint.h>
#include <unistd.h>

/* Word index of path (8 bytes each), or 0 if it cannot be read. */
static inline uint64_t read_word(const char *path, uint64_t index)
{
	uint64_t word = 0;
	int fd = open(path, O_RDONLY);

	if (fd < 0 || pread(fd, &word, 8, (off_t)(index * 8)) != 8)
		word = 0;
	if (fd >= 0)
		close(fd);
	return word;
}

/* The frame behind va, or 0 if it is not in memory. */
static inline uint64_t pfn_of(const void *va)
{
	uint64_t pm = read_word("/proc/self/pagemap", (uintptr_t)va / 4096);

	return pm >> 63 ? pm & ((1ULL << 55) - 1) : 0;
}

/* The 2 MiB at va are one transparent huge page: 512 contiguous frames
 * from one on 2 MiB, kpageflags THP. */
static inline int is_huge_page(const char *va)
{
	uint64_t first = pfn_of(va);

	if (!first || first % 512 || !(read_word("/proc/kpageflags", first) & (1ULL << 22)))
		return 0; /* (bit 22: KPF_THP) */
	for (unsigned long p = 1; p < 512; p++)
		if (pfn_of(va + p * 4096) != first + p)
			return 0;
	return 1;
}

#endif
