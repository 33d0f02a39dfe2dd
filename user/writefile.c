/*
 * writefile PATH KIB: create PATH and write KIB KiB of a known pattern
 * to it with plain write()s - no fsync, so the data is left dirty in the
 * page cache for the kernel to write back (the console's `cache` shows
 * it). Prints "writefile: N bytes" or why it failed.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	char block[1024];

	if (argc != 3) {
		fprintf(stderr, "usage: writefile PATH KIB\n");
		return 2;
	}
	long kib = atol(argv[2]);
	int fd = open(argv[1], O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd < 0) {
		printf("writefile: %s: %s\n", argv[1], strerror(errno));
		return 1;
	}
	long total = 0;
	for (long i = 0; i < kib; i++) {
		for (size_t j = 0; j < sizeof(block); j++)
			block[j] = (char)((i * sizeof(block) + j) * 7 + 1);
		if (write(fd, block, sizeof(block)) != (ssize_t)sizeof(block)) {
			printf("writefile: write: %s\n", strerror(errno));
			return 1;
		}
		total += sizeof(block);
	}
	close(fd);
	printf("writefile: %ld bytes\n", total);
	return 0;
}
