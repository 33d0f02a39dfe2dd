/*
 * Character devices (Linux: fs/char_dev.c). A device file - /dev/null,
 * /dev/console - is an inode with S_IFCHR and a device number; opening it
 * finds the driver registered for that number and hands the open file to
 * the driver's file operations.
 */
#ifndef FS_CHAR_DEV_H
#define FS_CHAR_DEV_H

#include "fs/fs.h"

/* Minors first..first+count-1 of major belong to fops: 0, or -EBUSY if
 * some of them are taken, -ENOMEM. */
int register_chrdev_region_fops(unsigned int major, unsigned int first, unsigned int count,
				const char *name, const struct file_operations *fops);

/* What a device inode's open starts with: finds the driver (-ENXIO if
 * there is none). */
extern const struct file_operations def_chr_fops;

#endif
