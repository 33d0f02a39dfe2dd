/*
 * rootfs: the first root file system, in memory (Linux: rootfs, where
 * the initramfs is unpacked). Its tree starts as the initramfs archive
 * (fs/initramfs.c): directories, symbolic links and the programs, whose
 * bytes stay where GRUB loaded them: a regular file here is read-only,
 * and its page cache is read in from the archive as another file
 * system's is read from its disk (so programs are mapped from it). Directories, symbolic links and
 * device nodes can be added and removed (the mount points /proc, /dev,
 * ... are made at boot); new regular files cannot (EROFS): they belong
 * on the disk or in /tmp.
 */
#include "fs/rootfs.h"
#include "fs/file.h"
#include "fs/internal.h"
#include "fs/stat.h"
#include "kernel/errno.h"
#include "lib/err.h"
#include "lib/string.h"
#include "mm/filemap.h"
#include "mm/pagemap.h"
#include "mm/slab.h"

#define ROOTFS_MAGIC 0x858458f6 /* Linux's RAMFS_MAGIC */

/* A regular file's bytes, in the archive. */
struct rootfs_data {
	const void *data;
	size_t size;
};

/* The archive is this file system's disk: reading a page in copies it
 * from there (the page comes zeroed: the part past the end stays so). */
static int rootfs_readpage(struct file *file, struct page *page)
{
	const struct rootfs_data *rd = page->mapping ?
		((struct address_space *)page->mapping)->host->i_private : NULL;
	size_t off = (size_t)page->index << PAGE_SHIFT;

	(void)file;
	if (rd && off < rd->size)
		memcpy(page_address(page), (const char *)rd->data + off, MIN(PAGE_SIZE, rd->size - off));
	page_set(page, PG_uptodate);
	unlock_page(page);
	return 0;
}

static const struct address_space_operations rootfs_aops = {
	.readpage = rootfs_readpage,
};

/* The archive's files cannot change: writing them is refused as on a
 * read-only file system. */
static int rootfs_open(struct inode *inode, struct file *f)
{
	(void)inode;
	return f->f_mode & FMODE_WRITE || (f->f_flags & O_TRUNC) ? -EROFS : 0;
}

static const struct file_operations rootfs_file_fops = {
	.open = rootfs_open,
	.read = generic_file_read_iter,
	.llseek = generic_file_llseek,
	.mmap = generic_file_mmap,
	.fsync = noop_fsync,
};

/* A symbolic link's target is its i_private, a NUL-terminated copy. */
static const struct inode_operations rootfs_symlink_iops = {
	.get_link = simple_get_link,
};

static const struct inode_operations rootfs_dir_iops;

static void rootfs_free_inode(struct inode *inode)
{
	if (S_ISLNK(inode->i_mode) || S_ISREG(inode->i_mode))
		kfree(inode->i_private);
	free_inode_nonrcu(inode);
}

static const struct super_operations rootfs_sops = {
	.free_inode = rootfs_free_inode,
	.statfs = simple_statfs,
};

static struct inode *rootfs_new_inode(struct super_block *sb, umode_t mode, dev_t dev)
{
	struct inode *inode = simple_new_inode(sb, mode);

	if (!inode)
		return NULL;
	if (S_ISDIR(mode))
		inode->i_op = &rootfs_dir_iops;
	else if (S_ISLNK(mode))
		inode->i_op = &rootfs_symlink_iops;
	else if (!S_ISREG(mode))
		init_special_inode(inode, mode, dev);
	return inode;
}

/* New names in a directory: the VFS holds dir's lock and made dentry,
 * a negative hashed dentry. It is pinned from now on (fs/libfs.c). */
static int rootfs_instantiate(struct inode *dir, struct dentry *dentry, struct inode *inode)
{
	d_instantiate(dentry, inode);
	dget(dentry);
	if (S_ISDIR(inode->i_mode))
		inc_nlink(dir);
	dir->i_mtime = dir->i_ctime = current_time(dir);
	return 0;
}

static int rootfs_mknod(struct inode *dir, struct dentry *dentry, umode_t mode, dev_t dev)
{
	if (S_ISREG(mode))
		return -EROFS;
	struct inode *inode = rootfs_new_inode(dir->i_sb, mode, dev);
	if (!inode)
		return -ENOMEM;
	return rootfs_instantiate(dir, dentry, inode);
}

static int rootfs_create(struct inode *dir, struct dentry *dentry, umode_t mode, bool excl)
{
	(void)dir, (void)dentry, (void)mode, (void)excl;
	return -EROFS;
}

static int rootfs_mkdir(struct inode *dir, struct dentry *dentry, umode_t mode)
{
	return rootfs_mknod(dir, dentry, mode | S_IFDIR, 0);
}

static int rootfs_symlink(struct inode *dir, struct dentry *dentry, const char *target)
{
	char *copy = kmalloc(strlen(target) + 1);

	if (!copy)
		return -ENOMEM;
	strlcpy(copy, target, strlen(target) + 1);
	struct inode *inode = rootfs_new_inode(dir->i_sb, S_IFLNK | 0777, 0);
	if (!inode) {
		kfree(copy);
		return -ENOMEM;
	}
	inode->i_private = copy;
	inode->i_size = (loff_t)strlen(target);
	return rootfs_instantiate(dir, dentry, inode);
}

static const struct inode_operations rootfs_dir_iops = {
	.lookup = simple_lookup,
	.create = rootfs_create,
	.mknod = rootfs_mknod,
	.mkdir = rootfs_mkdir,
	.symlink = rootfs_symlink,
	.link = simple_link,
	.unlink = simple_unlink,
	.rmdir = simple_rmdir,
	.rename = simple_rename,
};

/* ---- unpacking the archive ------------------------------------------ */

/* The child called name (len bytes) of parent, made a directory if it is
 * missing: held, or ERR_PTR. */
static struct dentry *child_dir(struct dentry *parent, const char *name, unsigned int len)
{
	struct qstr q = { name, len, 0 };
	struct dentry *d = lookup_one_qstr(&q, parent);

	if (IS_ERR(d) || d->d_inode)
		return d;
	int err = rootfs_mkdir(parent->d_inode, d, 0755);
	if (err) {
		dput(d);
		return ERR_PTR(err);
	}
	return d;
}

/* Make the last component of the archive's path in dir. */
static int unpack_one(struct dentry *dir, const char *name, unsigned int len,
		      const struct rootfs_member *m)
{
	struct qstr q = { name, len, 0 };
	struct dentry *d = lookup_one_qstr(&q, dir);

	if (IS_ERR(d))
		return (int)PTR_ERR(d);
	int err = 0;
	if (d->d_inode) /* a name seen twice: the first one stays (a directory, say) */
		goto out;
	if (S_ISDIR(m->mode)) {
		err = rootfs_mkdir(dir->d_inode, d, m->mode & S_IALLUGO);
	} else if (S_ISLNK(m->mode)) {
		char target[256];
		size_t n = MIN(m->size, sizeof(target) - 1);
		memcpy(target, m->data, n);
		target[n] = '\0';
		err = rootfs_symlink(dir->d_inode, d, target);
	} else if (S_ISREG(m->mode)) {
		struct rootfs_data *rd = kmalloc(sizeof(*rd));
		struct inode *inode = rd ? rootfs_new_inode(dir->d_sb, m->mode, 0) : NULL;
		if (!inode) {
			kfree(rd);
			err = -ENOMEM;
			goto out;
		}
		*rd = (struct rootfs_data){ m->data, m->size };
		inode->i_private = rd;
		inode->i_fop = &rootfs_file_fops;
		inode->i_data.a_ops = &rootfs_aops;
		inode->i_size = (loff_t)m->size;
		inode->i_blocks = (m->size + 511) / 512;
		err = rootfs_instantiate(dir->d_inode, d, inode);
	}
out:
	dput(d);
	return err;
}

static bool only_slashes(const char *p)
{
	while (*p == '/')
		p++;
	return !*p;
}

int rootfs_add(struct super_block *sb, const struct rootfs_member *m)
{
	struct dentry *dir = dget(sb->s_root);
	const char *p = m->name;

	for (;;) {
		while (*p == '/')
			p++;
		const char *end = p;
		while (*end && *end != '/')
			end++;
		unsigned int len = (unsigned int)(end - p);
		if (only_slashes(end)) {
			int err = len && !(len == 1 && *p == '.') ? unpack_one(dir, p, len, m) : 0;
			dput(dir);
			return err;
		}
		if (len > NAME_MAX) {
			dput(dir);
			return -ENAMETOOLONG;
		}
		struct dentry *next = len == 1 && *p == '.' ? dget(dir) : child_dir(dir, p, len);
		dput(dir);
		if (IS_ERR(next))
			return (int)PTR_ERR(next);
		if (!S_ISDIR(next->d_inode->i_mode)) {
			dput(next);
			return -ENOTDIR;
		}
		dir = next;
		p = end;
	}
}

static int rootfs_fill_super(struct super_block *sb, void *data, int silent)
{
	(void)data, (void)silent;
	sb->s_magic = ROOTFS_MAGIC;
	sb->s_op = &rootfs_sops;
	struct inode *root = rootfs_new_inode(sb, S_IFDIR | 0755, 0);
	sb->s_root = d_make_root(root);
	if (!sb->s_root)
		return -ENOMEM;
	return initramfs_unpack(sb);
}

static struct dentry *rootfs_mount(struct file_system_type *type, unsigned int flags,
				   const char *dev_name, void *data)
{
	(void)dev_name;
	return mount_nodev(type, flags, data, rootfs_fill_super);
}

static struct file_system_type rootfs_fs_type = {
	.name = "rootfs",
	.mount = rootfs_mount,
	.kill_sb = kill_litter_super,
};

void rootfs_init(void)
{
	register_filesystem(&rootfs_fs_type);
	init_mount_tree("rootfs");
}
