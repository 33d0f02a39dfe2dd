/* Disk images for the ext2 host tests (tests/unit/ext2_image.c). */
#ifndef TESTS_UNIT_EXT2_IMAGE_H
#define TESTS_UNIT_EXT2_IMAGE_H

#include <stddef.h>
#include <stdint.h>

#include "fs/ext2/ext2.h"

extern char workdir[64]; /* this run's directory */
extern char image[128];  /* the image the tests mount */

/* Make the directory and the source tree (image_cleanup removes them). */
void image_setup(void);
void image_cleanup(void);
/* Run a shell command; exit the test program if it fails. */
void sh(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* The bytes of test file `seed` (big.bin in the source tree is seed 1). */
unsigned char pattern(unsigned int seed, uint64_t i);
void *pattern_buf(unsigned int seed, uint64_t off, size_t len);

/* A fresh image of size ("16M") from the source tree. */
void make_image(const char *size);
/* e2fsck -fn finds nothing; debugfs reads path back as len bytes of
 * pattern seed. */
bool fsck_clean(void);
bool debugfs_matches(const char *path, unsigned int seed, size_t len);
struct ext2_super_block read_super_from_image(void);
void patch_image(long offset, int size, uint32_t value);
/* Write len bytes of pattern seed at off in the file, as at off of the
 * pattern: 0 or -errno. */
int write_pattern(struct inode *inode, unsigned int seed, uint64_t off, size_t len);
/* Mount the image ("vda"): NULL, with the log shown, if refused. */
struct super_block *image_mount(unsigned int flags);

#endif
