/* The file system types the kernel knows (Linux: fs/filesystems.c):
 * what mount -t NAME looks up, and what /proc/filesystems lists. */
#include "fs/fs.h"
#include "fs/internal.h"
#include "fs/seq_file.h"
#include "kernel/errno.h"
#include "lib/string.h"

static struct file_system_type *file_systems;

int register_filesystem(struct file_system_type *fs)
{
	struct file_system_type **p = &file_systems;

	for (; *p; p = &(*p)->next)
		if (!strcmp((*p)->name, fs->name))
			return -EBUSY;
	fs->next = NULL;
	*p = fs;
	return 0;
}

struct file_system_type *get_fs_type(const char *name)
{
	for (struct file_system_type *fs = file_systems; fs; fs = fs->next)
		if (!strcmp(fs->name, name))
			return fs;
	return NULL;
}

/* Linux's format: "nodev" before the types that need no device. */
int filesystems_show(struct seq_file *m)
{
	for (struct file_system_type *fs = file_systems; fs; fs = fs->next)
		seq_printf(m, "%s\t%s\n", fs->fs_flags & FS_REQUIRES_DEV ? "" : "nodev", fs->name);
	return 0;
}
