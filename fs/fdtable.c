/* File descriptor tables (see fs/fdtable.h). */
#include "fs/fdtable.h"
#include "fs/file.h"
#include "fs/locks.h"
#include "kernel/errno.h"
#include "mm/slab.h"

/* A descriptor of files for f goes: POSIX says that the process's locks
 * on the file go with it, whichever descriptor they were taken through. */
static void filp_close(struct file *f, struct files_struct *files)
{
	locks_remove_posix(f, files);
	fput(f);
}

bool is_close_on_exec(const struct files_struct *files, unsigned int fd)
{
	return files->close_on_exec[fd / 64] & (1ULL << (fd % 64));
}

void set_close_on_exec(struct files_struct *files, unsigned int fd, bool on)
{
	if (on)
		files->close_on_exec[fd / 64] |= 1ULL << (fd % 64);
	else
		files->close_on_exec[fd / 64] &= ~(1ULL << (fd % 64));
}

struct files_struct *files_alloc_console(void)
{
	struct files_struct *files = kzalloc(sizeof(*files));
	struct file *console = console_open();

	if (!files || !console) {
		kfree(files);
		if (console)
			fput(console);
		return NULL;
	}
	files->count = 1;
	/* One open file shared by the three, as when Linux's init opens
	 * /dev/console and dups it to 1 and 2: they share flags and offset. */
	fd_install(files, console, 0);
	for (int i = 1; i <= 2; i++) {
		get_file(console);
		fd_install(files, console, 0);
	}
	return files;
}

struct files_struct *files_dup(const struct files_struct *files)
{
	struct files_struct *copy = kmalloc(sizeof(*copy));

	if (!copy)
		return NULL;
	*copy = *files;
	copy->count = 1;
	for (unsigned int fd = 0; fd < NR_OPEN; fd++)
		if (copy->fd[fd])
			get_file(copy->fd[fd]);
	return copy;
}

void put_files_struct(struct files_struct *files)
{
	if (!files || --files->count > 0)
		return;
	for (unsigned int fd = 0; fd < NR_OPEN; fd++)
		if (files->fd[fd])
			filp_close(files->fd[fd], files);
	kfree(files);
}

void files_close_on_exec(struct files_struct *files)
{
	for (unsigned int fd = 0; fd < NR_OPEN; fd++)
		if (is_close_on_exec(files, fd))
			close_fd(files, fd);
}

int fd_install(struct files_struct *files, struct file *f, unsigned int flags)
{
	return fd_install_from(files, f, flags, 0);
}

int fd_install_from(struct files_struct *files, struct file *f, unsigned int flags,
		    unsigned int lowest)
{
	for (unsigned int fd = lowest; fd < NR_OPEN; fd++) {
		if (!files->fd[fd]) {
			files->fd[fd] = f;
			set_close_on_exec(files, fd, flags & O_CLOEXEC);
			return (int)fd;
		}
	}
	return -EMFILE;
}

void replace_fd(struct files_struct *files, unsigned int fd, struct file *f,
		unsigned int flags)
{
	struct file *old = files->fd[fd];

	get_file(f);
	files->fd[fd] = f;
	set_close_on_exec(files, fd, flags & O_CLOEXEC);
	if (old) /* last: its release may take time, and fd is already right */
		filp_close(old, files);
}

int close_fd(struct files_struct *files, unsigned int fd)
{
	struct file *f = files_lookup_fd(files, fd);

	if (!f)
		return -EBADF;
	files->fd[fd] = NULL;
	set_close_on_exec(files, fd, false);
	filp_close(f, files);
	return 0;
}

struct file *files_lookup_fd(const struct files_struct *files, unsigned int fd)
{
	return fd < NR_OPEN ? files->fd[fd] : NULL;
}
