/*
 * /proc/PID (Linux: fs/proc/base.c): one directory per process, made when
 * a path names it (fs/proc/root.c) and dropped when the process is
 * reaped; in it, task/ has a directory per thread, /proc/PID/task/TID.
 * Their files find the task again by pid when they are opened, and hold
 * it (or its address space) until they are closed.
 */
#include "fs/proc/internal.h"
#include "fs/stat.h"
#include "kernel/cred.h"
#include "kernel/errno.h"
#include "kernel/proc.h"
#include "mm/fault.h"
#include "mm/mmap_lock.h"
#include "lib/err.h"
#include "lib/format.h"
#include "mm/page.h"

static void put_task(void *task)
{
	put_task_struct(task);
}

static void put_mm(void *mm)
{
	if (mm)
		mmput(mm);
}

static struct proc *get_proc_task(const struct inode *inode)
{
	struct proc *p = find_task_by_pid(PROC_I(inode)->pid);

	if (p)
		get_task_struct(p);
	return p;
}

/* A report about the task (status, stat, comm). */
static int task_seq_open(struct inode *inode, struct file *f)
{
	struct proc *p = get_proc_task(inode);

	if (!p)
		return -ESRCH;
	int err = proc_seq_open(f, PROC_I(inode)->entry->show, p, put_task);
	if (err)
		put_task_struct(p);
	return err;
}

/* The task's address space, or NULL for one that has none (any more). */
static int get_inode_mm(struct inode *inode, struct mm_struct **mm)
{
	struct proc *p = get_proc_task(inode);

	if (!p)
		return -ESRCH;
	*mm = get_task_mm(p);
	put_task_struct(p);
	return 0;
}

/* A report about the address space (maps, cmdline): empty without one. */
static int mm_seq_open(struct inode *inode, struct file *f)
{
	struct mm_struct *mm;
	int err = get_inode_mm(inode, &mm);

	if (err)
		return err;
	err = proc_seq_open(f, PROC_I(inode)->entry->show, mm, put_mm);
	if (err)
		put_mm(mm);
	return err;
}

static const struct file_operations proc_task_seq_fops = {
	.open = task_seq_open,
	.read = proc_seq_read,
	.llseek = no_end_llseek,
	.release = proc_seq_release,
};

static const struct file_operations proc_mm_seq_fops = {
	.open = mm_seq_open,
	.read = proc_seq_read,
	.llseek = no_end_llseek,
	.release = proc_seq_release,
};

static int comm_show(struct seq_file *m)
{
	const struct proc *p = m->private;

	seq_printf(m, "%s\n", p->comm);
	return 0;
}

static int maps_show(struct seq_file *m)
{
	return m->private ? proc_pid_maps_show(m) : 0;
}

/* The argument strings, NULs and all, as they are in the process's
 * memory now (it may have changed them). */
static int cmdline_show(struct seq_file *m)
{
	struct mm_struct *mm = m->private;

	if (!mm)
		return 0;
	mmap_read_lock(mm);
	for (unsigned long va = mm->arg_start; va < mm->arg_end;) {
		struct page *page = get_user_page(mm, va);
		if (!page)
			break;
		size_t off = va & (PAGE_SIZE - 1), n = MIN(PAGE_SIZE - off, mm->arg_end - va);
		const char *bytes = (const char *)page_address(page) + off;
		for (size_t i = 0; i < n; i++)
			seq_putc(m, bytes[i]);
		va += n;
	}
	mmap_read_unlock(mm);
	return 0;
}

/* pagemap holds the address space while open (Linux: proc_mem_open),
 * and only its own user or root may open it (mm_access: EACCES). */
static int pagemap_open(struct inode *inode, struct file *f)
{
	struct proc *p = get_proc_task(inode);

	if (!p)
		return -ESRCH;
	bool allowed = ptrace_may_access(p);
	struct mm_struct *mm = get_task_mm(p);
	put_task_struct(p);
	if (!allowed) {
		put_mm(mm);
		return -EACCES;
	}
	f->private_data = mm;
	return 0;
}

static void pagemap_release(struct inode *inode, struct file *f)
{
	(void)inode;
	put_mm(f->private_data);
}

static const struct file_operations proc_pagemap_operations = {
	.open = pagemap_open,
	.read = proc_pagemap_read,
	.llseek = no_end_llseek,
	.release = pagemap_release,
};

/* ---- /proc/PID/task/TID: one thread --------------------------------- */

static const struct proc_entry tid_base_stuff[] = {
	{ "comm", S_IFREG | 0444, &proc_task_seq_fops, NULL, comm_show },
	{ "stat", S_IFREG | 0444, &proc_task_seq_fops, NULL, proc_tid_stat_show },
	{ "status", S_IFREG | 0444, &proc_task_seq_fops, NULL, proc_pid_status_show },
};

static struct dentry *proc_tid_base_lookup(struct inode *dir, struct dentry *dentry,
					   unsigned int flags)
{
	(void)flags;
	return proc_table_lookup(dir, dentry, tid_base_stuff, ARRAY_SIZE(tid_base_stuff),
				 PROC_I(dir)->pid);
}

static int proc_tid_base_readdir(struct file *f, struct dir_context *ctx)
{
	proc_table_readdir(f, ctx, tid_base_stuff, ARRAY_SIZE(tid_base_stuff));
	return 0;
}

static const struct inode_operations proc_tid_base_inode_operations = {
	.lookup = proc_tid_base_lookup,
};

static const struct file_operations proc_tid_base_operations = {
	.iterate_shared = proc_tid_base_readdir,
	.llseek = no_end_llseek,
};

static const struct proc_entry proc_tid_dir = {
	"", S_IFDIR | 0555, &proc_tid_base_operations, &proc_tid_base_inode_operations, NULL,
};

/* ---- /proc/PID/task: the threads ------------------------------------ */

/* A thread of the directory's process, found by its tid. */
static struct dentry *proc_task_lookup(struct inode *dir, struct dentry *dentry,
				       unsigned int flags)
{
	struct proc *p = find_task_by_pid(PROC_I(dir)->pid);
	int tid = proc_name_to_pid(&dentry->d_name);
	struct proc *t = tid < 0 ? NULL : find_task_by_pid(tid);

	(void)flags;
	if (!p || !t || t->state == EMBRYO || t->signal != p->signal)
		return ERR_PTR(-ENOENT);
	struct inode *inode = proc_get_inode(dir->i_sb, &proc_tid_dir, tid);
	if (!inode)
		return ERR_PTR(-ENOMEM);
	d_add(dentry, inode);
	return NULL;
}

#define TID_BATCH 32

/* Up to TID_BATCH tids of p's threads from the index-th on, in thread
 * order, gathered without sleeping (handing them to the reader may
 * fault and let threads exit). */
static int gather_tids(const struct proc *p, loff_t index, int *tids)
{
	int n = 0;
	loff_t i = 0;

	for (const struct proc *t = first_thread(p); t && n < TID_BATCH; t = next_thread(t), i++)
		if (i >= index)
			tids[n++] = t->pid;
	return n;
}

/* ".", "..", then a directory per thread (offset 3 + its index). */
static int proc_task_readdir(struct file *f, struct dir_context *ctx)
{
	struct proc *p = find_task_by_pid(PROC_I(f->f_inode)->pid);
	int tids[TID_BATCH];
	char name[16];

	if (!proc_table_readdir(f, ctx, NULL, 0) || !p || p->state == EMBRYO)
		return 0;
	for (int n; (n = gather_tids(p, ctx->pos - 2, tids)) > 0;) {
		for (int i = 0; i < n; i++) {
			int len = snprintf(name, sizeof(name), "%d", tids[i]);
			if (!ctx->actor(ctx, name, len, ctx->pos + 1, 1, DT_DIR))
				return 0;
			ctx->pos++;
		}
		p = find_task_by_pid(PROC_I(f->f_inode)->pid); /* it may have gone meanwhile */
		if (!p)
			return 0;
	}
	return 0;
}

static const struct inode_operations proc_task_inode_operations = {
	.lookup = proc_task_lookup,
};

static const struct file_operations proc_task_operations = {
	.iterate_shared = proc_task_readdir,
	.llseek = no_end_llseek,
};

static const struct proc_entry tgid_base_stuff[] = {
	{ "cmdline", S_IFREG | 0444, &proc_mm_seq_fops, NULL, cmdline_show },
	{ "comm", S_IFREG | 0444, &proc_task_seq_fops, NULL, comm_show },
	{ "maps", S_IFREG | 0444, &proc_mm_seq_fops, NULL, maps_show },
	{ "pagemap", S_IFREG | 0400, &proc_pagemap_operations, NULL, NULL },
	{ "stat", S_IFREG | 0444, &proc_task_seq_fops, NULL, proc_tgid_stat_show },
	{ "status", S_IFREG | 0444, &proc_task_seq_fops, NULL, proc_pid_status_show },
	{ "task", S_IFDIR | 0555, &proc_task_operations, &proc_task_inode_operations, NULL },
};

static struct dentry *proc_tgid_base_lookup(struct inode *dir, struct dentry *dentry,
					    unsigned int flags)
{
	(void)flags;
	return proc_table_lookup(dir, dentry, tgid_base_stuff, ARRAY_SIZE(tgid_base_stuff),
				 PROC_I(dir)->pid);
}

static int proc_tgid_base_readdir(struct file *f, struct dir_context *ctx)
{
	proc_table_readdir(f, ctx, tgid_base_stuff, ARRAY_SIZE(tgid_base_stuff));
	return 0;
}

const struct inode_operations proc_tgid_base_inode_operations = {
	.lookup = proc_tgid_base_lookup,
};

const struct file_operations proc_tgid_base_operations = {
	.iterate_shared = proc_tgid_base_readdir,
	.llseek = no_end_llseek,
};
