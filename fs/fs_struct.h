/*
 * A process's root and working directory, and its umask (Linux:
 * include/linux/fs_struct.h). Reference-counted, so that threads created
 * with CLONE_FS can share one; fork copies it.
 */
#ifndef FS_FS_STRUCT_H
#define FS_FS_STRUCT_H

#include "fs/fs.h"

struct fs_struct {
	int users;         /* tasks sharing it */
	struct path root;  /* "/" for this process (held) */
	struct path pwd;   /* the working directory (held) */
	unsigned int umask;
};

/* The kernel threads' (and the console's): "/", set at boot. */
extern struct fs_struct *init_fs;

static inline struct fs_struct *get_fs_struct(struct fs_struct *fs)
{
	fs->users++;
	return fs;
}

/* The first process's: root and working directory at "/", umask 022. */
struct fs_struct *init_fs_struct(void);
/* fork(): a copy (NULL if memory is short). */
struct fs_struct *copy_fs_struct(const struct fs_struct *fs);
/* exit(): drop a reference; the last releases both paths. */
void put_fs_struct(struct fs_struct *fs);
/* chdir(): the working directory becomes path (the caller's reference
 * passes to fs). */
void set_fs_pwd(struct fs_struct *fs, const struct path *path);

#endif
