/*
 * File locks (Linux: fs/locks.c, include/linux/filelock.h): advisory
 * locks that processes take on a file to agree among themselves who
 * reads or writes which part of it. Three kinds, all in the inode's
 * file_lock_context, none seen by read() or write():
 *
 * - POSIX record locks (fcntl F_SETLK, F_SETLKW, F_GETLK): byte ranges
 *   owned by the process (its files_struct, as Linux's current->files).
 *   A process's own locks never conflict with each other: they merge,
 *   split and convert. Closing ANY descriptor of the file drops all of
 *   the process's locks on it (POSIX's much-criticised rule).
 * - OFD locks (F_OFD_SETLK...): the same ranges, owned by the open file
 *   description, released at its last close; they conflict with POSIX
 *   locks of other owners.
 * - flock(2) locks: the whole file, shared or exclusive, owned by the
 *   open file description; independent of the other two.
 */
#ifndef FS_LOCKS_H
#define FS_LOCKS_H

#include "fs/fs.h"
#include "kernel/waitqueue.h"
#include "lib/list.h"
#include "lib/types.h"

struct file;
struct files_struct;
struct inode;
struct seq_file;

/* struct flock's l_type, and fcntl's lock commands: Linux's values. */
#define F_RDLCK 0
#define F_WRLCK 1
#define F_UNLCK 2
#define F_GETLK 5
#define F_SETLK 6
#define F_SETLKW 7
#define F_OFD_GETLK 36
#define F_OFD_SETLK 37
#define F_OFD_SETLKW 38

/* fl_flags: which kind of lock. */
#define FL_POSIX 1
#define FL_FLOCK 2
#define FL_OFDLCK 1024 /* with FL_POSIX: owned by the open file description */

#define OFFSET_MAX INT64_MAX /* fl_end of a lock "to EOF" */

struct file_lock {
	struct list_head fl_list;   /* in the context's flc_posix or flc_flock */
	struct list_head fl_link;   /* in file_lock_list, for /proc/locks */
	void *fl_owner;             /* files_struct (POSIX), struct file (OFD, flock) */
	unsigned int fl_flags;      /* FL_POSIX, FL_FLOCK, FL_OFDLCK */
	int fl_type;                /* F_RDLCK or F_WRLCK */
	int fl_pid;                 /* the process that took it (tgid) */
	struct file *fl_file;       /* the open file it was taken through */
	loff_t fl_start, fl_end;    /* bytes covered, inclusive */
};

/* An inode's locks (Linux: struct file_lock_context), made at its first
 * lock, freed with the inode. */
struct file_lock_context {
	struct list_head flc_posix;       /* POSIX and OFD locks */
	struct list_head flc_flock;       /* flock locks */
	struct list_head flc_waiters;     /* struct lock_waiter: F_SETLKW, flock sleepers */
	struct wait_queue_head flc_wait;  /* they sleep here; woken at every release */
};

/* fcntl's lock commands on f: 0 or -errno (fs/fcntl.c). */
long fcntl_getlk(struct file *f, unsigned int cmd, uint64_t uflock);
long fcntl_setlk(unsigned int fd, struct file *f, unsigned int cmd, uint64_t uflock);
/* Each close of a descriptor for f by owner: drop owner's POSIX locks on
 * the file. */
void locks_remove_posix(struct file *f, struct files_struct *owner);
/* The last reference to f is going: drop its OFD and flock locks. */
void locks_remove_file(struct file *f);
/* The inode is being freed: its (by now empty) lock context with it. */
void locks_free_lock_context(struct inode *inode);
/* /proc/locks. */
int locks_show(struct seq_file *m);

#endif
