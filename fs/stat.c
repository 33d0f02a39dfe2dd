/*
 * What a file is: stat, lstat, fstat, newfstatat, statx, readlink,
 * readlinkat, statfs, fstatfs (Linux: fs/stat.c, fs/statfs.c). The file
 * system fills a struct kstat (getattr, or generic_fillattr from the
 * inode); each system call copies it out in its own layout.
 */
#include "fs/stat.h"
#include "fs/fdtable.h"
#include "fs/file.h"
#include "fs/fs_struct.h"
#include "fs/internal.h"
#include "kernel/proc.h"
#include "kernel/errno.h"
#include "kernel/syscall.h"
#include "kernel/uaccess.h"
#include "lib/string.h"
#include "mm/slab.h"

void generic_fillattr(const struct inode *inode, struct kstat *st)
{
	*st = (struct kstat){
		.ino = inode->i_ino,
		.dev = inode->i_sb->s_dev,
		.mode = inode->i_mode,
		.nlink = inode->i_nlink,
		.uid = inode->i_uid,
		.gid = inode->i_gid,
		.rdev = inode->i_rdev,
		.size = inode->i_size,
		.atime_sec = inode->i_atime.tv_sec, .atime_nsec = inode->i_atime.tv_nsec,
		.mtime_sec = inode->i_mtime.tv_sec, .mtime_nsec = inode->i_mtime.tv_nsec,
		.ctime_sec = inode->i_ctime.tv_sec, .ctime_nsec = inode->i_ctime.tv_nsec,
		.blksize = (uint32_t)inode->i_sb->s_blocksize,
		.blocks = inode->i_blocks,
	};
}

static int vfs_getattr(const struct path *path, struct kstat *st)
{
	struct inode *inode = path->dentry->d_inode;

	if (inode->i_op && inode->i_op->getattr)
		return inode->i_op->getattr(path->dentry, st);
	generic_fillattr(inode, st);
	return 0;
}

/* Linux's old_encode_dev/new_encode_dev: major:minor as stat shows them. */
static uint64_t encode_dev(unsigned long dev)
{
	unsigned int major = MAJOR(dev), minor = MINOR(dev);

	return (minor & 0xff) | (major << 8) | ((uint64_t)(minor & ~0xffu) << 12);
}

static int vfs_fstat_file(struct file *f, struct kstat *ks)
{
	if (f->f_path.dentry)
		return vfs_getattr(&f->f_path, ks);
	/* A file with no inode yet (a pipe, the console): its kind says. */
	struct stat st = { 0 };
	f->f_op->stat(f, &st);
	*ks = (struct kstat){ .ino = st.st_ino, .dev = MKDEV(st.st_dev >> 8, st.st_dev & 0xff),
			      .mode = st.st_mode, .nlink = (uint32_t)st.st_nlink,
			      .rdev = MKDEV(st.st_rdev >> 8, st.st_rdev & 0xff), .size = st.st_size,
			      .blksize = (uint32_t)st.st_blksize, .blocks = (uint64_t)st.st_blocks };
	return 0;
}

static long copy_stat_to_user(const struct kstat *ks, uint64_t ubuf)
{
	struct stat st = {
		.st_dev = encode_dev(ks->dev), .st_ino = ks->ino, .st_nlink = ks->nlink,
		.st_mode = ks->mode, .st_uid = ks->uid, .st_gid = ks->gid,
		.st_rdev = encode_dev(ks->rdev), .st_size = ks->size, .st_blksize = ks->blksize,
		.st_blocks = (int64_t)ks->blocks,
		.st_atime = (uint64_t)ks->atime_sec, .st_atime_nsec = (uint64_t)ks->atime_nsec,
		.st_mtime = (uint64_t)ks->mtime_sec, .st_mtime_nsec = (uint64_t)ks->mtime_nsec,
		.st_ctime = (uint64_t)ks->ctime_sec, .st_ctime_nsec = (uint64_t)ks->ctime_nsec,
	};
	return copy_to_user(ubuf, &st, sizeof(st)) ? -EFAULT : 0;
}

/* Look up (dirfd, upath) as the *at calls do and fill ks. */
static long stat_at(int dirfd, uint64_t upath, unsigned int flags, struct kstat *ks)
{
	struct path path;
	char *name;

	if (flags & ~(unsigned int)(AT_SYMLINK_NOFOLLOW | AT_NO_AUTOMOUNT | AT_EMPTY_PATH |
				    AT_STATX_SYNC_TYPE))
		return -EINVAL;
	long err = getname(upath, flags & AT_EMPTY_PATH, &name);
	if (err)
		return err;
	if (!name[0]) { /* AT_EMPTY_PATH: dirfd itself, or the working directory */
		putname(name);
		if (dirfd == AT_FDCWD)
			return vfs_getattr(&current->fs->pwd, ks);
		struct file *f = fget((unsigned int)dirfd);
		return f ? vfs_fstat_file(f, ks) : -EBADF;
	}
	err = filename_lookup(dirfd, name, flags & AT_SYMLINK_NOFOLLOW ? 0 : LOOKUP_FOLLOW, &path);
	putname(name);
	if (err)
		return err;
	err = vfs_getattr(&path, ks);
	path_put(&path);
	return err;
}

long sys_newfstatat(uint64_t dirfd, uint64_t upath, uint64_t ubuf, uint64_t flags)
{
	struct kstat ks;
	long err = stat_at((int)dirfd, upath, (unsigned int)flags, &ks);

	return err ? err : copy_stat_to_user(&ks, ubuf);
}

long sys_stat(uint64_t upath, uint64_t ubuf)
{
	return sys_newfstatat((uint64_t)AT_FDCWD, upath, ubuf, 0);
}

long sys_lstat(uint64_t upath, uint64_t ubuf)
{
	return sys_newfstatat((uint64_t)AT_FDCWD, upath, ubuf, AT_SYMLINK_NOFOLLOW);
}

long sys_fstat(uint64_t fd, uint64_t ubuf)
{
	struct file *f = fget((unsigned int)fd);
	struct kstat ks;

	if (!f)
		return -EBADF;
	long err = vfs_fstat_file(f, &ks);
	return err ? err : copy_stat_to_user(&ks, ubuf);
}

/* statx: Linux's struct statx (256 bytes). */
struct statx_timestamp {
	int64_t tv_sec;
	uint32_t tv_nsec;
	int32_t reserved;
};

struct statx {
	uint32_t stx_mask, stx_blksize;
	uint64_t stx_attributes;
	uint32_t stx_nlink, stx_uid, stx_gid;
	uint16_t stx_mode, pad1;
	uint64_t stx_ino, stx_size, stx_blocks, stx_attributes_mask;
	struct statx_timestamp stx_atime, stx_btime, stx_ctime, stx_mtime;
	uint32_t stx_rdev_major, stx_rdev_minor, stx_dev_major, stx_dev_minor;
	uint64_t spare[14];
};

_Static_assert(sizeof(struct statx) == 256, "Linux's struct statx is 256 bytes");

#define STATX_BASIC_STATS 0x7ffu
#define STATX__RESERVED 0x80000000u

long sys_statx(uint64_t dirfd, uint64_t upath, uint64_t flags, uint64_t mask, uint64_t ubuf)
{
	struct kstat ks;

	if ((unsigned int)mask & STATX__RESERVED)
		return -EINVAL;
	long err = stat_at((int)dirfd, upath, (unsigned int)flags, &ks);
	if (err)
		return err;
	struct statx sx = {
		.stx_mask = STATX_BASIC_STATS, .stx_blksize = ks.blksize, .stx_nlink = ks.nlink,
		.stx_uid = ks.uid, .stx_gid = ks.gid, .stx_mode = (uint16_t)ks.mode,
		.stx_ino = ks.ino, .stx_size = (uint64_t)ks.size, .stx_blocks = ks.blocks,
		.stx_atime = { ks.atime_sec, (uint32_t)ks.atime_nsec, 0 },
		.stx_ctime = { ks.ctime_sec, (uint32_t)ks.ctime_nsec, 0 },
		.stx_mtime = { ks.mtime_sec, (uint32_t)ks.mtime_nsec, 0 },
		.stx_rdev_major = MAJOR(ks.rdev), .stx_rdev_minor = MINOR(ks.rdev),
		.stx_dev_major = MAJOR(ks.dev), .stx_dev_minor = MINOR(ks.dev),
	};
	return copy_to_user(ubuf, &sx, sizeof(sx)) ? -EFAULT : 0;
}

long sys_readlinkat(uint64_t dirfd, uint64_t upath, uint64_t ubuf, uint64_t size)
{
	struct path path;

	if ((int64_t)size <= 0)
		return -EINVAL;
	long err = user_path_at((int)dirfd, upath, 0, &path);
	if (err)
		return err;
	struct inode *inode = path.dentry->d_inode;
	char *buf = NULL;
	if (!S_ISLNK(inode->i_mode) || !inode->i_op->get_link)
		err = -EINVAL;
	else if (!(buf = kmalloc(PATH_MAX)))
		err = -ENOMEM;
	else
		err = inode->i_op->get_link(inode, buf, (int)MIN(size, (uint64_t)PATH_MAX));
	if (err > 0 && copy_to_user(ubuf, buf, (size_t)err))
		err = -EFAULT;
	kfree(buf);
	path_put(&path);
	return err;
}

long sys_readlink(uint64_t upath, uint64_t ubuf, uint64_t size)
{
	return sys_readlinkat((uint64_t)AT_FDCWD, upath, ubuf, size);
}

/* Linux's struct statfs on x86-64 (120 bytes). */
struct user_statfs {
	int64_t f_type, f_bsize;
	uint64_t f_blocks, f_bfree, f_bavail, f_files, f_ffree;
	int32_t f_fsid[2];
	int64_t f_namelen, f_frsize, f_flags;
	int64_t f_spare[4];
};

#define ST_RDONLY 1

static long statfs_path(const struct path *path, uint64_t ubuf)
{
	struct super_block *sb = path->dentry->d_sb;
	struct kstatfs ks = { 0 };

	long err = sb->s_op && sb->s_op->statfs ? sb->s_op->statfs(path->dentry, &ks)
						: simple_statfs(path->dentry, &ks);
	if (err)
		return err;
	struct user_statfs st = {
		.f_type = ks.f_type, .f_bsize = ks.f_bsize, .f_blocks = ks.f_blocks,
		.f_bfree = ks.f_bfree, .f_bavail = ks.f_bavail, .f_files = ks.f_files,
		.f_ffree = ks.f_ffree,
		.f_fsid = { (int32_t)ks.f_fsid, (int32_t)(ks.f_fsid >> 32) },
		.f_namelen = ks.f_namelen, .f_frsize = ks.f_frsize ? ks.f_frsize : ks.f_bsize,
		.f_flags = (sb->s_flags & SB_RDONLY) || (path->mnt->mnt_flags & MNT_RDONLY)
				   ? ST_RDONLY : 0,
	};
	return copy_to_user(ubuf, &st, sizeof(st)) ? -EFAULT : 0;
}

long sys_statfs(uint64_t upath, uint64_t ubuf)
{
	struct path path;
	long err = user_path_at(AT_FDCWD, upath, LOOKUP_FOLLOW, &path);

	if (err)
		return err;
	err = statfs_path(&path, ubuf);
	path_put(&path);
	return err;
}

long sys_fstatfs(uint64_t fd, uint64_t ubuf)
{
	struct file *f = fget((unsigned int)fd);

	if (!f)
		return -EBADF;
	return f->f_path.dentry ? statfs_path(&f->f_path, ubuf) : -EINVAL;
}
