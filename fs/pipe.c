/*
 * Pipes: a one-page ring buffer between a read end and a write end.
 *
 * A reader sleeps while the pipe is empty and some write end is still
 * open; with none open, an empty pipe reads as end of file (0). A writer
 * sleeps while there is no room; a write of at most PIPE_BUF bytes waits
 * until all of it fits and then goes in at once, so writes from several
 * processes never interleave (POSIX's atomic writes). Writing when no
 * read end is open raises SIGPIPE and fails with -EPIPE. A sleeper that
 * gets a signal returns what it has done so far, or -ERESTARTSYS (EINTR,
 * or a restart: see kernel/errno.h).
 *
 * Sleeping follows kernel_wait4 (kernel/proc.c): check with interrupts
 * off, sleep, recheck - a wake_up or a signal cannot slip in between.
 * The kernel is never preempted, so once awake a process has the pipe to
 * itself until it sleeps again.
 */
#include "fs/fdtable.h"
#include "fs/file.h"
#include "fs/iov_iter.h"
#include "fs/stat.h"
#include "kernel/errno.h"
#include "kernel/proc.h"
#include "kernel/signal.h"
#include "kernel/syscall.h"
#include "kernel/uaccess.h"
#include "kernel/x86.h"
#include "mm/buddy.h"
#include "mm/slab.h"

#define PIPE_SIZE PAGE_SIZE
#define PIPE_BUF PAGE_SIZE /* writes up to this many bytes are atomic */
#define PIPEFS_DEV 12      /* 0:12, a made-up number for pipes, like Linux's pipefs */

struct pipe_inode_info {
	char *buf;                  /* PIPE_SIZE bytes */
	unsigned int head, tail;    /* free running: bytes written, bytes read */
	int readers, writers;       /* open read ends, write ends */
	struct wait_queue_head rd_wait, wr_wait;
	unsigned long ino;
};

static unsigned long last_pipe_ino;

static unsigned int pipe_used(const struct pipe_inode_info *pipe)
{
	return pipe->head - pipe->tail;
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
	/* At most two pieces: to the end of the page, then from its start. */
	while (pipe_used(pipe) && iov_iter_count(to)) {
		unsigned int off = pipe->tail % PIPE_SIZE;
		size_t n = MIN(MIN(pipe_used(pipe), PIPE_SIZE - off), iov_iter_count(to));
		size_t copied = copy_to_iter(pipe->buf + off, n, to);
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
			if (!pipe->readers || PIPE_SIZE - pipe_used(pipe) >= need)
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
		while (PIPE_SIZE - pipe_used(pipe) && iov_iter_count(from)) {
			unsigned int off = pipe->head % PIPE_SIZE;
			size_t n = MIN(MIN(PIPE_SIZE - pipe_used(pipe), PIPE_SIZE - off),
				       iov_iter_count(from));
			size_t copied = copy_from_iter(pipe->buf + off, n, from);
			pipe->head += copied;
			done += copied;
			if (copied < n) {
				wake_up(&pipe->rd_wait);
				return done ? (long)done : -EFAULT;
			}
		}
		wake_up(&pipe->rd_wait);
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

static void pipe_release(struct file *f)
{
	struct pipe_inode_info *pipe = f->private_data;

	if (f->f_mode & FMODE_READ)
		pipe->readers--;
	if (f->f_mode & FMODE_WRITE)
		pipe->writers--;
	if (!pipe->readers && !pipe->writers) {
		free_page(virt_to_page(pipe->buf));
		kfree(pipe);
		return;
	}
	/* Readers may now see end of file, writers a broken pipe. */
	wake_up(&pipe->rd_wait);
	wake_up(&pipe->wr_wait);
}

/* No llseek: a pipe has no position. No fsync: it is a special file. */
static const struct file_operations pipe_fops = {
	.read = pipe_read,
	.write = pipe_write,
	.stat = pipe_stat,
	.release = pipe_release,
};

/* The read end (files[0]) and write end (files[1]) of a new pipe. */
static long create_pipe_files(struct file *files[2], unsigned int flags)
{
	struct pipe_inode_info *pipe = kzalloc(sizeof(*pipe));
	struct page *page = alloc_page();
	unsigned int nonblock = flags & O_NONBLOCK;

	files[0] = alloc_file(&pipe_fops, O_RDONLY | nonblock, pipe);
	files[1] = alloc_file(&pipe_fops, O_WRONLY | nonblock, pipe);
	if (!pipe || !page || !files[0] || !files[1]) {
		/* Nothing is open yet: free the parts, there is nothing to release. */
		kfree(files[0]);
		kfree(files[1]);
		kfree(pipe);
		if (page)
			free_page(page);
		return -ENOMEM;
	}
	pipe->buf = page_address(page);
	pipe->readers = pipe->writers = 1;
	pipe->ino = ++last_pipe_ino;
	init_waitqueue_head(&pipe->rd_wait);
	init_waitqueue_head(&pipe->wr_wait);
	return 0;
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
