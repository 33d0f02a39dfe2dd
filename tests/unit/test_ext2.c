/*
 * ext2's files and directories against real images: each test makes one
 * with Debian's mke2fs -d, mounts it through tests/unit/ext2_host.c, works
 * on it, unmounts, and has the host's e2fsck -fn check it (any complaint
 * fails the test) and debugfs read back what was written.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fs/ext2/ext2.h"
#include "fs/stat.h"
#include "lib/err.h"
#include "mm/page.h"
#include "tests/unit/ext2_host.h"
#include "tests/unit/ext2_image.h"
#include "tests/unit/host_kernel.h"
#include "tests/unit/test.h"

static struct super_block *mount_rw(void)
{
	struct super_block *sb = image_mount(0);

	CHECK(sb != NULL);
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

static int readlink_of(struct inode *inode, char *buf, int size)
{
	int n = inode->i_op->get_link(inode, buf, size - 1);

	if (n >= 0)
		buf[n] = '\0';
	return n;
}

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

/* The entries of dir's block n as "name:rec_len " (inode 0: "-:rec_len "). */
static void block_entries(struct inode *dir, uint64_t n, char *out, size_t size)
{
	int err;
	struct page *page = ext2_bread(dir, n, false, &err);
	char *p = page ? page_address(page) : NULL;
	size_t used = 0;

	out[0] = '\0';
	for (unsigned int off = 0; p && off < 4096;) {
		struct ext2_dir_entry_2 *de = (void *)(p + off);

		used += snprintf(out + used, size - used, "%.*s:%u ", de->inode ? de->name_len : 1,
				 de->inode ? de->name : "-", de->rec_len);
		off += de->rec_len;
	}
	if (page)
		brelse(page);
}

static void test_directory_entries_split_merge_and_reuse(void)
{
	struct super_block *sb;
	struct inode *dir;
	char got[8192], name[32];

	make_image("16M");
	sb = mount_rw();
	if (!sb)
		return;
	CHECK(host_mkdir(sb->s_root->d_inode, "d") == 0);
	dir = host_lookup(sb, "d");
	CHECK(host_create(dir, "a", 0644) == 0 && host_create(dir, "b", 0644) == 0 &&
	      host_create(dir, "c", 0644) == 0);
	block_entries(dir, 0, got, sizeof(got));
	CHECK(strcmp(got, ".:12 ..:12 a:12 b:12 c:4048 ") == 0);
	CHECK(host_unlink(dir, "b") == 0);
	block_entries(dir, 0, got, sizeof(got));
	CHECK(strcmp(got, ".:12 ..:12 a:24 c:4048 ") == 0); /* b merged into a */
	CHECK(host_create(dir, "bb", 0644) == 0);
	block_entries(dir, 0, got, sizeof(got));
	CHECK(strcmp(got, ".:12 ..:12 a:12 bb:12 c:4048 ") == 0); /* a's slack reused */
	/* the first entry of a block has no entry before it: it is only emptied */
	for (int i = 0; dir->i_size == 4096 && i < 1000; i++) {
		snprintf(name, sizeof(name), "file-number-%04d", i);
		CHECK(host_create(dir, name, 0644) == 0);
	}
	CHECK(dir->i_size == 8192);
	block_entries(dir, 1, got, sizeof(got));
	CHECK(strchr(got, ' ') && sscanf(got, "%31[^:]", name) == 1);
	CHECK(host_unlink(dir, name) == 0);
	block_entries(dir, 1, got, sizeof(got));
	CHECK(strncmp(got, "-:", 2) == 0);
	iput(dir);
	host_ext2_umount(sb, image);
	CHECK(fsck_clean());
}

static void test_attributes_persist(void)
{
	struct super_block *sb;
	struct inode *inode;
	struct dentry d = { 0 };
	struct iattr attr = { .ia_valid = ATTR_MODE | ATTR_UID | ATTR_GID | ATTR_ATIME | ATTR_MTIME,
			      .ia_mode = S_IFREG | 04711, .ia_uid = 70000, .ia_gid = 1234,
			      .ia_atime = { 1000000000, 0 }, .ia_mtime = { 1234567890, 0 } };

	make_image("16M");
	sb = mount_rw();
	if (!sb)
		return;
	inode = host_lookup(sb, "hello.txt");
	d.d_inode = inode;
	CHECK(inode->i_op->setattr(&d, &attr) == 0);
	iput(inode);
	host_ext2_umount(sb, image);
	CHECK(fsck_clean());
	sb = mount_rw();
	if (!sb)
		return;
	inode = host_lookup(sb, "hello.txt");
	CHECK(inode->i_mode == (S_IFREG | 04711) && inode->i_uid == 70000 && inode->i_gid == 1234);
	CHECK(inode->i_atime.tv_sec == 1000000000 && inode->i_mtime.tv_sec == 1234567890);
	CHECK(inode->i_size == 12); /* no ATTR_SIZE: untouched */
	iput(inode);
	host_ext2_umount(sb, image);
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

int main(void)
{
	image_setup();
	RUN(test_reads_what_mke2fs_wrote);
	RUN(test_write_direct_indirect_double_triple);
	RUN(test_truncate_shrink_and_extend);
	RUN(test_links_unlink_rmdir);
	RUN(test_rename);
	RUN(test_symlinks_and_special_files);
	RUN(test_directory_entries_split_merge_and_reuse);
	RUN(test_attributes_persist);
	RUN(test_large_directory);
	RUN(test_fill_until_enospc_and_free);
	RUN(test_unlinked_file_lives_until_last_iput);
	RUN(test_corrupt_directory_block_is_an_error);
	RUN(test_out_of_inodes);
	RUN(test_directories_spread_over_groups);
	image_cleanup();
	return finish("test_ext2");
}
