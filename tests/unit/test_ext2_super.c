/*
 * Mounting ext2 images: statfs, remount, the superblock's features, and
 * images that must be refused - each with Linux's log line, and with
 * nothing written to the disk.
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
	image_setup();
	RUN(test_statfs);
	RUN(test_first_large_file_sets_large_file);
	RUN(test_remount_read_only_and_back);
	RUN(test_corrupt_images_are_refused);
	RUN(test_ro_compat_feature_mounts_read_only);
	RUN(test_revision_too_high_forces_read_only);
	image_cleanup();
	return finish("test_ext2_super");
}
