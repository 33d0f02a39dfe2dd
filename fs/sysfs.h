#ifndef FS_SYSFS_H
#define FS_SYSFS_H

/* Register sysfs (fs/do_mounts.c mounts it). */
void sysfs_init(void);

#endif
