/*
 * The initramfs: a cpio archive that GRUB loads next to the kernel
 * (boot/grub.cfg, `module2 /boot/initramfs.cpio initramfs`). The Makefile
 * packs the user programs into it, and the files of `make EXTRA=DIR`. The
 * files stay where GRUB put them (mm_init reserves that memory); this is
 * only a table of names, addresses and sizes.
 */
#ifndef FS_INITRAMFS_H
#define FS_INITRAMFS_H

#include "fs/seq_file.h"
#include "lib/types.h"

#define INITRAMFS_NAME_MAX 64 /* with the NUL */
#define INITRAMFS_MAX_FILES 128
#define INITRAMFS_ROOT_INO 1 /* the directory "/"; files are 2, 3, ... */

struct initramfs_file {
	char name[INITRAMFS_NAME_MAX];
	const void *data; /* in the direct map */
	size_t size;
	uint32_t mode;    /* type and permissions, as in st_mode */
	unsigned int ino; /* inode number, for stat() */
};

/* Find the module and read its table of files. After mm_init (needs
 * __va). A malformed archive gives an error line and no files. */
void initramfs_init(void);

/* The regular file with this name, or NULL. */
const struct initramfs_file *initramfs_lookup(const char *name);

/* The `ls` report: each file with its size in bytes. */
int initramfs_show(struct seq_file *m);

#endif
