/* What the file system calls share between fs/open.c and fs/stat.c. */
#ifndef FS_INTERNAL_H
#define FS_INTERNAL_H

#include "lib/types.h"

struct file;

#define AT_FDCWD (-100)            /* openat's dirfd: the working directory */
#define AT_SYMLINK_NOFOLLOW 0x100  /* accepted: there are no symbolic links */
#define AT_NO_AUTOMOUNT 0x800      /* accepted: there is nothing to mount */
#define AT_EMPTY_PATH 0x1000       /* an empty path names dirfd itself */
#define AT_STATX_SYNC_TYPE 0x6000  /* accepted: nothing is remote */

/* Copy a path from user memory into a new kernel buffer (free it with
 * putname): 0 and *path, or -EFAULT, -ENAMETOOLONG (PATH_MAX bytes with
 * no NUL), -ENOENT (an empty path, unless empty_ok), -ENOMEM. */
long getname(uint64_t upath, bool empty_ok, char **path);
void putname(char *path);

/* Open path as openat() does, relative to dirfd when it is relative:
 * 0 and *f, or -EBADF / -ENOTDIR for a dirfd that is not an open
 * directory, or rootfs_open()'s errors. */
long vfs_open_at(int dirfd, const char *path, unsigned int flags, struct file **f);

#endif
