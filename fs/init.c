/*
 * The file system at boot (Linux: fs/dcache.c vfs_caches_init, fs/init.c,
 * init/do_mounts.c): the caches, the initial root (rootfs, filled from
 * the initramfs), the kernel threads' root and working directory, and
 * init_* helpers - the kernel's own mkdir and mount, used before any
 * process runs.
 */
#include "fs/ext2/ext2_fs.h"
#include "fs/fs_struct.h"
#include "fs/init.h"
#include "fs/internal.h"
#include "fs/rootfs.h"
#include "fs/stat.h"
#include "kernel/errno.h"
#include "kernel/cmdline.h"
#include "kernel/panic.h"
#include "kernel/printk.h"
#include "kernel/waitqueue.h"
#include "kernel/x86.h"
#include "lib/err.h"
#include "mm/hugetlb.h"
#include "mm/shmem.h"

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
	init_ext2_fs();
	init_fs = init_fs_struct();
	if (!init_fs)
		panic("VFS: no memory for the root directory");
	/* Mount points, on rootfs (a disk's root brings its own). */
	static const char *const dirs[] = { "/dev", "/proc", "/sys", "/tmp", "/mnt" };
	for (unsigned int i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++)
		init_mkdir(dirs[i], 0755);
	shmem_init();
	init_hugetlbfs_fs();
}

/* What is mounted on the root, whichever it is: /tmp is a tmpfs,
 * writable by everyone with the sticky bit, as Debian mounts it. */
static void mount_filesystems(void)
{
	int err = init_mount("tmpfs", "/tmp", "tmpfs", 0, (void *)"mode=1777");

	if (err)
		pr_err("VFS: cannot mount tmpfs on /tmp: error %d\n", err);
}

/* Mount root= over rootfs's "/" (rootfstype=, default ext2; "ro" for
 * read-only). A root that cannot be mounted leaves rootfs as "/", with
 * the reason in the log: the console still works. */
static void mount_root(void)
{
	const char *root = cmdline_get("root");
	const char *type = cmdline_get("rootfstype");
	unsigned int flags = cmdline_get("ro") && cmdline_position("ro") > cmdline_position("rw")
				     ? SB_RDONLY : 0;

	if (!root || !*root)
		return;
	if (!type || !*type)
		type = "ext2";
	int err = init_mount(root, "/", type, flags, NULL);
	if (err) {
		pr_err("VFS: Cannot open root device \"%s\" (%s, error %d): staying on rootfs\n",
		       root, type, err);
		return;
	}
	/* Everyone's "/" is the disk's root from now on. */
	struct path new_root;
	get_init_root(&new_root);
	dev_t dev = new_root.dentry->d_sb->s_dev;
	pr_info("VFS: Mounted root (%s filesystem)%s on device %u:%u.\n", type,
		flags & SB_RDONLY ? " readonly" : "", MAJOR(dev), MINOR(dev));
	path_get(&new_root);
	struct path old_root = init_fs->root;
	init_fs->root = new_root;
	path_put(&old_root);
	set_fs_pwd(init_fs, &new_root);
}

static bool namespace_ready;
static struct wait_queue_head namespace_waiters = WAIT_QUEUE_INIT(namespace_waiters);

void prepare_namespace(void)
{
	mount_root();
	mount_filesystems();
	mount_kernel_filesystems();
	namespace_ready = true;
	wake_up(&namespace_waiters);
}

void wait_for_namespace(void)
{
	bool was_on = irq_save();

	while (!namespace_ready)
		sleep_on(&namespace_waiters);
	irq_restore(was_on);
}
