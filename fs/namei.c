/* Path walk in the one-directory tree (see fs/namei.h). */
#include "fs/namei.h"
#include "kernel/errno.h"
#include "lib/string.h"

int path_lookup(const char *path,
		const struct initramfs_file *(*lookup)(const char *name),
		const struct initramfs_file **file)
{
	const struct initramfs_file *at = NULL; /* where we are: NULL is "/" */
	char name[INITRAMFS_NAME_MAX];

	if (!*path)
		return -ENOENT;
	while (*path) {
		if (*path == '/') {
			if (at) /* only a directory can be followed by "/" */
				return -ENOTDIR;
			path++;
			continue;
		}
		size_t len = 0;
		while (path[len] && path[len] != '/')
			len++;
		if (len > NAME_MAX)
			return -ENAMETOOLONG;
		bool dot = len == 1 && path[0] == '.';
		bool dotdot = len == 2 && path[0] == '.' && path[1] == '.';
		if (!dot && !dotdot) { /* "." and ".." of "/" are "/" itself */
			if (len >= sizeof(name)) /* longer than any initramfs name */
				return -ENOENT;
			memcpy(name, path, len);
			name[len] = '\0';
			at = lookup(name);
			if (!at)
				return -ENOENT;
		}
		path += len;
	}
	*file = at;
	return 0;
}
