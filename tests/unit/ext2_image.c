/*
 * Disk images for the ext2 host tests: made by Debian's mke2fs -d from one
 * source tree, checked by e2fsck -fn and read back by debugfs, in a
 * directory of their own under /tmp.
 */
#include "tests/unit/ext2_image.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/unit/ext2_host.h"
#include "tests/unit/host_kernel.h"

char workdir[64];
char image[128];

void sh(const char *fmt, ...)
{
	char cmd[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	if (system(cmd) != 0) {
		fprintf(stderr, "failed: %s\n", cmd);
		exit(2);
	}
}

/* The byte at offset i of test file `seed`: not zero, not repeating
 * within a block, so a misplaced block shows. */
unsigned char pattern(unsigned int seed, uint64_t i)
{
	uint64_t x = (i + 1) * 0x9E3779B97F4A7C15ULL ^ seed * 0xBF58476D1CE4E5B9ULL;

	return (unsigned char)((x >> 29) | 1);
}

void *pattern_buf(unsigned int seed, uint64_t off, size_t len)
{
	unsigned char *buf = malloc(len);

	for (size_t i = 0; i < len; i++)
		buf[i] = pattern(seed, off + i);
	return buf;
}

static void write_host_file(const char *path, unsigned int seed, size_t len)
{
	FILE *f = fopen(path, "wb");
	void *buf = pattern_buf(seed, 0, len);

	fwrite(buf, 1, len, f);
	fclose(f);
	free(buf);
}

/* The source tree every image starts from. */
static void make_source(void)
{
	char path[256];

	snprintf(path, sizeof(path), "%s/src/sub/deeper", workdir);
	sh("mkdir -p %s", path);
	sh("printf 'hello, ext2\\n' > %s/src/hello.txt", workdir);
	snprintf(path, sizeof(path), "%s/src/big.bin", workdir);
	write_host_file(path, 1, 5 * 1024 * 1024 + 123); /* double indirect */
	sh("printf 'inner\\n' > %s/src/sub/inner.txt", workdir);
	sh("printf 'deep\\n' > %s/src/sub/deeper/file", workdir);
	sh("ln -s hello.txt %s/src/fast-link", workdir);
	/* attributes too big for the inode: mke2fs gives each file a block */
	sh("printf 'x' > %s/src/xattr-1 && printf 'y' > %s/src/xattr-2", workdir, workdir);
	sh("/usr/bin/python3 -c \"import os; [os.setxattr('%s/src/xattr-' + n, 'user.big', b'v' * 1500)"
	   " for n in '12']\"", workdir);
	sh("ln -s %0100d %s/src/slow-link", 7, workdir);
}

void make_image(const char *size)
{
	sh("rm -f %s && mke2fs -q -t ext2 -b 4096 -d %s/src %s %s >/dev/null", image, workdir, image,
	   size);
}

/* e2fsck -fn finds nothing (its output is shown if it does). */
bool fsck_clean(void)
{
	char cmd[512];

	snprintf(cmd, sizeof(cmd), "e2fsck -fn %s >%s/fsck.log 2>&1", image, workdir);
	if (system(cmd) == 0)
		return true;
	snprintf(cmd, sizeof(cmd), "cat %s/fsck.log", workdir);
	(void)system(cmd);
	return false;
}

/* debugfs reads path back with exactly len bytes of pattern seed. */
bool debugfs_matches(const char *path, unsigned int seed, size_t len)
{
	char cmd[512];
	FILE *p;
	unsigned char *got = malloc(len + 1);
	size_t n;
	bool ok;

	snprintf(cmd, sizeof(cmd), "debugfs -R 'cat %s' %s 2>/dev/null", path, image);
	p = popen(cmd, "r");
	n = fread(got, 1, len + 1, p);
	pclose(p);
	ok = n == len;
	for (size_t i = 0; ok && i < len; i++)
		ok = got[i] == pattern(seed, i);
	free(got);
	return ok;
}

struct ext2_super_block read_super_from_image(void)
{
	struct ext2_super_block es;
	FILE *f = fopen(image, "rb");

	fseek(f, EXT2_SUPER_OFFSET, SEEK_SET);
	if (fread(&es, sizeof(es), 1, f) != 1)
		memset(&es, 0, sizeof(es));
	fclose(f);
	return es;
}

void patch_image(long offset, int size, uint32_t value)
{
	FILE *f = fopen(image, "r+b");

	fseek(f, offset, SEEK_SET);
	fwrite(&value, size, 1, f);
	fclose(f);
}

int write_pattern(struct inode *inode, unsigned int seed, uint64_t off, size_t len)
{
	void *buf = pattern_buf(seed, off, len);
	int err = host_write(inode, off, buf, len);

	free(buf);
	return err;
}

struct super_block *image_mount(unsigned int flags)
{
	int err;
	struct super_block *sb = host_ext2_mount(image, flags, &err);

	if (!sb)
		fprintf(stderr, "mount failed (%d): %s\n", err, host_console);
	return sb;
}

void image_setup(void)
{
	setvbuf(stdout, NULL, _IONBF, 0); /* lines before a sanitizer's abort */
	strcpy(workdir, "/tmp/test_ext2.XXXXXX");
	if (!mkdtemp(workdir))
		exit(2);
	snprintf(image, sizeof(image), "%s/disk.img", workdir);
	make_source();
}

void image_cleanup(void)
{
	sh("rm -rf %s", workdir);
}
