/*
 * The initramfs as a read-only file system (see fs/rootfs.h). Its files
 * stay where GRUB loaded them; a struct file of one points to its
 * initramfs_file, and reading copies straight from there.
 */
#include "fs/rootfs.h"
#include "fs/file.h"
#include "fs/initramfs.h"
#include "fs/iov_iter.h"
#include "fs/namei.h"
#include "fs/stat.h"
#include "kernel/errno.h"
#include "mm/layout.h"

#define ROOTFS_DEV 1 /* 0:1, as Linux numbers its first in-memory file system */

static long rootfs_read(struct file *f, struct iov_iter *to, loff_t *pos)
{
	const struct initramfs_file *inode = f->private_data;

	if (*pos >= (loff_t)inode->size)
		return 0;
	size_t n = MIN(iov_iter_count(to), inode->size - (size_t)*pos);
	size_t done = copy_to_iter((const char *)inode->data + *pos, n, to);
	if (!done && n)
		return -EFAULT;
	*pos += (loff_t)done;
	return (long)done;
}

static loff_t rootfs_llseek(struct file *f, loff_t offset, int whence)
{
	const struct initramfs_file *inode = f->private_data;

	return fixed_size_llseek(f, offset, whence, (loff_t)inode->size);
}

static void rootfs_stat(struct file *f, struct stat *st)
{
	const struct initramfs_file *inode = f->private_data;

	st->st_dev = ROOTFS_DEV;
	st->st_ino = inode->ino;
	st->st_nlink = 1;
	st->st_mode = inode->mode;
	st->st_size = (int64_t)inode->size;
	st->st_blksize = PAGE_SIZE;
	st->st_blocks = (int64_t)(inode->size + 511) / 512;
}

/* Nothing to write out: the data never changes. */
static int rootfs_fsync(struct file *f, loff_t start, loff_t end, int datasync)
{
	(void)f, (void)start, (void)end, (void)datasync;
	return 0;
}

static const struct file_operations rootfs_file_fops = {
	.read = rootfs_read,
	.llseek = rootfs_llseek,
	.stat = rootfs_stat,
	.fsync = rootfs_fsync,
};

/* "/": read() is for files (getdents64 would list a directory). */
static long rootdir_read(struct file *f, struct iov_iter *to, loff_t *pos)
{
	(void)f, (void)to, (void)pos;
	return -EISDIR;
}

/* As for Linux's in-memory directories: SEEK_SET and SEEK_CUR only. */
static loff_t rootdir_llseek(struct file *f, loff_t offset, int whence)
{
	if (whence != SEEK_SET && whence != SEEK_CUR)
		return -EINVAL;
	return fixed_size_llseek(f, offset, whence, 0);
}

static void rootdir_stat(struct file *f, struct stat *st)
{
	(void)f;
	st->st_dev = ROOTFS_DEV;
	st->st_ino = INITRAMFS_ROOT_INO;
	st->st_nlink = 2; /* no subdirectories: its name in itself and ".": 2 */
	st->st_mode = S_IFDIR | 0755;
	st->st_blksize = PAGE_SIZE;
}

static const struct file_operations rootdir_fops = {
	.read = rootdir_read,
	.llseek = rootdir_llseek,
	.stat = rootdir_stat,
	.fsync = rootfs_fsync,
};

long rootfs_open(const char *path, unsigned int flags, struct file **f)
{
	const struct initramfs_file *inode;
	bool write = (flags & O_ACCMODE) != O_RDONLY;
	int err = path_lookup(path, initramfs_lookup, &inode);

	/* Nothing can be created here. (Linux says ENOENT instead when a
	 * directory on the way is missing, as in "nope/new"; here that
	 * answer is EROFS too.) */
	if (err == -ENOENT && (flags & O_CREAT))
		return -EROFS;
	if (err)
		return err;
	if ((flags & O_CREAT) && (flags & O_EXCL))
		return -EEXIST;
	if (!inode) {
		if (write || (flags & O_CREAT))
			return -EISDIR;
		*f = alloc_file(&rootdir_fops, flags, NULL);
	} else {
		if (flags & O_DIRECTORY)
			return -ENOTDIR;
		if (write || (flags & O_TRUNC))
			return -EROFS;
		/* private_data is not const; rootfs_* only read through it. */
		*f = alloc_file(&rootfs_file_fops, flags, (void *)inode);
	}
	return *f ? 0 : -ENOMEM;
}
