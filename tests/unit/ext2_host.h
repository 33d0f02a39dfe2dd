/*
 * ext2 on the host (tests/unit/ext2_host.c): a disk image file loaded
 * into the host's physical memory - block n is one frame, so sb_bread is
 * a lookup - and the few VFS functions ext2 calls, done the simplest way:
 * an inode cache on a list, dentries that are only a name and an inode.
 */
#ifndef TESTS_UNIT_EXT2_HOST_H
#define TESTS_UNIT_EXT2_HOST_H

#include "fs/fs.h"

/* Load image (the whole file) as the disk and mount it as "vda" with
 * flags (SB_RDONLY or 0): the super block, or NULL with *err set. */
struct super_block *host_ext2_mount(const char *image, unsigned int flags, int *err);
/* Write back every dirty inode, drop the cache, put_super, and save the
 * disk over image. */
void host_ext2_umount(struct super_block *sb, const char *image);

/* How many times a block was marked dirty since the image was loaded. */
extern unsigned long host_ext2_dirtied;
/* Does the disk in memory still equal the file it was loaded from? */
bool host_ext2_disk_unchanged(const char *image);

/* The inode at path ("a/b", relative to the root), with a reference, or
 * NULL. */
struct inode *host_lookup(struct super_block *sb, const char *path);
/* A dentry called name in dir (negative until looked up or created);
 * host_dput drops it and the inode reference it holds. */
struct dentry *host_dentry(struct inode *dir, const char *name);
struct dentry *host_dentry_lookup(struct inode *dir, const char *name);
void host_dput(struct dentry *dentry);

/* The directory operations by name: 0 or -errno. */
int host_create(struct inode *dir, const char *name, umode_t mode);
int host_mkdir(struct inode *dir, const char *name);
int host_unlink(struct inode *dir, const char *name);
int host_rmdir(struct inode *dir, const char *name);
int host_link(struct inode *dir, const char *old, const char *new);
int host_symlink(struct inode *dir, const char *name, const char *target);
int host_mknod(struct inode *dir, const char *name, umode_t mode, dev_t dev);
int host_rename(struct inode *old_dir, const char *old, struct inode *new_dir, const char *new,
		unsigned int flags);
int host_truncate(struct inode *inode, loff_t size);

/* File data through ext2_get_block, as the page cache would move it. */
int host_write(struct inode *inode, loff_t pos, const void *buf, size_t len);
int host_read(struct inode *inode, loff_t pos, void *buf, size_t len);

/* The names in a directory through iterate_shared, each followed by a
 * '/', into buf; the number of entries or -errno. */
int host_readdir(struct inode *dir, char *buf, size_t size);

#endif
