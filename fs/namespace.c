/*
 * Mounts (Linux: fs/namespace.c). A mount attaches a file system's root
 * over a directory (the mount point) of another mount; the path walk
 * (fs/namei.c) steps from the mount point into the mounted root going
 * down, and back out to the mount point when ".." leaves a mounted root.
 * Mounts are found by (parent mount, mount point dentry) in a hash table;
 * the mount point's dentry carries DCACHE_MOUNTED so that the walk only
 * looks there when something is mounted.
 *
 * Mounting over a mount point again stacks: the walk goes to the last
 * mount made there, as on Linux.
 */
#include "fs/fs.h"
#include "fs/internal.h"
#include "fs/seq_file.h"
#include "fs/stat.h"
#include "kernel/errno.h"
#include "kernel/panic.h"
#include "kernel/printk.h"
#include "kernel/proc.h"
#include "kernel/syscall.h"
#include "kernel/uaccess.h"
#include "lib/err.h"
#include "lib/string.h"
#include "mm/layout.h"
#include "mm/slab.h"

#define M_HASH_SIZE 64

static struct list_head mount_hashtable[M_HASH_SIZE];
static struct list_head mount_list = LIST_HEAD_INIT(mount_list);

static struct list_head *m_hash(const struct vfsmount *mnt, const struct dentry *d)
{
	unsigned long key = ((unsigned long)mnt >> 5) ^ ((unsigned long)d >> 4);

	return &mount_hashtable[(key ^ (key >> 6)) % M_HASH_SIZE];
}

struct vfsmount *mntget(struct vfsmount *mnt)
{
	if (mnt)
		mnt->mnt_count++;
	return mnt;
}

void mntput(struct vfsmount *mnt)
{
	if (!mnt || --mnt->mnt_count > 0)
		return;
	/* Not in the tree any more and nobody holds it: the file system
	 * loses one mount. */
	struct super_block *sb = mnt->mnt_sb;
	dput(mnt->mnt_root);
	kfree(mnt);
	deactivate_super(sb);
}

void path_get(const struct path *path)
{
	mntget(path->mnt);
	dget(path->dentry);
}

void path_put(const struct path *path)
{
	dput(path->dentry);
	mntput(path->mnt);
}

struct vfsmount *vfs_kern_mount(struct file_system_type *type, unsigned int flags,
				const char *name, void *data)
{
	struct vfsmount *mnt = kzalloc(sizeof(*mnt));

	if (!mnt)
		return ERR_PTR(-ENOMEM);
	struct dentry *root = type->mount(type, flags, name, data);
	if (IS_ERR(root)) {
		kfree(mnt);
		return (struct vfsmount *)root;
	}
	mnt->mnt_root = root;
	mnt->mnt_sb = root->d_sb;
	mnt->mnt_flags = flags & SB_RDONLY ? MNT_RDONLY : 0;
	mnt->mnt_parent = mnt;
	mnt->mnt_mountpoint = root;
	mnt->mnt_count = 1;
	INIT_LIST_HEAD(&mnt->mnt_hash);
	INIT_LIST_HEAD(&mnt->mnt_list);
	strlcpy(mnt->mnt_devname, name ? name : "none", sizeof(mnt->mnt_devname));
	return mnt;
}

/* The mount on top of path, with a reference, or NULL. The hash keeps
 * the newest first, so stacked mounts find the top one. */
struct vfsmount *lookup_mnt(const struct path *path)
{
	struct list_head *bucket = m_hash(path->mnt, path->dentry);

	for (struct list_head *e = bucket->next; e != bucket; e = e->next) {
		struct vfsmount *m = list_entry(e, struct vfsmount, mnt_hash);
		if (m->mnt_parent == path->mnt && m->mnt_mountpoint == path->dentry)
			return mntget(m);
	}
	return NULL;
}

/* Hang mnt (whose reference the tree takes) over path. */
static void attach_mnt(struct vfsmount *mnt, const struct path *path)
{
	mnt->mnt_parent = mntget(path->mnt);
	mnt->mnt_mountpoint = dget(path->dentry);
	path->dentry->d_flags |= DCACHE_MOUNTED;
	list_add(&mnt->mnt_hash, m_hash(path->mnt, path->dentry));
	list_add_tail(&mnt->mnt_list, &mount_list);
}

static bool has_mounts_over(const struct vfsmount *parent, const struct dentry *d)
{
	struct list_head *bucket = m_hash(parent, d);

	for (struct list_head *e = bucket->next; e != bucket; e = e->next) {
		struct vfsmount *m = list_entry(e, struct vfsmount, mnt_hash);
		if (m->mnt_parent == parent && m->mnt_mountpoint == d)
			return true;
	}
	return false;
}

static void detach_mnt(struct vfsmount *mnt)
{
	struct vfsmount *parent = mnt->mnt_parent;
	struct dentry *mountpoint = mnt->mnt_mountpoint;

	list_del(&mnt->mnt_hash);
	list_del(&mnt->mnt_list);
	if (!has_mounts_over(parent, mountpoint))
		mountpoint->d_flags &= ~DCACHE_MOUNTED;
	mnt->mnt_parent = mnt;
	mnt->mnt_mountpoint = mnt->mnt_root;
	dput(mountpoint);
	mntput(parent);
}

static bool has_child_mounts(const struct vfsmount *mnt)
{
	for (struct list_head *e = mount_list.next; e != &mount_list; e = e->next)
		if (list_entry(e, struct vfsmount, mnt_list)->mnt_parent == mnt)
			return true;
	return false;
}

int do_mount_at(const char *type_name, unsigned int flags, const char *dev_name, void *data,
		const struct path *where)
{
	struct file_system_type *type = get_fs_type(type_name);

	if (!type)
		return -ENODEV;
	if (!S_ISDIR(where->dentry->d_inode->i_mode))
		return -ENOTDIR;
	struct vfsmount *mnt = vfs_kern_mount(type, flags, dev_name, data);
	if (IS_ERR(mnt))
		return (int)PTR_ERR(mnt);
	attach_mnt(mnt, where);
	return 0;
}

/* The root of everything: an initial file system with no mount point. */
static struct path init_root;

void init_mount_tree(const char *type_name)
{
	struct vfsmount *mnt = vfs_kern_mount(get_fs_type(type_name), 0, type_name, NULL);

	if (IS_ERR(mnt))
		panic("VFS: cannot mount the root file system (%s): error %ld", type_name,
		      PTR_ERR(mnt));
	list_add_tail(&mnt->mnt_list, &mount_list);
	init_root = (struct path){ mnt, dget(mnt->mnt_root) };
}

/* "/" as the first process sees it: the top of what is mounted on the
 * initial root. */
void get_init_root(struct path *root)
{
	*root = init_root;
	path_get(root);
	follow_mount(root);
}

/* MS_* flags of mount(2) (Linux's values). */
#define MS_RDONLY 1
#define MS_NOSUID 2
#define MS_NODEV 4
#define MS_NOEXEC 8
#define MS_SYNCHRONOUS 16
#define MS_REMOUNT 32
#define MS_NOATIME 1024
#define MS_NODIRATIME 2048
#define MS_BIND 4096
#define MS_SILENT 32768
#define MS_RELATIME (1 << 21)
#define MS_MGC_VAL 0xC0ED0000u /* old magic in the high half, ignored */
/* Accepted and not acted on: nothing here is setuid, every file is a
 * device file anyone may open, and times are kept as relatime would. */
#define MS_IGNORED (MS_NOSUID | MS_NODEV | MS_NOEXEC | MS_SYNCHRONOUS | MS_NOATIME | \
		    MS_NODIRATIME | MS_SILENT | MS_RELATIME)

static long do_remount(const struct path *path, unsigned int flags, char *data)
{
	struct super_block *sb = path->mnt->mnt_sb;

	if (path->dentry != path->mnt->mnt_root)
		return -EINVAL;
	unsigned int sb_flags = flags & MS_RDONLY ? SB_RDONLY : 0;
	if (sb->s_op && sb->s_op->remount_fs) {
		int err = sb->s_op->remount_fs(sb, &sb_flags, data);
		if (err)
			return err;
	}
	if (sb_flags & SB_RDONLY && !(sb->s_flags & SB_RDONLY))
		sync_filesystem(sb);
	sb->s_flags = (sb->s_flags & ~SB_RDONLY) | sb_flags;
	path->mnt->mnt_flags = sb_flags ? MNT_RDONLY : 0;
	return 0;
}

/* Copy mount(2)'s optional string argument (NULL stays NULL). */
static long copy_mount_string(uint64_t ustr, char **out)
{
	*out = NULL;
	if (!ustr)
		return 0;
	return getname(ustr, false, out);
}

long sys_mount(uint64_t udev, uint64_t udir, uint64_t utype, uint64_t flags, uint64_t udata)
{
	char *dev = NULL, *type = NULL, *data = NULL;
	struct path where;

	if ((flags & 0xffff0000u) == MS_MGC_VAL)
		flags &= 0xffff;
	if (flags & ~(uint64_t)(MS_RDONLY | MS_REMOUNT | MS_IGNORED))
		return -EINVAL; /* bind, move and propagation mounts are not supported */
	long err = user_path_at(AT_FDCWD, udir, LOOKUP_FOLLOW, &where);
	if (err)
		return err;
	if (!(err = copy_mount_string(udev, &dev)) && !(err = copy_mount_string(utype, &type)) &&
	    !(err = copy_mount_string(udata, &data))) {
		if (flags & MS_REMOUNT)
			err = do_remount(&where, (unsigned int)flags, data);
		else if (!type)
			err = -EINVAL;
		else
			err = do_mount_at(type, flags & MS_RDONLY ? SB_RDONLY : 0, dev ? dev : "none",
					  data, &where);
	}
	if (dev)
		putname(dev);
	if (type)
		putname(type);
	if (data)
		putname(data);
	path_put(&where);
	return err;
}

#define MNT_FORCE 1
#define MNT_DETACH 2
#define MNT_EXPIRE 4
#define UMOUNT_NOFOLLOW 8

long sys_umount2(uint64_t uname, uint64_t flags)
{
	struct path path;

	if (flags & ~(uint64_t)(MNT_FORCE | MNT_DETACH | UMOUNT_NOFOLLOW))
		return -EINVAL;
	long err = user_path_at(AT_FDCWD, uname, flags & UMOUNT_NOFOLLOW ? 0 : LOOKUP_FOLLOW,
				&path);
	if (err)
		return err;
	struct vfsmount *mnt = path.mnt;
	if (path.dentry != mnt->mnt_root || mnt->mnt_parent == mnt)
		err = -EINVAL; /* not a mount point, or the initial root */
	/* Held by the tree and by this walk; more is an open file or a
	 * working directory - unless MNT_DETACH, which leaves them to it. */
	else if (!(flags & MNT_DETACH) && (mnt->mnt_count > 2 || has_child_mounts(mnt)))
		err = -EBUSY;
	else {
		sync_filesystem(mnt->mnt_sb);
		detach_mnt(mnt);
		mntput(mnt); /* the tree's reference */
	}
	path_put(&path);
	return err;
}

long sys_umount(uint64_t uname)
{
	return sys_umount2(uname, 0);
}

/* /proc/mounts: "DEVICE MOUNTPOINT TYPE OPTIONS 0 0". */
int mounts_show(struct seq_file *m)
{
	char *buf = kmalloc(PATH_MAX);

	if (!buf)
		return -ENOMEM;
	for (struct list_head *e = mount_list.next; e != &mount_list; e = e->next) {
		struct vfsmount *mnt = list_entry(e, struct vfsmount, mnt_list);
		struct path mp = { mnt->mnt_parent, mnt->mnt_mountpoint };
		const char *where = mnt->mnt_parent == mnt ? "/" : d_path(&mp, buf, PATH_MAX);
		seq_printf(m, "%s %s %s %s 0 0\n", mnt->mnt_devname, IS_ERR(where) ? "?" : where,
			   mnt->mnt_sb->s_type->name,
			   mnt->mnt_sb->s_flags & SB_RDONLY ? "ro" : "rw");
	}
	kfree(buf);
	return 0;
}

void mnt_init(void)
{
	for (unsigned int i = 0; i < M_HASH_SIZE; i++)
		INIT_LIST_HEAD(&mount_hashtable[i]);
}
