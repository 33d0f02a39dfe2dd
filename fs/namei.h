/*
 * Path names (fs/namei.c): from a name to a place in the tree of mounts
 * and dentries. Every system call that takes a path goes through here.
 */
#ifndef FS_NAMEI_H
#define FS_NAMEI_H

#include "fs/fs.h"

#define PATH_MAX 4096 /* with the NUL */
#define NAME_MAX 255  /* one component */

#define LOOKUP_FOLLOW 1u    /* follow a symbolic link at the end too */
#define LOOKUP_DIRECTORY 2u /* the end must be a directory */

/* What the last component of a path is (filename_parentat). */
enum { LAST_NORM, LAST_ROOT, LAST_DOT, LAST_DOTDOT };

/* Look name up from dfd (AT_FDCWD: the working directory): 0 and *path
 * (held: path_put it), or -errno. */
int filename_lookup(int dfd, const char *name, unsigned int flags, struct path *path);
int kern_path(const char *name, unsigned int flags, struct path *path);
/* The same for a name in user memory (-EFAULT, -ENAMETOOLONG too). */
int user_path_at(int dfd, uint64_t uname, unsigned int flags, struct path *path);
/* The directory holding name's last component (held), and that
 * component (pointing into name). */
int filename_parentat(int dfd, const char *name, struct path *parent, struct qstr *last,
		      int *type);
/* name in dir, whose lock the caller holds: positive or negative, held. */
struct dentry *lookup_one_qstr(const struct qstr *name, struct dentry *dir);
/* Go down into what is mounted on path. */
void follow_mount(struct path *path);
/* What a permission check asks for (Linux's values). */
#define MAY_EXEC 0x01
#define MAY_WRITE 0x02
#define MAY_READ 0x04

/* May current (its fsuid, fsgid and groups) access inode as mask asks?
 * The owner's, the group's or the others' mode bits decide; root
 * passes, except that a file needs an x bit for MAY_EXEC. 0 or -EACCES
 * (Linux: inode_permission, generic_permission). */
int inode_permission(struct inode *inode, int mask);
/* May current make or remove a name in dir (write and search on it),
 * and remove victim from it (a sticky directory: only its owner, the
 * directory's, or root)? 0, -EACCES or -EPERM (Linux: may_create,
 * may_delete). victim NULL: making a name. */
int may_create_in(struct inode *dir);
int may_delete(struct inode *dir, struct inode *victim);
/* The absolute path of path, at the end of buf. */
char *d_path(const struct path *path, char *buf, int buflen);

#endif
