/*
 * Open files. A file descriptor points to a struct file: what was opened
 * (its kind's operations and private data), the access mode and the
 * offset. dup() and fork() make descriptors share one struct file - and
 * so one offset, as POSIX requires - which is why it is counted and
 * released only when its last descriptor closes.
 *
 * Each kind of file is one file_operations table: the console
 * (kernel/tty.c), initramfs files and the directory "/" (fs/rootfs.c),
 * and pipes (fs/pipe.c). The system calls (fs/read_write.c, fs/open.c,
 * fs/stat.c) check what is common to all kinds and call the table.
 */
#ifndef FS_FILE_H
#define FS_FILE_H

#include "lib/types.h"

typedef int64_t loff_t;

/* open() flags: Linux's x86-64 values. */
#define O_ACCMODE 3
#define O_RDONLY 0
#define O_WRONLY 1
#define O_RDWR 2
#define O_CREAT 0100
#define O_EXCL 0200
#define O_TRUNC 01000
#define O_APPEND 02000 /* accepted and ignored: nothing can be written yet */
#define O_NONBLOCK 04000
#define O_DIRECTORY 0200000
#define O_CLOEXEC 02000000 /* belongs to the descriptor, not the file */

/* What a struct file may be used for, from the access mode. */
#define FMODE_READ 1
#define FMODE_WRITE 2

/* lseek's whence. */
#define SEEK_SET 0
#define SEEK_CUR 1
#define SEEK_END 2
#define SEEK_DATA 3
#define SEEK_HOLE 4

struct file;
struct iov_iter;
struct stat;

struct file_operations {
	/* Move up to iov_iter_count() bytes between the file at *pos and
	 * user memory, advancing *pos: the bytes moved, or a negative errno.
	 * NULL: this kind cannot (-EINVAL). */
	long (*read)(struct file *f, struct iov_iter *to, loff_t *pos);
	long (*write)(struct file *f, struct iov_iter *from, loff_t *pos);
	/* Set f_pos: the new offset, or a negative errno. NULL: the file
	 * has no position (terminal, pipe), so lseek, pread and pwrite
	 * fail with -ESPIPE. */
	loff_t (*llseek)(struct file *f, loff_t offset, int whence);
	/* Fill in what fstat() reports; st arrives zeroed. */
	void (*stat)(struct file *f, struct stat *st);
	/* Write the file's data out: 0 or -errno. NULL: a special file,
	 * which cannot be synced (-EINVAL, as on Linux). */
	int (*fsync)(struct file *f);
	/* The last reference is gone. May be NULL. */
	void (*release)(struct file *f);
};

struct file {
	const struct file_operations *f_op;
	int f_count;          /* descriptors and others holding it */
	unsigned int f_flags; /* open()'s flags, without O_CLOEXEC */
	unsigned int f_mode;  /* FMODE_READ, FMODE_WRITE */
	loff_t f_pos;
	void *private_data;   /* the kind's own: the initramfs file, the pipe */
};

/* A new file with one reference, or NULL when memory is short. */
struct file *alloc_file(const struct file_operations *fop, unsigned int flags,
			void *private_data);
void get_file(struct file *f);
/* Drop a reference; the last one releases the file. */
void fput(struct file *f);

/* llseek for a file of `size` bytes whose offset may go anywhere from 0
 * up (past the end too, as on Linux). */
loff_t fixed_size_llseek(struct file *f, loff_t offset, int whence, loff_t size);

/* kernel/tty.c: a new open file on the console, for reading and writing. */
struct file *console_open(void);

#endif
