/*
 * /proc/sys (Linux: fs/proc/proc_sysctl.c), made from the settings table
 * (kernel/sysctl.c): "vm.drop_caches" is the file drop_caches in the
 * directory vm. Reading and writing go through the setting's handler,
 * with Linux's rules (kernel/sysctl_int.c); the file's mode applies to
 * root too, as on Linux, so reading the write-only vm.drop_caches fails
 * with EACCES.
 */
#include "fs/proc/internal.h"
#include "fs/iov_iter.h"
#include "fs/stat.h"
#include "kernel/errno.h"
#include "kernel/sysctl.h"
#include "lib/err.h"
#include "lib/string.h"
#include "mm/layout.h"
#include "mm/slab.h"

/* The length of t's directory name ("vm" of "vm.drop_caches"). */
static size_t dir_len(const struct ctl_table *t)
{
	return (size_t)(strchr(t->procname, '.') - t->procname);
}

static bool in_dir(const struct ctl_table *t, const struct ctl_table *dir)
{
	return dir_len(t) == dir_len(dir) && !memcmp(t->procname, dir->procname, dir_len(dir));
}

static bool name_is(const struct qstr *name, const char *s, size_t len)
{
	return name->len == len && !memcmp(name->name, s, len);
}

static struct inode *sysctl_inode(struct super_block *sb, const struct ctl_table *t, umode_t mode)
{
	struct inode *inode = proc_get_inode(sb, NULL, 0);

	if (!inode)
		return NULL;
	PROC_I(inode)->sysctl = t;
	inode->i_mode = mode;
	return inode;
}

static const struct file_operations proc_sys_file_operations;

/* The setting's name within its directory ("drop_caches"). */
static const char *leaf(const struct ctl_table *t)
{
	return t->procname + dir_len(t) + 1;
}

/* In /proc/sys: the directory called name (its first setting stands for it). */
static const struct ctl_table *find_dir(const struct qstr *name)
{
	for (size_t i = 0; i < sysctl_table_size; i++)
		if (name_is(name, sysctl_table[i].procname, dir_len(&sysctl_table[i])))
			return &sysctl_table[i];
	return NULL;
}

/* In the directory of dir's settings: the one called name. */
static const struct ctl_table *find_setting(const struct ctl_table *dir, const struct qstr *name)
{
	for (size_t i = 0; i < sysctl_table_size; i++) {
		const struct ctl_table *t = &sysctl_table[i];
		if (in_dir(t, dir) && name_is(name, leaf(t), strlen(leaf(t))))
			return t;
	}
	return NULL;
}

static struct inode *dir_inode(struct super_block *sb, const struct ctl_table *t)
{
	struct inode *inode = sysctl_inode(sb, t, S_IFDIR | 0555);

	if (inode) {
		inode->i_op = &proc_sys_dir_inode_operations;
		inode->i_fop = &proc_sys_dir_operations;
		set_nlink(inode, 2);
	}
	return inode;
}

static struct inode *file_inode(struct super_block *sb, const struct ctl_table *t)
{
	struct inode *inode = sysctl_inode(sb, t, S_IFREG | t->mode);

	if (inode)
		inode->i_fop = &proc_sys_file_operations;
	return inode;
}

/* /proc/sys holds a directory per prefix (its inode has no setting of
 * its own); a directory holds its settings. */
static struct dentry *proc_sys_lookup(struct inode *dir, struct dentry *dentry, unsigned int flags)
{
	const struct ctl_table *d = PROC_I(dir)->sysctl;
	const struct ctl_table *t = d ? find_setting(d, &dentry->d_name) : find_dir(&dentry->d_name);

	(void)flags;
	if (!t)
		return ERR_PTR(-ENOENT);
	struct inode *inode = d ? file_inode(dir->i_sb, t) : dir_inode(dir->i_sb, t);
	if (!inode)
		return ERR_PTR(-ENOMEM);
	d_add(dentry, inode);
	return NULL;
}

/* ".", "..", then each directory (once) or each setting; ctx->pos - 2
 * is the index in the table. */
static int proc_sys_readdir(struct file *f, struct dir_context *ctx)
{
	const struct ctl_table *d = PROC_I(f->f_inode)->sysctl;

	if (!proc_table_readdir(f, ctx, NULL, 0))
		return 0;
	for (size_t i = (size_t)ctx->pos - 2; i < sysctl_table_size; i++) {
		const struct ctl_table *t = &sysctl_table[i];
		bool ok = true;
		if (!d && (i == 0 || !in_dir(t, &sysctl_table[i - 1])))
			ok = ctx->actor(ctx, t->procname, (int)dir_len(t), (loff_t)i + 3, 1, DT_DIR);
		else if (d && in_dir(t, d))
			ok = ctx->actor(ctx, leaf(t), (int)strlen(leaf(t)), (loff_t)i + 3, 1, DT_REG);
		if (!ok)
			return 0;
		ctx->pos = (loff_t)i + 3;
	}
	return 0;
}

const struct inode_operations proc_sys_dir_inode_operations = {
	.lookup = proc_sys_lookup,
};

const struct file_operations proc_sys_dir_operations = {
	.iterate_shared = proc_sys_readdir,
	.llseek = no_end_llseek,
};

/* Linux's test_perm for root: the owner's bits decide. */
static int proc_sys_open(struct inode *inode, struct file *f)
{
	umode_t mode = PROC_I(inode)->sysctl->mode;

	if (((f->f_mode & FMODE_READ) && !(mode & 0400)) ||
	    ((f->f_mode & FMODE_WRITE) && !(mode & 0200)))
		return -EACCES;
	return 0;
}

static long proc_sys_call_handler(struct file *f, struct iov_iter *iter, loff_t *pos, int write)
{
	const struct ctl_table *t = PROC_I(f->f_inode)->sysctl;
	size_t count = MIN(iov_iter_count(iter), PAGE_SIZE - 1);

	if (!count)
		return 0;
	char *kbuf = kzalloc(count + 1);
	if (!kbuf)
		return -ENOMEM;
	long err = -EFAULT;
	if (write && copy_from_iter(kbuf, count, iter) != count)
		goto out;
	err = t->proc_handler(t, write, kbuf, &count, pos);
	if (err)
		goto out;
	err = -EFAULT;
	if (!write && copy_to_iter(kbuf, count, iter) != count)
		goto out;
	err = (long)count;
out:
	kfree(kbuf);
	return err;
}

static long proc_sys_read(struct file *f, struct iov_iter *to, loff_t *pos)
{
	return proc_sys_call_handler(f, to, pos, 0);
}

static long proc_sys_write(struct file *f, struct iov_iter *from, loff_t *pos)
{
	return proc_sys_call_handler(f, from, pos, 1);
}

static const struct file_operations proc_sys_file_operations = {
	.open = proc_sys_open,
	.read = proc_sys_read,
	.write = proc_sys_write,
	.llseek = no_end_llseek,
};
