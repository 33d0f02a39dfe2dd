/* What the VFS's files share among themselves (not for file systems). */
#ifndef FS_INTERNAL_H
#define FS_INTERNAL_H

#include "fs/fs.h"
#include "fs/namei.h"

struct file;
struct seq_file;

#define AT_FDCWD (-100)            /* openat's dirfd: the working directory */
#define AT_SYMLINK_NOFOLLOW 0x100  /* a symlink at the end is not followed */
#define AT_REMOVEDIR 0x200         /* unlinkat: rmdir */
#define AT_SYMLINK_FOLLOW 0x400    /* linkat: follow */
#define AT_NO_AUTOMOUNT 0x800      /* accepted: there is nothing to automount */
#define AT_EMPTY_PATH 0x1000       /* an empty path names dirfd itself */
#define AT_STATX_SYNC_TYPE 0x6000  /* accepted: nothing is remote */

/* Copy a path from user memory into a new kernel buffer (free it with
 * putname): 0 and *path, or -EFAULT, -ENAMETOOLONG (PATH_MAX bytes with
 * no NUL), -ENOENT (an empty path, unless empty_ok), -ENOMEM. */
long getname(uint64_t upath, bool empty_ok, char **path);
void putname(char *path);

/* Open path as openat() does, relative to dirfd when it is relative:
 * 0 and *f, or -errno. mode: a new file's permissions. */
long vfs_open_at(int dirfd, const char *path, unsigned int flags, umode_t mode, struct file **f);
/* An open file on the inode at path (held by the file from now on). */
long vfs_open_path(const struct path *path, unsigned int flags, struct file **f);

/* fs/dcache.c, fs/inode.c */
void dcache_init(void);
void inode_cache_init(void);
void shrink_dcache_sb(struct super_block *sb);
/* Free parent's unused children (rmdir: the negative dentries under a
 * directory that goes would keep it alive). */
void shrink_dcache_parent(struct dentry *parent);
int evict_inodes(struct super_block *sb);
int d_move(struct dentry *d, struct dentry *new_parent, const struct qstr *name);

/* fs/super.c */
void deactivate_super(struct super_block *sb);
void iterate_supers(void (*fn)(struct super_block *sb, void *arg), void *arg);
/* Before the power goes: sync every file system and make it read-only
 * (a disk's is then marked clean). */
void remount_all_readonly(void);
/* fs/sync.c */
void ksys_sync(void);
int cmd_sync(int argc, char **argv);
/* fs/cache_show.c: the console's cache report. */
int cache_show(struct seq_file *m);

/* fs/namespace.c */
struct vfsmount *mntget(struct vfsmount *mnt);
void mntput(struct vfsmount *mnt);
void path_get(const struct path *path);
void path_put(const struct path *path);
struct vfsmount *lookup_mnt(const struct path *path);
struct vfsmount *vfs_kern_mount(struct file_system_type *type, unsigned int flags,
				const char *name, void *data);
/* Mount a new file system of type_name over the directory where. */
int do_mount_at(const char *type_name, unsigned int flags, const char *dev_name, void *data,
		const struct path *where);
void mnt_init(void);
/* Mount the initial root file system. */
void init_mount_tree(const char *type_name);
void get_init_root(struct path *root);
int mounts_show(struct seq_file *m);

/* fs/filesystems.c */
int filesystems_show(struct seq_file *m);

/* fs/attr.c */
int notify_change(struct dentry *dentry, struct iattr *attr);
int do_truncate(struct dentry *dentry, loff_t length);

#endif
