/*
 * Open files. A file descriptor points to a struct file: what was opened
 * (its kind's operations and private data), the access mode and the
 * offset. dup() and fork() make descriptors share one struct file - and
 * so one offset, as POSIX requires - which is why it is counted and
 * released only when its last descriptor closes.
 *
 * Each kind of file is one file_operations table: the terminal
 * (drivers/tty/tty_io.c), initramfs files and the directory "/" (fs/rootfs.c),
 * and pipes (fs/pipe.c). The system calls (fs/read_write.c, fs/open.c,
 * fs/stat.c) check what is common to all kinds and call the table.
 */
#ifndef FS_FILE_H
#define FS_FILE_H

#include "fs/fs.h"
#include "lib/types.h"

/* open() flags: Linux's x86-64 values. */
#define O_ACCMODE 3
#define O_RDONLY 0
#define O_WRONLY 1
#define O_RDWR 2
#define O_CREAT 0100
#define O_EXCL 0200
#define O_TRUNC 01000
#define O_NOCTTY 0400
#define O_APPEND 02000
#define O_NONBLOCK 04000
#define O_DSYNC 010000
#define O_DIRECT 040000
#define O_LARGEFILE 0100000
#define O_DIRECTORY 0200000
#define O_NOFOLLOW 0400000
#define O_NOATIME 01000000
#define O_CLOEXEC 02000000 /* belongs to the descriptor, not the file */
#define O_SYNC 04010000
#define O_PATH 010000000
#define O_TMPFILE 020200000

/* What a struct file may be used for, from the access mode. */
#define FMODE_READ 1
#define FMODE_WRITE 2
#define FMODE_WRITER 0x10000 /* counted in the inode's i_writecount (Linux's) */

/* lseek's whence. */
#define SEEK_SET 0
#define SEEK_CUR 1
#define SEEK_END 2
#define SEEK_DATA 3
#define SEEK_HOLE 4

struct dir_context;
struct file;
struct inode;
struct iov_iter;
struct poll_table;
struct stat;
struct vm_area_struct;

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
	/* A directory: offer its entries from ctx->pos on to ctx->actor
	 * (getdents64). NULL: not a directory (-ENOTDIR). */
	int (*iterate_shared)(struct file *f, struct dir_context *ctx);
	/* Set up vma to map the file (vm_ops for its faults): 0 or -errno.
	 * NULL: cannot be mapped (-ENODEV). */
	int (*mmap)(struct file *f, struct vm_area_struct *vma);
	/* The events ready now (POLLIN, POLLOUT...: fs/poll.h), after naming
	 * with poll_wait() each queue that is woken when they change. NULL:
	 * always ready (fs/select.c: vfs_poll). */
	unsigned int (*poll)(struct file *f, struct poll_table *pt);
	/* A request of the kind's own: its result, or -ENOIOCTLCMD if it
	 * knows none such (the caller says -ENOTTY). NULL: none at all. */
	long (*unlocked_ioctl)(struct file *f, unsigned int cmd, unsigned long arg);
	/* Write bytes start..end (inclusive) of the file and, unless
	 * datasync, its attributes to the disk and wait: 0 or -errno (-EIO
	 * once per write-back error, lib/errseq.h). NULL: a special file,
	 * which cannot be synced (-EINVAL, as on Linux). */
	int (*fsync)(struct file *f, loff_t start, loff_t end, int datasync);
	/* open() found the inode: set up f (private_data). May be NULL. */
	int (*open)(struct inode *inode, struct file *f);
	/* The last reference is gone. May be NULL. */
	void (*release)(struct inode *inode, struct file *f);
	/* TEMPORARY, until every kind of file has an inode: fill in what
	 * fstat() reports; st arrives zeroed. */
	void (*stat)(struct file *f, struct stat *st);
};

struct file {
	const struct file_operations *f_op;
	int f_count;          /* descriptors and others holding it */
	unsigned int f_flags; /* open()'s flags, without O_CLOEXEC */
	unsigned int f_mode;  /* FMODE_READ, FMODE_WRITE */
	loff_t f_pos;
	struct path f_path;   /* where it was opened (holds mount and dentry) */
	struct inode *f_inode; /* f_path.dentry->d_inode */
	struct address_space *f_mapping; /* f_inode->i_mapping */
	errseq_t f_wb_err;    /* write-back errors seen so far (lib/errseq.h) */
	void *private_data;   /* the kind's own: the pipe, the tty, a seq_file */
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

/* drivers/tty/tty_io.c: a new open file on the terminal, for reading and
 * writing; and the terminal's operations, for /dev/console, /dev/ttyS0
 * and /dev/tty. */
struct file *console_open(void);
extern const struct file_operations tty_fops;

#endif
