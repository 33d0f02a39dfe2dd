/*
 * Opening and closing: open, openat, creat, close, dup, dup2, dup3,
 * chdir, fchdir, getcwd, umask. open() walks the path (fs/namei.c),
 * creates the file for O_CREAT, checks what the file and its mount
 * allow, and hands the inode's file operations a new struct file.
 */
#include "fs/fdtable.h"
#include "fs/file.h"
#include "fs/internal.h"
#include "fs/fs_struct.h"
#include "fs/namei.h"
#include "fs/stat.h"
#include "kernel/cred.h"
#include "kernel/errno.h"
#include "kernel/proc.h"
#include "kernel/syscall.h"
#include "kernel/uaccess.h"
#include "lib/err.h"
#include "lib/string.h"
#include "mm/pagemap.h"
#include "mm/slab.h"

static const struct file_operations empty_fops;

/*
 * The file fd names. While the table is the caller's alone, nobody can
 * close fd under it and no reference is needed (Linux's fdget skips it
 * too). A table shared with other threads (CLONE_FILES) may lose the
 * descriptor to another thread's close while this call sleeps: the call
 * then holds a reference until it returns (fput_held, from do_syscall).
 */
struct file *fget(unsigned int fd)
{
	struct proc *t = current;
	struct file *f = files_lookup_fd(t->files, fd);

	if (f && t->files->count > 1 && t->nr_fget_held < FGET_HELD_MAX) {
		get_file(f);
		t->fget_held[t->nr_fget_held++] = f;
	}
	return f;
}

void fput_held(void)
{
	struct proc *t = current;

	while (t->nr_fget_held > 0)
		fput(t->fget_held[--t->nr_fget_held]);
}

long getname(uint64_t upath, bool empty_ok, char **path)
{
	char *buf = kmalloc(PATH_MAX); /* too big for the 16 KiB kernel stack */

	if (!buf)
		return -ENOMEM;
	long len = strncpy_from_user(buf, upath, PATH_MAX);
	if (len == 0 && !empty_ok)
		len = -ENOENT;
	if (len < 0) {
		kfree(buf);
		return len;
	}
	*path = buf;
	return 0;
}

void putname(char *path)
{
	kfree(path);
}

static bool is_dir_inode(const struct inode *inode)
{
	return S_ISDIR(inode->i_mode);
}

/* Writing to a file needs a writable mount; device files and FIFOs
 * write to their device, not the file system. */
static bool needs_writable_fs(const struct inode *inode)
{
	return S_ISREG(inode->i_mode) || S_ISDIR(inode->i_mode) || S_ISLNK(inode->i_mode);
}

static bool mnt_is_readonly(const struct vfsmount *mnt)
{
	return (mnt->mnt_flags & MNT_RDONLY) || (mnt->mnt_sb->s_flags & SB_RDONLY);
}

/*
 * A writer of a regular file is counted (i_writecount), and the file's
 * huge pages, which only the collapse daemon makes of files nobody
 * writes (mm/khugepaged.c), go: the page cache is emptied, as Linux 6.1's
 * do_dentry_open does, after writing back what was dirty (a writer that
 * closed may have left some), so the writer finds small pages only.
 */
static void get_write_access(struct file *f)
{
	struct inode *inode = f->f_inode;

	if (!S_ISREG(inode->i_mode))
		return;
	inode->i_writecount++;
	f->f_mode |= FMODE_WRITER;
	if (inode->i_mapping->nr_thps) {
		filemap_write_and_wait(inode->i_mapping);
		truncate_inode_pages(inode->i_mapping, 0);
	}
}

long vfs_open_path(const struct path *path, unsigned int flags, struct file **out)
{
	struct inode *inode = path->dentry->d_inode;
	bool write = (flags & O_ACCMODE) != O_RDONLY;

	if (!inode->i_fop)
		return -ENXIO; /* a device without a driver, a FIFO, a socket */
	if (is_dir_inode(inode) && (write || (flags & O_TRUNC)))
		return -EISDIR;
	if ((write || (flags & O_TRUNC)) && needs_writable_fs(inode) && mnt_is_readonly(path->mnt))
		return -EROFS;
	struct file *f = alloc_file(inode->i_fop, flags, NULL);
	if (!f)
		return -ENOMEM;
	f->f_path = *path;
	path_get(path);
	f->f_inode = inode;
	f->f_mapping = inode->i_mapping;
	f->f_wb_err = errseq_sample(&inode->i_mapping->wb_err);
	if (f->f_mode & FMODE_WRITE)
		get_write_access(f);
	if (f->f_op->open) {
		int err = f->f_op->open(inode, f);
		if (err) {
			f->f_op = &empty_fops; /* nothing to release */
			fput(f);
			return err;
		}
	}
	/* Even with O_RDONLY, as Linux (do_open: O_TRUNC asks for MAY_WRITE). */
	if ((flags & O_TRUNC) && S_ISREG(inode->i_mode)) {
		int err = do_truncate(path->dentry, 0);
		if (err) {
			fput(f);
			return err;
		}
	}
	*out = f;
	return 0;
}

/* The permission an open asks for: reading, writing (O_TRUNC writes
 * too), both. A file the open itself created is not checked (Linux:
 * may_open; its mode may allow its creator nothing). */
static long may_open(struct inode *inode, unsigned int flags)
{
	unsigned int acc = flags & O_ACCMODE;
	int mask = (acc != O_WRONLY ? MAY_READ : 0) | (acc != O_RDONLY ? MAY_WRITE : 0) |
		   (flags & O_TRUNC ? MAY_WRITE : 0);

	return inode_permission(inode, mask);
}

/* O_CREAT: find or make the last component in its directory. */
static long open_create(int dirfd, const char *name, unsigned int flags, umode_t mode,
			struct path *path, bool *created)
{
	struct path parent;
	struct qstr last;
	int type;

	long err = filename_parentat(dirfd, name, &parent, &last, &type);
	if (err)
		return err;
	if (type != LAST_NORM || last.name[last.len] == '/') {
		path_put(&parent);
		return -EISDIR;
	}
	struct inode *dir = parent.dentry->d_inode;
	inode_lock(dir);
	struct dentry *d = lookup_one_qstr(&last, parent.dentry);
	err = IS_ERR(d) ? PTR_ERR(d) : 0;
	if (!err && !d->d_inode) {
		if (mnt_is_readonly(parent.mnt))
			err = -EROFS;
		else if (!dir->i_op->create)
			err = -EACCES;
		else if (!(err = may_create_in(dir)))
			err = dir->i_op->create(dir, d, S_IFREG | (mode & ~current->fs->umask & 07777),
						flags & O_EXCL);
		*created = !err;
	} else if (!err && (flags & O_EXCL)) {
		err = -EEXIST;
	}
	inode_unlock(dir);
	if (err) {
		if (!IS_ERR(d))
			dput(d);
		path_put(&parent);
		return err;
	}
	*path = (struct path){ mntget(parent.mnt), d };
	path_put(&parent);
	follow_mount(path);
	return 0;
}

long vfs_open_at(int dirfd, const char *name, unsigned int flags, umode_t mode, struct file **f)
{
	struct path path;
	bool created = false;
	long err;

	if (flags & O_CREAT) {
		err = open_create(dirfd, name, flags, mode, &path, &created);
		/* An existing symbolic link is followed (Linux would create a
		 * missing target; here that is ENOENT). */
		if (!err && !created && S_ISLNK(path.dentry->d_inode->i_mode)) {
			path_put(&path);
			err = flags & O_NOFOLLOW ? -ELOOP :
			      filename_lookup(dirfd, name, LOOKUP_FOLLOW, &path);
		}
	} else {
		err = filename_lookup(dirfd, name, flags & O_NOFOLLOW ? 0 : LOOKUP_FOLLOW, &path);
	}
	if (err)
		return err;
	struct inode *inode = path.dentry->d_inode;
	if (S_ISLNK(inode->i_mode))
		err = -ELOOP; /* O_NOFOLLOW */
	else if ((flags & O_DIRECTORY) && !is_dir_inode(inode))
		err = -ENOTDIR;
	else if ((flags & O_CREAT) && is_dir_inode(inode))
		err = -EISDIR;
	else if (!created)
		err = may_open(inode, flags);
	if (!err)
		err = vfs_open_path(&path, created ? flags & ~O_TRUNC : flags, f);
	path_put(&path);
	return err;
}

long sys_openat(uint64_t dirfd, uint64_t upath, uint64_t flags, uint64_t mode)
{
	struct file *f;
	char *path;

	long err = getname(upath, false, &path);
	if (err)
		return err;
	err = vfs_open_at((int)dirfd, path, (unsigned int)flags, (umode_t)mode, &f);
	putname(path);
	if (err)
		return err;
	int fd = fd_install(current->files, f, (unsigned int)flags);
	if (fd < 0)
		fput(f);
	return fd;
}

long sys_open(uint64_t upath, uint64_t flags, uint64_t mode)
{
	return sys_openat((uint64_t)AT_FDCWD, upath, flags, mode);
}

long sys_close(uint64_t fd)
{
	return close_fd(current->files, (unsigned int)fd);
}

long sys_dup(uint64_t oldfd)
{
	struct file *f = fget((unsigned int)oldfd);

	if (!f)
		return -EBADF;
	get_file(f);
	int fd = fd_install(current->files, f, 0);
	if (fd < 0)
		fput(f);
	return fd;
}

/* dup2 and dup3 once oldfd != newfd. */
static long do_dup2(unsigned int oldfd, unsigned int newfd, unsigned int flags)
{
	struct file *f = fget(oldfd);

	if (newfd >= NR_OPEN || !f)
		return -EBADF;
	replace_fd(current->files, newfd, f, flags);
	return newfd;
}

long sys_dup2(uint64_t oldfd, uint64_t newfd)
{
	if ((unsigned int)oldfd == (unsigned int)newfd) /* nothing to do, if it is open */
		return fget((unsigned int)oldfd) ? (long)(unsigned int)newfd : -EBADF;
	return do_dup2((unsigned int)oldfd, (unsigned int)newfd, 0);
}

long sys_dup3(uint64_t oldfd, uint64_t newfd, uint64_t flags)
{
	if ((unsigned int)flags & ~O_CLOEXEC)
		return -EINVAL;
	if ((unsigned int)oldfd == (unsigned int)newfd)
		return -EINVAL;
	return do_dup2((unsigned int)oldfd, (unsigned int)newfd, (unsigned int)flags);
}

long sys_creat(uint64_t upath, uint64_t mode)
{
	return sys_openat((uint64_t)AT_FDCWD, upath, O_CREAT | O_WRONLY | O_TRUNC, mode);
}

/* The new working directory must be one we may search (EACCES). */
static long set_pwd(struct path *path)
{
	struct inode *inode = path->dentry->d_inode;
	long err = is_dir_inode(inode) ? inode_permission(inode, MAY_EXEC) : -ENOTDIR;

	if (err) {
		path_put(path);
		return err;
	}
	set_fs_pwd(current->fs, path); /* the reference passes */
	return 0;
}

long sys_chdir(uint64_t upath)
{
	struct path path;
	long err = user_path_at(AT_FDCWD, upath, LOOKUP_FOLLOW | LOOKUP_DIRECTORY, &path);

	return err ? err : set_pwd(&path);
}

long sys_fchdir(uint64_t fd)
{
	struct file *f = fget((unsigned int)fd);

	if (!f || !f->f_path.dentry)
		return f ? -ENOTDIR : -EBADF;
	struct path path = f->f_path;
	path_get(&path);
	return set_pwd(&path);
}

long sys_getcwd(uint64_t buf, uint64_t size)
{
	char *page = kmalloc(PATH_MAX);

	if (!page)
		return -ENOMEM;
	struct path *pwd = &current->fs->pwd;
	char *p = pwd->dentry->d_flags & DCACHE_DISCONNECTED ? ERR_PTR(-ENOENT)
							      : d_path(pwd, page, PATH_MAX);
	long len = IS_ERR(p) ? PTR_ERR(p) : (long)strlen(p) + 1;
	if (len > 0 && (uint64_t)len > size)
		len = -ERANGE;
	if (len > 0 && copy_to_user(buf, p, (size_t)len))
		len = -EFAULT;
	kfree(page);
	return len; /* the length with the NUL, as Linux's system call */
}

long sys_umask(uint64_t mask)
{
	unsigned int old = current->fs->umask;

	current->fs->umask = (unsigned int)mask & 0777;
	return old;
}

#define F_OK 0
#define X_OK 1
#define W_OK 2
#define R_OK 4
#define AT_EACCESS 0x200

/* access, faccessat, faccessat2: the permission checks open and exec
 * make (R_OK, W_OK, X_OK are MAY_READ, MAY_WRITE, MAY_EXEC), with the
 * real user and group ids unless AT_EACCESS (Linux: do_faccessat
 * overrides the credentials), and no writing on a read-only file system. */
long sys_faccessat2(uint64_t dirfd, uint64_t upath, uint64_t mode, uint64_t flags)
{
	struct path path;
	const struct cred *old = NULL;

	if (mode & ~(uint64_t)(R_OK | W_OK | X_OK))
		return -EINVAL;
	if (flags & ~(uint64_t)(AT_EACCESS | AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH))
		return -EINVAL;
	if (!(flags & AT_EACCESS)) {
		struct cred *real = prepare_creds();
		if (!real)
			return -ENOMEM;
		real->fsuid = real->uid;
		real->fsgid = real->gid;
		old = override_creds(real);
	}
	long err = user_path_at((int)dirfd, upath, flags & AT_SYMLINK_NOFOLLOW ? 0 : LOOKUP_FOLLOW,
				&path);
	if (!err) {
		struct inode *inode = path.dentry->d_inode;
		err = mode ? inode_permission(inode, (int)mode) : 0;
		if (!err && (mode & W_OK) && needs_writable_fs(inode) && mnt_is_readonly(path.mnt))
			err = -EROFS;
		path_put(&path);
	}
	if (old)
		revert_creds(old);
	return err;
}

long sys_faccessat(uint64_t dirfd, uint64_t upath, uint64_t mode)
{
	return sys_faccessat2(dirfd, upath, mode, 0);
}

long sys_access(uint64_t upath, uint64_t mode)
{
	return sys_faccessat2((uint64_t)AT_FDCWD, upath, mode, 0);
}
