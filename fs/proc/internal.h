/* What the parts of /proc share (Linux: fs/proc/internal.h). */
#ifndef FS_PROC_INTERNAL_H
#define FS_PROC_INTERNAL_H

#include "fs/file.h"
#include "fs/proc/proc_fs.h"
#include "fs/seq_file.h"

/* fs/proc/array.c: m->private is the task. */
int proc_pid_status_show(struct seq_file *m);
int proc_pid_stat_show(struct seq_file *m);

/* fs/proc/task_mmu.c: maps' m->private and pagemap's f->private_data
 * are the process's mm, held by the caller. */
int proc_pid_maps_show(struct seq_file *m);
long proc_pagemap_read(struct file *f, struct iov_iter *to, loff_t *pos);

/* fs/proc/page.c */
extern const struct file_operations proc_kpageflags_operations;
extern const struct file_operations proc_kpagecount_operations;

#endif
