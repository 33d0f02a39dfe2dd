/* struct file: allocation, reference counts, and lseek for plain files. */
#include "fs/file.h"
#include "fs/internal.h"
#include "fs/locks.h"
#include "kernel/errno.h"
#include "mm/slab.h"

struct file *alloc_file(const struct file_operations *fop, unsigned int flags,
			void *private_data)
{
	struct file *f = kzalloc(sizeof(*f));

	if (!f)
		return NULL;
	f->f_op = fop;
	f->f_count = 1;
	f->f_flags = flags & ~O_CLOEXEC;
	/* Linux's OPEN_FMODE: O_RDONLY 0 -> read, O_WRONLY 1 -> write,
	 * O_RDWR 2 -> both, 3 -> neither. */
	f->f_mode = (flags + 1) & O_ACCMODE;
	f->private_data = private_data;
	return f;
}

void get_file(struct file *f)
{
	f->f_count++;
}

void fput(struct file *f)
{
	if (--f->f_count > 0)
		return;
	locks_remove_file(f);
	if (f->f_mode & FMODE_WRITER)
		f->f_inode->i_writecount--;
	if (f->f_op->release)
		f->f_op->release(f->f_inode, f);
	if (f->f_path.dentry)
		path_put(&f->f_path);
	kfree(f);
}

loff_t fixed_size_llseek(struct file *f, loff_t offset, int whence, loff_t size)
{
	loff_t base;

	switch (whence) {
	case SEEK_SET:
		base = 0;
		break;
	case SEEK_CUR:
		base = f->f_pos;
		break;
	case SEEK_END:
		base = size;
		break;
	case SEEK_DATA: /* no holes: data runs from anywhere before the end */
	case SEEK_HOLE: /* ...to the one hole, at the end */
		if (offset < 0 || offset >= size)
			return -ENXIO;
		return f->f_pos = whence == SEEK_DATA ? offset : size;
	default:
		return -EINVAL;
	}
	/* base is 0..INT64_MAX, so only a positive offset can overflow. */
	if (offset > 0 && base > INT64_MAX - offset)
		return -EINVAL;
	if (base + offset < 0)
		return -EINVAL;
	return f->f_pos = base + offset;
}
