/*
 * debugfs (Linux: include/linux/debugfs.h): a file system for the
 * kernel's testing and debugging knobs, at /sys/kernel/debug. A part of
 * the kernel makes its directory and files at boot; each file is either
 * its own file_operations or a number read and written through get/set
 * functions (an "attribute").
 */
#ifndef FS_DEBUGFS_DEBUGFS_H
#define FS_DEBUGFS_DEBUGFS_H

#include "fs/fs.h"

/* A directory (parent NULL: debugfs's root), or NULL when memory is short. */
struct dentry *debugfs_create_dir(const char *name, struct dentry *parent);
/* A file whose open files get fops; data is the inode's i_private. */
struct dentry *debugfs_create_file(const char *name, umode_t mode, struct dentry *parent,
				   void *data, const struct file_operations *fops);

/*
 * A number (Linux: DEFINE_DEBUGFS_ATTRIBUTE). Reading shows get(data)
 * with fmt ("%llu\n", "%#llx\n"); writing parses the text as Linux's
 * simple_attr_write does (kstrtoull base 0: "0x1f", "31", "037", one
 * trailing newline; anything else EINVAL, too large ERANGE) and returns
 * set(data, value)'s error, or the whole length. No get: reads fail with
 * EACCES; no set: writes do.
 */
struct debugfs_attr {
	int (*get)(void *data, uint64_t *val);
	int (*set)(void *data, uint64_t val);
	const char *fmt;
};

struct dentry *debugfs_create_attr(const char *name, umode_t mode, struct dentry *parent,
				   void *data, const struct debugfs_attr *attr);
/* Attributes of a plain variable, shown in decimal. */
void debugfs_create_u32(const char *name, umode_t mode, struct dentry *parent, uint32_t *value);
void debugfs_create_u64(const char *name, umode_t mode, struct dentry *parent, uint64_t *value);

/* Register debugfs and make its root, before anything creates files in
 * it (fs/do_mounts.c mounts it on /sys/kernel/debug). */
void debugfs_init(void);

#endif
