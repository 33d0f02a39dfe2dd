/*
 * poll, select and their variants (fs/select.c), Linux's way: each file's
 * poll operation says which events are ready now and, through
 * poll_wait(), which wait queues will be woken when that changes. The
 * caller watches all those queues and sleeps until one is woken, a
 * timeout passes or a signal comes, then asks every file again.
 */
#ifndef FS_POLL_H
#define FS_POLL_H

#include "kernel/waitqueue.h"
#include "lib/types.h"

/* Events (Linux's uapi/asm-generic/poll.h). */
#define POLLIN 0x0001
#define POLLPRI 0x0002
#define POLLOUT 0x0004
#define POLLERR 0x0008
#define POLLHUP 0x0010
#define POLLNVAL 0x0020
#define POLLRDNORM 0x0040
#define POLLRDBAND 0x0080
#define POLLWRNORM 0x0100
#define POLLWRBAND 0x0200

struct file;
struct poll_table;

/* Called by poll_wait for each queue a file's poll names (select.c's
 * __pollwait), NULL once the caller only wants the answer. */
typedef void (*poll_queue_proc)(struct file *f, struct wait_queue_head *wq,
				struct poll_table *pt);

struct poll_table {
	poll_queue_proc qproc;
};

static inline void poll_wait(struct file *f, struct wait_queue_head *wq, struct poll_table *pt)
{
	if (pt && pt->qproc && wq)
		pt->qproc(f, wq, pt);
}

/* A file's events now: its poll operation's, or for a file without one
 * (a regular file, /dev/null) always readable and writable, as Linux's
 * DEFAULT_POLLMASK. */
unsigned int vfs_poll(struct file *f, struct poll_table *pt);

#endif
