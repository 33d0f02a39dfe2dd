/*
 * Helpers for file systems that live in the dentry cache (Linux:
 * fs/libfs.c): rootfs, /dev, debugfs, /proc's fixed parts. Their
 * directories are exactly the dentries cached under them - each positive
 * one pinned by an extra reference, so it is never dropped - and reading
 * a directory lists those.
 */
#include "fs/file.h"
#include "fs/iov_iter.h"
#include "fs/fs.h"
#include "fs/stat.h"
#include "kernel/errno.h"
#include "lib/string.h"
#include "mm/layout.h"

struct dentry *simple_lookup(struct inode *dir, struct dentry *dentry, unsigned int flags)
{
	(void)dir, (void)flags;
	d_add(dentry, NULL); /* not in the cache: it does not exist */
	return NULL;
}

/* A name that exists: positive, and not removed while someone held it
 * (Linux: simple_positive). */
static bool simple_positive(const struct dentry *d)
{
	return d->d_inode && !list_empty(&d->d_hash);
}

static unsigned int dt_type(const struct inode *inode)
{
	return (inode->i_mode >> 12) & 15; /* DT_* are the S_IFMT bits */
}

/* ".", "..", then the children in the order they were made; ctx->pos
 * counts entries. */
int dcache_readdir(struct file *f, struct dir_context *ctx)
{
	struct dentry *dir = f->f_path.dentry;

	if (ctx->pos == 0) {
		if (!ctx->actor(ctx, ".", 1, 1, dir->d_inode->i_ino, DT_DIR))
			return 0;
		ctx->pos = 1;
	}
	if (ctx->pos == 1) {
		if (!ctx->actor(ctx, "..", 2, 2, dir->d_parent->d_inode->i_ino, DT_DIR))
			return 0;
		ctx->pos = 2;
	}
	loff_t n = 2;
	for (struct list_head *e = dir->d_subdirs.next; e != &dir->d_subdirs; e = e->next) {
		struct dentry *child = list_entry(e, struct dentry, d_child);
		if (!simple_positive(child))
			continue;
		if (n++ < ctx->pos)
			continue;
		if (!ctx->actor(ctx, child->d_name.name, (int)child->d_name.len, n,
				child->d_inode->i_ino, dt_type(child->d_inode)))
			return 0;
		ctx->pos = n;
	}
	return 0;
}

long generic_read_dir(struct file *f, struct iov_iter *to, loff_t *pos)
{
	(void)f, (void)to, (void)pos;
	return -EISDIR;
}

/* As Linux's dcache_dir_lseek and seq_lseek: SEEK_SET and SEEK_CUR, to
 * an entry or a byte of a text whose length is not known. */
loff_t no_end_llseek(struct file *f, loff_t offset, int whence)
{
	if (whence == SEEK_CUR)
		offset += f->f_pos;
	else if (whence != SEEK_SET)
		return -EINVAL;
	if (offset < 0)
		return -EINVAL;
	return f->f_pos = offset;
}

/* Nothing to write out: in memory only (Linux: noop_fsync). */
int noop_fsync(struct file *f, loff_t start, loff_t end, int datasync)
{
	(void)f, (void)start, (void)end, (void)datasync;
	return 0;
}

const struct file_operations simple_dir_operations = {
	.read = generic_read_dir,
	.llseek = no_end_llseek,
	.iterate_shared = dcache_readdir,
	.fsync = noop_fsync,
};

const struct inode_operations simple_dir_inode_operations = {
	.lookup = simple_lookup,
};

int simple_setattr(struct dentry *dentry, struct iattr *attr)
{
	struct inode *inode = dentry->d_inode;

	/* ATTR_SIZE: the files that come here (proc, sysfs, debugfs) have no
	 * size of their own, and Linux lets O_TRUNC "truncate" them to
	 * nothing: `echo 1 > /proc/sys/vm/...` opens with O_TRUNC. */
	if (attr->ia_valid & ATTR_MODE)
		inode->i_mode = (inode->i_mode & S_IFMT) | (attr->ia_mode & S_IALLUGO);
	if (attr->ia_valid & ATTR_UID)
		inode->i_uid = attr->ia_uid;
	if (attr->ia_valid & ATTR_GID)
		inode->i_gid = attr->ia_gid;
	if (attr->ia_valid & ATTR_ATIME)
		inode->i_atime = attr->ia_atime;
	if (attr->ia_valid & ATTR_MTIME)
		inode->i_mtime = attr->ia_mtime;
	if (attr->ia_valid & ATTR_CTIME)
		inode->i_ctime = attr->ia_ctime;
	return 0;
}

int simple_statfs(struct dentry *dentry, struct kstatfs *buf)
{
	buf->f_type = (int64_t)dentry->d_sb->s_magic;
	buf->f_bsize = PAGE_SIZE;
	buf->f_frsize = PAGE_SIZE;
	buf->f_namelen = 255;
	return 0;
}

long simple_read_from_buffer(struct iov_iter *to, loff_t *pos, const void *from, size_t available)
{
	if (*pos < 0)
		return -EINVAL;
	if ((size_t)*pos >= available)
		return 0;
	size_t n = MIN(iov_iter_count(to), available - (size_t)*pos);
	size_t copied = copy_to_iter((const char *)from + *pos, n, to);
	if (!copied && n)
		return -EFAULT;
	*pos += (loff_t)copied;
	return (long)copied;
}

/* A symbolic link whose target is its i_private, a NUL-terminated copy
 * (Linux keeps it in i_link). */
int simple_get_link(struct inode *inode, char *buf, int buflen)
{
	int len = (int)MIN(strlen(inode->i_private), (size_t)buflen);

	memcpy(buf, inode->i_private, (size_t)len);
	return len;
}

loff_t generic_file_llseek(struct file *f, loff_t offset, int whence)
{
	return fixed_size_llseek(f, offset, whence, i_size_read(f->f_inode));
}

/* A new inode for a simple file system, numbered in creation order. */
struct inode *simple_new_inode(struct super_block *sb, umode_t mode)
{
	static unsigned long last_ino = 1;
	struct inode *inode = new_inode(sb);

	if (!inode)
		return NULL;
	inode->i_ino = ++last_ino;
	inode->i_mode = mode;
	inode->i_atime = inode->i_mtime = inode->i_ctime = current_time(inode);
	if (S_ISDIR(mode)) {
		inode->i_op = &simple_dir_inode_operations;
		inode->i_fop = &simple_dir_operations;
		inc_nlink(inode); /* "." */
	}
	return inode;
}

/* Make name in parent, pinned, for inode (whose reference passes to it):
 * the dentry, or NULL when memory is short (the inode is then put). */
struct dentry *simple_create_dentry(struct dentry *parent, const char *name, struct inode *inode)
{
	struct dentry *d = d_alloc_name(parent, name);

	if (!d) {
		iput(inode);
		return NULL;
	}
	d_add(d, inode);
	if (S_ISDIR(inode->i_mode))
		inc_nlink(parent->d_inode);
	return d; /* its reference is the pin */
}

/* ---- changing names in a pinned-dentry file system ------------------ */

int simple_link(struct dentry *old_dentry, struct inode *dir, struct dentry *dentry)
{
	struct inode *inode = old_dentry->d_inode;

	inode->i_ctime = dir->i_ctime = dir->i_mtime = current_time(inode);
	inc_nlink(inode);
	ihold(inode);
	d_instantiate(dentry, inode);
	dget(dentry); /* the pin */
	return 0;
}

bool simple_empty(struct dentry *dentry)
{
	for (struct list_head *e = dentry->d_subdirs.next; e != &dentry->d_subdirs; e = e->next)
		if (simple_positive(list_entry(e, struct dentry, d_child)))
			return false;
	return true;
}

int simple_unlink(struct inode *dir, struct dentry *dentry)
{
	struct inode *inode = dentry->d_inode;

	inode->i_ctime = dir->i_ctime = dir->i_mtime = current_time(inode);
	drop_nlink(inode);
	dput(dentry); /* the pin */
	return 0;
}

int simple_rmdir(struct inode *dir, struct dentry *dentry)
{
	if (!simple_empty(dentry))
		return -ENOTEMPTY;
	drop_nlink(dentry->d_inode); /* its "." */
	simple_unlink(dir, dentry);
	drop_nlink(dir);             /* the child's ".." */
	return 0;
}

int simple_rename(struct inode *old_dir, struct dentry *old_dentry, struct inode *new_dir,
		  struct dentry *new_dentry, unsigned int flags)
{
	bool is_dir = S_ISDIR(old_dentry->d_inode->i_mode);

	if (flags & ~RENAME_NOREPLACE)
		return -EINVAL;
	if (new_dentry->d_inode) {
		int err = S_ISDIR(new_dentry->d_inode->i_mode) ? simple_rmdir(new_dir, new_dentry)
							     : simple_unlink(new_dir, new_dentry);
		if (err)
			return err;
		if (is_dir) /* the replaced directory's ".." was dropped by rmdir */
			inc_nlink(new_dir);
	} else if (is_dir) {
		inc_nlink(new_dir);
	}
	if (is_dir)
		drop_nlink(old_dir);
	old_dir->i_ctime = old_dir->i_mtime = new_dir->i_ctime = new_dir->i_mtime =
		old_dentry->d_inode->i_ctime = current_time(old_dir);
	return 0;
}
