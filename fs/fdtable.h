/*
 * A process's file descriptors: small numbers naming its open files.
 * Each process has its own table (fork copies it, so parent and child
 * then share the struct files, offsets included); descriptors are handed
 * out lowest first, as POSIX requires. Close-on-exec is a property of the
 * descriptor, not the file: dup() clears it, execve() closes those that
 * have it.
 *
 * Everything here takes the table to work on, so the host unit tests can
 * run it (tests/unit/test_fdtable.c); fget() is the system calls' way to
 * the caller's own table.
 */
#ifndef FS_FDTABLE_H
#define FS_FDTABLE_H

#include "lib/types.h"

#define NR_OPEN 256 /* descriptors per process: 0..255 */

struct file;

/* Reference-counted, so that threads can share one (CLONE_FILES); the
 * tasks using it change it, interrupts on. */
struct files_struct {
	int count;                             /* tasks using it; the last put closes all */
	struct file *fd[NR_OPEN];              /* NULL: free */
	uint64_t close_on_exec[NR_OPEN / 64]; /* bit per descriptor */
};

/* A new table with descriptors 0, 1 and 2 (standard input, output and
 * error) on one open of the console; NULL when memory is short. */
struct files_struct *files_alloc_console(void);
/* fork(): a copy of files whose descriptors share its open files. */
struct files_struct *files_dup(const struct files_struct *files);
/* exit(): drop a reference; the last closes every descriptor and frees
 * the table. NULL is allowed. */
void put_files_struct(struct files_struct *files);
/* execve(): close the descriptors marked close-on-exec. */
void files_close_on_exec(struct files_struct *files);

/* Put f (the caller's reference) at the lowest free descriptor,
 * close-on-exec if flags has O_CLOEXEC: the descriptor, or -EMFILE with
 * the reference still the caller's. (Linux reserves the number first and
 * installs the file later, so that another thread never sees a half-made
 * descriptor; here nothing else runs meanwhile, so one step is enough.) */
int fd_install(struct files_struct *files, struct file *f, unsigned int flags);
/* The same, at the lowest free descriptor >= lowest (fcntl F_DUPFD). */
int fd_install_from(struct files_struct *files, struct file *f, unsigned int flags,
		    unsigned int lowest);
bool is_close_on_exec(const struct files_struct *files, unsigned int fd);
void set_close_on_exec(struct files_struct *files, unsigned int fd, bool on);
/* dup2() and dup3(): make descriptor fd (< NR_OPEN) name f, with a
 * reference of its own, closing what it named before; close-on-exec as
 * flags says. */
void replace_fd(struct files_struct *files, unsigned int fd, struct file *f,
		unsigned int flags);
/* 0, or -EBADF if fd is not open. */
int close_fd(struct files_struct *files, unsigned int fd);
/* The file descriptor fd names, or NULL. No reference is taken: the
 * caller uses it at once, without sleeping (system calls use fget). */
struct file *files_lookup_fd(const struct files_struct *files, unsigned int fd);

/* fs/open.c: files_lookup_fd() on the calling process's table (the
 * system calls answer NULL with -EBADF); if threads share the table, the
 * file stays until the system call returns, even if another thread
 * closes fd meanwhile... */
struct file *fget(unsigned int fd);
/* ...and do_syscall lets go of it then. */
void fput_held(void);

#endif
