/*
 * The initramfs seen as a file system: the directory "/" and the files
 * in it, read-only. Its files can be read and seeked; "/" can be opened
 * (for fstat, or as openat's directory) but not read.
 */
#ifndef FS_ROOTFS_H
#define FS_ROOTFS_H

struct file;

/*
 * Open path (relative paths start at "/", the working directory) with
 * open()'s flags: 0 and *f, or the error open() returns: those of
 * path_lookup() (fs/namei.h); -EROFS to write, truncate or create a file;
 * -EEXIST for O_CREAT|O_EXCL of one that exists; -EISDIR to open "/" for
 * writing; -ENOTDIR for O_DIRECTORY on a file; -ENOMEM.
 */
long rootfs_open(const char *path, unsigned int flags, struct file **f);

#endif
