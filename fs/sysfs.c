/*
 * sysfs, as little of it as Antidote needs (Linux: fs/sysfs): /sys with
 * the directory /sys/kernel/debug, where debugfs is mounted,
 * /sys/kernel/mm/transparent_hugepage (mm/huge_memory.c) and
 * /sys/kernel/mm/hugepages (mm/hugetlb.c). Linux's devices, buses and
 * classes are not there.
 */
#include "fs/file.h"
#include "fs/fs.h"
#include "fs/iov_iter.h"
#include "fs/stat.h"
#include "fs/sysfs.h"
#include "kernel/errno.h"
#include "kernel/printk.h"
#include "mm/huge_mm.h"
#include "mm/khugepaged.h"
#include "mm/slab.h"

#define SYSFS_MAGIC 0x62656572

static const struct super_operations sysfs_sops = {
	.statfs = simple_statfs,
};

static struct dentry *make_dir(struct dentry *parent, const char *name)
{
	struct inode *inode = simple_new_inode(parent->d_sb, S_IFDIR | 0755);

	return inode ? simple_create_dentry(parent, name, inode) : NULL;
}

/* A file is one attribute: a read shows it anew at offset 0, a write
 * stores the text written, all of it at once (Linux: sysfs_kf_read,
 * sysfs_kf_write, with a page-sized buffer). */
#define SYSFS_BUF 4096

static long sysfs_kf_read(struct file *f, struct iov_iter *to, loff_t *pos)
{
	const struct kobj_attribute *attr = f->f_inode->i_private;
	char *buf = kmalloc(SYSFS_BUF);

	if (!buf)
		return -ENOMEM;
	long len = attr->show(buf, SYSFS_BUF);
	if (len >= 0)
		len = simple_read_from_buffer(to, pos, buf, (size_t)len);
	kfree(buf);
	return len;
}

static long sysfs_kf_write(struct file *f, struct iov_iter *from, loff_t *pos)
{
	const struct kobj_attribute *attr = f->f_inode->i_private;
	size_t count = iov_iter_count(from);

	(void)pos;
	if (!attr->store)
		return -EACCES; /* a read-only file, even for root (Linux: kernfs_fop_open) */
	if (!count)
		return 0;
	if (count >= SYSFS_BUF)
		count = SYSFS_BUF - 1;
	char *buf = kmalloc(SYSFS_BUF);
	if (!buf)
		return -ENOMEM;
	long ret = -EFAULT;
	if (copy_from_iter(buf, count, from) == count) {
		buf[count] = '\0'; /* (Linux's kernfs ends it too: a store may parse it whole) */
		ret = attr->store(buf, count);
	}
	kfree(buf);
	return ret;
}

static const struct file_operations sysfs_attr_fops = {
	.read = sysfs_kf_read,
	.write = sysfs_kf_write,
	.llseek = generic_file_llseek,
};

static struct dentry *make_attr(struct dentry *parent, const struct kobj_attribute *attr)
{
	struct inode *inode = simple_new_inode(parent->d_sb, S_IFREG | (attr->store ? 0644 : 0444));

	if (!inode)
		return NULL;
	inode->i_private = (void *)attr;
	inode->i_fop = &sysfs_attr_fops;
	return simple_create_dentry(parent, attr->name, inode);
}

static bool make_attrs(struct dentry *dir, const struct kobj_attribute *attrs, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!make_attr(dir, &attrs[i]))
			return false;
	return true;
}

/* /sys/kernel/mm: transparent_hugepage/ and its khugepaged/, and
 * hugepages/hugepages-2048kB/ for the hugetlb pool (its one size). */
static int make_mm_dir(struct dentry *kernel)
{
	struct dentry *mm = make_dir(kernel, "mm");
	struct dentry *thp = mm ? make_dir(mm, "transparent_hugepage") : NULL;
	struct dentry *khugepaged = thp ? make_dir(thp, "khugepaged") : NULL;
	struct dentry *hugepages = mm ? make_dir(mm, "hugepages") : NULL;
	struct dentry *hstate = hugepages ? make_dir(hugepages, "hugepages-2048kB") : NULL;

	if (!khugepaged || !hstate || !make_attrs(thp, hugepage_attrs, nr_hugepage_attrs) ||
	    !make_attrs(khugepaged, khugepaged_attrs, nr_khugepaged_attrs) ||
	    !make_attrs(hstate, hstate_attrs, nr_hstate_attrs))
		return -ENOMEM;
	return 0;
}

static int sysfs_fill_super(struct super_block *sb, void *data, int silent)
{
	(void)data, (void)silent;
	sb->s_magic = SYSFS_MAGIC;
	sb->s_op = &sysfs_sops;
	struct inode *root = simple_new_inode(sb, S_IFDIR | 0755);
	if (!root)
		return -ENOMEM;
	sb->s_root = d_make_root(root);
	if (!sb->s_root)
		return -ENOMEM;
	struct dentry *kernel = make_dir(sb->s_root, "kernel");
	if (!kernel || !make_dir(kernel, "debug"))
		return -ENOMEM;
	return make_mm_dir(kernel);
}

static struct dentry *sysfs_mount(struct file_system_type *type, unsigned int flags,
				  const char *dev_name, void *data)
{
	(void)dev_name;
	return mount_single(type, flags, data, sysfs_fill_super);
}

static struct file_system_type sysfs_fs_type = {
	.name = "sysfs",
	.mount = sysfs_mount,
	.kill_sb = kill_litter_super,
};

void sysfs_init(void)
{
	if (register_filesystem(&sysfs_fs_type))
		pr_err("sysfs: cannot register the file system\n");
}
