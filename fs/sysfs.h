#ifndef FS_SYSFS_H
#define FS_SYSFS_H

/* Register sysfs and mount it on /sys. */
void sysfs_init(void);

#endif
