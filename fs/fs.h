/*
 * The virtual file system's objects (Linux: include/linux/fs.h,
 * include/linux/dcache.h, include/linux/mount.h). Every kind of file
 * system - ext2 on a disk, tmpfs in memory, /proc, debugfs - fills the
 * same structures and operation tables, and the system calls only talk
 * to these:
 *
 *  super_block  one mounted file system: its device, its root, its inodes.
 *  inode        one file (regular, directory, symlink, device, pipe): its
 *               attributes and, in i_data, its page cache.
 *  dentry       one name in a directory, pointing to its inode (or to
 *               nothing: a "negative" dentry remembers that a name does
 *               not exist). Dentries are cached, so a path that was walked
 *               once is walked again without asking the file system.
 *  vfsmount     a super_block attached somewhere in the tree of names.
 *  path         (vfsmount, dentry): a place in that tree.
 *  file         an open file description (fs/file.h).
 *
 * Reference counts: an inode is held by its dentries and open files
 * (iget/iput, fs/inode.c); a dentry by its children, by paths and files
 * (dget/dput, fs/dcache.c); a mount by paths (mntget/mntput,
 * fs/namespace.c).
 */
#ifndef FS_FS_H
#define FS_FS_H

#include "kernel/mutex.h"
#include "lib/kdev_t.h"
#include "lib/list.h"
#include "lib/types.h"
#include "mm/pagemap.h"

struct dentry;
struct file;
struct inode;
struct kstat;
struct kstatfs;
struct page;
struct super_block;
struct vfsmount;
struct vm_area_struct;

/* unsigned long, not Linux's u32, so that host unit tests can include the C
 * library's headers too (the same typedef twice is allowed). */
typedef unsigned long dev_t;
typedef uint32_t umode_t;
typedef int64_t loff_t;

/* MKDEV, MAJOR, MINOR: lib/kdev_t.h. */

struct timespec64 {
	int64_t tv_sec;
	long tv_nsec;
};

/* ---- inodes ------------------------------------------------------- */

/* i_state bits (fs/inode.c, fs/fs-writeback.c). */
#define I_NEW 1u           /* being read in: wait, then look again */
#define I_DIRTY_SYNC 2u    /* attributes changed (times): write the inode */
#define I_DIRTY_DATASYNC 4u /* attributes fdatasync must write (size, blocks) */
#define I_DIRTY_PAGES 8u   /* the page cache holds dirty pages */
#define I_FREEING 16u      /* being evicted: nobody may take it again */
#define I_DIRTY_INODE (I_DIRTY_SYNC | I_DIRTY_DATASYNC)
#define I_DIRTY (I_DIRTY_INODE | I_DIRTY_PAGES)

struct inode {
	umode_t i_mode;           /* type (S_IFREG ...) and permissions */
	unsigned int i_nlink;     /* names pointing to it; 0 = delete on last iput */
	uint32_t i_uid, i_gid;
	dev_t i_rdev;             /* a device file's device */
	unsigned long i_ino;
	loff_t i_size;            /* protected by i_rwsem (writers) */
	uint64_t i_blocks;        /* 512-byte units allocated */
	struct timespec64 i_atime, i_mtime, i_ctime;
	unsigned int i_generation;

	struct super_block *i_sb;
	const struct inode_operations *i_op;
	const struct file_operations *i_fop; /* what open() gives the file */
	struct address_space *i_mapping;     /* normally &i_data; a block
					      * device file's is the device's */
	struct address_space i_data;         /* this inode's page cache */

	/* The inode cache (fs/inode.c) owns these. */
	int i_count;              /* references (iget/ihold/iput) */
	unsigned int i_state;     /* I_* */
	struct list_head i_hash;  /* bucket of (sb, ino) */
	struct list_head i_sb_list; /* sb->s_inodes */

	/* Write-back (fs/fs-writeback.c) owns these. */
	struct list_head i_io_list; /* sb->s_dirty_inodes while I_DIRTY */
	struct list_head i_wb_list; /* sb->s_inodes_wb while pages are under write-back
				     * (mm/page-writeback.c; interrupts off) */
	uint64_t dirtied_when;      /* jiffies-free: ktime_get_ns() when first dirtied */

	struct rw_semaphore i_rwsem; /* inode_lock(): writers, directory changes */
	struct block_device *i_bdev; /* a block device inode's device */
	void *i_private;             /* the file system's or the device's */
	struct file_lock_context *i_flctx; /* its file locks (fs/locks.c); NULL: none yet */
	unsigned int i_flags;        /* S_SWAPFILE: swapon and swapoff (mm/swapon.c) set it */
	int i_writecount;            /* open files that may write it (fs/open.c, fs/file.c) */
};

/* The inode is an active swap area (Linux's S_SWAPFILE): its blocks are
 * swap's, so write(), truncate and O_TRUNC fail with ETXTBSY until
 * swapoff - opening it for writing still works, as on Linux. */
#define S_SWAPFILE 256u
#define IS_SWAPFILE(inode) ((inode)->i_flags & S_SWAPFILE)

static inline void inode_lock(struct inode *inode)
{
	down_write(&inode->i_rwsem);
}

static inline void inode_unlock(struct inode *inode)
{
	up_write(&inode->i_rwsem);
}

static inline void inode_lock_shared(struct inode *inode)
{
	down_read(&inode->i_rwsem);
}

static inline void inode_unlock_shared(struct inode *inode)
{
	up_read(&inode->i_rwsem);
}

/* setattr's request (Linux: struct iattr). */
#define ATTR_MODE 1u
#define ATTR_UID 2u
#define ATTR_GID 4u
#define ATTR_SIZE 8u
#define ATTR_ATIME 16u
#define ATTR_MTIME 32u
#define ATTR_CTIME 64u
#define ATTR_TIMES_SET 0x10000u /* utimensat gave a time, not "now" (checks only) */

struct iattr {
	unsigned int ia_valid; /* ATTR_* */
	umode_t ia_mode;
	uint32_t ia_uid, ia_gid;
	loff_t ia_size;
	struct timespec64 ia_atime, ia_mtime, ia_ctime;
};

/* Directory operations return 0 or a negative errno. The VFS has already
 * checked that names are not "." or "..", that the directory is a
 * directory, and holds inode_lock(dir). */
struct inode_operations {
	/* Find dentry->d_name in dir: d_add() the inode (or NULL: the name
	 * does not exist) and return NULL, or return ERR_PTR(-errno). */
	struct dentry *(*lookup)(struct inode *dir, struct dentry *dentry, unsigned int flags);
	int (*create)(struct inode *dir, struct dentry *dentry, umode_t mode, bool excl);
	int (*link)(struct dentry *old_dentry, struct inode *dir, struct dentry *dentry);
	int (*unlink)(struct inode *dir, struct dentry *dentry);
	int (*symlink)(struct inode *dir, struct dentry *dentry, const char *target);
	int (*mkdir)(struct inode *dir, struct dentry *dentry, umode_t mode);
	int (*rmdir)(struct inode *dir, struct dentry *dentry);
	int (*mknod)(struct inode *dir, struct dentry *dentry, umode_t mode, dev_t dev);
	int (*rename)(struct inode *old_dir, struct dentry *old_dentry, struct inode *new_dir,
		      struct dentry *new_dentry, unsigned int flags);
	/* A symlink's target into buf (not NUL-terminated): its length, or
	 * -errno. */
	int (*get_link)(struct inode *inode, char *buf, int buflen);
	/* Change attributes, ATTR_SIZE included (truncate and extend). NULL:
	 * simple_setattr (fs/libfs.c). */
	int (*setattr)(struct dentry *dentry, struct iattr *attr);
	/* NULL: generic_fillattr from the inode. */
	int (*getattr)(struct dentry *dentry, struct kstat *stat);
};

/* ---- super blocks and file system types --------------------------- */

#define SB_RDONLY 1u

struct super_operations {
	struct inode *(*alloc_inode)(struct super_block *sb); /* NULL: a plain inode */
	void (*free_inode)(struct inode *inode);
	/* Write the inode's attributes to the disk (WB_SYNC_ALL: and wait). */
	int (*write_inode)(struct inode *inode, struct writeback_control *wbc);
	/* The last reference to an inode is gone: drop its pages, and if it
	 * has no names left free it on the disk. */
	void (*evict_inode)(struct inode *inode);
	void (*put_super)(struct super_block *sb);
	int (*sync_fs)(struct super_block *sb, int wait);
	int (*statfs)(struct dentry *dentry, struct kstatfs *buf);
	/* remount (MS_REMOUNT): new flags; 0 or -errno. */
	int (*remount_fs)(struct super_block *sb, unsigned int *flags, char *data);
};

struct super_block {
	dev_t s_dev;                 /* st_dev of its files */
	unsigned long s_blocksize;
	unsigned char s_blocksize_bits;
	unsigned int s_flags;        /* SB_* */
	uint64_t s_magic;            /* statfs f_type */
	int64_t s_maxbytes;          /* largest file */
	struct file_system_type *s_type;
	const struct super_operations *s_op;
	struct dentry *s_root;
	struct block_device *s_bdev; /* NULL for in-memory file systems */
	char s_id[32];               /* for messages: "vda", "tmpfs" */
	void *s_fs_info;             /* the file system's own */

	int s_active;                /* mounts of it (fs/super.c) */
	struct list_head s_list;     /* all super blocks (fs/super.c) */
	struct list_head s_inodes;   /* its inodes (fs/inode.c) */
	struct list_head s_dirty_inodes; /* inodes with I_DIRTY (fs/fs-writeback.c) */
	struct list_head s_inodes_wb; /* inodes with pages under write-back, for sync to
				       * wait on (mm/page-writeback.c) */
	struct mutex s_umount;       /* held across mount, umount, sync */
	errseq_t s_wb_err;           /* write-back errors of its files, for syncfs
				      * (mm/page-writeback.c: mapping_set_error) */
};

#define FS_REQUIRES_DEV 1u /* mounted from a block device */

struct file_system_type {
	const char *name;            /* mount -t NAME, /proc/filesystems */
	unsigned int fs_flags;       /* FS_* */
	/* Read or make the super block for dev_name (a block device path
	 * for FS_REQUIRES_DEV) with mount's flags and data: its root dentry,
	 * or ERR_PTR(-errno) with a line in the log saying why. */
	struct dentry *(*mount)(struct file_system_type *fs_type, unsigned int flags,
				const char *dev_name, void *data);
	void (*kill_sb)(struct super_block *sb);
	struct file_system_type *next; /* fs/filesystems.c's list */
};

int register_filesystem(struct file_system_type *fs);
struct file_system_type *get_fs_type(const char *name);

/* ---- dentries ----------------------------------------------------- */

struct qstr {
	const char *name;  /* not NUL-terminated in a path walk */
	unsigned int len;
	unsigned int hash; /* full_name_hash(name, len) */
};

#define DNAME_INLINE_LEN 40
#define DCACHE_MOUNTED 1u     /* something is mounted here (fs/namespace.c) */
#define DCACHE_DISCONNECTED 2u /* not in its parent's list: unlinked */

struct dentry {
	int d_count;               /* references (dget/dput) */
	unsigned int d_flags;      /* DCACHE_* */
	struct dentry *d_parent;   /* holds a reference; the root is its own */
	struct qstr d_name;        /* points into d_iname or to a kmalloc'ed name */
	struct inode *d_inode;     /* NULL: negative, the name does not exist */
	struct super_block *d_sb;
	struct list_head d_hash;   /* bucket of (parent, name) (fs/dcache.c) */
	struct list_head d_child;  /* in the parent's d_subdirs */
	struct list_head d_subdirs; /* children (libfs readdir walks them) */
	struct list_head d_lru;    /* unused dentries, oldest first */
	void *d_fsdata;            /* the file system's */
	char d_iname[DNAME_INLINE_LEN];
};

/* ---- mounts ------------------------------------------------------- */

#define MNT_RDONLY 1u

struct vfsmount {
	struct dentry *mnt_root;      /* the file system's root */
	struct super_block *mnt_sb;
	unsigned int mnt_flags;       /* MNT_* */
	struct vfsmount *mnt_parent;  /* mounted on: itself for "/" */
	struct dentry *mnt_mountpoint; /* where, in mnt_parent */
	struct list_head mnt_hash;    /* bucket of (parent, mountpoint) */
	struct list_head mnt_list;    /* every mount, in mount order (/proc/mounts) */
	char mnt_devname[64];         /* mount's source, as /proc/mounts shows */
	int mnt_count;                /* paths holding it */
};

struct path {
	struct vfsmount *mnt;
	struct dentry *dentry;
};

/* ---- reading directories ------------------------------------------ */

/* d_type values of getdents64 (DT_*). */
#define DT_UNKNOWN 0
#define DT_FIFO 1
#define DT_CHR 2
#define DT_DIR 4
#define DT_BLK 6
#define DT_REG 8
#define DT_LNK 10
#define DT_SOCK 12

/* iterate_shared's consumer (getdents64, the console's ls): actor
 * returns false when it has no room for the entry, which is then
 * offered again next time; pos is the directory offset of the next
 * entry, kept by the file system. */
struct dir_context {
	bool (*actor)(struct dir_context *ctx, const char *name, int namelen, loff_t pos,
		      uint64_t ino, unsigned int d_type);
	loff_t pos;
};

/* ---- the inode cache (fs/inode.c) ---------------------------------- */

/* A fresh inode of sb, not hashed, one reference, i_nlink 1 (Linux:
 * new_inode). NULL when memory is short. */
struct inode *new_inode(struct super_block *sb);
/* The inode (sb, ino) with a reference: from the cache, or a new one
 * with I_NEW set, which the caller reads in and then calls
 * unlock_new_inode (or iget_failed). NULL when memory is short. */
struct inode *iget_locked(struct super_block *sb, unsigned long ino);
void unlock_new_inode(struct inode *inode);
void iget_failed(struct inode *inode);
/* Make new_inode's inode findable by iget_locked. */
void insert_inode_hash(struct inode *inode);
void ihold(struct inode *inode);
/* Free an inode new_inode took from the VFS's own cache (a free_inode
 * operation of a file system without alloc_inode ends with it). */
void free_inode_nonrcu(struct inode *inode);
/* Drop a reference; the last one of an inode without names evicts it
 * (s_op->evict_inode); one with names stays cached. */
void iput(struct inode *inode);
/* evict_inode's last step: the inode holds nothing any more. */
void clear_inode(struct inode *inode);
/* Note that the inode needs writing (I_DIRTY_SYNC and so on), for
 * write-back (fs/fs-writeback.c). */
void __mark_inode_dirty(struct inode *inode, unsigned int flags);
static inline void mark_inode_dirty(struct inode *inode)
{
	__mark_inode_dirty(inode, I_DIRTY_INODE);
}
static inline void mark_inode_dirty_sync(struct inode *inode)
{
	__mark_inode_dirty(inode, I_DIRTY_SYNC);
}
void set_nlink(struct inode *inode, unsigned int nlink);
void inc_nlink(struct inode *inode);
void drop_nlink(struct inode *inode);
void clear_nlink(struct inode *inode);
/* A new file's owner and mode in dir (mode includes the type). */
void inode_init_owner(struct inode *inode, const struct inode *dir, umode_t mode);
/* A device, FIFO or socket inode: its file operations and i_rdev. */
void init_special_inode(struct inode *inode, umode_t mode, dev_t rdev);
/* The time to stamp on inode, to the file system's precision. */
struct timespec64 current_time(const struct inode *inode);
/* A write changes the file: mtime and ctime become now (mm/filemap.c;
 * Linux has it in fs/inode.c). */
void file_update_time(struct file *file);

static inline loff_t i_size_read(const struct inode *inode)
{
	return inode->i_size;
}

static inline void i_size_write(struct inode *inode, loff_t size)
{
	inode->i_size = size;
}

/* ---- the dentry cache (fs/dcache.c) -------------------------------- */

/* A negative child of parent called name (copied), one reference. */
struct dentry *d_alloc(struct dentry *parent, const struct qstr *name);
struct dentry *d_alloc_name(struct dentry *parent, const char *name);
/* The root dentry of a new super block (takes the inode's reference). */
struct dentry *d_make_root(struct inode *root_inode);
/* Attach inode (its reference passes to the dentry) and hash it, for
 * lookup: d_add(dentry, NULL) records that the name does not exist. */
void d_add(struct dentry *dentry, struct inode *inode);
/* Attach inode to an already hashed negative dentry (create, mkdir). */
void d_instantiate(struct dentry *dentry, struct inode *inode);
struct dentry *dget(struct dentry *dentry);
void dput(struct dentry *dentry);
/* The file system removed the name: make the dentry negative (unlink). */
void d_delete(struct dentry *dentry);
/* Unhash: later lookups ask the file system again. */
void d_drop(struct dentry *dentry);
/* The cached child of parent called name, with a reference, or NULL. */
struct dentry *d_lookup(struct dentry *parent, const struct qstr *name);
unsigned int full_name_hash(const char *name, unsigned int len);

/* ---- super blocks (fs/super.c) ------------------------------------- */

/* mount for a file system on a block device: opens dev_name, reuses its
 * super block if it is mounted already, else calls fill_super (0 or
 * -errno, after a log line saying why). */
struct dentry *mount_bdev(struct file_system_type *fs_type, unsigned int flags,
			  const char *dev_name, void *data,
			  int (*fill_super)(struct super_block *sb, void *data, int silent));
/* mount for a file system without a device: a new super block each time
 * (anonymous device number 0:N). */
struct dentry *mount_nodev(struct file_system_type *fs_type, unsigned int flags, void *data,
			   int (*fill_super)(struct super_block *sb, void *data, int silent));
/* mount for a file system with one super block for all its mounts
 * (debugfs, proc). */
struct dentry *mount_single(struct file_system_type *fs_type, unsigned int flags, void *data,
			    int (*fill_super)(struct super_block *sb, void *data, int silent));
void kill_block_super(struct super_block *sb);
void kill_anon_super(struct super_block *sb);
/* kill_anon_super for file systems whose dentries pin their inodes
 * (tmpfs, debugfs): drops them all first. */
void kill_litter_super(struct super_block *sb);
/* Write every dirty inode and page of sb, and wait if wait (sync, syncfs). */
int sync_filesystem(struct super_block *sb);

/* ---- helpers for simple file systems (fs/libfs.c) ------------------ */

/* lookup for file systems whose dentries are all in the cache (tmpfs,
 * debugfs, /dev): a name not in the cache does not exist. */
struct dentry *simple_lookup(struct inode *dir, struct dentry *dentry, unsigned int flags);
/* Directory file operations over the cached children (dcache_readdir). */
extern const struct file_operations simple_dir_operations;
/* A directory's read(): EISDIR, as on Linux (fs/libfs.c). */
long generic_read_dir(struct file *f, struct iov_iter *to, loff_t *pos);
extern const struct inode_operations simple_dir_inode_operations;
int simple_setattr(struct dentry *dentry, struct iattr *attr);
int simple_statfs(struct dentry *dentry, struct kstatfs *buf);
/* llseek with SEEK_SET and SEEK_CUR only (a directory's entries, a report
 * whose size is not known until it is read): -EINVAL otherwise. */
loff_t no_end_llseek(struct file *f, loff_t offset, int whence);
/* read() of a file whose contents are from[0..available): from *pos on,
 * advancing it. The bytes copied, 0 at the end, or -EFAULT. */
struct iov_iter;
long simple_read_from_buffer(struct iov_iter *to, loff_t *pos, const void *from, size_t available);
/* llseek for files with a size: SEEK_SET/CUR/END, and SEEK_DATA/HOLE as
 * if there were no holes. */
loff_t generic_file_llseek(struct file *f, loff_t offset, int whence);
int dcache_readdir(struct file *f, struct dir_context *ctx);
/* get_link for a symlink whose target is in i_private (NUL-terminated). */
int simple_get_link(struct inode *inode, char *buf, int buflen);
int noop_fsync(struct file *f, loff_t start, loff_t end, int datasync);
/* A new inode of sb with mode (a directory gets the simple directory
 * operations), numbered in creation order, times now. */
struct inode *simple_new_inode(struct super_block *sb, umode_t mode);
/* Name inode (its reference passes on) in parent, pinned: the dentry,
 * or NULL when memory is short. */
struct dentry *simple_create_dentry(struct dentry *parent, const char *name, struct inode *inode);
/* Directory operations for pinned-dentry file systems. */
int simple_link(struct dentry *old_dentry, struct inode *dir, struct dentry *dentry);
int simple_unlink(struct inode *dir, struct dentry *dentry);
int simple_rmdir(struct inode *dir, struct dentry *dentry);
int simple_rename(struct inode *old_dir, struct dentry *old_dentry, struct inode *new_dir,
		  struct dentry *new_dentry, unsigned int flags);
bool simple_empty(struct dentry *dentry);

/* rename flags (renameat2) */
#define RENAME_NOREPLACE 1u
#define RENAME_EXCHANGE 2u
#define RENAME_WHITEOUT 4u

#endif
