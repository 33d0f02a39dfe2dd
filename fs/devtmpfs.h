#ifndef FS_DEVTMPFS_H
#define FS_DEVTMPFS_H

/* Register the character devices and mount devtmpfs on /dev. */
void devtmpfs_init(void);

#endif
