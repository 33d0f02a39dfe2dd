/* Root and working directory of a process (fs/fs_struct.h). */
#include "fs/fs_struct.h"
#include "fs/internal.h"
#include "mm/slab.h"

struct fs_struct *init_fs;

struct fs_struct *init_fs_struct(void)
{
	struct fs_struct *fs = kzalloc(sizeof(*fs));

	if (!fs)
		return NULL;
	fs->users = 1;
	fs->umask = 022;
	get_init_root(&fs->root);
	fs->pwd = fs->root;
	path_get(&fs->pwd);
	return fs;
}

struct fs_struct *copy_fs_struct(const struct fs_struct *old)
{
	struct fs_struct *fs = kmalloc(sizeof(*fs));

	if (!fs)
		return NULL;
	*fs = *old;
	fs->users = 1;
	path_get(&fs->root);
	path_get(&fs->pwd);
	return fs;
}

void put_fs_struct(struct fs_struct *fs)
{
	if (!fs || --fs->users > 0)
		return;
	path_put(&fs->root);
	path_put(&fs->pwd);
	kfree(fs);
}

void set_fs_pwd(struct fs_struct *fs, const struct path *path)
{
	struct path old = fs->pwd;

	fs->pwd = *path;
	path_put(&old);
}
