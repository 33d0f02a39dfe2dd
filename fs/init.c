/*
 * The file system at boot (Linux: fs/dcache.c vfs_caches_init, fs/init.c,
 * init/do_mounts.c): the caches, the initial root (rootfs, filled from
 * the initramfs), the kernel threads' root and working directory, and
 * init_* helpers - the kernel's own mkdir and mount, used before any
 * process runs.
 */
#include "fs/fs_struct.h"
#include "fs/internal.h"
#include "fs/rootfs.h"
#include "fs/stat.h"
#include "kernel/errno.h"
#include "kernel/panic.h"
#include "lib/err.h"

int init_mkdir(const char *pathname, umode_t mode)
{
	struct path parent;
	struct qstr last;
	int type;
	int err = filename_parentat(AT_FDCWD, pathname, &parent, &last, &type);

	if (err)
		return err;
	struct inode *dir = parent.dentry->d_inode;
	inode_lock(dir);
	struct dentry *d = lookup_one_qstr(&last, parent.dentry);
	if (IS_ERR(d))
		err = (int)PTR_ERR(d);
	else if (d->d_inode)
		err = -EEXIST;
	else
		err = dir->i_op->mkdir ? dir->i_op->mkdir(dir, d, S_IFDIR | mode) : -EPERM;
	inode_unlock(dir);
	if (!IS_ERR(d))
		dput(d);
	path_put(&parent);
	return err;
}

int init_mount(const char *dev_name, const char *dir_name, const char *type, unsigned int flags,
	       void *data)
{
	struct path where;
	int err = kern_path(dir_name, LOOKUP_FOLLOW, &where);

	if (err)
		return err;
	err = do_mount_at(type, flags, dev_name, data, &where);
	path_put(&where);
	return err;
}

void vfs_init(void)
{
	dcache_init();
	inode_cache_init();
	mnt_init();
	rootfs_init();
	init_fs = init_fs_struct();
	if (!init_fs)
		panic("VFS: no memory for the root directory");
	/* Mount points for what later issues mount there. */
	static const char *const dirs[] = { "/dev", "/proc", "/sys", "/tmp", "/mnt" };
	for (unsigned int i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++)
		init_mkdir(dirs[i], 0755);
}
