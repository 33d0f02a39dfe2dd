/*
 * Block device files from user space: `blkdevtest DISK [RODISK]` reads
 * and writes the whole disk DISK (/dev/vdb, which the host filled with
 * pattern() below and nothing mounts) through the device's page cache -
 * partial sectors, whole pages, across pages, past the end, through
 * mmap - checks the size ioctls, O_EXCL and the errors, drops the cache
 * (BLKFLSBUF) and reads it all back from the disk. The host then checks
 * the image file (tests/system/test_blkdev.py). RODISK, if given, is a
 * read-only disk. It also reads the superblock of /dev/vda, the mounted
 * root, and prints its CRC-32 for the host to compare with the image.
 * Prints ok/FAIL per check and "blkdevtest: N failed". It passes
 * unchanged on Debian's Linux 6.1 in the same QEMU (the same disks; the
 * root mounted on /mnt, a /tmp to mount on), which is where its
 * expectations come from.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "check.h"

/* BLKGETSIZE64 and the rest: <sys/mount.h>, Linux's numbers. */

#define KiB 1024
#define MiB (1024 * 1024)

/* What the host wrote: byte j of sector s is s + j (mod 256). */
static unsigned char pattern(uint64_t i)
{
	return (unsigned char)(i / 512 + i % 512);
}

/* What this program writes where (the host expects the same). */
#define W_SECTOR_AT   (3 * 512)         /* one sector inside page 0 */
#define W_PAGES_AT    (1 * MiB)         /* 16 whole pages */
#define W_PAGES_LEN   (64 * KiB)
#define W_CROSS_AT    (8 * KiB - 100)   /* across pages 1 and 2 */
#define W_CROSS_LEN   300
#define W_MMAP_AT     (2 * MiB + 4096)
static const char mmap_text[] = "written through a shared mapping";

static unsigned char pages_byte(uint64_t k)
{
	return (unsigned char)(k * 7 + 3);
}

/* What DISK should hold at i once the writes are done. */
static unsigned char expected(uint64_t i, uint64_t size)
{
	if (i >= W_SECTOR_AT && i < W_SECTOR_AT + 512)
		return 0xa5;
	if (i >= W_PAGES_AT && i < W_PAGES_AT + W_PAGES_LEN)
		return pages_byte(i - W_PAGES_AT);
	if (i >= W_CROSS_AT && i < W_CROSS_AT + W_CROSS_LEN)
		return 0x3c;
	if (i >= W_MMAP_AT && i < W_MMAP_AT + sizeof(mmap_text) - 1)
		return (unsigned char)mmap_text[i - W_MMAP_AT];
	if (i >= size - 10)
		return 0xee;
	return pattern(i);
}

/* zlib's CRC-32, as the host computes it. */
static uint32_t crc32_update(uint32_t crc, const unsigned char *p, size_t n)
{
	crc = ~crc;
	while (n--) {
		crc ^= *p++;
		for (int k = 0; k < 8; k++)
			crc = (crc >> 1) ^ (0xedb88320u & -(crc & 1));
	}
	return ~crc;
}

static unsigned char buf[64 * KiB];

/* Read the whole device with read() from offset 0: does every byte hold
 * want(i)? Its CRC-32 goes to *crc. */
static int whole_disk_is(int fd, uint64_t size, int written, uint32_t *crc)
{
	uint64_t off = 0;
	ssize_t n;

	*crc = 0;
	if (lseek(fd, 0, SEEK_SET) != 0)
		return 0;
	while ((n = read(fd, buf, sizeof(buf))) > 0) {
		for (ssize_t k = 0; k < n; k++)
			if (buf[k] != (written ? expected(off + k, size) : pattern(off + k)))
				return 0;
		*crc = crc32_update(*crc, buf, (size_t)n);
		off += (uint64_t)n;
	}
	return n == 0 && off == size;
}

static void check_node(const char *path, unsigned major, unsigned minor)
{
	struct stat st;
	char what[80];

	snprintf(what, sizeof(what), "%s is block device %u:%u, mode 0600", path, major, minor);
	check(stat(path, &st) == 0 && S_ISBLK(st.st_mode) && major(st.st_rdev) == major &&
	      minor(st.st_rdev) == minor && (st.st_mode & 07777) == 0600, what);
}

static uint64_t check_sizes(int fd)
{
	uint64_t bytes = 0;
	unsigned long sectors = 0;
	int ssz = 0, ro = -1;
	long ra = 0;

	check(ioctl(fd, BLKGETSIZE64, &bytes) == 0 && bytes > 4 * MiB, "BLKGETSIZE64");
	check(ioctl(fd, BLKGETSIZE, &sectors) == 0 && sectors == bytes / 512,
	      "BLKGETSIZE is the size in 512-byte sectors");
	check(ioctl(fd, BLKSSZGET, &ssz) == 0 && ssz == 512, "BLKSSZGET is 512");
	check(ioctl(fd, BLKROGET, &ro) == 0 && ro == 0, "BLKROGET is 0 for a writable disk");
	check(ioctl(fd, BLKRAGET, &ra) == 0 && ra > 0, "BLKRAGET gives the readahead");
	check(lseek(fd, 0, SEEK_END) == (off_t)bytes, "lseek SEEK_END is the device size");
	check_err(ioctl(fd, BLKGETSIZE64, NULL), EFAULT, "BLKGETSIZE64 to NULL: EFAULT");
	check_err(ioctl(fd, BLKSSZGET, (void *)8), EFAULT, "BLKSSZGET to a bad pointer: EFAULT");
	check_err(ioctl(fd, BLKRAGET, NULL), EINVAL, "BLKRAGET to NULL: EINVAL");
	check_err(ioctl(fd, _IO(0x12, 200), &ra), ENOTTY, "an unknown ioctl: ENOTTY");
	return bytes;
}

static void check_edges(int fd, uint64_t size)
{
	check_err(lseek(fd, (off_t)size + 1, SEEK_SET), EINVAL, "lseek past the end: EINVAL");
	check_err(lseek(fd, -1, SEEK_SET), EINVAL, "lseek before 0: EINVAL");
	check(lseek(fd, 0, SEEK_END) == (off_t)size && read(fd, buf, 512) == 0,
	      "read at the end returns 0");
	check(pread(fd, buf, 4096, (off_t)size - 100) == 100,
	      "a read across the end is cut at the end");
	check_err(pread(fd, buf, 512, -512), EINVAL, "pread at a negative offset: EINVAL");
	check_err(pwrite(fd, buf, 512, (off_t)size), ENOSPC, "pwrite at the end: ENOSPC");
	check_err(pread(fd, (void *)8, 512, 0), EFAULT, "read into a bad pointer: EFAULT");
	check_err(pwrite(fd, (void *)8, 512, 0), EFAULT, "write from a bad pointer: EFAULT");
}

static void do_writes(int fd, uint64_t size)
{
	memset(buf, 0xa5, 512);
	check(pwrite(fd, buf, 512, W_SECTOR_AT) == 512, "write one sector inside a page");
	for (int k = 0; k < W_PAGES_LEN; k++)
		buf[k] = pages_byte((uint64_t)k);
	check(pwrite(fd, buf, W_PAGES_LEN, W_PAGES_AT) == W_PAGES_LEN, "write 16 whole pages");
	memset(buf, 0x3c, W_CROSS_LEN);
	check(pwrite(fd, buf, W_CROSS_LEN, W_CROSS_AT) == W_CROSS_LEN, "write across two pages");
	memset(buf, 0xee, 512);
	check(pwrite(fd, buf, 512, (off_t)size - 10) == 10, "a write across the end is cut at it");

	char *map = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 2 * MiB);
	check(map != MAP_FAILED, "mmap MAP_SHARED of the device");
	if (map == MAP_FAILED)
		return;
	check(map[0] == (char)pattern(2 * MiB), "the mapping shows the device's bytes");
	memcpy(map + 4096, mmap_text, sizeof(mmap_text) - 1);
	check(msync(map, 8192, MS_SYNC) == 0, "msync");
	munmap(map, 8192);
	check(fsync(fd) == 0, "fsync");
}

static void check_exclusive(const char *disk)
{
	int ex = open(disk, O_RDONLY | O_EXCL);

	check(ex >= 0, "open O_EXCL of an unused disk");
	check_err(open(disk, O_RDONLY | O_EXCL), EBUSY, "a second O_EXCL open: EBUSY");
	int shared = open(disk, O_RDONLY);
	check(shared >= 0, "a plain open while it is held");
	check_err(mount(disk, "/tmp", "ext2", 0, NULL), EBUSY, "mount while held: EBUSY");
	close(shared);
	close(ex);
	ex = open(disk, O_RDONLY | O_EXCL);
	check(ex >= 0, "O_EXCL again after the holder closed");
	close(ex);
	check_err(open("/dev/vda", O_RDONLY | O_EXCL), EBUSY, "O_EXCL of the mounted root: EBUSY");
}

static void check_read_only(const char *rodisk)
{
	int fd = open(rodisk, O_RDWR), ro = -1;

	check(fd >= 0, "open O_RDWR of a read-only disk");
	check(ioctl(fd, BLKROGET, &ro) == 0 && ro == 1, "BLKROGET is 1 for it");
	check_err(pwrite(fd, buf, 512, 0), EPERM, "a write to it: EPERM");
	check(pread(fd, buf, 512, 0) == 512, "a read from it works");
	close(fd);
}

/* The root's superblock (bytes 1024-2047), read through /dev/vda while
 * ext2 has it mounted: the page is the one ext2 uses. */
static void print_root_superblock(void)
{
	unsigned char sb[1024];
	int fd = open("/dev/vda", O_RDONLY);

	sync(); /* what ext2 keeps in memory reaches its block, and the disk */
	check(fd >= 0 && pread(fd, sb, sizeof(sb), 1024) == (ssize_t)sizeof(sb),
	      "read /dev/vda's superblock while mounted");
	check(sb[56] == 0x53 && sb[57] == 0xef, "it has ext2's magic");
	printf("blkdevtest: vda superblock crc32 %08x\n", crc32_update(0, sb, sizeof(sb)));
	close(fd);
}

int main(int argc, char **argv)
{
	const char *disk = argc > 1 ? argv[1] : "/dev/vdb";
	uint32_t crc;

	check_node("/dev/vda", 254, 0);
	check_node(disk, 254, 16);
	int fd = open(disk, O_RDWR);
	check(fd >= 0, "open the disk O_RDWR");
	if (fd < 0)
		return 1;
	uint64_t size = check_sizes(fd);
	check(whole_disk_is(fd, size, 0, &crc), "read() of the whole disk gives the host's bytes");
	check_edges(fd, size);
	do_writes(fd, size);
	check(whole_disk_is(fd, size, 1, &crc), "the writes read back from the cache");
	check(ioctl(fd, BLKFLSBUF, 0) == 0, "BLKFLSBUF");
	check(whole_disk_is(fd, size, 1, &crc), "...and from the disk after BLKFLSBUF");
	printf("blkdevtest: %s crc32 %08x\n", disk, crc);
	close(fd);
	check_exclusive(disk);
	if (argc > 2)
		check_read_only(argv[2]);
	print_root_superblock();
	printf("blkdevtest: %d failed\n", failures);
	return failures != 0;
}
