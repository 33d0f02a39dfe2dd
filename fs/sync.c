/*
 * sync and syncfs (Linux: fs/sync.c): write every file system's dirty
 * data and metadata to its disk and wait for it.
 */
#include "fs/fdtable.h"
#include "fs/file.h"
#include "fs/internal.h"
#include "kernel/errno.h"
#include "kernel/syscall.h"

static void sync_one(struct super_block *sb, void *arg)
{
	(void)arg;
	sync_filesystem(sb);
}

void ksys_sync(void)
{
	iterate_supers(sync_one, NULL);
}

/* The console's sync: as the shell's, for a student who wants the disk
 * up to date before looking at it from outside. */
int cmd_sync(int argc, char **argv)
{
	(void)argc, (void)argv;
	ksys_sync();
	return 0;
}

long sys_sync(void)
{
	ksys_sync();
	return 0;
}

long sys_syncfs(uint64_t fd)
{
	struct file *f = fget((unsigned int)fd);

	if (!f)
		return -EBADF;
	if (!f->f_path.dentry)
		return 0; /* a pipe's or the console's: nothing to write */
	return sync_filesystem(f->f_path.dentry->d_sb);
}
