/*
 * From a path name to a (mount, dentry) (Linux: fs/namei.c). The walk
 * starts at the process's root for "/..." and at its working directory
 * (or openat's directory) otherwise, and takes one component at a time:
 *
 *  - "." stays, ".." goes to the parent - out of a mounted file system to
 *    its mount point first, and never above the process's root;
 *  - a name is looked up in the dentry cache, and only on a miss in the
 *    directory's file system (i_op->lookup, under the directory's lock);
 *  - arriving on a mount point goes on in the root of what is mounted;
 *  - a symbolic link is read and its target walked from where the link
 *    is (or from the root), at most MAXSYMLINKS deep - always in the
 *    middle of a path, and at its end when the caller says LOOKUP_FOLLOW.
 *
 * Errors are Linux's: ENOENT (a missing name, an empty path), ENOTDIR (a
 * non-directory followed by more components), ENAMETOOLONG (a component
 * over NAME_MAX), ELOOP (too many links).
 */
#include "fs/namei.h"
#include "fs/fdtable.h"
#include "fs/file.h"
#include "fs/fs_struct.h"
#include "fs/internal.h"
#include "fs/stat.h"
#include "kernel/cred.h"
#include "kernel/errno.h"
#include "kernel/proc.h"
#include "lib/err.h"
#include "lib/string.h"
#include "mm/slab.h"

#define MAXSYMLINKS 40

struct nameidata {
	struct path path;  /* where the walk is (held) */
	struct path root;  /* the process's root (held) */
	int links;         /* symbolic links followed so far */
};

static bool is_dir(const struct dentry *d)
{
	return d->d_inode && S_ISDIR(d->d_inode->i_mode);
}

#define S_IXUGO 0111

/* The mode bits alone: the owner's if we own it, else the group's if
 * it is one of ours, else the others' (Linux: acl_permission_check). */
static int acl_permission_check(const struct inode *inode, int mask)
{
	const struct cred *cred = current_cred();
	unsigned int mode = inode->i_mode;

	if (cred->fsuid == inode->i_uid)
		mode >>= 6;
	else if (in_group_p(inode->i_gid))
		mode >>= 3;
	return (mask & ~mode & 7) ? -EACCES : 0;
}

/* Root's overrides: any access to a directory; reading and writing any
 * file; running one only if some x bit is set. */
static int generic_permission(const struct inode *inode, int mask)
{
	if (!acl_permission_check(inode, mask))
		return 0;
	if (S_ISDIR(inode->i_mode)) {
		if (!(mask & MAY_WRITE) && capable(CAP_DAC_READ_SEARCH))
			return 0;
		return capable(CAP_DAC_OVERRIDE) ? 0 : -EACCES;
	}
	if (mask == MAY_READ && capable(CAP_DAC_READ_SEARCH))
		return 0;
	if ((!(mask & MAY_EXEC) || (inode->i_mode & S_IXUGO)) && capable(CAP_DAC_OVERRIDE))
		return 0;
	return -EACCES;
}

int inode_permission(struct inode *inode, int mask)
{
	return generic_permission(inode, mask);
}

int may_create_in(struct inode *dir)
{
	return inode_permission(dir, MAY_WRITE | MAY_EXEC);
}

int may_delete(struct inode *dir, struct inode *victim)
{
	kuid_t fsuid = current_cred()->fsuid;
	int err = may_create_in(dir);

	if (err)
		return err;
	if ((dir->i_mode & S_ISVTX) && fsuid != victim->i_uid && fsuid != dir->i_uid &&
	    !capable(CAP_FOWNER))
		return -EPERM; /* /tmp: another user's file */
	return 0;
}

/* Go down into whatever is mounted on path, as far as it goes. */
void follow_mount(struct path *path)
{
	while (path->dentry->d_flags & DCACHE_MOUNTED) {
		struct vfsmount *mounted = lookup_mnt(path);
		if (!mounted)
			return;
		path_put(path);
		path->mnt = mounted;
		path->dentry = dget(mounted->mnt_root);
	}
}

static void follow_dotdot(struct nameidata *nd)
{
	for (;;) {
		if (nd->path.dentry == nd->root.dentry && nd->path.mnt == nd->root.mnt)
			return; /* ".." of the root is the root */
		if (nd->path.dentry != nd->path.mnt->mnt_root)
			break;
		struct vfsmount *mnt = nd->path.mnt;
		if (mnt->mnt_parent == mnt)
			return; /* the initial root */
		struct path up = { mntget(mnt->mnt_parent), dget(mnt->mnt_mountpoint) };
		path_put(&nd->path);
		nd->path = up;
	}
	struct dentry *parent = dget(nd->path.dentry->d_parent);
	dput(nd->path.dentry);
	nd->path.dentry = parent;
	follow_mount(&nd->path);
}

/* Ask dir's file system for name (the caller holds dir's lock): the
 * dentry, positive or negative, with a reference; or ERR_PTR. */
struct dentry *lookup_one_qstr(const struct qstr *name, struct dentry *dir)
{
	struct dentry *d = d_lookup(dir, name);

	if (d)
		return d;
	d = d_alloc(dir, name);
	if (!d)
		return ERR_PTR(-ENOMEM);
	struct dentry *found = dir->d_inode->i_op->lookup(dir->d_inode, d, 0);
	if (found) { /* an error, or the file system had another dentry */
		dput(d);
		return found;
	}
	return d;
}

/* The child called name of dir, looked up in the cache or else in the
 * file system. */
static struct dentry *lookup_child(struct dentry *dir, const struct qstr *name)
{
	struct dentry *d = d_lookup(dir, name);

	if (d)
		return d;
	inode_lock(dir->d_inode);
	d = lookup_one_qstr(name, dir);
	inode_unlock(dir->d_inode);
	return d;
}

static int walk(struct nameidata *nd, const char *name, unsigned int flags);

/* nd->path is a symbolic link: walk its target from the link's
 * directory (parent) instead. */
static int follow_link(struct nameidata *nd, struct path *parent, unsigned int flags)
{
	struct inode *inode = nd->path.dentry->d_inode;

	if (++nd->links > MAXSYMLINKS)
		return -ELOOP;
	char *target = kmalloc(PATH_MAX);
	if (!target)
		return -ENOMEM;
	int len = inode->i_op->get_link ? inode->i_op->get_link(inode, target, PATH_MAX - 1)
					: -EINVAL;
	if (len >= 0) {
		target[len] = '\0';
		path_put(&nd->path);
		nd->path = *parent; /* the walk takes parent's reference */
		*parent = (struct path){ NULL, NULL };
		len = len ? walk(nd, target, flags) : -ENOENT;
	}
	kfree(target);
	return len < 0 ? len : 0;
}

/* Walk name from nd->path. flags: LOOKUP_FOLLOW for a final symlink,
 * LOOKUP_DIRECTORY if the end must be a directory. */
static int walk(struct nameidata *nd, const char *name, unsigned int flags)
{
	if (*name == '/') {
		path_put(&nd->path);
		nd->path = nd->root;
		path_get(&nd->path);
	}
	for (;;) {
		while (*name == '/')
			name++;
		if (!*name)
			return 0;
		if (!is_dir(nd->path.dentry))
			return -ENOTDIR;
		const char *end = name;
		while (*end && *end != '/')
			end++;
		unsigned int len = (unsigned int)(end - name);
		if (len > NAME_MAX)
			return -ENAMETOOLONG;
		bool last = !*end;
		bool trailing_slash = *end == '/';
		int err = inode_permission(nd->path.dentry->d_inode, MAY_EXEC); /* may_lookup */
		if (err)
			return err;
		if (len == 1 && name[0] == '.') {
			name = end;
			continue;
		}
		if (len == 2 && name[0] == '.' && name[1] == '.') {
			follow_dotdot(nd);
			name = end;
			continue;
		}
		struct qstr q = { name, len, 0 };
		struct dentry *d = lookup_child(nd->path.dentry, &q);
		if (IS_ERR(d))
			return (int)PTR_ERR(d);
		if (!d->d_inode) {
			dput(d);
			return -ENOENT;
		}
		struct path parent = nd->path;
		nd->path = (struct path){ mntget(parent.mnt), d };
		follow_mount(&nd->path);
		name = end;
		if (S_ISLNK(d->d_inode->i_mode) &&
		    (!last || trailing_slash || (flags & LOOKUP_FOLLOW))) {
			err = follow_link(nd, &parent, LOOKUP_FOLLOW);
			if (parent.dentry)
				path_put(&parent);
			if (err)
				return err;
		} else {
			path_put(&parent);
		}
		if (trailing_slash && !is_dir(nd->path.dentry))
			return -ENOTDIR;
	}
}

/* Where a walk of name starts, relative to dfd: 0 with nd set up. */
static int path_init(struct nameidata *nd, int dfd, const char *name)
{
	struct fs_struct *fs = current && current->fs ? current->fs : init_fs; /* boot: the kernel's */

	nd->links = 0;
	nd->root = fs->root;
	path_get(&nd->root);
	if (name[0] == '/' || dfd == AT_FDCWD) {
		nd->path = name[0] == '/' ? fs->root : fs->pwd;
		path_get(&nd->path);
		return 0;
	}
	struct file *f = fget((unsigned int)dfd);
	if (!f) {
		path_put(&nd->root);
		return -EBADF;
	}
	if (!is_dir(f->f_path.dentry)) {
		path_put(&nd->root);
		return -ENOTDIR;
	}
	nd->path = f->f_path;
	path_get(&nd->path);
	return 0;
}

int filename_lookup(int dfd, const char *name, unsigned int flags, struct path *path)
{
	struct nameidata nd;

	if (!*name)
		return -ENOENT;
	int err = path_init(&nd, dfd, name);
	if (err)
		return err;
	err = walk(&nd, name, flags);
	if (!err && (flags & LOOKUP_DIRECTORY) && !is_dir(nd.path.dentry))
		err = -ENOTDIR;
	path_put(&nd.root);
	if (err) {
		path_put(&nd.path);
		return err;
	}
	*path = nd.path;
	return 0;
}

int kern_path(const char *name, unsigned int flags, struct path *path)
{
	return filename_lookup(AT_FDCWD, name, flags, path);
}

int user_path_at(int dfd, uint64_t uname, unsigned int flags, struct path *path)
{
	char *name;
	long err = getname(uname, false, &name);

	if (err)
		return (int)err;
	err = filename_lookup(dfd, name, flags, path);
	putname(name);
	return (int)err;
}

/*
 * Walk everything but the last component of name: the directory it is
 * in (held) and the last name (pointing into name). *type says what the
 * last component is: LAST_NORM, LAST_DOT, LAST_DOTDOT, or LAST_ROOT for
 * "/" alone. A trailing slash is kept in last->name[len] for the caller.
 */
int filename_parentat(int dfd, const char *name, struct path *parent, struct qstr *last,
		      int *type)
{
	struct nameidata nd;

	if (!*name)
		return -ENOENT;
	size_t n = strlen(name);
	while (n > 1 && name[n - 1] == '/')
		n--; /* "dir/new/" names "new" */
	size_t start = n;
	while (start > 0 && name[start - 1] != '/')
		start--;
	if (n - start > NAME_MAX)
		return -ENAMETOOLONG;
	int err = path_init(&nd, dfd, name);
	if (err)
		return err;
	char *dir = kmalloc(start + 2);
	if (!dir) {
		path_put(&nd.root);
		path_put(&nd.path);
		return -ENOMEM;
	}
	memcpy(dir, name, start);
	dir[start] = '\0';
	err = walk(&nd, dir, LOOKUP_FOLLOW);
	kfree(dir);
	if (!err && !is_dir(nd.path.dentry))
		err = -ENOTDIR;
	path_put(&nd.root);
	if (err) {
		path_put(&nd.path);
		return err;
	}
	*last = (struct qstr){ name + start, (unsigned int)(n - start), 0 };
	if (last->len == 0 || (last->len == 1 && name[start] == '/'))
		*type = LAST_ROOT;
	else if (last->len == 1 && name[start] == '.')
		*type = LAST_DOT;
	else if (last->len == 2 && name[start] == '.' && name[start + 1] == '.')
		*type = LAST_DOTDOT;
	else
		*type = LAST_NORM;
	*parent = nd.path;
	return 0;
}

/* Write the path of path into the end of buf (buflen bytes): a pointer to
 * it inside buf, or ERR_PTR(-ENAMETOOLONG). Relative to the initial root;
 * a deleted file gets " (deleted)", as Linux prints. */
char *d_path(const struct path *path, char *buf, int buflen)
{
	char *p = buf + buflen;
	struct dentry *d = path->dentry;
	struct vfsmount *mnt = path->mnt;

	*--p = '\0';
	if (d->d_flags & DCACHE_DISCONNECTED) {
		static const char deleted[] = " (deleted)";
		if (p - buf < (long)sizeof(deleted))
			return ERR_PTR(-ENAMETOOLONG);
		p -= sizeof(deleted) - 1;
		memcpy(p, deleted, sizeof(deleted) - 1);
	}
	for (;;) {
		if (d == mnt->mnt_root) {
			if (mnt->mnt_parent == mnt)
				break;
			d = mnt->mnt_mountpoint;
			mnt = mnt->mnt_parent;
			continue;
		}
		unsigned int len = d->d_name.len;
		if (p - buf < (long)len + 1)
			return ERR_PTR(-ENAMETOOLONG);
		p -= len;
		memcpy(p, d->d_name.name, len);
		*--p = '/';
		d = d->d_parent;
	}
	if (!*p) {
		if (p == buf)
			return ERR_PTR(-ENAMETOOLONG);
		*--p = '/';
	}
	return p;
}
