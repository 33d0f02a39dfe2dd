/*
 * Changing names: mknod, mkdir, symlink, link, unlink, rmdir, rename and
 * their *at forms (Linux: the vfs_* half of fs/namei.c). Each finds the
 * directory the last name is in, locks it, looks the name up, checks
 * what Linux checks - in Linux's order, so the same mistake gives the
 * same errno - and calls the file system's inode operation.
 */
#include "fs/file.h"
#include "fs/fs_struct.h"
#include "fs/internal.h"
#include "fs/stat.h"
#include "kernel/errno.h"
#include "kernel/mutex.h"
#include "kernel/proc.h"
#include "kernel/syscall.h"
#include "lib/err.h"
#include "mm/slab.h"

static bool readonly(const struct vfsmount *mnt)
{
	return (mnt->mnt_flags & MNT_RDONLY) || (mnt->mnt_sb->s_flags & SB_RDONLY);
}

static bool is_mountpoint(const struct dentry *d)
{
	return d->d_flags & DCACHE_MOUNTED;
}

/* The last component of (dirfd, name) looked up in its locked parent. */
struct name_in_dir {
	struct path parent;   /* held */
	struct dentry *dentry; /* held; may be negative */
	struct qstr last;
	bool trailing_slash;
};

static long lock_name(int dirfd, const char *name, struct name_in_dir *n)
{
	int type;
	long err = filename_parentat(dirfd, name, &n->parent, &n->last, &type);

	if (err)
		return err;
	if (type != LAST_NORM) {
		path_put(&n->parent);
		return type == LAST_ROOT ? -EBUSY : type == LAST_DOT ? -EINVAL : -ENOTEMPTY;
	}
	n->trailing_slash = n->last.name[n->last.len] == '/';
	inode_lock(n->parent.dentry->d_inode);
	n->dentry = lookup_one_qstr(&n->last, n->parent.dentry);
	if (IS_ERR(n->dentry)) {
		err = PTR_ERR(n->dentry);
		inode_unlock(n->parent.dentry->d_inode);
		path_put(&n->parent);
	}
	return err;
}

/* lock_name's answers for a last component of "/", "." or "..". */
static bool is_special_last(long err)
{
	return err == -EBUSY || err == -EINVAL || err == -ENOTEMPTY;
}

/* lock_name for a name about to be made: "/", "." and ".." exist. */
static long lock_new_name(int dirfd, const char *name, struct name_in_dir *n)
{
	long err = lock_name(dirfd, name, n);

	return is_special_last(err) ? -EEXIST : err;
}

static void unlock_name(struct name_in_dir *n)
{
	inode_unlock(n->parent.dentry->d_inode);
	dput(n->dentry);
	path_put(&n->parent);
}

/* What making a new name needs: the name free, the file system
 * writable, write and search permission on the directory, the
 * operation there. */
static long may_create(struct name_in_dir *n, const void *op)
{
	if (n->dentry->d_inode)
		return -EEXIST;
	if (readonly(n->parent.mnt))
		return -EROFS;
	long err = may_create_in(n->parent.dentry->d_inode);
	if (err)
		return err;
	return op ? 0 : -EPERM;
}

static long get_name(uint64_t upath, char **name)
{
	return getname(upath, false, name);
}

long sys_mkdirat(uint64_t dirfd, uint64_t upath, uint64_t mode)
{
	struct name_in_dir n;
	char *name;
	long err = get_name(upath, &name);

	if (err)
		return err;
	err = lock_new_name((int)dirfd, name, &n);
	if (!err) {
		struct inode *dir = n.parent.dentry->d_inode;
		err = may_create(&n, dir->i_op->mkdir);
		if (!err)
			err = dir->i_op->mkdir(dir, n.dentry,
					       ((umode_t)mode & 07777 & ~current->fs->umask) | S_IFDIR);
		unlock_name(&n);
	}
	putname(name);
	return err;
}

long sys_mkdir(uint64_t upath, uint64_t mode)
{
	return sys_mkdirat((uint64_t)AT_FDCWD, upath, mode);
}

long sys_mknodat(uint64_t dirfd, uint64_t upath, uint64_t mode, uint64_t dev)
{
	struct name_in_dir n;
	char *name;
	umode_t m = (umode_t)mode;

	if (!(m & S_IFMT))
		m |= S_IFREG;
	if (!S_ISREG(m) && !S_ISCHR(m) && !S_ISBLK(m) && !S_ISFIFO(m) && !S_ISSOCK(m))
		return -EINVAL;
	long err = get_name(upath, &name);
	if (err)
		return err;
	err = lock_new_name((int)dirfd, name, &n);
	if (!err) {
		struct inode *dir = n.parent.dentry->d_inode;
		umode_t perm = m & 07777 & ~current->fs->umask;
		/* dev is the user's encoding: (major << 8) | minor, minor's
		 * high bits above (Linux's new_decode_dev). */
		dev_t rdev = MKDEV((dev & 0xfff00) >> 8, (dev & 0xff) | ((dev >> 12) & 0xfff00));
		if (S_ISREG(m)) {
			err = may_create(&n, dir->i_op->create);
			if (!err)
				err = dir->i_op->create(dir, n.dentry, (m & S_IFMT) | perm, true);
		} else {
			err = may_create(&n, dir->i_op->mknod);
			if (!err)
				err = dir->i_op->mknod(dir, n.dentry, (m & S_IFMT) | perm, rdev);
		}
		unlock_name(&n);
	}
	putname(name);
	return err;
}

long sys_mknod(uint64_t upath, uint64_t mode, uint64_t dev)
{
	return sys_mknodat((uint64_t)AT_FDCWD, upath, mode, dev);
}

long sys_symlinkat(uint64_t utarget, uint64_t dirfd, uint64_t upath)
{
	struct name_in_dir n;
	char *target, *name;
	long err = get_name(utarget, &target);

	if (err)
		return err;
	err = get_name(upath, &name);
	if (err) {
		putname(target);
		return err;
	}
	err = lock_new_name((int)dirfd, name, &n);
	if (!err) {
		struct inode *dir = n.parent.dentry->d_inode;
		err = may_create(&n, dir->i_op->symlink);
		if (!err)
			err = dir->i_op->symlink(dir, n.dentry, target);
		unlock_name(&n);
	}
	putname(name);
	putname(target);
	return err;
}

long sys_symlink(uint64_t utarget, uint64_t upath)
{
	return sys_symlinkat(utarget, (uint64_t)AT_FDCWD, upath);
}

long sys_linkat(uint64_t olddirfd, uint64_t uold, uint64_t newdirfd, uint64_t unew,
		uint64_t flags)
{
	struct path old;
	struct name_in_dir n;
	char *name;

	if (flags & ~(uint64_t)(AT_SYMLINK_FOLLOW | AT_EMPTY_PATH))
		return -EINVAL;
	long err = user_path_at((int)olddirfd, uold, flags & AT_SYMLINK_FOLLOW ? LOOKUP_FOLLOW : 0,
				&old);
	if (err)
		return err;
	err = get_name(unew, &name);
	if (!err) {
		err = lock_new_name((int)newdirfd, name, &n);
		if (!err) {
			struct inode *dir = n.parent.dentry->d_inode;
			err = may_create(&n, dir->i_op->link);
			if (!err && n.parent.mnt->mnt_sb != old.mnt->mnt_sb)
				err = -EXDEV;
			else if (!err && S_ISDIR(old.dentry->d_inode->i_mode))
				err = -EPERM;
			else if (!err)
				err = dir->i_op->link(old.dentry, dir, n.dentry);
			unlock_name(&n);
		}
		putname(name);
	}
	path_put(&old);
	return err;
}

long sys_link(uint64_t uold, uint64_t unew)
{
	return sys_linkat((uint64_t)AT_FDCWD, uold, (uint64_t)AT_FDCWD, unew, 0);
}

/* unlink or rmdir of a looked-up name. */
static long remove_name(struct name_in_dir *n, bool dir_wanted)
{
	struct inode *dir = n->parent.dentry->d_inode;
	struct inode *inode = n->dentry->d_inode;

	if (!inode)
		return -ENOENT;
	if (dir_wanted != S_ISDIR(inode->i_mode))
		return dir_wanted ? -ENOTDIR : -EISDIR;
	if (!dir_wanted && n->trailing_slash)
		return -ENOTDIR;
	if (readonly(n->parent.mnt))
		return -EROFS;
	if (is_mountpoint(n->dentry))
		return -EBUSY;
	long err = may_delete(dir, inode);
	if (err)
		return err;
	int (*op)(struct inode *, struct dentry *) = dir_wanted ? dir->i_op->rmdir
								: dir->i_op->unlink;
	if (!op)
		return -EPERM;
	if (dir_wanted)
		shrink_dcache_parent(n->dentry);
	err = op(dir, n->dentry);
	if (!err)
		d_delete(n->dentry);
	return err;
}

static long do_remove(int dirfd, uint64_t upath, bool dir_wanted)
{
	struct name_in_dir n;
	char *name;
	long err = get_name(upath, &name);

	if (err)
		return err;
	err = lock_name(dirfd, name, &n);
	if (!err) {
		err = remove_name(&n, dir_wanted);
		unlock_name(&n);
	} else if (!dir_wanted && is_special_last(err)) {
		err = -EISDIR; /* unlink("..") and the like: Linux says EISDIR */
	}
	putname(name);
	return err;
}

long sys_unlinkat(uint64_t dirfd, uint64_t upath, uint64_t flags)
{
	if (flags & ~(uint64_t)AT_REMOVEDIR)
		return -EINVAL;
	return do_remove((int)dirfd, upath, flags & AT_REMOVEDIR);
}

long sys_unlink(uint64_t upath)
{
	return do_remove(AT_FDCWD, upath, false);
}

long sys_rmdir(uint64_t upath)
{
	return do_remove(AT_FDCWD, upath, true);
}

/* ---- rename --------------------------------------------------------- */

/* One rename at a time, so that no two can move directories into each
 * other (Linux: s_vfs_rename_mutex). */
static struct mutex rename_mutex = MUTEX_INIT(rename_mutex);

static bool is_ancestor(const struct dentry *ancestor, const struct dentry *d)
{
	for (; d != d->d_parent; d = d->d_parent)
		if (d == ancestor)
			return true;
	return d == ancestor;
}

struct rename_names {
	struct path old_parent, new_parent;
	struct qstr old_last, new_last;
	struct dentry *old_dentry, *new_dentry;
};

static long rename_checks(struct rename_names *r, unsigned int flags)
{
	struct inode *old_inode = r->old_dentry->d_inode;
	struct inode *new_inode = r->new_dentry->d_inode;

	if (!old_inode)
		return -ENOENT;
	if (r->old_parent.mnt != r->new_parent.mnt)
		return -EXDEV;
	if ((flags & RENAME_NOREPLACE) && new_inode)
		return -EEXIST;
	if (old_inode == new_inode)
		return 1; /* the same file: nothing to do, and success */
	if (S_ISDIR(old_inode->i_mode) && is_ancestor(r->old_dentry, r->new_parent.dentry))
		return -EINVAL; /* into itself */
	if (new_inode && S_ISDIR(old_inode->i_mode) != S_ISDIR(new_inode->i_mode))
		return S_ISDIR(old_inode->i_mode) ? -ENOTDIR : -EISDIR;
	if (readonly(r->old_parent.mnt))
		return -EROFS;
	if (is_mountpoint(r->old_dentry) || is_mountpoint(r->new_dentry))
		return -EBUSY;
	long err = may_delete(r->old_parent.dentry->d_inode, old_inode);
	if (!err)
		err = new_inode ? may_delete(r->new_parent.dentry->d_inode, new_inode) :
				  may_create_in(r->new_parent.dentry->d_inode);
	if (err)
		return err;
	return r->old_parent.dentry->d_inode->i_op->rename ? 0 : -EPERM;
}

static long rename_locked(struct rename_names *r, unsigned int flags)
{
	long err = rename_checks(r, flags);

	if (err)
		return err > 0 ? 0 : err;
	struct inode *new_inode = r->new_dentry->d_inode;
	err = r->old_parent.dentry->d_inode->i_op->rename(r->old_parent.dentry->d_inode,
							  r->old_dentry,
							  r->new_parent.dentry->d_inode,
							  r->new_dentry, flags);
	if (err)
		return err;
	if (new_inode)
		d_delete(r->new_dentry);
	d_drop(r->new_dentry);
	return d_move(r->old_dentry, r->new_parent.dentry, &r->new_last);
}

static long lookup_both(struct rename_names *r)
{
	r->old_dentry = lookup_one_qstr(&r->old_last, r->old_parent.dentry);
	if (IS_ERR(r->old_dentry))
		return PTR_ERR(r->old_dentry);
	r->new_dentry = lookup_one_qstr(&r->new_last, r->new_parent.dentry);
	if (IS_ERR(r->new_dentry)) {
		dput(r->old_dentry);
		return PTR_ERR(r->new_dentry);
	}
	return 0;
}

static long do_rename(int olddirfd, const char *oldname, int newdirfd, const char *newname,
		      unsigned int flags)
{
	struct rename_names r;
	int old_type, new_type;

	if (flags & ~RENAME_NOREPLACE)
		return -EINVAL; /* RENAME_EXCHANGE and RENAME_WHITEOUT are not supported */
	long err = filename_parentat(olddirfd, oldname, &r.old_parent, &r.old_last, &old_type);
	if (err)
		return err;
	err = filename_parentat(newdirfd, newname, &r.new_parent, &r.new_last, &new_type);
	if (err) {
		path_put(&r.old_parent);
		return err;
	}
	if (old_type != LAST_NORM || new_type != LAST_NORM) {
		err = -EBUSY;
		goto out;
	}
	struct inode *d1 = r.old_parent.dentry->d_inode, *d2 = r.new_parent.dentry->d_inode;
	mutex_lock(&rename_mutex);
	inode_lock(d1);
	if (d2 != d1)
		inode_lock(d2);
	err = lookup_both(&r);
	if (!err) {
		err = rename_locked(&r, flags);
		dput(r.new_dentry);
		dput(r.old_dentry);
	}
	if (d2 != d1)
		inode_unlock(d2);
	inode_unlock(d1);
	mutex_unlock(&rename_mutex);
out:
	path_put(&r.new_parent);
	path_put(&r.old_parent);
	return err;
}

long sys_renameat2(uint64_t olddirfd, uint64_t uold, uint64_t newdirfd, uint64_t unew,
		   uint64_t flags)
{
	char *oldname, *newname;
	long err = get_name(uold, &oldname);

	if (err)
		return err;
	err = get_name(unew, &newname);
	if (!err) {
		err = do_rename((int)olddirfd, oldname, (int)newdirfd, newname, (unsigned int)flags);
		putname(newname);
	}
	putname(oldname);
	return err;
}

long sys_renameat(uint64_t olddirfd, uint64_t uold, uint64_t newdirfd, uint64_t unew)
{
	return sys_renameat2(olddirfd, uold, newdirfd, unew, 0);
}

long sys_rename(uint64_t uold, uint64_t unew)
{
	return sys_renameat2((uint64_t)AT_FDCWD, uold, (uint64_t)AT_FDCWD, unew, 0);
}
