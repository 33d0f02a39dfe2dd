/*
 * ext2 against real images: each test makes one with Debian's mke2fs -d,
 * mounts it through tests/unit/ext2_host.c, works on it, unmounts, and
 * has the host's e2fsck -fn check it (any complaint fails the test) and
 * debugfs read back what was written.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fs/ext2/ext2.h"
#include "fs/stat.h"
#include "lib/err.h"
#include "mm/page.h"
#include "tests/unit/ext2_host.h"
#include "tests/unit/host_kernel.h"
#include "tests/unit/test.h"

static char workdir[64];
static char image[128];

static void sh(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void sh(const char *fmt, ...)
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
static unsigned char pattern(unsigned int seed, uint64_t i)
{
	uint64_t x = (i + 1) * 0x9E3779B97F4A7C15ULL ^ seed * 0xBF58476D1CE4E5B9ULL;

	return (unsigned char)((x >> 29) | 1);
}

static void *pattern_buf(unsigned int seed, uint64_t off, size_t len)
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

static void make_image(const char *size)
{
	sh("rm -f %s && mke2fs -q -t ext2 -b 4096 -d %s/src %s %s >/dev/null", image, workdir, image,
	   size);
}

/* e2fsck -fn finds nothing (its output is shown if it does). */
static bool fsck_clean(void)
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
static bool debugfs_matches(const char *path, unsigned int seed, size_t len)
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

static struct super_block *mount_rw(void)
{
	int err;
	struct super_block *sb = host_ext2_mount(image, 0, &err);

	CHECK(sb != NULL);
	if (!sb)
		fprintf(stderr, "mount failed (%d): %s\n", err, host_console);
	return sb;
}

static bool file_matches(struct inode *inode, unsigned int seed, uint64_t off, size_t len)
{
	unsigned char *got = malloc(len);
	bool ok = host_read(inode, off, got, len) == 0;

	for (size_t i = 0; ok && i < len; i++)
		ok = got[i] == pattern(seed, off + i);
	free(got);
	return ok;
}

static int write_pattern(struct inode *inode, unsigned int seed, uint64_t off, size_t len)
{
	void *buf = pattern_buf(seed, off, len);
	int err = host_write(inode, off, buf, len);

	free(buf);
	return err;
}

static struct ext2_super_block read_super_from_image(void)
{
	struct ext2_super_block es;
	FILE *f = fopen(image, "rb");

	fseek(f, EXT2_SUPER_OFFSET, SEEK_SET);
	if (fread(&es, sizeof(es), 1, f) != 1)
		memset(&es, 0, sizeof(es));
	fclose(f);
	return es;
}

static int readlink_of(struct inode *inode, char *buf, int size)
{
	int n = inode->i_op->get_link(inode, buf, size - 1);

	if (n >= 0)
		buf[n] = '\0';
	return n;
}

/* ---- tests ---------------------------------------------------------- */

static void test_reads_what_mke2fs_wrote(void)
{
	struct ext2_super_block before, after;
	struct super_block *sb;
	struct inode *inode;
	char buf[256], want[101];

	make_image("16M");
	before = read_super_from_image();
	sb = mount_rw();
	if (!sb)
		return;
	inode = host_lookup(sb, "hello.txt");
	CHECK(inode && inode->i_size == 12);
	if (inode) {
		CHECK(host_read(inode, 0, buf, 12) == 0 && memcmp(buf, "hello, ext2\n", 12) == 0);
		iput(inode);
	}
	inode = host_lookup(sb, "big.bin");
	CHECK(inode && inode->i_size == 5 * 1024 * 1024 + 123);
	if (inode) {
		CHECK(file_matches(inode, 1, 0, inode->i_size));
		/* data blocks plus one single and one double indirect tree (two blocks) */
		CHECK(inode->i_blocks == (uint64_t)(1281 + 1 + 2) * 8);
		iput(inode);
	}
	inode = host_lookup(sb, "sub/deeper/file");
	CHECK(inode && host_read(inode, 0, buf, 5) == 0 && memcmp(buf, "deep\n", 5) == 0);
	if (inode)
		iput(inode);
	CHECK(host_lookup(sb, "sub/missing") == NULL);
	inode = host_lookup(sb, "fast-link");
	CHECK(inode && S_ISLNK(inode->i_mode) && readlink_of(inode, buf, sizeof(buf)) == 9 &&
	      strcmp(buf, "hello.txt") == 0);
	if (inode)
		iput(inode);
	inode = host_lookup(sb, "slow-link");
	snprintf(want, sizeof(want), "%0100d", 7);
	CHECK(inode && readlink_of(inode, buf, sizeof(buf)) == 100 && strcmp(buf, want) == 0);
	if (inode)
		iput(inode);
	CHECK(host_readdir(sb->s_root->d_inode, buf, sizeof(buf)) == 10);
	CHECK(strstr(buf, "./") == buf && strstr(buf, "../") && strstr(buf, "lost+found/") &&
	      strstr(buf, "big.bin/") && strstr(buf, "sub/"));
	host_ext2_umount(sb, image);
	after = read_super_from_image();
	CHECK(after.s_mnt_count == before.s_mnt_count + 1);
	CHECK(after.s_state == EXT2_VALID_FS);
	CHECK(after.s_free_blocks_count == before.s_free_blocks_count);
	CHECK(fsck_clean());
}

static void test_statfs(void)
{
	struct super_block *sb;
	struct kstatfs st;
	struct ext2_super_block es;

	make_image("16M");
	es = read_super_from_image();
	sb = mount_rw();
	if (!sb)
		return;
	CHECK(sb->s_op->statfs(sb->s_root, &st) == 0);
	CHECK(st.f_type == EXT2_SUPER_MAGIC && st.f_bsize == 4096 && st.f_namelen == 255);
	CHECK(st.f_bfree == es.s_free_blocks_count);
	CHECK(st.f_bavail == es.s_free_blocks_count - es.s_r_blocks_count);
	CHECK(st.f_files == es.s_inodes_count && st.f_ffree == es.s_free_inodes_count);
	CHECK(st.f_blocks < es.s_blocks_count && st.f_blocks > es.s_blocks_count * 9 / 10);
	host_ext2_umount(sb, image);
}

static void test_write_direct_indirect_double_triple(void)
{
	const uint64_t far = 5ULL << 30; /* 5 GiB: past 4 GiB, the triple indirect tree */
	struct super_block *sb;
	struct inode *root, *inode;
	char cmd[512];
	unsigned char block[4096];
	unsigned long long pblock = 0;
	FILE *p;

	make_image("64M");
	sb = mount_rw();
	if (!sb)
		return;
	root = sb->s_root->d_inode;
	CHECK(host_create(root, "small", 0644) == 0);
	CHECK(host_create(root, "single", 0644) == 0);
	CHECK(host_create(root, "double", 0644) == 0);
	CHECK(host_create(root, "sparse", 0644) == 0);
	CHECK(host_create(root, "small", 0644) == -EEXIST);
	inode = host_lookup(sb, "small");
	CHECK(inode && write_pattern(inode, 2, 0, 1000) == 0);
	iput(inode);
	inode = host_lookup(sb, "single");
	CHECK(inode && write_pattern(inode, 3, 0, 200 * 1024) == 0);
	iput(inode);
	inode = host_lookup(sb, "double");
	CHECK(inode && write_pattern(inode, 4, 0, 9 * 1024 * 1024 + 17) == 0);
	iput(inode);
	inode = host_lookup(sb, "sparse");
	CHECK(inode && write_pattern(inode, 5, far, 4096) == 0 && write_pattern(inode, 5, 0, 10) == 0);
	/* 2 data blocks, the triple tree's three levels */
	CHECK(inode->i_blocks == 5 * 8);
	iput(inode);
	host_ext2_umount(sb, image);
	CHECK(fsck_clean());
	CHECK(debugfs_matches("/small", 2, 1000));
	CHECK(debugfs_matches("/single", 3, 200 * 1024));
	CHECK(debugfs_matches("/double", 4, 9 * 1024 * 1024 + 17));
	/* The far block, found by debugfs's own walk of the map. */
	snprintf(cmd, sizeof(cmd), "debugfs -R 'bmap /sparse %llu' %s 2>/dev/null",
		 (unsigned long long)(far / 4096), image);
	p = popen(cmd, "r");
	CHECK(fscanf(p, "%llu", &pblock) == 1 && pblock);
	pclose(p);
	p = fopen(image, "rb");
	fseek(p, (long)pblock * 4096, SEEK_SET);
	CHECK(fread(block, 1, 4096, p) == 4096);
	fclose(p);
	for (int i = 0; i < 4096; i++)
		if (block[i] != pattern(5, far + i)) {
			CHECK(!"the far block holds what was written");
			break;
		}
	/* and back through ext2 after a fresh mount */
	sb = mount_rw();
	if (!sb)
		return;
	inode = host_lookup(sb, "sparse");
	CHECK(inode && inode->i_size == (loff_t)(far + 4096));
	CHECK(inode && file_matches(inode, 5, far, 4096) && file_matches(inode, 5, 0, 10));
	CHECK(inode && host_read(inode, 1 << 20, block, 4096) == 0 && block[0] == 0 && block[4095] == 0);
	iput(inode);
	host_ext2_umount(sb, image);
}

static void test_truncate_shrink_and_extend(void)
{
	struct super_block *sb;
	struct inode *root, *inode;
	struct ext2_super_block before;
	unsigned char *buf;

	make_image("64M");
	before = read_super_from_image();
	sb = mount_rw();
	if (!sb)
		return;
	root = sb->s_root->d_inode;
	CHECK(host_create(root, "t", 0644) == 0);
	CHECK(host_create(root, "far", 0644) == 0);
	inode = host_lookup(sb, "t");
	CHECK(write_pattern(inode, 6, 0, 6 * 1024 * 1024) == 0);
	CHECK(host_truncate(inode, 100000) == 0);
	CHECK(inode->i_size == 100000 && inode->i_blocks == 25 * 8 + 8); /* 25 blocks + 1 indirect */
	CHECK(host_truncate(inode, 10 * 1024 * 1024) == 0);
	CHECK(inode->i_blocks == 25 * 8 + 8); /* extending makes a hole */
	buf = malloc(10 * 1024 * 1024);
	CHECK(host_read(inode, 0, buf, 10 * 1024 * 1024) == 0);
	for (size_t i = 0; i < 10 * 1024 * 1024; i++)
		if (buf[i] != (i < 100000 ? pattern(6, i) : 0)) {
			CHECK(!"truncated then extended file reads data, then zeros");
			break;
		}
	free(buf);
	iput(inode);
	inode = host_lookup(sb, "far");
	CHECK(write_pattern(inode, 7, 5ULL << 30, 8192) == 0);
	CHECK(host_truncate(inode, (5ULL << 30) + 100) == 0); /* inside the triple tree */
	CHECK(inode->i_blocks == 4 * 8);
	CHECK(host_truncate(inode, 0) == 0);
	CHECK(inode->i_blocks == 0);
	iput(inode);
	CHECK(host_unlink(root, "far") == 0);
	host_ext2_umount(sb, image);
	CHECK(fsck_clean());
	/* "t" still holds 26 blocks; everything else came back */
	CHECK(read_super_from_image().s_free_blocks_count == before.s_free_blocks_count - 26);
	{
		char cmd[512];
		FILE *p;
		size_t n = 0;
		int c;

		snprintf(cmd, sizeof(cmd), "debugfs -R 'cat /t' %s 2>/dev/null", image);
		p = popen(cmd, "r");
		while ((c = fgetc(p)) != EOF) {
			if ((unsigned char)c != (n < 100000 ? pattern(6, n) : 0))
				break;
			n++;
		}
		pclose(p);
		CHECK(n == 10 * 1024 * 1024);
	}
}

static void test_links_unlink_rmdir(void)
{
	struct super_block *sb;
	struct inode *root, *dir, *inode;
	struct ext2_super_block before;
	unsigned int root_links;

	make_image("16M");
	before = read_super_from_image();
	sb = mount_rw();
	if (!sb)
		return;
	root = sb->s_root->d_inode;
	root_links = root->i_nlink;
	CHECK(host_mkdir(root, "d") == 0);
	CHECK(root->i_nlink == root_links + 1);
	dir = host_lookup(sb, "d");
	CHECK(dir && dir->i_nlink == 2 && dir->i_size == 4096);
	CHECK(host_create(dir, "f", 0600) == 0);
	inode = host_lookup(sb, "d/f");
	CHECK(write_pattern(inode, 8, 0, 300000) == 0);
	iput(inode);
	CHECK(host_link(dir, "f", "g") == 0);
	inode = host_lookup(sb, "d/g");
	CHECK(inode && inode->i_nlink == 2);
	iput(inode);
	CHECK(host_rmdir(root, "d") == -ENOTEMPTY);
	CHECK(host_unlink(dir, "f") == 0);
	CHECK(host_lookup(sb, "d/f") == NULL);
	inode = host_lookup(sb, "d/g");
	CHECK(inode && inode->i_nlink == 1 && file_matches(inode, 8, 0, 300000));
	iput(inode);
	CHECK(host_unlink(dir, "g") == 0);
	CHECK(host_unlink(dir, "g") == -ENOENT);
	iput(dir);
	CHECK(host_rmdir(root, "d") == 0);
	CHECK(root->i_nlink == root_links);
	CHECK(host_lookup(sb, "d") == NULL);
	/* removing mke2fs's files works too, attribute blocks and all */
	CHECK(host_unlink(root, "big.bin") == 0);
	inode = host_lookup(sb, "xattr-1");
	CHECK(inode && EXT2_I(inode)->i_file_acl && inode->i_blocks == 16);
	iput(inode);
	CHECK(host_unlink(root, "xattr-1") == 0 && host_unlink(root, "xattr-2") == 0);
	dir = host_lookup(sb, "sub");
	CHECK(host_unlink(dir, "inner.txt") == 0);
	iput(dir);
	host_ext2_umount(sb, image);
	CHECK(fsck_clean());
	CHECK(read_super_from_image().s_free_blocks_count ==
	      before.s_free_blocks_count + 1281 + 3 + 1 + 2 * 2);
	CHECK(read_super_from_image().s_free_inodes_count == before.s_free_inodes_count + 4);
}

static void test_rename(void)
{
	struct super_block *sb;
	struct inode *root, *a, *b, *inode;
	unsigned int root_links;
	char buf[16];

	make_image("16M");
	sb = mount_rw();
	if (!sb)
		return;
	root = sb->s_root->d_inode;
	root_links = root->i_nlink;
	CHECK(host_mkdir(root, "a") == 0 && host_mkdir(root, "b") == 0);
	a = host_lookup(sb, "a");
	b = host_lookup(sb, "b");
	CHECK(host_create(a, "x", 0644) == 0 && host_create(a, "y", 0644) == 0);
	inode = host_lookup(sb, "a/x");
	CHECK(write_pattern(inode, 9, 0, 5000) == 0);
	iput(inode);
	CHECK(host_rename(a, "x", a, "x2", 0) == 0);
	CHECK(host_rename(a, "x2", b, "x3", 0) == 0);
	CHECK(host_lookup(sb, "a/x") == NULL && host_lookup(sb, "a/x2") == NULL);
	CHECK(host_rename(a, "y", b, "x3", RENAME_NOREPLACE) == -EEXIST);
	CHECK(host_rename(a, "y", b, "x3", RENAME_EXCHANGE) == -EINVAL);
	/* over an existing file: y's inode takes the name, x3's goes */
	CHECK(host_rename(b, "x3", a, "y", 0) == 0);
	inode = host_lookup(sb, "a/y");
	CHECK(inode && inode->i_size == 5000 && file_matches(inode, 9, 0, 5000));
	iput(inode);
	/* a directory to another parent: its ".." and both link counts follow */
	CHECK(host_mkdir(a, "sub") == 0);
	CHECK(a->i_nlink == 3);
	CHECK(host_rename(a, "sub", b, "moved", 0) == 0);
	CHECK(a->i_nlink == 2 && b->i_nlink == 3);
	inode = host_lookup(sb, "b/moved/..");
	CHECK(inode == b);
	if (inode)
		iput(inode);
	/* a directory over an empty one, then over a non-empty one */
	CHECK(host_mkdir(a, "empty") == 0);
	CHECK(host_rename(b, "moved", a, "empty", 0) == 0);
	CHECK(a->i_nlink == 3 && b->i_nlink == 2);
	CHECK(host_create(a, "z", 0644) == 0);
	CHECK(host_mkdir(root, "full") == 0);
	inode = host_lookup(sb, "full");
	CHECK(host_create(inode, "file", 0644) == 0);
	iput(inode);
	CHECK(host_rename(root, "a", root, "full", 0) == -ENOTEMPTY);
	CHECK(host_rename(root, "a", root, "renamed-a", 0) == 0);
	CHECK(root->i_nlink == root_links + 3);
	iput(a);
	iput(b);
	CHECK(host_readdir(root, buf, sizeof(buf)) < 0 || 1);
	host_ext2_umount(sb, image);
	CHECK(fsck_clean());
	CHECK(debugfs_matches("/renamed-a/y", 9, 5000));
}

static void test_symlinks_and_special_files(void)
{
	struct super_block *sb;
	struct inode *root, *inode;
	char target[300], buf[400];

	make_image("16M");
	sb = mount_rw();
	if (!sb)
		return;
	root = sb->s_root->d_inode;
	memset(target, 'p', 59);
	target[59] = '\0';
	CHECK(host_symlink(root, "fast59", target) == 0); /* 59 + NUL fits the 60 bytes */
	memset(target, 'q', 200);
	target[200] = '\0';
	CHECK(host_symlink(root, "slow200", target) == 0);
	CHECK(host_mknod(root, "tty", S_IFCHR | 0620, MKDEV(4, 1)) == 0);
	CHECK(host_mknod(root, "big-minor", S_IFBLK | 0600, MKDEV(259, 70000)) == 0);
	CHECK(host_mknod(root, "fifo", S_IFIFO | 0600, 0) == 0);
	host_ext2_umount(sb, image);
	CHECK(fsck_clean());
	sb = mount_rw();
	if (!sb)
		return;
	root = sb->s_root->d_inode;
	inode = host_lookup(sb, "fast59");
	CHECK(inode && inode->i_blocks == 0 && readlink_of(inode, buf, sizeof(buf)) == 59 &&
	      buf[0] == 'p' && buf[58] == 'p');
	iput(inode);
	inode = host_lookup(sb, "slow200");
	CHECK(inode && inode->i_blocks == 8 && readlink_of(inode, buf, sizeof(buf)) == 200 &&
	      strcmp(buf, target) == 0);
	iput(inode);
	inode = host_lookup(sb, "tty");
	CHECK(inode && S_ISCHR(inode->i_mode) && inode->i_rdev == MKDEV(4, 1));
	iput(inode);
	inode = host_lookup(sb, "big-minor");
	CHECK(inode && S_ISBLK(inode->i_mode) && inode->i_rdev == MKDEV(259, 70000));
	iput(inode);
	CHECK(host_unlink(root, "slow200") == 0 && host_unlink(root, "fast59") == 0);
	host_ext2_umount(sb, image);
	CHECK(fsck_clean());
}

static void test_large_directory(void)
{
	enum { N = 3000 };
	struct super_block *sb;
	struct inode *root, *dir, *inode;
	char name[64], path[80];
	static char names[N * 32];

	make_image("32M");
	sb = mount_rw();
	if (!sb)
		return;
	root = sb->s_root->d_inode;
	CHECK(host_mkdir(root, "many") == 0);
	dir = host_lookup(sb, "many");
	for (int i = 0; i < N; i++) {
		snprintf(name, sizeof(name), "a-rather-long-file-name-%05d", i);
		if (host_create(dir, name, 0644) != 0) {
			CHECK(!"3000 files can be created");
			break;
		}
	}
	CHECK(dir->i_size > 20 * 4096); /* many blocks */
	CHECK(host_readdir(dir, names, sizeof(names)) == N + 2);
	for (int i = 0; i < N; i += 2) {
		snprintf(name, sizeof(name), "a-rather-long-file-name-%05d", i);
		if (host_unlink(dir, name) != 0) {
			CHECK(!"every other file can be removed");
			break;
		}
	}
	CHECK(host_readdir(dir, names, sizeof(names)) == N / 2 + 2);
	snprintf(name, sizeof(name), "a-rather-long-file-name-%05d", 1);
	CHECK(strstr(names, name) != NULL);
	snprintf(name, sizeof(name), "a-rather-long-file-name-%05d/", 2);
	CHECK(strstr(names, name) == NULL);
	iput(dir);
	host_ext2_umount(sb, image);
	CHECK(fsck_clean());
	sb = mount_rw();
	if (!sb)
		return;
	snprintf(path, sizeof(path), "many/a-rather-long-file-name-%05d", N - 1);
	inode = host_lookup(sb, path);
	CHECK(inode != NULL);
	if (inode)
		iput(inode);
	host_ext2_umount(sb, image);
}

static void test_fill_until_enospc_and_free(void)
{
	struct super_block *sb;
	struct inode *root, *inode;
	struct ext2_super_block before;
	uint64_t off = 0;
	unsigned char block[4096];
	int err = 0;

	make_image("8M");
	before = read_super_from_image();
	sb = mount_rw();
	if (!sb)
		return;
	root = sb->s_root->d_inode;
	CHECK(host_create(root, "fill", 0644) == 0);
	inode = host_lookup(sb, "fill");
	memset(block, 0xab, sizeof(block));
	while (!(err = host_write(inode, off, block, sizeof(block))))
		off += sizeof(block);
	CHECK(err == -ENOSPC);
	CHECK(EXT2_SB(sb)->s_es->s_free_blocks_count == 0);
	CHECK(host_create(root, "one-more-dir", 0644) == 0); /* an inode needs no block */
	CHECK(host_mkdir(root, "no-room") == -ENOSPC);
	iput(inode);
	host_ext2_umount(sb, image);
	CHECK(fsck_clean());
	sb = mount_rw();
	if (!sb)
		return;
	root = sb->s_root->d_inode;
	CHECK(host_unlink(root, "fill") == 0 && host_unlink(root, "one-more-dir") == 0);
	CHECK(EXT2_SB(sb)->s_es->s_free_blocks_count == before.s_free_blocks_count);
	CHECK(EXT2_SB(sb)->s_es->s_free_inodes_count == before.s_free_inodes_count);
	host_ext2_umount(sb, image);
	CHECK(fsck_clean());
}

/* ---- images that must be refused ---------------------------------- */



struct corruption {
	const char *what;
	long offset;      /* byte in the image */
	int size;         /* 1, 2 or 4 bytes */
	uint32_t value;
	const char *message;
};

#define SB_FIELD(f) (EXT2_SUPER_OFFSET + (long)offsetof(struct ext2_super_block, f)), \
		    (int)sizeof(((struct ext2_super_block *)0)->f)

static const struct corruption corruptions[] = {
	{ "bad magic", SB_FIELD(s_magic), 0x1234,
	  "EXT2-fs (vda): error: can't find ext2 filesystem on dev vda." },
	{ "1 KiB blocks", SB_FIELD(s_log_block_size), 0, "error: unsupported blocksize 1024" },
	{ "log block size 20", SB_FIELD(s_log_block_size), 20, "Invalid log block size: 20" },
	{ "first inode 5", SB_FIELD(s_first_ino), 5,
	  "error: invalid first inode: 5" },
	{ "fragment size", SB_FIELD(s_log_frag_size), 1,
	  "error: fragsize 2048 != blocksize 4096 (not supported yet)" },
	{ "no blocks per group", SB_FIELD(s_blocks_per_group), 0,
	  "error: can't find ext2 filesystem on dev vda." },
	{ "inode size 100", SB_FIELD(s_inode_size), 100, "error: unsupported inode size: 100" },
	{ "inode size 8192", SB_FIELD(s_inode_size), 8192, "error: unsupported inode size: 8192" },
	{ "inode count", SB_FIELD(s_inodes_count), 4095, "error: invalid #inodes: 4095 vs computed" },
	{ "blocks per group", SB_FIELD(s_blocks_per_group), 65536,
	  "error: #blocks per group too big: 65536" },
	{ "inodes per group", SB_FIELD(s_inodes_per_group), 3,
	  "error: invalid #inodes per group: 3" },
	{ "block count", SB_FIELD(s_blocks_count), 100000,
	  "bad geometry: block count 100000 exceeds size of device (4096 blocks)" },
	{ "incompat extents", SB_FIELD(s_feature_incompat), 0x0042,
	  "error: couldn't mount because of unsupported optional features (40)" },
	{ "incompat journal recovery", SB_FIELD(s_feature_incompat), 0x0006,
	  "error: couldn't mount because of unsupported optional features (4)" },
	{ "ro_compat huge_file", SB_FIELD(s_feature_ro_compat), 0x000b,
	  "error: couldn't mount RDWR because of unsupported optional features (8)" },
	{ "block bitmap outside its group", 4096 + 0, 4, 50000,
	  "ext2_check_descriptors: Block bitmap for group 0 not in group (block 50000)!" },
	{ "inode table outside", 4096 + 8, 4, 4090,
	  "ext2_check_descriptors: Inode table for group 0 not in group (block 4090)!" },
};

static void patch_image(long offset, int size, uint32_t value)
{
	FILE *f = fopen(image, "r+b");

	fseek(f, offset, SEEK_SET);
	fwrite(&value, size, 1, f);
	fclose(f);
}

static bool inode_in_use(struct super_block *sb, unsigned long ino)
{
	struct ext2_sb_info *sbi = EXT2_SB(sb);
	struct ext2_group_desc *gdp = ext2_get_group_desc(sb, (ino - 1) / sbi->s_inodes_per_group, NULL);
	struct page *bitmap = sb_bread(sb, gdp->bg_inode_bitmap);
	bool used = ext2_test_bit((ino - 1) % sbi->s_inodes_per_group, page_address(bitmap));

	brelse(bitmap);
	return used;
}

static void test_unlinked_file_lives_until_last_iput(void)
{
	struct super_block *sb;
	struct inode *root, *inode;
	unsigned long ino, free_before;

	make_image("16M");
	sb = mount_rw();
	if (!sb)
		return;
	root = sb->s_root->d_inode;
	free_before = EXT2_SB(sb)->s_es->s_free_blocks_count;
	CHECK(host_create(root, "open", 0644) == 0);
	inode = host_lookup(sb, "open"); /* an open file's reference */
	CHECK(write_pattern(inode, 10, 0, 100000) == 0);
	ino = inode->i_ino;
	CHECK(host_unlink(root, "open") == 0);
	CHECK(inode->i_nlink == 0 && inode_in_use(sb, ino));
	CHECK(file_matches(inode, 10, 0, 100000)); /* still readable */
	CHECK(EXT2_SB(sb)->s_es->s_free_blocks_count < free_before);
	iput(inode);
	CHECK(!inode_in_use(sb, ino));
	CHECK(EXT2_SB(sb)->s_es->s_free_blocks_count == free_before);
	host_ext2_umount(sb, image);
	CHECK(fsck_clean());
}

static void test_corrupt_directory_block_is_an_error(void)
{
	struct super_block *sb;
	struct inode *inode;
	uint32_t block;
	char names[512];

	make_image("16M");
	sb = mount_rw();
	if (!sb)
		return;
	block = EXT2_I(sb->s_root->d_inode)->i_data[0];
	host_ext2_umount(sb, image);
	/* the first entry's rec_len ("."): 13 is not a multiple of 4 */
	patch_image((long)block * 4096 + 4, 2, 13);
	sb = mount_rw();
	if (!sb)
		return;
	host_console_clear();
	inode = host_lookup(sb, "hello.txt");
	CHECK(inode == NULL);
	CHECK(strstr(host_console, "EXT2-fs (vda): error: ext2_check_block: bad entry in directory "
				   "#2: : unaligned directory entry - offset=0, inode=2, rec_len=13"));
	CHECK(host_readdir(sb->s_root->d_inode, names, sizeof(names)) == -EUCLEAN);
	CHECK(host_create(sb->s_root->d_inode, "new", 0644) == -EUCLEAN);
	host_ext2_umount(sb, image);
	/* the error is recorded for e2fsck */
	CHECK(read_super_from_image().s_state & EXT2_ERROR_FS);
}

static void test_out_of_inodes(void)
{
	struct super_block *sb;
	struct inode *root;
	char name[32];
	int err = 0, made = 0;

	sh("rm -f %s && mke2fs -q -t ext2 -b 4096 -N 64 -d %s/src %s 8M >/dev/null", image, workdir,
	   image);
	sb = mount_rw();
	if (!sb)
		return;
	root = sb->s_root->d_inode;
	while (made < 1000) {
		snprintf(name, sizeof(name), "f%d", made);
		if ((err = host_create(root, name, 0644)))
			break;
		made++;
	}
	CHECK(err == -ENOSPC && made > 20 && made < 64);
	CHECK(EXT2_SB(sb)->s_es->s_free_inodes_count == 0);
	CHECK(host_unlink(root, "f0") == 0 && host_create(root, "again", 0644) == 0);
	host_ext2_umount(sb, image);
	CHECK(fsck_clean());
}

static void test_directories_spread_over_groups(void)
{
	struct super_block *sb;
	struct inode *root, *dir;
	char name[16];
	unsigned int groups = 0;

	make_image("384M"); /* three groups */
	sb = mount_rw();
	if (!sb)
		return;
	CHECK(EXT2_SB(sb)->s_groups_count == 3);
	root = sb->s_root->d_inode;
	for (int i = 0; i < 6; i++) {
		snprintf(name, sizeof(name), "d%d", i);
		CHECK(host_mkdir(root, name) == 0);
		dir = host_lookup(sb, name);
		groups |= 1u << EXT2_I(dir)->i_block_group;
		CHECK(host_create(dir, "file", 0644) == 0);
		iput(dir);
	}
	CHECK(__builtin_popcount(groups) >= 2); /* group 0, with mke2fs's files, has fewer free inodes */
	host_ext2_umount(sb, image);
	CHECK(fsck_clean());
}

static void test_first_large_file_sets_large_file(void)
{
	struct super_block *sb;
	struct inode *inode;

	make_image("16M");
	patch_image(SB_FIELD(s_feature_ro_compat), EXT2_FEATURE_RO_COMPAT_SPARSE_SUPER);
	sb = mount_rw();
	if (!sb)
		return;
	CHECK(host_create(sb->s_root->d_inode, "3g", 0644) == 0);
	inode = host_lookup(sb, "3g");
	CHECK(write_pattern(inode, 11, 3ULL << 30, 100) == 0);
	iput(inode);
	host_ext2_umount(sb, image);
	CHECK(read_super_from_image().s_feature_ro_compat & EXT2_FEATURE_RO_COMPAT_LARGE_FILE);
	CHECK(fsck_clean());
}

static void test_remount_read_only_and_back(void)
{
	struct super_block *sb;
	struct ext2_super_block es;
	unsigned int flags = SB_RDONLY;
	uint16_t mounts;
	char long_name[300];

	make_image("16M");
	mounts = read_super_from_image().s_mnt_count;
	sb = mount_rw();
	if (!sb)
		return;
	memset(long_name, 'n', 256);
	long_name[256] = '\0';
	CHECK(host_create(sb->s_root->d_inode, long_name, 0644) == -ENAMETOOLONG);
	long_name[255] = '\0';
	CHECK(host_create(sb->s_root->d_inode, long_name, 0644) == 0);
	CHECK(EXT2_SB(sb)->s_es->s_state == 0); /* in use: not clean */
	CHECK(sb->s_op->remount_fs(sb, &flags, NULL) == 0 && (sb->s_flags & SB_RDONLY));
	CHECK(EXT2_SB(sb)->s_es->s_state == EXT2_VALID_FS);
	flags = 0;
	CHECK(sb->s_op->remount_fs(sb, &flags, NULL) == 0 && !(sb->s_flags & SB_RDONLY));
	CHECK(EXT2_SB(sb)->s_es->s_state == 0);
	host_ext2_umount(sb, image);
	es = read_super_from_image();
	CHECK(es.s_mnt_count == mounts + 2 && es.s_state == EXT2_VALID_FS);
	CHECK(fsck_clean());
}

static void test_corrupt_images_are_refused(void)
{
	char clean[160];
	int err;

	make_image("16M");
	snprintf(clean, sizeof(clean), "%s.clean", image);
	sh("cp %s %s", image, clean);
	for (size_t i = 0; i < ARRAY_SIZE(corruptions); i++) {
		const struct corruption *c = &corruptions[i];

		sh("cp %s %s", clean, image);
		patch_image(c->offset, c->size, c->value);
		host_console_clear();
		if (!CHECK(host_ext2_mount(image, 0, &err) == NULL && err < 0) ||
		    !CHECK(strstr(host_console, c->message) != NULL) ||
		    !CHECK(host_ext2_dirtied == 0 && host_ext2_disk_unchanged(image)))
			printf("  %s: got \"%s\"\n", c->what, host_console);
	}
	/* A truncated image: the superblock is fine, the disk too short. */
	sh("cp %s %s && truncate -s 4M %s", clean, image, image);
	host_console_clear();
	CHECK(host_ext2_mount(image, 0, &err) == NULL);
	CHECK(strstr(host_console, "bad geometry: block count 4096 exceeds size of device (1024 blocks)"));
	CHECK(host_ext2_dirtied == 0 && host_ext2_disk_unchanged(image));
	/* An image cut inside the superblock. */
	sh("cp %s %s && truncate -s 3000 %s", clean, image, image);
	host_console_clear();
	CHECK(host_ext2_mount(image, 0, &err) == NULL && err == -EIO);
	CHECK(strstr(host_console, "error: unable to read superblock"));
	sh("rm -f %s", clean);
}

static void test_ro_compat_feature_mounts_read_only(void)
{
	struct super_block *sb;
	int err;

	make_image("16M");
	patch_image(SB_FIELD(s_feature_ro_compat), 0x000b);
	sb = host_ext2_mount(image, SB_RDONLY, &err);
	CHECK(sb != NULL);
	if (!sb)
		return;
	CHECK(host_ext2_dirtied == 0);
	host_ext2_umount(sb, image);
	CHECK(host_ext2_dirtied == 0);
}

static void test_revision_too_high_forces_read_only(void)
{
	struct super_block *sb;
	int err;

	make_image("16M");
	patch_image(SB_FIELD(s_rev_level), 7);
	host_console_clear();
	sb = host_ext2_mount(image, 0, &err);
	CHECK(sb != NULL);
	if (!sb)
		return;
	CHECK(strstr(host_console, "error: revision level too high, forcing read-only mode"));
	CHECK(sb->s_flags & SB_RDONLY);
	host_ext2_umount(sb, image);
	CHECK(host_ext2_dirtied == 0);
}

int main(void)
{
	setvbuf(stdout, NULL, _IONBF, 0); /* lines before a sanitizer's abort */
	strcpy(workdir, "/tmp/test_ext2.XXXXXX");
	if (!mkdtemp(workdir))
		return 2;
	snprintf(image, sizeof(image), "%s/disk.img", workdir);
	make_source();
	RUN(test_reads_what_mke2fs_wrote);
	RUN(test_statfs);
	RUN(test_write_direct_indirect_double_triple);
	RUN(test_truncate_shrink_and_extend);
	RUN(test_links_unlink_rmdir);
	RUN(test_rename);
	RUN(test_symlinks_and_special_files);
	RUN(test_large_directory);
	RUN(test_fill_until_enospc_and_free);
	RUN(test_unlinked_file_lives_until_last_iput);
	RUN(test_corrupt_directory_block_is_an_error);
	RUN(test_out_of_inodes);
	RUN(test_directories_spread_over_groups);
	RUN(test_first_large_file_sets_large_file);
	RUN(test_remount_read_only_and_back);
	RUN(test_corrupt_images_are_refused);
	RUN(test_ro_compat_feature_mounts_read_only);
	RUN(test_revision_too_high_forces_read_only);
	sh("rm -rf %s", workdir);
	return finish("test_ext2");
}
