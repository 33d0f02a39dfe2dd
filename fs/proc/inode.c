/*
 * /proc's inodes and the helpers its directories and report files share
 * (Linux: fs/proc/inode.c, fs/proc/generic.c, fs/seq_file.c's seq_read).
 */
#include "fs/proc/internal.h"
#include "fs/iov_iter.h"
#include "fs/stat.h"
#include "kernel/cred.h"
#include "kernel/errno.h"
#include "kernel/proc.h"
#include "lib/err.h"
#include "lib/string.h"
#include "mm/slab.h"

static struct inode *proc_alloc_inode(struct super_block *sb)
{
	(void)sb;
	struct proc_inode *pi = kmalloc(sizeof(*pi));

	return pi ? &pi->vfs_inode : NULL;
}

static void proc_free_inode(struct inode *inode)
{
	kfree(PROC_I(inode));
}

const struct super_operations proc_sops = {
	.alloc_inode = proc_alloc_inode,
	.free_inode = proc_free_inode,
	.statfs = simple_statfs,
};

/* A process's files are its user's (Linux: task_dump_owner): its
 * effective ids when the inode is made; the rest of /proc is root's. */
static void proc_task_owner(struct inode *inode, int pid)
{
	struct proc *p = pid > 0 ? find_task_by_pid(pid) : NULL;

	inode->i_uid = p ? p->cred->euid : 0;
	inode->i_gid = p ? p->cred->egid : 0;
}

struct inode *proc_get_inode(struct super_block *sb, const struct proc_entry *entry, int pid)
{
	static unsigned long last_ino = 1;
	struct inode *inode = new_inode(sb);

	if (!inode)
		return NULL;
	struct proc_inode *pi = PROC_I(inode);
	pi->entry = entry;
	pi->pid = pid;
	pi->sysctl = NULL;
	inode->i_ino = ++last_ino;
	inode->i_atime = inode->i_mtime = inode->i_ctime = current_time(inode);
	if (!entry)
		return inode;
	inode->i_mode = entry->mode;
	proc_task_owner(inode, pid);
	inode->i_op = entry->iops;
	inode->i_fop = entry->fops;
	if (S_ISDIR(entry->mode))
		set_nlink(inode, 2);
	return inode;
}

static bool name_is(const struct dentry *dentry, const char *name)
{
	return strlen(name) == dentry->d_name.len &&
	       !memcmp(name, dentry->d_name.name, dentry->d_name.len);
}

struct dentry *proc_table_lookup(struct inode *dir, struct dentry *dentry,
				 const struct proc_entry *table, size_t n, int pid)
{
	for (size_t i = 0; i < n; i++) {
		if (!name_is(dentry, table[i].name))
			continue;
		struct inode *inode = proc_get_inode(dir->i_sb, &table[i], pid);
		if (!inode)
			return ERR_PTR(-ENOMEM);
		d_add(dentry, inode);
		return NULL;
	}
	return ERR_PTR(-ENOENT);
}

static unsigned int dt_type(umode_t mode)
{
	return (mode >> 12) & 15; /* DT_* are the S_IFMT bits */
}

bool proc_table_readdir(struct file *f, struct dir_context *ctx, const struct proc_entry *table,
			size_t n)
{
	struct dentry *dir = f->f_path.dentry;

	if (ctx->pos == 0) {
		if (!ctx->actor(ctx, ".", 1, 1, dir->d_inode->i_ino, DT_DIR))
			return false;
		ctx->pos = 1;
	}
	if (ctx->pos == 1) {
		if (!ctx->actor(ctx, "..", 2, 2, dir->d_parent->d_inode->i_ino, DT_DIR))
			return false;
		ctx->pos = 2;
	}
	for (size_t i = (size_t)ctx->pos - 2; i < n; i++) {
		/* The inode number of an entry not looked up yet is unknown: 1. */
		if (!ctx->actor(ctx, table[i].name, (int)strlen(table[i].name), (loff_t)i + 3, 1,
				dt_type(table[i].mode)))
			return false;
		ctx->pos = (loff_t)i + 3;
	}
	return true;
}

/* ---- report files ---------------------------------------------------- */

struct proc_seq {
	struct seq_file m;   /* the text (m.buf NULL until the first read) */
	seq_show_fn show;
	void *private;
	void (*put)(void *private);
};

int proc_seq_open(struct file *f, seq_show_fn show, void *private, void (*put)(void *private))
{
	struct proc_seq *ps = kzalloc(sizeof(*ps));

	if (!ps)
		return -ENOMEM;
	ps->show = show;
	ps->private = private;
	ps->put = put;
	f->private_data = ps;
	return 0;
}

long proc_seq_read(struct file *f, struct iov_iter *to, loff_t *pos)
{
	struct proc_seq *ps = f->private_data;

	if (*pos == 0 || !ps->m.buf) {
		seq_release(&ps->m);
		int err = seq_show(&ps->m, ps->show, ps->private);
		if (err)
			return err;
	}
	return simple_read_from_buffer(to, pos, ps->m.buf, ps->m.count);
}

void proc_seq_release(struct inode *inode, struct file *f)
{
	struct proc_seq *ps = f->private_data;

	(void)inode;
	seq_release(&ps->m);
	if (ps->put)
		ps->put(ps->private);
	kfree(ps);
}

static int proc_single_open(struct inode *inode, struct file *f)
{
	return proc_seq_open(f, PROC_I(inode)->entry->show, NULL, NULL);
}

const struct file_operations proc_single_fops = {
	.open = proc_single_open,
	.read = proc_seq_read,
	.llseek = no_end_llseek,
	.release = proc_seq_release,
};
