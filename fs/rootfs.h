/*
 * rootfs, the first root file system, filled from the initramfs
 * (fs/rootfs.c, fs/initramfs.c).
 */
#ifndef FS_ROOTFS_H
#define FS_ROOTFS_H

#include "fs/fs.h"

/* One member of the archive, as rootfs_add takes it. */
struct rootfs_member {
	const char *name;  /* path inside the archive, NUL-terminated */
	uint32_t mode;     /* type and permissions */
	const void *data;  /* a file's bytes or a link's target, in the archive */
	size_t size;
};

/* Register rootfs and mount it as the initial "/". */
void rootfs_init(void);
/* Put m into sb's tree, making the directories on its way: 0 or -errno. */
int rootfs_add(struct super_block *sb, const struct rootfs_member *m);
/* fs/initramfs.c: unpack the archive GRUB loaded into sb: 0, or -errno
 * for a malformed archive (after a log line; nothing is unpacked). */
int initramfs_unpack(struct super_block *sb);

#endif
