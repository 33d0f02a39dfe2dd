/* Character devices: from a device number to its driver (fs/char_dev.h). */
#include "fs/buffer_head.h"
#include "fs/char_dev.h"
#include "fs/file.h"
#include "fs/stat.h"
#include "kernel/errno.h"
#include "mm/slab.h"

/* A short list: a handful of drivers, looked up once per open. */
struct char_device {
	unsigned int major, first, count;
	const char *name;
	const struct file_operations *fops;
	struct char_device *next;
};

static struct char_device *chrdevs;

static struct char_device *find_chrdev(dev_t dev)
{
	for (struct char_device *cd = chrdevs; cd; cd = cd->next)
		if (MAJOR(dev) == cd->major && MINOR(dev) >= cd->first &&
		    MINOR(dev) < cd->first + cd->count)
			return cd;
	return NULL;
}

int register_chrdev_region_fops(unsigned int major, unsigned int first, unsigned int count,
				const char *name, const struct file_operations *fops)
{
	for (unsigned int m = first; m < first + count; m++)
		if (find_chrdev(MKDEV(major, m)))
			return -EBUSY;
	struct char_device *cd = kmalloc(sizeof(*cd));
	if (!cd)
		return -ENOMEM;
	*cd = (struct char_device){ major, first, count, name, fops, chrdevs };
	chrdevs = cd;
	return 0;
}

static int chrdev_open(struct inode *inode, struct file *f)
{
	struct char_device *cd = find_chrdev(inode->i_rdev);

	if (!cd)
		return -ENXIO;
	f->f_op = cd->fops;
	return f->f_op->open ? f->f_op->open(inode, f) : 0;
}

const struct file_operations def_chr_fops = {
	.open = chrdev_open,
};

void init_special_inode(struct inode *inode, umode_t mode, dev_t rdev)
{
	inode->i_mode = mode;
	inode->i_rdev = rdev;
	if (S_ISCHR(mode))
		inode->i_fop = &def_chr_fops;
	else if (S_ISBLK(mode))
		inode->i_fop = &def_blk_fops;
	/* FIFOs and sockets have no operations yet: opening one fails with
	 * ENXIO (fs/open.c). */
}
