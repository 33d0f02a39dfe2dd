/*
 * Moving data: read, write, pread64, pwrite64, readv, writev, sendfile,
 * lseek, fsync, fdatasync. What every kind of file has in common is checked
 * here, in Linux's order - the descriptor (-EBADF), then what the file
 * was opened for (-EBADF) and what its kind can do (-EINVAL, -ESPIPE),
 * then the user buffers (-EFAULT) - and the rest is the file's own
 * read or write operation, through an iov_iter.
 */
#include "fs/fdtable.h"
#include "fs/file.h"
#include "fs/iov_iter.h"
#include "fs/pipe.h"
#include "fs/stat.h"
#include "kernel/errno.h"
#include "kernel/proc.h"
#include "kernel/syscall.h"
#include "kernel/uaccess.h"
#include "mm/layout.h"
#include "mm/slab.h"

/* Linux's limits: one transfer moves less than 2 GiB (so its count fits
 * the int a read may return on 32-bit systems); a vector has at most
 * 1024 segments. */
#define MAX_RW_COUNT (INT32_MAX & PAGE_MASK)
#define UIO_MAXIOV 1024

/* Can f be read (written) at all: 0, or why not. */
static long rw_allowed(const struct file *f, bool write)
{
	if (!(f->f_mode & (write ? FMODE_WRITE : FMODE_READ)))
		return -EBADF;
	if (!(write ? f->f_op->write : f->f_op->read))
		return -EINVAL;
	return 0;
}

static long rw_iter(struct file *f, struct iov_iter *iter, loff_t *pos, bool write)
{
	return write ? f->f_op->write(f, iter, pos) : f->f_op->read(f, iter, pos);
}

/* read, write, pread64 and pwrite64: one buffer. pos: where, for pread
 * and pwrite; NULL for the file's own offset. */
static long rw_buffer(uint64_t fd, uint64_t buf, uint64_t count, loff_t *pos, bool write)
{
	struct file *f = fget((unsigned int)fd);

	if (!f)
		return -EBADF;
	if (pos && !f->f_op->llseek) /* no position to read at */
		return -ESPIPE;
	long err = rw_allowed(f, write);
	if (err)
		return err;
	count = MIN(count, (uint64_t)MAX_RW_COUNT);
	if (!access_ok(buf, count))
		return -EFAULT;
	struct iovec iov = { buf, count };
	struct iov_iter iter;
	iov_iter_init(&iter, &iov, count);
	return rw_iter(f, &iter, pos ? pos : &f->f_pos, write);
}

long sys_read(uint64_t fd, uint64_t buf, uint64_t count)
{
	return rw_buffer(fd, buf, count, NULL, false);
}

long sys_write(uint64_t fd, uint64_t buf, uint64_t count)
{
	return rw_buffer(fd, buf, count, NULL, true);
}

long sys_pread64(uint64_t fd, uint64_t buf, uint64_t count, uint64_t offset)
{
	loff_t pos = (loff_t)offset;

	if (pos < 0)
		return -EINVAL;
	return rw_buffer(fd, buf, count, &pos, false);
}

long sys_pwrite64(uint64_t fd, uint64_t buf, uint64_t count, uint64_t offset)
{
	loff_t pos = (loff_t)offset;

	if (pos < 0)
		return -EINVAL;
	return rw_buffer(fd, buf, count, &pos, true);
}

/*
 * Copy the user's iovec array in and check it: 0 and *total, or -EFAULT
 * (the array or a buffer is not in user memory), -EINVAL (a length over
 * 2^63). Like Linux, the total is cut to MAX_RW_COUNT by shortening the
 * segments where it is reached.
 */
static long import_iovec(struct iovec *iov, uint64_t uvec, size_t nr, size_t *total)
{
	if (copy_from_user(iov, uvec, nr * sizeof(*iov)))
		return -EFAULT;
	*total = 0;
	for (size_t i = 0; i < nr; i++) {
		if ((int64_t)iov[i].iov_len < 0)
			return -EINVAL;
		iov[i].iov_len = MIN(iov[i].iov_len, MAX_RW_COUNT - *total);
		if (!access_ok(iov[i].iov_base, iov[i].iov_len))
			return -EFAULT;
		*total += iov[i].iov_len;
	}
	return 0;
}

/* readv and writev: at the file's offset, segment after segment, ending
 * early where the file does (a short read, a full pipe). */
static long rw_vector(uint64_t fd, uint64_t uvec, uint64_t nr, bool write)
{
	struct file *f = fget((unsigned int)fd);
	size_t total;

	if (!f)
		return -EBADF;
	long err = rw_allowed(f, write);
	if (err)
		return err;
	if (nr == 0)
		return 0;
	if (nr > UIO_MAXIOV)
		return -EINVAL;
	struct iovec *iov = kmalloc(nr * sizeof(*iov));
	if (!iov)
		return -ENOMEM;
	err = import_iovec(iov, uvec, nr, &total);
	if (!err && total) {
		struct iov_iter iter;
		iov_iter_init(&iter, iov, total);
		err = rw_iter(f, &iter, &f->f_pos, write);
	}
	kfree(iov);
	return err;
}

long sys_readv(uint64_t fd, uint64_t iov, uint64_t iovcnt)
{
	return rw_vector(fd, iov, iovcnt, false);
}

long sys_writev(uint64_t fd, uint64_t iov, uint64_t iovcnt)
{
	return rw_vector(fd, iov, iovcnt, true);
}

/*
 * sendfile(out_fd, in_fd, offset, count): count bytes from in_fd - at
 * *offset, or at its own offset - to out_fd, without passing through
 * user memory (Linux: do_sendfile, which splices through a pipe; here a
 * kernel buffer, a chunk at a time). The checks are Linux's, in its
 * order.
 */
#define SENDFILE_CHUNK (4 * PAGE_SIZE)

/* Linux's splice_read exists for in: not a pipe's end or a directory. */
static bool can_splice_read(const struct file *in)
{
	return in->f_op->read && !is_pipe(in) && !S_ISDIR(in->f_inode->i_mode);
}

static long kernel_rw(struct file *f, void *buf, size_t n, loff_t *pos, bool write)
{
	struct iovec kv = { (uint64_t)buf, n };
	struct iov_iter iter;

	iov_iter_kvec(&iter, &kv, n);
	return rw_iter(f, &iter, pos, write);
}

/* How much of want goes into pipe out now, as Linux's splice into a
 * pipe: what fits - waiting first, if nothing does, for a page of room
 * (Linux: wait_for_space) - so that a caller that reads the pipe itself
 * afterwards is not left blocked for ever. 0: the pipe is full. */
static size_t pipe_chunk(struct file *out, size_t want, size_t done)
{
	size_t room = pipe_room_for(out);

	if (room)
		return MIN(want, room);
	return done ? 0 : MIN(want, PAGE_SIZE);
}

/* The copy: what was written (in's *pos moves on by that much), or the
 * first read's or write's error if nothing was. It ends early where in
 * ends or gives less (a terminal), out takes less (a full pipe), or a
 * signal comes. */
static long sendfile_copy(struct file *in, loff_t *pos, struct file *out, size_t count)
{
	char *buf = kmalloc(SENDFILE_CHUNK);
	size_t done = 0;
	long err = 0;

	if (!buf)
		return -ENOMEM;
	while (done < count) {
		size_t want = MIN(count - done, SENDFILE_CHUNK);
		if (is_pipe(out))
			want = pipe_chunk(out, want, done);
		if (!want)
			break;
		loff_t rpos = *pos;
		long got = kernel_rw(in, buf, want, &rpos, false);
		long put = got > 0 ? kernel_rw(out, buf, (size_t)got, &out->f_pos, true) : got;
		if (put <= 0) {
			err = put;
			break;
		}
		done += (size_t)put;
		*pos += put;
		if (put < got || (size_t)got < want || signal_pending(current))
			break;
	}
	kfree(buf);
	return done ? (long)done : err;
}

static long do_sendfile(unsigned int out_fd, unsigned int in_fd, loff_t *ppos, size_t count)
{
	struct file *in = fget(in_fd), *out;

	if (!in || !(in->f_mode & FMODE_READ))
		return -EBADF;
	if (ppos && !in->f_op->llseek) /* no position to read at */
		return -ESPIPE;
	loff_t pos = ppos ? *ppos : in->f_pos;
	if ((int64_t)count < 0 || pos < 0)
		return -EINVAL;
	count = MIN(count, (size_t)MAX_RW_COUNT);
	out = fget(out_fd);
	if (!out || !(out->f_mode & FMODE_WRITE))
		return -EBADF;
	/* Into a pipe Linux splices directly; into anything else O_APPEND
	 * is refused: the data would go where the offset is not. */
	if (!is_pipe(out) && (out->f_flags & O_APPEND))
		return -EINVAL;
	if (!can_splice_read(in) || !out->f_op->write)
		return -EINVAL;
	long ret = sendfile_copy(in, &pos, out, count);
	if (ppos)
		*ppos = pos;
	else
		in->f_pos = pos;
	return ret;
}

/* x86-64's sendfile is Linux's sendfile64: a 64-bit offset. */
long sys_sendfile(uint64_t out_fd, uint64_t in_fd, uint64_t uoffset, uint64_t count)
{
	loff_t pos;

	if (!uoffset)
		return do_sendfile((unsigned int)out_fd, (unsigned int)in_fd, NULL, count);
	if (copy_from_user(&pos, uoffset, sizeof(pos)))
		return -EFAULT;
	long ret = do_sendfile((unsigned int)out_fd, (unsigned int)in_fd, &pos, count);
	if (copy_to_user(uoffset, &pos, sizeof(pos)))
		return -EFAULT;
	return ret;
}

long sys_lseek(uint64_t fd, uint64_t offset, uint64_t whence)
{
	struct file *f = fget((unsigned int)fd);

	if (!f)
		return -EBADF;
	if ((unsigned int)whence > SEEK_HOLE)
		return -EINVAL;
	if (!f->f_op->llseek)
		return -ESPIPE;
	return f->f_op->llseek(f, (loff_t)offset, (int)whence);
}

static long do_fsync(uint64_t fd, int datasync)
{
	struct file *f = fget((unsigned int)fd);

	if (!f)
		return -EBADF;
	if (!f->f_op->fsync)
		return -EINVAL;
	return f->f_op->fsync(f, 0, INT64_MAX, datasync);
}

long sys_fsync(uint64_t fd)
{
	return do_fsync(fd, 0);
}

/* fsync without the attributes that do not matter for reading the data
 * back (times). */
long sys_fdatasync(uint64_t fd)
{
	return do_fsync(fd, 1);
}
