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
#include "fs/iov_iter.h"
#include "kernel/printk.h"
#include "mm/fault.h"
#include "mm/mmap_lock.h"
#include "mm/oom.h"
#include "lib/err.h"
#include "lib/format.h"
#include "lib/parse.h"
#include "lib/string.h"
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

/* A report about the address space (maps, smaps, cmdline). */
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

static int smaps_show(struct seq_file *m)
{
	return m->private ? proc_pid_smaps_show(m) : 0;
}

/* Linux's answer for a task without memory, unlike maps' empty file. */
static int smaps_rollup_show(struct seq_file *m)
{
	return m->private ? proc_pid_smaps_rollup_show(m) : -ESRCH;
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

/* ---- the OOM killer's view (Linux: fs/proc/base.c) ------------------ */

/* /proc/PID/oom_score: how likely the OOM killer is to pick it, 0-666
 * (more with a positive oom_score_adj). */
static int oom_score_show(struct seq_file *m)
{
	unsigned long totalpages = oom_totalpages();

	seq_printf(m, "%lu\n", oom_score(oom_badness(m->private, totalpages), totalpages));
	return 0;
}

static int oom_score_adj_show(struct seq_file *m)
{
	const struct proc *p = m->private;

	seq_printf(m, "%d\n", p->signal->oom_score_adj);
	return 0;
}

/* The old oom_adj, -17..15, read as oom_score_adj scaled (Linux's
 * oom_adj_read: 1000 reads 15). */
static int oom_adj_show(struct seq_file *m)
{
	const struct proc *p = m->private;
	int adj = p->signal->oom_score_adj;

	seq_printf(m, "%d\n", adj == OOM_SCORE_ADJ_MAX ? OOM_ADJUST_MAX :
				 adj * -OOM_DISABLE / OOM_SCORE_ADJ_MAX);
	return 0;
}

#define PROC_NUMBUF 13

static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r';
}

/* Linux's strstrip: without the white space at either end. */
static char *strstrip(char *s)
{
	size_t len = strlen(s);

	while (len && is_space(s[len - 1]))
		s[--len] = '\0';
	while (is_space(*s))
		s++;
	return s;
}

/* The number a write holds, as Linux reads it: at most PROC_NUMBUF - 1
 * bytes (*count: how many were taken), kstrtoint of them stripped. */
static int proc_write_int(struct iov_iter *from, size_t *count, int *value)
{
	char buffer[PROC_NUMBUF] = { 0 };

	*count = MIN(iov_iter_count(from), sizeof(buffer) - 1);
	if (copy_from_iter(buffer, *count, from) != *count)
		return -EFAULT;
	return kstrtoint(strstrip(buffer), 0, value);
}

/* Linux's __set_oom_adj: lowering the value under oom_score_adj_min (or,
 * through oom_adj, under the current value) needs CAP_SYS_RESOURCE; a
 * privileged writer's value becomes the new floor. */
static int set_oom_adj(struct file *f, int adj, bool legacy)
{
	struct proc *p = get_proc_task(f->f_inode);
	int err = 0;

	if (!p)
		return -ESRCH;
	if (adj < (legacy ? p->signal->oom_score_adj : p->signal->oom_score_adj_min) &&
	    !capable(CAP_SYS_RESOURCE)) {
		err = -EACCES;
	} else {
		p->signal->oom_score_adj = (short)adj;
		if (!legacy && capable(CAP_SYS_RESOURCE))
			p->signal->oom_score_adj_min = (short)adj;
	}
	put_task_struct(p);
	return err;
}

static long oom_score_adj_write(struct file *f, struct iov_iter *from, loff_t *pos)
{
	size_t count;
	int adj, err = proc_write_int(from, &count, &adj);

	(void)pos;
	if (!err && (adj < OOM_SCORE_ADJ_MIN || adj > OOM_SCORE_ADJ_MAX))
		err = -EINVAL;
	if (!err)
		err = set_oom_adj(f, adj, false);
	return err ? err : (long)count;
}

/* Once per boot, as Linux's pr_warn_once. */
static void warn_oom_adj_deprecated(int pid)
{
	static bool warned;

	if (!warned)
		pr_warn("%s (%d): /proc/%d/oom_adj is deprecated, please use /proc/%d/oom_score_adj instead.\n",
			current->comm, current->pid, pid, pid);
	warned = true;
}

static long oom_adj_write(struct file *f, struct iov_iter *from, loff_t *pos)
{
	size_t count;
	int adj, err = proc_write_int(from, &count, &adj);

	(void)pos;
	if (!err && (adj < OOM_DISABLE || adj > OOM_ADJUST_MAX))
		err = -EINVAL;
	if (err)
		return err;
	warn_oom_adj_deprecated(PROC_I(f->f_inode)->pid);
	/* 15 is the most, else scaled: -17 is -1000 (never) */
	adj = adj == OOM_ADJUST_MAX ? OOM_SCORE_ADJ_MAX : adj * OOM_SCORE_ADJ_MAX / -OOM_DISABLE;
	err = set_oom_adj(f, adj, true);
	return err ? err : (long)count;
}

static const struct file_operations proc_oom_score_adj_operations = {
	.open = task_seq_open,
	.read = proc_seq_read,
	.write = oom_score_adj_write,
	.llseek = no_end_llseek,
	.release = proc_seq_release,
};

static const struct file_operations proc_oom_adj_operations = {
	.open = task_seq_open,
	.read = proc_seq_read,
	.write = oom_adj_write,
	.llseek = no_end_llseek,
	.release = proc_seq_release,
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
	{ "oom_adj", S_IFREG | 0644, &proc_oom_adj_operations, NULL, oom_adj_show },
	{ "oom_score", S_IFREG | 0444, &proc_task_seq_fops, NULL, oom_score_show },
	{ "oom_score_adj", S_IFREG | 0644, &proc_oom_score_adj_operations, NULL, oom_score_adj_show },
	{ "pagemap", S_IFREG | 0400, &proc_pagemap_operations, NULL, NULL },
	{ "smaps", S_IFREG | 0444, &proc_mm_seq_fops, NULL, smaps_show },
	{ "smaps_rollup", S_IFREG | 0444, &proc_mm_seq_fops, NULL, smaps_rollup_show },
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
