/*
 * ext2 under random operations: creates, writes at random offsets (up to
 * the double indirect tree), truncates, unlinks, links and renames in
 * three directories, each mirrored in a model of what the names and files
 * should hold; then the disk must match the model, before and after a
 * remount, and e2fsck must find nothing.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fs/ext2/ext2.h"
#include "tests/unit/ext2_host.h"
#include "tests/unit/ext2_image.h"
#include "tests/unit/host_kernel.h"
#include "tests/unit/test.h"

/* A model of what random operations should leave: names (in three
 * directories) pointing at files, and each file's bytes. */
enum { NAMES = 24, FILES = 12, MAX_SIZE = 5 * 1024 * 1024 };

struct model_file {
	unsigned char *data;
	size_t size;
	int links;
};

static struct model_file model[FILES];
static int model_name[NAMES]; /* file index, or -1 */

static void name_path(int n, char *buf, size_t size)
{
	snprintf(buf, size, "r%d/f%d", n % 3, n);
}

static struct inode *dir_of(struct super_block *sb, int n)
{
	char dir[16];

	snprintf(dir, sizeof(dir), "r%d", n % 3);
	return host_lookup(sb, dir);
}

static unsigned int rnd(void)
{
	static uint64_t x = 88172645463325252ULL;

	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	return (unsigned int)x;
}

/* One random operation on ext2 and on the model; false if they disagree. */
static bool random_op(struct super_block *sb)
{
	int n = rnd() % NAMES, m = rnd() % NAMES, f = model_name[n];
	struct inode *dir = dir_of(sb, n), *dir2 = dir_of(sb, m), *inode;
	char name[16], name2[16], path[32];
	bool ok = true;

	snprintf(name, sizeof(name), "f%d", n);
	snprintf(name2, sizeof(name2), "f%d", m);
	name_path(n, path, sizeof(path));
	switch (rnd() % 6) {
	case 0: /* create */
		if (f >= 0)
			break;
		for (f = 0; f < FILES && model[f].links; f++)
			;
		if (f == FILES)
			break;
		ok = host_create(dir, name, 0644) == 0;
		model[f] = (struct model_file){ NULL, 0, 1 };
		model_name[n] = f;
		break;
	case 1: /* write */
	case 2: {
		size_t off = rnd() % MAX_SIZE, len = 1 + rnd() % 70000;
		unsigned char *buf;

		if (f < 0)
			break;
		len = MIN(len, MAX_SIZE - off);
		buf = malloc(len);
		memset(buf, 1 + rnd() % 255, len);
		inode = host_lookup(sb, path);
		ok = inode && host_write(inode, off, buf, len) == 0;
		iput(inode);
		if (off + len > model[f].size) {
			model[f].data = realloc(model[f].data, off + len);
			memset(model[f].data + model[f].size, 0, off + len - model[f].size);
			model[f].size = off + len;
		}
		memcpy(model[f].data + off, buf, len);
		free(buf);
		break;
	}
	case 3: { /* truncate */
		size_t size = rnd() % MAX_SIZE;

		if (f < 0)
			break;
		inode = host_lookup(sb, path);
		ok = inode && host_truncate(inode, size) == 0;
		iput(inode);
		if (size > model[f].size) {
			model[f].data = realloc(model[f].data, size);
			memset(model[f].data + model[f].size, 0, size - model[f].size);
		}
		model[f].size = size;
		break;
	}
	case 4: /* unlink */
		if (f < 0)
			break;
		ok = host_unlink(dir, name) == 0;
		model_name[n] = -1;
		if (--model[f].links == 0) {
			free(model[f].data);
			model[f].data = NULL;
		}
		break;
	case 5: /* rename n -> m, or link n to m */
		if (f < 0 || n == m)
			break;
		if (model_name[m] < 0 && dir == dir2 && rnd() % 2) { /* host_link: in one directory */
			ok = host_link(dir, name, name2) == 0;
			model_name[m] = f;
			model[f].links++;
			break;
		}
		ok = host_rename(dir, name, dir2, name2, 0) == 0;
		if (model_name[m] >= 0 && model_name[m] != f && --model[model_name[m]].links == 0) {
			free(model[model_name[m]].data);
			model[model_name[m]].data = NULL;
		}
		if (model_name[m] == f) /* two names of one file: rename does nothing */
			break;
		model_name[m] = f;
		model_name[n] = -1;
		break;
	}
	iput(dir);
	iput(dir2);
	return ok;
}

/* Does name n hold what the model says (nothing, or the file's links,
 * size and bytes)? */
static bool matches_model(struct super_block *sb, int n)
{
	char path[32];
	struct inode *inode;
	struct model_file *want;
	unsigned char *got;
	bool ok;

	name_path(n, path, sizeof(path));
	inode = host_lookup(sb, path);
	if (model_name[n] < 0 || !inode) {
		if (inode)
			iput(inode);
		return model_name[n] < 0 && !inode;
	}
	want = &model[model_name[n]];
	got = malloc(want->size + 1);
	ok = (size_t)inode->i_size == want->size && (int)inode->i_nlink == want->links &&
	     host_read(inode, 0, got, want->size) == 0 &&
	     (!want->size || memcmp(got, want->data, want->size) == 0);
	if (!ok)
		printf("  %s: size %lld, %u links; the model: %zu, %d\n", path,
		       (long long)inode->i_size, inode->i_nlink, want->size, want->links);
	free(got);
	iput(inode);
	return ok;
}

static void test_random_operations_match_a_model(void)
{
	struct super_block *sb;
	int bad_op = -1, bad_name = -1;

	make_image("128M");
	sb = image_mount(0);
	CHECK(sb != NULL);
	if (!sb)
		return;
	CHECK(host_mkdir(sb->s_root->d_inode, "r0") == 0 && host_mkdir(sb->s_root->d_inode, "r1") == 0 &&
	      host_mkdir(sb->s_root->d_inode, "r2") == 0);
	for (int n = 0; n < NAMES; n++)
		model_name[n] = -1;
	for (int i = 0; i < 3000 && bad_op < 0; i++)
		if (!random_op(sb))
			bad_op = i;
	CHECK(bad_op < 0);
	for (int n = 0; n < NAMES && bad_name < 0; n++)
		if (!matches_model(sb, n))
			bad_name = n;
	CHECK(bad_name < 0);
	host_ext2_umount(sb, image);
	CHECK(fsck_clean());
	sb = image_mount(0);
	CHECK(sb != NULL);
	if (!sb)
		return;
	for (int n = 0; n < NAMES && bad_name < 0; n++)
		if (!matches_model(sb, n))
			bad_name = n;
	CHECK(bad_name < 0); /* and the same after a remount */
	host_ext2_umount(sb, image);
	for (int f = 0; f < FILES; f++)
		free(model[f].data);
}

int main(void)
{
	image_setup();
	RUN(test_random_operations_match_a_model);
	image_cleanup();
	return finish("test_ext2_random");
}
