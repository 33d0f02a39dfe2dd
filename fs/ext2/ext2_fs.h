/* What the rest of the kernel sees of ext2 (Linux: include/linux/ext2_fs.h). */
#ifndef FS_EXT2_EXT2_FS_H
#define FS_EXT2_EXT2_FS_H

/* Register the "ext2" file system type (boot: fs/init.c:vfs_init). */
int init_ext2_fs(void);

#endif
