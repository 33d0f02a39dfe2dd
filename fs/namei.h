/*
 * Path names. Antidote has one directory, "/", holding the initramfs
 * files, and it is every process's working directory; so "/hello",
 * "hello", "./hello" and "//hello" all name the same file, and any path
 * that goes through a file as if it were a directory fails.
 *
 * The walk only calls `lookup` on the outside world, so the host unit
 * tests run it with a table of their own (tests/unit/test_namei.c).
 */
#ifndef FS_NAMEI_H
#define FS_NAMEI_H

#include "fs/initramfs.h"

#define PATH_MAX 4096 /* with the NUL */
#define NAME_MAX 255  /* one component */

/*
 * Walk path, asking lookup(name) for the file of each name. 0 and *file:
 * the file the path names, or NULL for the directory "/". Errors, as
 * Linux gives them: -ENOENT for a missing name or an empty path;
 * -ENOTDIR when a file is followed by "/" (and anything after it);
 * -ENAMETOOLONG for a component over NAME_MAX characters.
 */
int path_lookup(const char *path,
		const struct initramfs_file *(*lookup)(const char *name),
		const struct initramfs_file **file);

#endif
