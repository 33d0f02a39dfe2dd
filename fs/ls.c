/*
 * The console's `ls [PATH]`: the entries of a directory (default "/")
 * with their sizes in bytes; a directory's name ends in '/', a symbolic
 * link's shows its target. The same walk and directory reading as
 * getdents64, from the console's kernel thread.
 */
#include "fs/file.h"
#include "fs/internal.h"
#include "fs/stat.h"
#include "kernel/errno.h"
#include "kernel/printk.h"
#include "lib/err.h"
#include "lib/errname.h"
#include "lib/format.h"
#include "lib/string.h"
#include "mm/slab.h"

struct ls_context {
	struct dir_context ctx;
	struct dentry *dir;
};

static void ls_one(const char *name, struct inode *inode)
{
	char shown[NAME_MAX + 2], target[64] = "";

	snprintf(shown, sizeof(shown), "%s%s", name, S_ISDIR(inode->i_mode) ? "/" : "");
	if (S_ISLNK(inode->i_mode) && inode->i_op->get_link) {
		int n = inode->i_op->get_link(inode, target, sizeof(target) - 1);
		target[n > 0 ? n : 0] = '\0';
	}
	kprintf("%-20s %lld%s%s\n", shown, (long long)inode->i_size, target[0] ? " -> " : "",
		target);
}

static bool ls_actor(struct dir_context *ctx, const char *name, int namelen, loff_t pos,
		     uint64_t ino, unsigned int d_type)
{
	struct ls_context *ls = (struct ls_context *)ctx;
	struct qstr q = { name, (unsigned int)namelen, 0 };

	(void)pos, (void)ino, (void)d_type;
	if (name[0] == '.' && (namelen == 1 || (namelen == 2 && name[1] == '.')))
		return true;
	struct dentry *d = lookup_one_qstr(&q, ls->dir);
	if (IS_ERR(d))
		return true;
	if (d->d_inode)
		ls_one(d->d_name.name, d->d_inode);
	dput(d);
	return true;
}

int cmd_ls(int argc, char **argv)
{
	struct file *f;
	long err = vfs_open_at(AT_FDCWD, argc > 1 ? argv[1] : "/", O_RDONLY, 0, &f);

	if (err) {
		kprintf("ls: cannot access '%s': %s\n", argc > 1 ? argv[1] : "/", errdesc((int)err));
		return -1;
	}
	if (!S_ISDIR(f->f_inode->i_mode)) {
		ls_one(f->f_path.dentry->d_name.name, f->f_inode);
		fput(f);
		return 0;
	}
	struct ls_context ls = { .ctx.actor = ls_actor, .dir = f->f_path.dentry };
	/* The actor looks names up, which takes the directory's lock: read
	 * the directory without iterate_dir's shared lock. */
	ls.ctx.pos = 0;
	err = f->f_op->iterate_shared(f, &ls.ctx);
	fput(f);
	return err ? -1 : 0;
}
