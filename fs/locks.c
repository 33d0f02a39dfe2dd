/*
 * File locks (see fs/locks.h; Linux: fs/locks.c). Everything runs on one
 * CPU with no preemption in the kernel, so the lists change only between
 * sleeps; a sleeper (F_SETLKW, flock without LOCK_NB) sleeps on its
 * inode's flc_wait and tries again from scratch when any lock on the
 * inode is released.
 */
#include "fs/locks.h"
#include "fs/fdtable.h"
#include "fs/file.h"
#include "fs/fs.h"
#include "fs/seq_file.h"
#include "kernel/errno.h"
#include "kernel/proc.h"
#include "kernel/signal.h"
#include "kernel/uaccess.h"
#include "kernel/x86.h"
#include "lib/kdev_t.h"
#include "mm/slab.h"

#define FILE_LOCK_DEFERRED 1      /* the request must wait (Linux's name) */
#define MAX_DEADLK_ITERATIONS 10  /* Linux's bound on the waits-for chain */
#define BLOCKED_HASH_SIZE 64

/* struct flock, as x86-64 user space lays it out. */
struct flock {
	int16_t l_type;
	int16_t l_whence;
	int64_t l_start;
	int64_t l_len;
	int32_t l_pid;
};

/* A task sleeping for a lock. While it waits, blocked_hash finds it by
 * its owner, saying whose lock is in its way: the waits-for graph that
 * deadlock detection walks (Linux: blocked_hash and fl_blocker). */
struct lock_waiter {
	struct list_head ctx_link;  /* in the inode's flc_waiters */
	struct list_head hash_link; /* in blocked_hash; empty once woken */
	void *owner;                /* who waits (a POSIX owner) */
	void *blocker;              /* owner of the lock in the way */
};

static struct list_head blocked_hash[BLOCKED_HASH_SIZE];
/* Every lock, newest first: only /proc/locks reads it. */
static struct list_head file_lock_list = LIST_HEAD_INIT(file_lock_list);

static struct list_head *blocked_bucket(const void *owner)
{
	struct list_head *b = &blocked_hash[((uintptr_t)owner >> 6) % BLOCKED_HASH_SIZE];

	if (!b->next)
		INIT_LIST_HEAD(b);
	return b;
}

static struct file_lock_context *locks_get_lock_context(struct inode *inode)
{
	struct file_lock_context *ctx = inode->i_flctx;

	if (ctx)
		return ctx;
	ctx = kzalloc(sizeof(*ctx));
	if (!ctx)
		return NULL;
	INIT_LIST_HEAD(&ctx->flc_posix);
	INIT_LIST_HEAD(&ctx->flc_flock);
	INIT_LIST_HEAD(&ctx->flc_waiters);
	init_waitqueue_head(&ctx->flc_wait);
	return inode->i_flctx = ctx;
}

void locks_free_lock_context(struct inode *inode)
{
	kfree(inode->i_flctx);
	inode->i_flctx = NULL;
}

static struct file_lock *locks_alloc_lock(void)
{
	return kzalloc(sizeof(struct file_lock));
}

/* Put a copy of request in ctx list: the lock now exists. */
static void locks_insert_lock(struct file_lock *fl, const struct file_lock *request,
			      loff_t start, loff_t end, struct list_head *list)
{
	*fl = *request;
	fl->fl_start = start;
	fl->fl_end = end;
	list_add_tail(&fl->fl_list, list);
	list_add(&fl->fl_link, &file_lock_list);
}

static void locks_delete_lock(struct file_lock *fl)
{
	list_del(&fl->fl_list);
	list_del(&fl->fl_link);
	kfree(fl);
}

/* Something was released or weakened: every sleeper tries again. Their
 * waits-for edges go now (as Linux's __locks_wake_up_blocks), so that no
 * stale edge makes a false deadlock before they run. */
static void locks_wake_up_blocks(struct file_lock_context *ctx)
{
	for (struct list_head *p = ctx->flc_waiters.next; p != &ctx->flc_waiters; p = p->next) {
		struct lock_waiter *w = list_entry(p, struct lock_waiter, ctx_link);

		list_del(&w->hash_link); /* which leaves it empty */
	}
	wake_up(&ctx->flc_wait);
}

/* Sleep once for the lock blocker holds; a POSIX waiter is an edge of
 * the waits-for graph meanwhile. 0 to try again, or -ERESTARTSYS. */
static int locks_wait(struct file_lock_context *ctx, const struct file_lock *request,
		      const struct file_lock *blocker)
{
	struct lock_waiter w = { .owner = request->fl_owner, .blocker = blocker->fl_owner };
	int err = 0;

	list_add_tail(&w.ctx_link, &ctx->flc_waiters);
	INIT_LIST_HEAD(&w.hash_link);
	if ((request->fl_flags & (FL_POSIX | FL_OFDLCK)) == FL_POSIX)
		list_add_tail(&w.hash_link, blocked_bucket(w.owner));
	cli();
	if (signal_pending(current))
		err = -ERESTARTSYS;
	else
		sleep_on(&ctx->flc_wait);
	sti();
	list_del(&w.ctx_link);
	list_del(&w.hash_link);
	return err;
}

/* posix_lock_inode or flock_lock_inode. */
typedef int (*lock_inode_fn)(struct file_lock_context *ctx, const struct file_lock *request,
			     bool can_sleep, struct file_lock **blocker);

/* Set, change or remove a lock of request's kind, sleeping for it if
 * asked (Linux: locks_lock_inode_wait). */
static int lock_inode_wait(struct inode *inode, const struct file_lock *request, bool can_sleep,
			   lock_inode_fn lock_inode)
{
	struct file_lock_context *ctx = locks_get_lock_context(inode);

	if (!ctx)
		return -ENOMEM;
	for (;;) {
		struct file_lock *blocker;
		int err = lock_inode(ctx, request, can_sleep, &blocker);

		if (err != FILE_LOCK_DEFERRED)
			return err;
		err = locks_wait(ctx, request, blocker);
		if (err)
			return err;
	}
}

/* ---- POSIX and OFD locks ---- */

static bool locks_overlap(const struct file_lock *a, const struct file_lock *b)
{
	return a->fl_start <= b->fl_end && b->fl_start <= a->fl_end;
}

static bool posix_locks_conflict(const struct file_lock *caller, const struct file_lock *fl)
{
	if (caller->fl_owner == fl->fl_owner || !locks_overlap(caller, fl))
		return false;
	return caller->fl_type == F_WRLCK || fl->fl_type == F_WRLCK;
}

static struct file_lock *posix_find_conflict(struct file_lock_context *ctx,
					     const struct file_lock *request)
{
	for (struct list_head *p = ctx->flc_posix.next; p != &ctx->flc_posix; p = p->next) {
		struct file_lock *fl = list_entry(p, struct file_lock, fl_list);

		if (posix_locks_conflict(request, fl))
			return fl;
	}
	return NULL;
}

static void *what_owner_is_waiting_for(void *owner)
{
	struct list_head *b = blocked_bucket(owner);

	for (struct list_head *p = b->next; p != b; p = p->next) {
		struct lock_waiter *w = list_entry(p, struct lock_waiter, hash_link);

		if (w->owner == owner)
			return w->blocker;
	}
	return NULL;
}

/* Would request, waiting for block, close a cycle of POSIX owners each
 * waiting for the next? OFD locks are not checked, as on Linux: their
 * owners are not processes that could be named in a cycle. */
static bool posix_locks_deadlock(const struct file_lock *request, const struct file_lock *block)
{
	void *owner = block->fl_owner;

	if (request->fl_flags & FL_OFDLCK)
		return false;
	for (int i = 0; i <= MAX_DEADLK_ITERATIONS; i++) {
		owner = what_owner_is_waiting_for(owner);
		if (!owner)
			return false;
		if (owner == request->fl_owner)
			return true;
	}
	return false;
}

/* Cut request's range out of its owner's locks: a lock inside it goes, a
 * lock straddling one end is trimmed, a lock around it is split in two
 * (with *spare, which is then used up). */
static void posix_cut_range(struct file_lock_context *ctx, const struct file_lock *request,
			    struct file_lock **spare)
{
	struct list_head *next;

	for (struct list_head *p = ctx->flc_posix.next; p != &ctx->flc_posix; p = next) {
		struct file_lock *fl = list_entry(p, struct file_lock, fl_list);

		next = p->next;
		if (fl->fl_owner != request->fl_owner || !locks_overlap(fl, request))
			continue;
		if (fl->fl_start < request->fl_start && fl->fl_end > request->fl_end) {
			locks_insert_lock(*spare, fl, request->fl_end + 1, fl->fl_end, &ctx->flc_posix);
			*spare = NULL;
			fl->fl_end = request->fl_start - 1;
		} else if (fl->fl_start < request->fl_start) {
			fl->fl_end = request->fl_start - 1;
		} else if (fl->fl_end > request->fl_end) {
			fl->fl_start = request->fl_end + 1;
		} else {
			locks_delete_lock(fl);
		}
	}
}

/* Does request fall strictly inside one of its owner's locks? */
static bool posix_needs_split(struct file_lock_context *ctx, const struct file_lock *request)
{
	for (struct list_head *p = ctx->flc_posix.next; p != &ctx->flc_posix; p = p->next) {
		struct file_lock *fl = list_entry(p, struct file_lock, fl_list);

		if (fl->fl_owner == request->fl_owner && fl->fl_start < request->fl_start &&
		    fl->fl_end > request->fl_end)
			return true;
	}
	return false;
}

/* After the cut no lock of the owner overlaps the range: only locks of
 * the same type just before or after it merge with it, as on Linux. */
static void posix_insert_merged(struct file_lock_context *ctx, const struct file_lock *request,
				struct file_lock *new_fl)
{
	loff_t start = request->fl_start, end = request->fl_end;
	struct list_head *next;

	for (struct list_head *p = ctx->flc_posix.next; p != &ctx->flc_posix; p = next) {
		struct file_lock *fl = list_entry(p, struct file_lock, fl_list);

		next = p->next;
		if (fl->fl_owner != request->fl_owner || fl->fl_type != request->fl_type)
			continue;
		if (start > 0 && fl->fl_end == start - 1) {
			start = fl->fl_start;
			locks_delete_lock(fl);
		} else if (end < OFFSET_MAX && fl->fl_start == end + 1) {
			end = fl->fl_end;
			locks_delete_lock(fl);
		}
	}
	locks_insert_lock(new_fl, request, start, end, &ctx->flc_posix);
}

/* Linux's posix_lock_inode: 0, -EAGAIN, -EDEADLK, -ENOMEM, or
 * FILE_LOCK_DEFERRED with *blocker the lock to wait for. */
static int posix_lock_inode(struct file_lock_context *ctx, const struct file_lock *request,
			    bool can_sleep, struct file_lock **blocker)
{
	struct file_lock *new_fl = NULL, *spare = NULL;
	bool split;

	if (request->fl_type != F_UNLCK) {
		struct file_lock *conflict = posix_find_conflict(ctx, request);

		if (conflict) {
			if (!can_sleep)
				return -EAGAIN;
			if (posix_locks_deadlock(request, conflict))
				return -EDEADLK;
			*blocker = conflict;
			return FILE_LOCK_DEFERRED;
		}
		new_fl = locks_alloc_lock();
	}
	/* Allocated before anything changes, so that a failure changes
	 * nothing; an unlock of the whole file (close, exit) needs none. */
	split = posix_needs_split(ctx, request);
	if (split)
		spare = locks_alloc_lock();
	if ((split && !spare) || (request->fl_type != F_UNLCK && !new_fl)) {
		kfree(spare);
		kfree(new_fl);
		return -ENOMEM;
	}
	posix_cut_range(ctx, request, &spare);
	if (new_fl)
		posix_insert_merged(ctx, request, new_fl);
	kfree(spare);
	/* An unlock, a downgrade or a shrink may let a sleeper in. */
	locks_wake_up_blocks(ctx);
	return 0;
}

/* Linux's flock_to_posix_lock: struct flock to a byte range. */
static int flock_to_posix_lock(struct file *f, struct file_lock *fl, const struct flock *l)
{
	switch (l->l_whence) {
	case SEEK_SET:
		fl->fl_start = 0;
		break;
	case SEEK_CUR:
		fl->fl_start = f->f_pos;
		break;
	case SEEK_END:
		fl->fl_start = i_size_read(f->f_inode);
		break;
	default:
		return -EINVAL;
	}
	if (l->l_start > OFFSET_MAX - fl->fl_start)
		return -EOVERFLOW;
	fl->fl_start += l->l_start;
	if (fl->fl_start < 0)
		return -EINVAL;
	/* POSIX-2001: a negative length covers the bytes before l_start. */
	if (l->l_len > 0) {
		if (l->l_len - 1 > OFFSET_MAX - fl->fl_start)
			return -EOVERFLOW;
		fl->fl_end = fl->fl_start + (l->l_len - 1);
	} else if (l->l_len < 0) {
		if (fl->fl_start + l->l_len < 0)
			return -EINVAL;
		fl->fl_end = fl->fl_start - 1;
		fl->fl_start += l->l_len;
	} else {
		fl->fl_end = OFFSET_MAX;
	}
	fl->fl_flags = FL_POSIX;
	fl->fl_owner = current->files;
	fl->fl_pid = current->tgid;
	fl->fl_file = f;
	if (l->l_type != F_RDLCK && l->l_type != F_WRLCK && l->l_type != F_UNLCK)
		return -EINVAL;
	fl->fl_type = l->l_type;
	return 0;
}

/* The F_OFD_ commands: the lock belongs to the open file description,
 * and l_pid must be 0 (reserved for it, as on Linux). */
static int make_ofd_lock(struct file *f, struct file_lock *fl, const struct flock *l)
{
	if (l->l_pid != 0)
		return -EINVAL;
	fl->fl_flags |= FL_OFDLCK;
	fl->fl_owner = f;
	return 0;
}

long fcntl_getlk(struct file *f, unsigned int cmd, uint64_t uflock)
{
	struct flock l;
	struct file_lock request;

	if (copy_from_user(&l, uflock, sizeof(l)))
		return -EFAULT;
	if (l.l_type != F_RDLCK && l.l_type != F_WRLCK)
		return -EINVAL;
	int err = flock_to_posix_lock(f, &request, &l);
	if (!err && cmd == F_OFD_GETLK)
		err = make_ofd_lock(f, &request, &l);
	if (err)
		return err;
	struct file_lock_context *ctx = f->f_inode->i_flctx;
	struct file_lock *fl = ctx ? posix_find_conflict(ctx, &request) : NULL;
	if (!fl) {
		l.l_type = F_UNLCK; /* the rest stays as given, as on Linux */
	} else {
		l.l_type = (int16_t)fl->fl_type;
		l.l_whence = SEEK_SET;
		l.l_start = fl->fl_start;
		l.l_len = fl->fl_end == OFFSET_MAX ? 0 : fl->fl_end - fl->fl_start + 1;
		l.l_pid = fl->fl_flags & FL_OFDLCK ? -1 : fl->fl_pid;
	}
	return copy_to_user(uflock, &l, sizeof(l)) ? -EFAULT : 0;
}

long fcntl_setlk(unsigned int fd, struct file *f, unsigned int cmd, uint64_t uflock)
{
	struct flock l;
	struct file_lock request;

	if (copy_from_user(&l, uflock, sizeof(l)))
		return -EFAULT;
	int err = flock_to_posix_lock(f, &request, &l);
	if (err)
		return err;
	/* Linux's check_fmode_for_setlk: read lock for readers, write for writers. */
	if (request.fl_type == F_RDLCK && !(f->f_mode & FMODE_READ))
		return -EBADF;
	if (request.fl_type == F_WRLCK && !(f->f_mode & FMODE_WRITE))
		return -EBADF;
	if (cmd == F_OFD_SETLK || cmd == F_OFD_SETLKW) {
		err = make_ofd_lock(f, &request, &l);
		if (err)
			return err;
	}
	err = lock_inode_wait(f->f_inode, &request, cmd == F_SETLKW || cmd == F_OFD_SETLKW,
			      posix_lock_inode);
	/* Another thread closed fd while we slept (Linux: the same check):
	 * that close dropped the process's locks, and this one must not
	 * outlive it, naming a file about to go. */
	if (!err && request.fl_type != F_UNLCK && !(request.fl_flags & FL_OFDLCK) &&
	    files_lookup_fd(current->files, fd) != f) {
		request.fl_type = F_UNLCK;
		lock_inode_wait(f->f_inode, &request, false, posix_lock_inode);
		err = -EBADF;
	}
	return err;
}

/* Unlock the whole file for owner. */
static void posix_unlock_all(struct file *f, void *owner)
{
	struct file_lock request = {
		.fl_flags = FL_POSIX, .fl_owner = owner, .fl_type = F_UNLCK,
		.fl_start = 0, .fl_end = OFFSET_MAX, .fl_file = f,
	};
	struct file_lock_context *ctx = f->f_inode ? f->f_inode->i_flctx : NULL;

	if (!ctx || list_empty(&ctx->flc_posix))
		return;
	posix_lock_inode(ctx, &request, false, NULL);
}

void locks_remove_posix(struct file *f, struct files_struct *owner)
{
	posix_unlock_all(f, owner);
}

/* ---- flock(2) ---- */

#define LOCK_SH 1
#define LOCK_EX 2
#define LOCK_NB 4
#define LOCK_UN 8
#define LOCK_MAND 32

static bool flock_locks_conflict(const struct file_lock *caller, const struct file_lock *fl)
{
	if (caller->fl_file == fl->fl_file)
		return false;
	return caller->fl_type == F_WRLCK || fl->fl_type == F_WRLCK;
}

/* Linux's flock_lock_inode. A conversion drops the old lock first, as
 * on Linux: it is not atomic, and a LOCK_NB conversion that fails leaves
 * the file unlocked. */
static int flock_lock_inode(struct file_lock_context *ctx, const struct file_lock *request,
			    bool can_sleep, struct file_lock **blocker)
{
	struct list_head *p;

	for (p = ctx->flc_flock.next; p != &ctx->flc_flock; p = p->next) {
		struct file_lock *fl = list_entry(p, struct file_lock, fl_list);

		if (fl->fl_file != request->fl_file)
			continue;
		if (fl->fl_type == request->fl_type)
			return 0;
		locks_delete_lock(fl);
		locks_wake_up_blocks(ctx);
		break;
	}
	if (request->fl_type == F_UNLCK)
		return 0;
	for (p = ctx->flc_flock.next; p != &ctx->flc_flock; p = p->next) {
		struct file_lock *fl = list_entry(p, struct file_lock, fl_list);

		if (!flock_locks_conflict(request, fl))
			continue;
		if (!can_sleep)
			return -EAGAIN;
		*blocker = fl;
		return FILE_LOCK_DEFERRED;
	}
	struct file_lock *new_fl = locks_alloc_lock();
	if (!new_fl)
		return -ENOMEM;
	locks_insert_lock(new_fl, request, 0, OFFSET_MAX, &ctx->flc_flock);
	return 0;
}

static int flock_translate_cmd(unsigned int cmd)
{
	switch (cmd) {
	case LOCK_SH:
		return F_RDLCK;
	case LOCK_EX:
		return F_WRLCK;
	case LOCK_UN:
		return F_UNLCK;
	default:
		return -EINVAL;
	}
}

long sys_flock(uint64_t fd, uint64_t ucmd)
{
	unsigned int cmd = (unsigned int)ucmd;

	/* Linux 5.17 on ignores the long-broken LOCK_MAND. */
	if (cmd & LOCK_MAND)
		return 0;
	struct file *f = fget((unsigned int)fd);
	if (!f)
		return -EBADF;
	int type = flock_translate_cmd(cmd & ~LOCK_NB);
	if (type < 0)
		return type;
	if (type != F_UNLCK && !(f->f_mode & (FMODE_READ | FMODE_WRITE)))
		return -EBADF;
	if (!f->f_inode)
		return -EINVAL;
	struct file_lock request = {
		.fl_flags = FL_FLOCK, .fl_owner = f, .fl_type = type,
		.fl_pid = current->tgid, .fl_file = f, .fl_end = OFFSET_MAX,
	};
	return lock_inode_wait(f->f_inode, &request, !(cmd & LOCK_NB), flock_lock_inode);
}

void locks_remove_file(struct file *f)
{
	struct file_lock_context *ctx = f->f_inode ? f->f_inode->i_flctx : NULL;
	struct file_lock request = { .fl_flags = FL_FLOCK, .fl_type = F_UNLCK, .fl_file = f };

	if (!ctx)
		return;
	posix_unlock_all(f, f); /* its OFD locks */
	flock_lock_inode(ctx, &request, false, NULL);
}

/* ---- /proc/locks ---- */

static const char *lock_kind(const struct file_lock *fl)
{
	if (fl->fl_flags & FL_FLOCK)
		return "FLOCK ";
	return fl->fl_flags & FL_OFDLCK ? "OFDLCK" : "POSIX ";
}

/* Linux's lock_get_status, for the kinds there are here. */
int locks_show(struct seq_file *m)
{
	long id = 0;

	for (struct list_head *p = file_lock_list.next; p != &file_lock_list; p = p->next) {
		struct file_lock *fl = list_entry(p, struct file_lock, fl_link);
		const struct inode *inode = fl->fl_file->f_inode;
		dev_t dev = inode->i_sb->s_dev;

		seq_printf(m, "%ld: %s ADVISORY  %s %d %02x:%02x:%lu ", ++id, lock_kind(fl),
			   fl->fl_type == F_WRLCK ? "WRITE" : "READ",
			   fl->fl_flags & FL_OFDLCK ? -1 : fl->fl_pid,
			   MAJOR(dev), MINOR(dev), inode->i_ino);
		if (fl->fl_end == OFFSET_MAX)
			seq_printf(m, "%lld EOF\n", (long long)fl->fl_start);
		else
			seq_printf(m, "%lld %lld\n", (long long)fl->fl_start, (long long)fl->fl_end);
	}
	return 0;
}
