/*
 * Changing a file's attributes (Linux: fs/attr.c, fs/open.c):
 * truncate, ftruncate, chmod, fchmod, fchmodat, chown and its family,
 * utimensat. Each builds a struct iattr and hands it to the file
 * system's setattr, which changes the inode (and the disk).
 */
#include "fs/fdtable.h"
#include "fs/file.h"
#include "fs/internal.h"
#include "fs/stat.h"
#include "kernel/cred.h"
#include "kernel/errno.h"
#include "kernel/syscall.h"
#include "kernel/uaccess.h"

int notify_change(struct dentry *dentry, struct iattr *attr)
{
	struct inode *inode = dentry->d_inode;

	if (!(attr->ia_valid & ATTR_CTIME)) {
		attr->ia_ctime = current_time(inode);
		attr->ia_valid |= ATTR_CTIME;
	}
	if ((attr->ia_valid & ATTR_SIZE) && !(attr->ia_valid & ATTR_MTIME)) {
		attr->ia_mtime = attr->ia_ctime;
		attr->ia_valid |= ATTR_MTIME;
	}
	int (*setattr)(struct dentry *, struct iattr *) =
		inode->i_op && inode->i_op->setattr ? inode->i_op->setattr : simple_setattr;
	return setattr(dentry, attr);
}

int do_truncate(struct dentry *dentry, loff_t length)
{
	struct inode *inode = dentry->d_inode;
	struct iattr attr = { .ia_valid = ATTR_SIZE, .ia_size = length };

	if (length < 0)
		return -EINVAL;
	if (length > inode->i_sb->s_maxbytes)
		return -EFBIG;
	if (IS_SWAPFILE(inode))
		return -ETXTBSY; /* truncate, ftruncate and O_TRUNC, as Linux 6.1 */
	inode_lock(inode);
	int err = notify_change(dentry, &attr);
	inode_unlock(inode);
	return err;
}

static bool path_readonly(const struct path *path)
{
	return (path->mnt->mnt_flags & MNT_RDONLY) || (path->mnt->mnt_sb->s_flags & SB_RDONLY);
}

/* What truncate and ftruncate check before do_truncate. */
static long truncate_path(const struct path *path, int64_t length)
{
	struct inode *inode = path->dentry->d_inode;

	if (S_ISDIR(inode->i_mode))
		return -EISDIR;
	if (!S_ISREG(inode->i_mode))
		return -EINVAL;
	if (path_readonly(path))
		return -EROFS;
	return do_truncate(path->dentry, length);
}

long sys_truncate(uint64_t upath, uint64_t length)
{
	struct path path;
	long err = user_path_at(AT_FDCWD, upath, LOOKUP_FOLLOW, &path);

	if (err)
		return err;
	err = inode_permission(path.dentry->d_inode, MAY_WRITE);
	if (!err)
		err = truncate_path(&path, (int64_t)length);
	path_put(&path);
	return err;
}

long sys_ftruncate(uint64_t fd, uint64_t length)
{
	struct file *f = fget((unsigned int)fd);

	if (!f)
		return -EBADF;
	if (!f->f_path.dentry || !(f->f_mode & FMODE_WRITE))
		return -EINVAL; /* Linux: EINVAL for a file not open for writing */
	return truncate_path(&f->f_path, (int64_t)length);
}

/* Who may change what (Linux: setattr_prepare): the owner, or root, the
 * mode and the times; chown to another user is root's, and to another
 * group the owner's only if it is one of theirs. chmod by someone not in
 * the file's group drops the set-group-id bit. Setting the times to now
 * needs only write permission. */
static long setattr_prepare(struct inode *inode, struct iattr *attr)
{
	bool owner = current_cred()->fsuid == inode->i_uid;

	if ((attr->ia_valid & ATTR_UID) && !(owner && attr->ia_uid == inode->i_uid) &&
	    !capable(CAP_CHOWN))
		return -EPERM;
	if ((attr->ia_valid & ATTR_GID) &&
	    !(owner && (attr->ia_gid == inode->i_gid || in_group_p(attr->ia_gid))) &&
	    !capable(CAP_CHOWN))
		return -EPERM;
	if (attr->ia_valid & ATTR_MODE) {
		if (!owner && !capable(CAP_FOWNER))
			return -EPERM;
		kgid_t gid = attr->ia_valid & ATTR_GID ? attr->ia_gid : inode->i_gid;
		if (!in_group_p(gid) && !capable(CAP_FSETID))
			attr->ia_mode &= ~S_ISGID;
	}
	if ((attr->ia_valid & (ATTR_ATIME | ATTR_MTIME)) && !owner && !capable(CAP_FOWNER)) {
		if (attr->ia_valid & ATTR_TIMES_SET)
			return -EPERM;
		return inode_permission(inode, MAY_WRITE);
	}
	return 0;
}

static long setattr_path(const struct path *path, struct iattr *attr)
{
	if (path_readonly(path))
		return -EROFS;
	long err = setattr_prepare(path->dentry->d_inode, attr);
	if (err)
		return err;
	attr->ia_valid &= ~ATTR_TIMES_SET;
	inode_lock(path->dentry->d_inode);
	err = notify_change(path->dentry, attr);
	inode_unlock(path->dentry->d_inode);
	return err;
}

/* fchmod, fchown, futimens: the open file's inode. */
static long setattr_fd(int fd, struct iattr *attr)
{
	struct file *f = fget((unsigned int)fd);

	if (!f)
		return -EBADF;
	return f->f_path.dentry ? setattr_path(&f->f_path, attr) : -EINVAL;
}

/* Apply attr to the file (dirfd, upath), or to dirfd itself when upath
 * is empty and AT_EMPTY_PATH given. */
static long setattr_at(int dirfd, uint64_t upath, unsigned int lookup, bool empty_ok,
		       struct iattr *attr)
{
	struct path path;
	char *name;

	long err = getname(upath, empty_ok, &name);
	if (err)
		return err;
	if (!name[0]) {
		putname(name);
		return setattr_fd(dirfd, attr);
	}
	err = filename_lookup(dirfd, name, lookup, &path);
	putname(name);
	if (err)
		return err;
	err = setattr_path(&path, attr);
	path_put(&path);
	return err;
}

static long chmod_common(int dirfd, uint64_t upath, uint64_t mode, bool empty_ok)
{
	struct iattr attr = { .ia_valid = ATTR_MODE, .ia_mode = (umode_t)mode & S_IALLUGO };

	return setattr_at(dirfd, upath, LOOKUP_FOLLOW, empty_ok, &attr);
}

long sys_chmod(uint64_t upath, uint64_t mode)
{
	return chmod_common(AT_FDCWD, upath, mode, false);
}

long sys_fchmodat(uint64_t dirfd, uint64_t upath, uint64_t mode)
{
	return chmod_common((int)dirfd, upath, mode, false);
}

long sys_fchmod(uint64_t fd, uint64_t mode)
{
	struct iattr attr = { .ia_valid = ATTR_MODE, .ia_mode = (umode_t)mode & S_IALLUGO };

	return setattr_fd((int)fd, &attr);
}

/* chown: -1 leaves an id as it is. */
static void chown_attr(struct iattr *attr, uint64_t uid, uint64_t gid)
{
	attr->ia_valid = 0;
	if ((uint32_t)uid != (uint32_t)-1) {
		attr->ia_valid |= ATTR_UID;
		attr->ia_uid = (uint32_t)uid;
	}
	if ((uint32_t)gid != (uint32_t)-1) {
		attr->ia_valid |= ATTR_GID;
		attr->ia_gid = (uint32_t)gid;
	}
}

long sys_fchownat(uint64_t dirfd, uint64_t upath, uint64_t uid, uint64_t gid, uint64_t flags)
{
	struct iattr attr;

	if (flags & ~(uint64_t)(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH))
		return -EINVAL;
	chown_attr(&attr, uid, gid);
	return setattr_at((int)dirfd, upath, flags & AT_SYMLINK_NOFOLLOW ? 0 : LOOKUP_FOLLOW,
			  flags & AT_EMPTY_PATH, &attr);
}

long sys_chown(uint64_t upath, uint64_t uid, uint64_t gid)
{
	return sys_fchownat((uint64_t)AT_FDCWD, upath, uid, gid, 0);
}

long sys_lchown(uint64_t upath, uint64_t uid, uint64_t gid)
{
	return sys_fchownat((uint64_t)AT_FDCWD, upath, uid, gid, AT_SYMLINK_NOFOLLOW);
}

long sys_fchown(uint64_t fd, uint64_t uid, uint64_t gid)
{
	struct iattr attr;

	chown_attr(&attr, uid, gid);
	return setattr_fd((int)fd, &attr);
}

#define UTIME_NOW ((1l << 30) - 1l)
#define UTIME_OMIT ((1l << 30) - 2l)

struct user_timespec {
	int64_t tv_sec;
	int64_t tv_nsec;
};

/* One of utimensat's two times into attr (bit: ATTR_ATIME or ATTR_MTIME). */
static long utime_one(const struct user_timespec *t, unsigned int bit, struct timespec64 now,
		      struct iattr *attr, struct timespec64 *out)
{
	if (t->tv_nsec == UTIME_OMIT)
		return 0;
	if (t->tv_nsec != UTIME_NOW && (t->tv_nsec < 0 || t->tv_nsec > 999999999))
		return -EINVAL;
	*out = t->tv_nsec == UTIME_NOW ? now : (struct timespec64){ t->tv_sec, (long)t->tv_nsec };
	attr->ia_valid |= bit | (t->tv_nsec == UTIME_NOW ? 0 : ATTR_TIMES_SET);
	return 0;
}

long sys_utimensat(uint64_t dirfd, uint64_t upath, uint64_t utimes, uint64_t flags)
{
	struct user_timespec t[2] = { { 0, UTIME_NOW }, { 0, UTIME_NOW } };
	struct iattr attr = { 0 };
	struct timespec64 now = current_time(NULL);

	if (flags & ~(uint64_t)(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH))
		return -EINVAL;
	if (utimes && copy_from_user(t, utimes, sizeof(t)))
		return -EFAULT;
	long err = utime_one(&t[0], ATTR_ATIME, now, &attr, &attr.ia_atime);
	if (!err)
		err = utime_one(&t[1], ATTR_MTIME, now, &attr, &attr.ia_mtime);
	if (err)
		return err;
	if (!attr.ia_valid)
		return 0; /* both UTIME_OMIT */
	if (!upath) /* Linux: a NULL path means dirfd itself (futimens) */
		return setattr_fd((int)dirfd, &attr);
	return setattr_at((int)dirfd, upath, flags & AT_SYMLINK_NOFOLLOW ? 0 : LOOKUP_FOLLOW,
			  flags & AT_EMPTY_PATH, &attr);
}
