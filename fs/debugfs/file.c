/*
 * debugfs attributes: numbers as text (Linux: simple_attr_* in
 * fs/libfs.c, debugfs_u32 and friends in fs/debugfs/file.c).
 */
#include "fs/debugfs/debugfs.h"
#include "fs/file.h"
#include "fs/iov_iter.h"
#include "kernel/errno.h"
#include "lib/format.h"
#include "lib/parse.h"
#include "mm/slab.h"

#define ATTR_BUF 24 /* Linux's get_buf and set_buf */

/* What an attribute file's inode holds. */
struct debugfs_attr_file {
	const struct debugfs_attr *attr;
	void *data;
};

/* An open attribute file: the text last read, for reads that go on. */
struct simple_attr {
	const struct debugfs_attr *attr;
	void *data;
	char get_buf[ATTR_BUF];
	size_t get_len;
};

static int simple_attr_open(struct inode *inode, struct file *f)
{
	const struct debugfs_attr_file *af = inode->i_private;
	struct simple_attr *sa = kzalloc(sizeof(*sa));

	if (!sa)
		return -ENOMEM;
	sa->attr = af->attr;
	sa->data = af->data;
	f->private_data = sa;
	return 0;
}

static void simple_attr_release(struct inode *inode, struct file *f)
{
	(void)inode;
	kfree(f->private_data);
}

/* At offset 0 the value is read anew; later offsets go on in that text. */
static long simple_attr_read(struct file *f, struct iov_iter *to, loff_t *pos)
{
	struct simple_attr *sa = f->private_data;
	uint64_t val;

	if (!sa->attr->get)
		return -EACCES;
	if (*pos == 0) {
		int err = sa->attr->get(sa->data, &val);
		if (err)
			return err;
		sa->get_len = (size_t)snprintf(sa->get_buf, sizeof(sa->get_buf), sa->attr->fmt,
					       (unsigned long long)val);
		sa->get_len = MIN(sa->get_len, sizeof(sa->get_buf) - 1);
	}
	return simple_read_from_buffer(to, pos, sa->get_buf, sa->get_len);
}

static long simple_attr_write(struct file *f, struct iov_iter *from, loff_t *pos)
{
	struct simple_attr *sa = f->private_data;
	size_t len = iov_iter_count(from);
	char buf[ATTR_BUF];
	uint64_t val;

	(void)pos;
	if (!sa->attr->set)
		return -EACCES;
	size_t size = MIN(sizeof(buf) - 1, len);
	if (copy_from_iter(buf, size, from) != size)
		return -EFAULT;
	buf[size] = '\0';
	int err = kstrtoull(buf, 0, &val);
	if (!err)
		err = sa->attr->set(sa->data, val);
	return err ? err : (long)len; /* on success, Linux claims the whole input */
}

static const struct file_operations debugfs_attr_fops = {
	.open = simple_attr_open,
	.release = simple_attr_release,
	.read = simple_attr_read,
	.write = simple_attr_write,
	.llseek = generic_file_llseek,
};

struct dentry *debugfs_create_attr(const char *name, umode_t mode, struct dentry *parent,
				   void *data, const struct debugfs_attr *attr)
{
	struct debugfs_attr_file *af = kmalloc(sizeof(*af));

	if (!af)
		return NULL;
	*af = (struct debugfs_attr_file){ attr, data };
	struct dentry *d = debugfs_create_file(name, mode, parent, af, &debugfs_attr_fops);
	if (!d)
		kfree(af);
	return d;
}

static int debugfs_u32_get(void *data, uint64_t *val)
{
	*val = *(uint32_t *)data;
	return 0;
}

/* As Linux: a value above 32 bits keeps its low 32. */
static int debugfs_u32_set(void *data, uint64_t val)
{
	*(uint32_t *)data = (uint32_t)val;
	return 0;
}

static int debugfs_u64_get(void *data, uint64_t *val)
{
	*val = *(uint64_t *)data;
	return 0;
}

static int debugfs_u64_set(void *data, uint64_t val)
{
	*(uint64_t *)data = val;
	return 0;
}

static const struct debugfs_attr fops_u32 = { debugfs_u32_get, debugfs_u32_set, "%llu\n" };
static const struct debugfs_attr fops_u64 = { debugfs_u64_get, debugfs_u64_set, "%llu\n" };

void debugfs_create_u32(const char *name, umode_t mode, struct dentry *parent, uint32_t *value)
{
	debugfs_create_attr(name, mode, parent, value, &fops_u32);
}

void debugfs_create_u64(const char *name, umode_t mode, struct dentry *parent, uint64_t *value)
{
	debugfs_create_attr(name, mode, parent, value, &fops_u64);
}
