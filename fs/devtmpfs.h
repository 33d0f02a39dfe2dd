#ifndef FS_DEVTMPFS_H
#define FS_DEVTMPFS_H

/* Register the character devices and devtmpfs (fs/do_mounts.c mounts it). */
void devtmpfs_init(void);

#endif
