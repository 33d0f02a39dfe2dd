/*
 * Pipes: a ring buffer between a read end and a write end. It is 16
 * pages (64 KiB) as in Linux; fcntl(F_SETPIPE_SZ) makes it any power of
 * two number of pages up to 1 MiB (Linux's /proc/sys/fs/pipe-max-size).
 * The pages need not be contiguous: byte offset off of the ring is in
 * page off / PAGE_SIZE, and each copy stops at a page's end.
 *
 * A reader sleeps while the pipe is empty and some write end is still
 * open; with none open, an empty pipe reads as end of file (0). A writer
 * sleeps while there is no room; a write of at most PIPE_BUF bytes waits
 * until all of it fits and then goes in at once, so writes from several
 * processes never interleave (POSIX's atomic writes). A long write
 * stops when the process is killed (SIGKILL), as Linux's do. Writing when no
 * read end is open raises SIGPIPE and fails with -EPIPE. A sleeper that
 * gets a signal returns what it has done so far, or -ERESTARTSYS (EINTR,
 * or a restart: see kernel/errno.h).
 *
 * Sleeping follows do_wait (kernel/proc.c): check with interrupts
 * off, sleep, recheck - a wake_up or a signal cannot slip in between.
 * The kernel is never preempted, so once awake a process has the pipe to
 * itself until it sleeps again.
 */
#include "fs/fdtable.h"
#include "fs/file.h"
#include "fs/iov_iter.h"
#include "fs/pipe.h"
#include "fs/poll.h"
#include "fs/stat.h"
#include "kernel/errno.h"
#include "kernel/proc.h"
#include "kernel/signal.h"
#include "kernel/syscall.h"
#include "kernel/uaccess.h"
#include "kernel/x86.h"
#include "mm/buddy.h"
#include "lib/string.h"
#include "mm/slab.h"

#define PIPE_DEF_PAGES 16           /* Linux's PIPE_DEF_BUFFERS */
#define PIPE_MAX_SIZE (1024 * 1024) /* Linux's default /proc/sys/fs/pipe-max-size */
#define PIPE_BUF PAGE_SIZE          /* writes up to this many bytes are atomic */
#define PIPEFS_DEV 12               /* 0:12, a made-up number for pipes, like Linux's pipefs */

struct pipe_inode_info {
	char **bufs;                /* nr_pages pages, each PAGE_SIZE bytes */
	unsigned int nr_pages;      /* a power of two */
	unsigned int head, tail;    /* free running: bytes written, bytes read */
	int readers, writers;       /* open read ends, write ends */
	struct wait_queue_head rd_wait, wr_wait;
	unsigned long ino;
};

static unsigned long last_pipe_ino;

static unsigned int pipe_size(const struct pipe_inode_info *pipe)
{
	return pipe->nr_pages * PAGE_SIZE;
}

static unsigned int pipe_used(const struct pipe_inode_info *pipe)
{
	return pipe->head - pipe->tail;
}

static unsigned int pipe_room(const struct pipe_inode_info *pipe)
{
	return pipe_size(pipe) - pipe_used(pipe);
}

/* Where ring position pos (free running) is, and how many bytes from
 * there to the end of its page. The ring's size is a power of two, so
 * pos keeps its place when the counter wraps around 2^32. */
static char *pipe_at(const struct pipe_inode_info *pipe, unsigned int pos, size_t *to_page_end)
{
	unsigned int off = pos % pipe_size(pipe);

	*to_page_end = PAGE_SIZE - off % PAGE_SIZE;
	return pipe->bufs[off / PAGE_SIZE] + off % PAGE_SIZE;
}

/*
 * The pipe cannot serve f yet: sleep on wq once. Called with interrupts
 * off, just after checking; turns them back on. 0 to check again,
 * -EAGAIN for a non-blocking end, -ERESTARTSYS if a signal is waiting.
 */
static long pipe_wait(struct file *f, struct wait_queue_head *wq)
{
	long err = 0;

	if (f->f_flags & O_NONBLOCK)
		err = -EAGAIN;
	else if (signal_pending(current))
		err = -ERESTARTSYS;
	else
		sleep_on(wq);
	sti();
	return err;
}

static long pipe_read(struct file *f, struct iov_iter *to, loff_t *pos)
{
	struct pipe_inode_info *pipe = f->private_data;
	size_t done = 0;

	(void)pos;
	if (!iov_iter_count(to))
		return 0;
	for (;;) {
		cli();
		if (pipe_used(pipe) || !pipe->writers)
			break;
		long err = pipe_wait(f, &pipe->rd_wait);
		if (err)
			return err;
	}
	sti();
	/* A piece at a time, each within one page. */
	while (pipe_used(pipe) && iov_iter_count(to)) {
		size_t n;
		char *src = pipe_at(pipe, pipe->tail, &n);
		n = MIN(MIN(n, pipe_used(pipe)), iov_iter_count(to));
		size_t copied = copy_to_iter(src, n, to);
		pipe->tail += copied;
		done += copied;
		if (copied < n) { /* a bad buffer: what was not copied stays */
			if (!done)
				return -EFAULT;
			break;
		}
	}
	wake_up(&pipe->wr_wait);
	return (long)done; /* 0 here: empty, no writers - end of file */
}

static long pipe_write(struct file *f, struct iov_iter *from, loff_t *pos)
{
	struct pipe_inode_info *pipe = f->private_data;
	size_t total = iov_iter_count(from), done = 0;
	/* Room to wait for: all of a small write, any for a large one. */
	size_t need = total <= PIPE_BUF ? total : 1;

	(void)pos;
	while (iov_iter_count(from)) {
		long err = 0;
		for (;;) {
			cli();
			if (!pipe->readers || pipe_room(pipe) >= need)
				break;
			err = pipe_wait(f, &pipe->wr_wait);
			if (err)
				return done ? (long)done : err;
		}
		sti();
		if (!pipe->readers) {
			struct sig_pending_info info = { .code = SI_USER, .pid = current->pid };
			send_signal(current, SIGPIPE, &info);
			return done ? (long)done : -EPIPE;
		}
		while (pipe_room(pipe) && iov_iter_count(from)) {
			size_t n;
			char *dst = pipe_at(pipe, pipe->head, &n);
			n = MIN(MIN(n, pipe_room(pipe)), iov_iter_count(from));
			size_t copied = copy_from_iter(dst, n, from);
			pipe->head += copied;
			done += copied;
			if (copied < n) {
				wake_up(&pipe->rd_wait);
				return done ? (long)done : -EFAULT;
			}
		}
		wake_up(&pipe->rd_wait);
		if (fatal_signal_pending(current))
			return done ? (long)done : -EINTR;
	}
	return (long)done;
}

static void pipe_stat(struct file *f, struct stat *st)
{
	struct pipe_inode_info *pipe = f->private_data;

	st->st_dev = PIPEFS_DEV;
	st->st_ino = pipe->ino;
	st->st_nlink = 1;
	st->st_mode = S_IFIFO | 0600;
	st->st_blksize = PAGE_SIZE;
}

/* nr pages for a ring (NULL if there is no memory), and back. */
static void free_pipe_pages(char **bufs, unsigned int nr)
{
	for (unsigned int i = 0; i < nr; i++)
		if (bufs[i])
			free_page(virt_to_page(bufs[i]));
	kfree(bufs);
}

static char **alloc_pipe_pages(unsigned int nr)
{
	char **bufs = kzalloc(nr * sizeof(*bufs));

	if (!bufs)
		return NULL;
	for (unsigned int i = 0; i < nr; i++) {
		struct page *page = alloc_page();
		if (!page) {
			free_pipe_pages(bufs, nr);
			return NULL;
		}
		bufs[i] = page_address(page);
	}
	return bufs;
}

static void pipe_release(struct inode *inode, struct file *f)
{
	(void)inode;
	struct pipe_inode_info *pipe = f->private_data;

	if (f->f_mode & FMODE_READ)
		pipe->readers--;
	if (f->f_mode & FMODE_WRITE)
		pipe->writers--;
	if (!pipe->readers && !pipe->writers) {
		free_pipe_pages(pipe->bufs, pipe->nr_pages);
		kfree(pipe);
		return;
	}
	/* Readers may now see end of file, writers a broken pipe. */
	wake_up(&pipe->rd_wait);
	wake_up(&pipe->wr_wait);
}

/*
 * As Linux's pipe_poll: the read end is readable while bytes wait and
 * hangs up (POLLHUP) when no write end is left; the write end is writable
 * while a page's worth fits (Linux: a free slot of the ring) and in error
 * (POLLERR) when no read end is left. Both ends' queues are watched: a
 * read makes room, a write brings data, a close of either end changes
 * the other's state.
 */
static unsigned int pipe_poll(struct file *f, struct poll_table *pt)
{
	struct pipe_inode_info *pipe = f->private_data;
	unsigned int mask = 0;

	poll_wait(f, &pipe->rd_wait, pt);
	poll_wait(f, &pipe->wr_wait, pt);
	if (f->f_mode & FMODE_READ) {
		if (pipe_used(pipe))
			mask |= POLLIN | POLLRDNORM;
		if (!pipe->writers)
			mask |= POLLHUP;
	}
	if (f->f_mode & FMODE_WRITE) {
		if (pipe_room(pipe) >= PIPE_BUF)
			mask |= POLLOUT | POLLWRNORM;
		if (!pipe->readers)
			mask |= POLLERR;
	}
	return mask;
}

#define FIONREAD 0x541b

/* FIONREAD: the bytes waiting to be read. */
static long pipe_ioctl(struct file *f, unsigned int cmd, unsigned long arg)
{
	struct pipe_inode_info *pipe = f->private_data;
	int n = (int)pipe_used(pipe);

	if (cmd != FIONREAD)
		return -ENOIOCTLCMD;
	return copy_to_user(arg, &n, sizeof(n)) ? -EFAULT : 0;
}

/* No llseek: a pipe has no position. No fsync: it is a special file. */
static const struct file_operations pipe_fops = {
	.read = pipe_read,
	.write = pipe_write,
	.poll = pipe_poll,
	.unlocked_ioctl = pipe_ioctl,
	.stat = pipe_stat,
	.release = pipe_release,
};

/* The read end (files[0]) and write end (files[1]) of a new pipe. */
static long create_pipe_files(struct file *files[2], unsigned int flags)
{
	struct pipe_inode_info *pipe = kzalloc(sizeof(*pipe));
	char **bufs = alloc_pipe_pages(PIPE_DEF_PAGES);
	unsigned int nonblock = flags & O_NONBLOCK;

	files[0] = alloc_file(&pipe_fops, O_RDONLY | nonblock, pipe);
	files[1] = alloc_file(&pipe_fops, O_WRONLY | nonblock, pipe);
	if (!pipe || !bufs || !files[0] || !files[1]) {
		/* Nothing is open yet: free the parts, there is nothing to release. */
		kfree(files[0]);
		kfree(files[1]);
		kfree(pipe);
		if (bufs)
			free_pipe_pages(bufs, PIPE_DEF_PAGES);
		return -ENOMEM;
	}
	pipe->bufs = bufs;
	pipe->nr_pages = PIPE_DEF_PAGES;
	pipe->readers = pipe->writers = 1;
	pipe->ino = ++last_pipe_ino;
	init_waitqueue_head(&pipe->rd_wait);
	init_waitqueue_head(&pipe->wr_wait);
	return 0;
}

/*
 * F_SETPIPE_SZ: the smallest power of two number of pages holding size
 * bytes (at least one page). As Linux: EINVAL above 2 GiB, EPERM above
 * pipe-max-size (Linux lets root, with CAP_SYS_RESOURCE, go beyond it; we
 * keep the cap for everyone), EBUSY when the data held would not fit.
 * The data moves into the new pages in order, starting at offset 0.
 */
static long pipe_set_size(struct pipe_inode_info *pipe, uint64_t size)
{
	unsigned int nr = 1;

	if (size > (1ULL << 31))
		return -EINVAL;
	if (size > PIPE_MAX_SIZE)
		return -EPERM;
	while ((uint64_t)nr * PAGE_SIZE < size)
		nr *= 2;
	if ((uint64_t)nr * PAGE_SIZE < pipe_used(pipe))
		return -EBUSY;
	char **bufs = alloc_pipe_pages(nr);
	if (!bufs)
		return -ENOMEM;
	unsigned int used = pipe_used(pipe);
	for (unsigned int done = 0; done < used; ) {
		size_t n;
		char *src = pipe_at(pipe, pipe->tail + done, &n);
		n = MIN(MIN(n, used - done), PAGE_SIZE - done % PAGE_SIZE);
		memcpy(bufs[done / PAGE_SIZE] + done % PAGE_SIZE, src, n);
		done += (unsigned int)n;
	}
	free_pipe_pages(pipe->bufs, pipe->nr_pages);
	pipe->bufs = bufs;
	pipe->nr_pages = nr;
	pipe->tail = 0;
	pipe->head = used;
	wake_up(&pipe->wr_wait); /* a bigger ring has room for a waiting writer */
	return (long)pipe_size(pipe);
}

bool is_pipe(const struct file *f)
{
	return f->f_op == &pipe_fops;
}

size_t pipe_room_for(const struct file *f)
{
	return pipe_room(f->private_data);
}

long pipe_fcntl(struct file *f, unsigned int cmd, uint64_t arg)
{
	if (!is_pipe(f))
		return -EBADF;
	if (cmd == F_GETPIPE_SZ)
		return pipe_size(f->private_data);
	return pipe_set_size(f->private_data, arg);
}

long sys_pipe2(uint64_t ufds, uint64_t flags)
{
	struct files_struct *table = current->files;
	struct file *files[2];
	int fd[2];

	if (flags & ~(uint64_t)(O_CLOEXEC | O_NONBLOCK))
		return -EINVAL;
	long err = create_pipe_files(files, (unsigned int)flags);
	if (err)
		return err;
	fd[0] = fd_install(table, files[0], (unsigned int)flags);
	if (fd[0] < 0) {
		fput(files[0]);
		fput(files[1]);
		return fd[0];
	}
	fd[1] = fd_install(table, files[1], (unsigned int)flags);
	if (fd[1] < 0) {
		close_fd(table, (unsigned int)fd[0]);
		fput(files[1]);
		return fd[1];
	}
	if (copy_to_user(ufds, fd, sizeof(fd))) {
		close_fd(table, (unsigned int)fd[0]);
		close_fd(table, (unsigned int)fd[1]);
		return -EFAULT;
	}
	return 0;
}

long sys_pipe(uint64_t ufds)
{
	return sys_pipe2(ufds, 0);
}
