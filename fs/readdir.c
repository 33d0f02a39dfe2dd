/*
 * Reading directories: getdents64 (Linux: fs/readdir.c). The file system
 * offers its entries one at a time from the file's position
 * (iterate_shared); each is packed into the user's buffer as a struct
 * linux_dirent64 until the buffer is full. The entry that did not fit
 * is offered again by the next call.
 */
#include "fs/fdtable.h"
#include "fs/file.h"
#include "fs/internal.h"
#include "kernel/errno.h"
#include "kernel/syscall.h"
#include "kernel/uaccess.h"
#include "lib/string.h"

struct linux_dirent64 {
	uint64_t d_ino;
	int64_t d_off;            /* the position of the next entry */
	unsigned short d_reclen;  /* this record's length, 8-byte aligned */
	unsigned char d_type;
	char d_name[];
};

struct getdents_callback {
	struct dir_context ctx;
	uint64_t buf;   /* user buffer: where the next record goes */
	size_t left;    /* bytes left in it */
	long error;     /* -EFAULT, or -EINVAL when even one entry does not fit */
	bool any;       /* at least one record written */
};

static bool filldir64(struct dir_context *ctx, const char *name, int namelen, loff_t pos,
		      uint64_t ino, unsigned int d_type)
{
	struct getdents_callback *cb = (struct getdents_callback *)ctx;
	size_t reclen = (offsetof(struct linux_dirent64, d_name) + (size_t)namelen + 1 + 7) & ~7ul;
	char rec[offsetof(struct linux_dirent64, d_name) + 256 + 8];

	if (reclen > cb->left) {
		if (!cb->any)
			cb->error = -EINVAL;
		return false;
	}
	memset(rec, 0, reclen);
	struct linux_dirent64 *d = (struct linux_dirent64 *)rec;
	d->d_ino = ino;
	d->d_off = pos;
	d->d_reclen = (unsigned short)reclen;
	d->d_type = (unsigned char)d_type;
	memcpy(d->d_name, name, (size_t)namelen);
	if (copy_to_user(cb->buf, rec, reclen)) {
		cb->error = -EFAULT;
		return false;
	}
	cb->buf += reclen;
	cb->left -= reclen;
	cb->any = true;
	return true;
}

int iterate_dir(struct file *f, struct dir_context *ctx)
{
	struct inode *inode = f->f_inode;

	if (!inode || !f->f_op->iterate_shared)
		return -ENOTDIR;
	inode_lock_shared(inode);
	ctx->pos = f->f_pos;
	int err = f->f_op->iterate_shared(f, ctx);
	f->f_pos = ctx->pos;
	inode_unlock_shared(inode);
	return err;
}

long sys_getdents64(uint64_t fd, uint64_t ubuf, uint64_t count)
{
	struct file *f = fget((unsigned int)fd);
	struct getdents_callback cb = { .ctx.actor = filldir64, .buf = ubuf,
					.left = (size_t)MIN(count, (uint64_t)INT32_MAX) };

	if (!f)
		return -EBADF;
	if (!access_ok(ubuf, cb.left))
		return -EFAULT;
	long err = iterate_dir(f, &cb.ctx);
	if (err)
		return err;
	if (cb.error && !cb.any)
		return cb.error;
	return (long)(MIN(count, (uint64_t)INT32_MAX) - cb.left);
}
