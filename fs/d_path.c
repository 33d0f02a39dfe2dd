/*
 * A path's name (Linux: fs/d_path.c): from the dentry up to the root of
 * its mount, then across to where that mount is mounted, until the root
 * mount. Used by /proc/PID/maps and /proc/mounts.
 */
#include "fs/d_path.h"
#include "lib/err.h"
#include "lib/string.h"
#include "kernel/errno.h"

/* Put name[0..len) in front of *end, inside buf: false if it does not fit. */
static bool prepend(char *buf, char **end, const char *name, size_t len)
{
	if ((size_t)(*end - buf) < len)
		return false;
	*end -= len;
	memcpy(*end, name, len);
	return true;
}

char *d_path(const struct path *path, char *buf, int buflen)
{
	struct vfsmount *mnt = path->mnt;
	struct dentry *dentry = path->dentry;
	char *end = buf + buflen;

	if (!prepend(buf, &end, "", 1))
		return ERR_PTR(-ENAMETOOLONG);
	bool any = false;
	for (;;) {
		if (dentry == mnt->mnt_root) {
			if (mnt->mnt_parent == mnt)
				break;
			dentry = mnt->mnt_mountpoint;
			mnt = mnt->mnt_parent;
			continue;
		}
		if (dentry->d_parent == dentry)
			break; /* not reachable from its mount's root */
		if (!prepend(buf, &end, dentry->d_name.name, dentry->d_name.len) ||
		    !prepend(buf, &end, "/", 1))
			return ERR_PTR(-ENAMETOOLONG);
		any = true;
		dentry = dentry->d_parent;
	}
	if (!any && !prepend(buf, &end, "/", 1))
		return ERR_PTR(-ENAMETOOLONG);
	return end;
}
