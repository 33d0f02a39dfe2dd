/* The file system at boot (fs/init.c). */
#ifndef FS_INIT_H
#define FS_INIT_H

#include "fs/fs.h"

/* Caches, the initial root from the initramfs, the kernel's "/". */
void vfs_init(void);
/* In pid 1, before init runs: mount the root file system (root=). */
void prepare_namespace(void);
/* Sleep until prepare_namespace is done (the console, before its first
 * prompt). */
void wait_for_namespace(void);
/* mkdir and mount for the kernel itself: 0 or -errno. */
int init_mkdir(const char *pathname, umode_t mode);
int init_mount(const char *dev_name, const char *dir_name, const char *type, unsigned int flags,
	       void *data);

/* Mount devtmpfs, proc, sysfs and debugfs on /dev, /proc, /sys and
 * /sys/kernel/debug of the root (fs/do_mounts.c). */
void mount_kernel_filesystems(void);

#endif
