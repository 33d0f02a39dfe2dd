#ifndef FS_D_PATH_H
#define FS_D_PATH_H

#include "fs/fs.h"

/* path's name from the root, "/a/b", written at the end of buf: where it
 * starts in buf, or ERR_PTR(-ENAMETOOLONG). */
char *d_path(const struct path *path, char *buf, int buflen);

#endif
