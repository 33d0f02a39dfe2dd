/* What the parts of /proc share (Linux: fs/proc/internal.h). */
#ifndef FS_PROC_INTERNAL_H
#define FS_PROC_INTERNAL_H

#include "fs/file.h"
#include "fs/fs.h"
#include "fs/proc/proc_fs.h"
#include "fs/seq_file.h"

#define PROC_SUPER_MAGIC 0x9fa0

struct ctl_table;

/* One name in a /proc directory: directories are tables of these (Linux:
 * struct pid_entry), looked up by name when a path names them, so that
 * nothing is made before it is asked for. */
struct proc_entry {
	const char *name;
	umode_t mode;                        /* S_IFREG | 0444 ... */
	const struct file_operations *fops;
	const struct inode_operations *iops; /* directories and symbolic links */
	seq_show_fn show;                    /* a report: for proc_single_fops and base.c's */
};

/* A /proc inode: the VFS's, and what it stands for (Linux: proc_inode). */
struct proc_inode {
	struct inode vfs_inode;
	const struct proc_entry *entry;  /* NULL for /proc and /proc/sys's own */
	int pid;                         /* /proc/PID and its files: whose */
	const struct ctl_table *sysctl;  /* /proc/sys: the setting, or the first of a directory's */
};

static inline struct proc_inode *PROC_I(const struct inode *inode)
{
	return container_of(inode, struct proc_inode, vfs_inode);
}

/* fs/proc/inode.c */
extern const struct super_operations proc_sops;
/* A new inode for entry (pid: whose, or 0), or NULL. */
struct inode *proc_get_inode(struct super_block *sb, const struct proc_entry *entry, int pid);
/* Lookup and readdir over a table of entries: the entry called
 * dentry's name gets an inode (ERR_PTR(-ENOENT) if there is none). */
struct dentry *proc_table_lookup(struct inode *dir, struct dentry *dentry,
				 const struct proc_entry *table, size_t n, int pid);
/* ".", "..", then the entries; ctx->pos counts them. true if all fitted. */
bool proc_table_readdir(struct file *f, struct dir_context *ctx, const struct proc_entry *table,
			size_t n);

/* A report file (Linux: single_open and seq_read): show(m) with
 * m->private = private runs at the first read and again at every read
 * from offset 0; put(private), if not NULL, at the last close. */
int proc_seq_open(struct file *f, seq_show_fn show, void *private, void (*put)(void *private));
long proc_seq_read(struct file *f, struct iov_iter *to, loff_t *pos);
void proc_seq_release(struct inode *inode, struct file *f);
/* The entry's show, without an argument (/proc/meminfo ...). */
extern const struct file_operations proc_single_fops;

/* fs/proc/root.c: a pid ("123", no sign, no leading zero), or -1. */
int proc_name_to_pid(const struct qstr *name);

/* fs/proc/base.c: /proc/PID */
extern const struct inode_operations proc_tgid_base_inode_operations;
extern const struct file_operations proc_tgid_base_operations;

/* fs/proc/proc_sysctl.c: /proc/sys */
extern const struct inode_operations proc_sys_dir_inode_operations;
extern const struct file_operations proc_sys_dir_operations;

/* fs/proc/array.c: m->private is the task. */
int proc_pid_status_show(struct seq_file *m);
int proc_tgid_stat_show(struct seq_file *m); /* /proc/PID/stat */
int proc_tid_stat_show(struct seq_file *m);  /* /proc/PID/task/TID/stat */

/* fs/proc/task_mmu.c: the m->private of maps, smaps and smaps_rollup and
 * pagemap's f->private_data are the process's mm, held by the caller. */
int proc_pid_maps_show(struct seq_file *m);
int proc_pid_smaps_show(struct seq_file *m);
int proc_pid_smaps_rollup_show(struct seq_file *m);
long proc_pagemap_read(struct file *f, struct iov_iter *to, loff_t *pos);

/* fs/proc/stat.c: /proc/stat, /proc/loadavg */
int stat_show(struct seq_file *m);
int loadavg_show(struct seq_file *m);

/* fs/proc/page.c */
extern const struct file_operations proc_kpageflags_operations;
extern const struct file_operations proc_kpagecount_operations;

#endif
