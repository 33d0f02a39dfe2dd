/*
 * Fast user-space locking (Linux: kernel/futex/). A futex is a 32-bit
 * word in user memory; the C library's mutexes, condition variables and
 * pthread_join take it with atomic instructions alone and call the
 * kernel only to sleep while it holds a given value (FUTEX_WAIT) or to
 * wake those sleeping on it (FUTEX_WAKE).
 *
 * Sleepers are found by a key that names the word whoever looks at it:
 * for a private futex (FUTEX_PRIVATE_FLAG, or any word in private
 * memory) the address space and the address; for a word in shared
 * memory (MAP_SHARED files, shared anonymous memory and SysV segments,
 * which are all tmpfs files) the file's mapping and the offset in it,
 * so processes that map it at different addresses meet. A key hashes to
 * one of FUTEX_HASH_SIZE buckets of waiters, in the order they came.
 *
 * One CPU, and no preemption in the kernel: between reading the word and
 * queueing the waiter nothing else runs, so a waker cannot slip in
 * between (Linux needs the bucket's lock for that).
 */
#include "kernel/errno.h"
#include "kernel/hrtimer.h"
#include "kernel/proc.h"
#include "kernel/syscall.h"
#include "kernel/timekeeping.h"
#include "kernel/tsc.h"
#include "kernel/uaccess.h"
#include "kernel/x86.h"
#include "mm/fault.h"
#include "mm/mm_types.h"
#include "mm/mmap.h"
#include "mm/mmap_lock.h"
#include "fs/file.h"

#define FUTEX_WAIT 0
#define FUTEX_WAKE 1
#define FUTEX_REQUEUE 3
#define FUTEX_CMP_REQUEUE 4
#define FUTEX_WAIT_BITSET 9
#define FUTEX_WAKE_BITSET 10
#define FUTEX_PRIVATE_FLAG 128
#define FUTEX_CLOCK_REALTIME 256
#define FUTEX_CMD_MASK (~(FUTEX_PRIVATE_FLAG | FUTEX_CLOCK_REALTIME))
#define FUTEX_BITSET_MATCH_ANY 0xffffffffU

/* The robust futex word (Linux: uapi/linux/futex.h). */
#define FUTEX_WAITERS 0x80000000U
#define FUTEX_OWNER_DIED 0x40000000U
#define FUTEX_TID_MASK 0x3fffffffU
#define ROBUST_LIST_LIMIT 2048

#define FUTEX_HASH_BITS 8
#define FUTEX_HASH_SIZE (1 << FUTEX_HASH_BITS)

struct futex_key {
	const void *object; /* the mm (private) or the file's mapping (shared) */
	uint64_t offset;    /* the address, or the byte offset in the file */
};

/* One sleeping waiter (Linux: struct futex_q), on its caller's stack. */
struct futex_q {
	struct list_head list;       /* on its key's bucket */
	struct futex_key key;        /* FUTEX_REQUEUE may change it */
	uint32_t bitset;             /* FUTEX_WAKE_BITSET wakes it if they share a bit */
	bool woken;                  /* a waker took it off the bucket */
	struct hrtimer_sleeper sl;   /* the waiter sleeps on sl.wq; sl.timer: its timeout */
};

/* How long a wait may last: until `expires` ns on `base`'s clock. */
struct futex_timeout {
	uint64_t expires;
	enum hrtimer_base_type base;
};

static struct list_head futex_queues[FUTEX_HASH_SIZE];

static bool key_match(const struct futex_key *a, const struct futex_key *b)
{
	return a->object == b->object && a->offset == b->offset;
}

/* The key's bucket; each is made an empty list the first time it is
 * used (a zeroed list_head is not one). */
static struct list_head *hash_futex(const struct futex_key *key)
{
	uint64_t h = ((uint64_t)(uintptr_t)key->object ^ key->offset) * 0x9e3779b97f4a7c15ULL;
	struct list_head *bucket = &futex_queues[h >> (64 - FUTEX_HASH_BITS)];

	if (!bucket->next)
		INIT_LIST_HEAD(bucket);
	return bucket;
}

/* The key of the futex at uaddr (Linux: get_futex_key). A shared futex
 * in a private mapping is keyed as a private one, as Linux keys an
 * anonymous page: the kernel's own wake at thread exit is "shared" and
 * must meet musl's private waits. */
static long get_futex_key(uint64_t uaddr, bool shared, struct futex_key *key)
{
	struct mm_struct *mm = current->mm;

	if (uaddr % sizeof(uint32_t))
		return -EINVAL;
	if (!access_ok(uaddr, sizeof(uint32_t)))
		return -EFAULT;
	*key = (struct futex_key){ mm, uaddr };
	if (!shared)
		return 0;
	mmap_read_lock(mm);
	struct vm_area_struct *vma = find_vma(mm, uaddr);
	long err = !vma || uaddr < vma->vm_start ? -EFAULT : 0;
	if (!err && (vma->vm_flags & VM_SHARED) && vma->vm_file)
		*key = (struct futex_key){ vma->vm_file->f_mapping,
					   (vma->vm_pgoff << PAGE_SHIFT) + (uaddr - vma->vm_start) };
	mmap_read_unlock(mm);
	return err;
}

/* A waiter goes: off its bucket, woken. Interrupts off. */
static void wake_futex(struct futex_q *q)
{
	list_del(&q->list);
	q->woken = true;
	wake_up(&q->sl.wq);
}

static long futex_wait_restart(struct restart_block *rb);

/*
 * Sleep while the word at uaddr holds val, until a FUTEX_WAKE whose
 * bitset shares a bit with ours, the timeout, or a signal. A changed
 * value is -EAGAIN at once. A signal ends the wait: without a timeout
 * it is -ERESTARTSYS (a SA_RESTART handler, or a stop and SIGCONT, waits
 * again); with one, EINTR after any handler, and after a stop it waits
 * on to the same deadline (restart_syscall), as Linux.
 */
static long futex_wait(uint64_t uaddr, bool shared, uint32_t val,
		       const struct futex_timeout *to, uint32_t bitset)
{
	struct futex_q q = { .bitset = bitset };
	uint32_t uval;

	if (!bitset)
		return -EINVAL;
	long err = get_futex_key(uaddr, shared, &q.key);
	if (err)
		return err;
	if (copy_from_user(&uval, uaddr, sizeof(uval)))
		return -EFAULT;
	if (uval != val)
		return -EAGAIN;
	hrtimer_init_sleeper(&q.sl, to ? to->base : HRTIMER_BASE_MONOTONIC);
	cli(); /* nothing ran since the read: no waker can have come */
	list_add_tail(&q.list, hash_futex(&q.key));
	for (;;) {
		if (q.woken) {
			err = 0;
			break;
		}
		uint64_t now = !to ? 0 : to->base == HRTIMER_BASE_REALTIME ? ktime_get_real_ns() :
			       ktime_get_ns();
		if (to && now >= to->expires) {
			err = -ETIMEDOUT;
			break;
		}
		if (signal_pending(current)) {
			err = to ? -ERESTART_RESTARTBLOCK : -ERESTARTSYS;
			break;
		}
		if (to)
			hrtimer_start(&q.sl.timer, to->expires);
		sleep_on(&q.sl.wq);
	}
	if (!q.woken)
		list_del(&q.list);
	hrtimer_cancel(&q.sl.timer);
	sti();
	if (err == -ERESTART_RESTARTBLOCK)
		current->restart_block = (struct restart_block){
			.fn = futex_wait_restart,
			.futex = { .uaddr = uaddr, .val = val, .bitset = bitset, .time = to->expires,
				   .shared = shared, .realtime = to->base == HRTIMER_BASE_REALTIME },
		};
	return err;
}

static long futex_wait_restart(struct restart_block *rb)
{
	struct futex_timeout to = { rb->futex.time, rb->futex.realtime ? HRTIMER_BASE_REALTIME :
						     HRTIMER_BASE_MONOTONIC };

	return futex_wait(rb->futex.uaddr, rb->futex.shared, rb->futex.val, &to, rb->futex.bitset);
}

/* Wake up to nr waiters (at least one, as Linux) whose bitset shares a
 * bit with bitset; returns how many. */
static long futex_wake(uint64_t uaddr, bool shared, int nr, uint32_t bitset)
{
	struct futex_key key;
	long woken = 0;

	if (!bitset)
		return -EINVAL;
	long err = get_futex_key(uaddr, shared, &key);
	if (err)
		return err;
	bool was_on = irq_save();
	struct list_head *bucket = hash_futex(&key);
	for (struct list_head *l = bucket->next, *next; l != bucket; l = next) {
		struct futex_q *q = list_entry(l, struct futex_q, list);
		next = l->next;
		if (!key_match(&q->key, &key) || !(q->bitset & bitset))
			continue;
		wake_futex(q);
		if (++woken >= nr)
			break;
	}
	irq_restore(was_on);
	return woken;
}

/*
 * Wake nr_wake waiters on uaddr and move up to nr_requeue more to wait
 * on uaddr2 (a condition variable hands its waiters to the mutex
 * without waking them all). FUTEX_CMP_REQUEUE first checks that uaddr
 * still holds *cmpval (-EAGAIN otherwise). Returns how many were woken
 * or moved.
 */
static long futex_requeue(uint64_t uaddr, bool shared, uint64_t uaddr2, int nr_wake,
			  int nr_requeue, const uint32_t *cmpval)
{
	struct futex_key key1, key2;
	uint32_t uval;
	long count = 0;

	if (nr_wake < 0 || nr_requeue < 0)
		return -EINVAL;
	long err = get_futex_key(uaddr, shared, &key1);
	if (!err)
		err = get_futex_key(uaddr2, shared, &key2);
	if (err)
		return err;
	if (cmpval && copy_from_user(&uval, uaddr, sizeof(uval)))
		return -EFAULT;
	if (cmpval && uval != *cmpval)
		return -EAGAIN;
	bool was_on = irq_save();
	struct list_head *bucket1 = hash_futex(&key1), *bucket2 = hash_futex(&key2);
	for (struct list_head *l = bucket1->next, *next; l != bucket1; l = next) {
		struct futex_q *q = list_entry(l, struct futex_q, list);
		next = l->next;
		if (count - nr_wake >= nr_requeue)
			break;
		if (!key_match(&q->key, &key1))
			continue;
		if (++count <= nr_wake) {
			wake_futex(q);
			continue;
		}
		q->key = key2;
		if (bucket1 != bucket2) {
			list_del(&q->list);
			list_add_tail(&q->list, bucket2);
		}
	}
	irq_restore(was_on);
	return count;
}

struct timespec {
	int64_t tv_sec, tv_nsec;
};

/* The timeout FUTEX_WAIT (relative, CLOCK_MONOTONIC) or
 * FUTEX_WAIT_BITSET (absolute, MONOTONIC or with FUTEX_CLOCK_REALTIME
 * REALTIME) was given (Linux: futex_init_timeout). */
static long futex_timeout(uint64_t utime, int cmd, bool realtime, struct futex_timeout *to)
{
	struct timespec ts;

	if (copy_from_user(&ts, utime, sizeof(ts)))
		return -EFAULT;
	if (ts.tv_sec < 0 || ts.tv_nsec < 0 || ts.tv_nsec >= (int64_t)NSEC_PER_SEC)
		return -EINVAL;
	uint64_t ns = ts.tv_sec >= KTIME_MAX / (int64_t)NSEC_PER_SEC ? KTIME_MAX :
		      (uint64_t)ts.tv_sec * NSEC_PER_SEC + (uint64_t)ts.tv_nsec;
	to->base = realtime ? HRTIMER_BASE_REALTIME : HRTIMER_BASE_MONOTONIC;
	to->expires = ns;
	if (cmd == FUTEX_WAIT) {
		uint64_t now = ktime_get_ns();
		to->expires = now > KTIME_MAX - ns ? KTIME_MAX : now + ns;
	}
	return 0;
}

/* futex(uaddr, op, val, timeout or val2, uaddr2, val3). Other operations
 * (WAKE_OP, the priority-inheritance ones) are ENOSYS. */
long sys_futex(uint64_t uaddr, uint64_t op, uint64_t val, uint64_t utime, uint64_t uaddr2,
	       uint64_t val3)
{
	int cmd = (int)op & FUTEX_CMD_MASK;
	bool shared = !(op & FUTEX_PRIVATE_FLAG), realtime = op & FUTEX_CLOCK_REALTIME;
	struct futex_timeout to;
	uint32_t cmpval = (uint32_t)val3;

	if ((cmd == FUTEX_WAIT || cmd == FUTEX_WAIT_BITSET) && utime) {
		long err = futex_timeout(utime, cmd, realtime, &to);
		if (err)
			return err;
	}
	if (realtime && cmd != FUTEX_WAIT_BITSET)
		return -ENOSYS;
	switch (cmd) {
	case FUTEX_WAIT:
		return futex_wait(uaddr, shared, (uint32_t)val, utime ? &to : NULL,
				  FUTEX_BITSET_MATCH_ANY);
	case FUTEX_WAIT_BITSET:
		return futex_wait(uaddr, shared, (uint32_t)val, utime ? &to : NULL, cmpval);
	case FUTEX_WAKE:
		return futex_wake(uaddr, shared, (int)val, FUTEX_BITSET_MATCH_ANY);
	case FUTEX_WAKE_BITSET:
		return futex_wake(uaddr, shared, (int)val, cmpval);
	case FUTEX_REQUEUE:
		return futex_requeue(uaddr, shared, uaddr2, (int)val, (int)utime, NULL);
	case FUTEX_CMP_REQUEUE:
		return futex_requeue(uaddr, shared, uaddr2, (int)val, (int)utime, &cmpval);
	default:
		return -ENOSYS;
	}
}

/* ---- robust futexes --------------------------------------------------- */

/* Linux's struct robust_list_head: the list of the mutexes a thread
 * holds, kept by the C library, which the kernel walks when the thread
 * dies so that the next locker learns the owner died. */
struct robust_list_head {
	uint64_t next;            /* first entry (bit 0: a PI futex); &head->next ends it */
	int64_t futex_offset;     /* from an entry to its futex word */
	uint64_t list_op_pending; /* an entry being taken or given back right now */
};

long sys_set_robust_list(uint64_t head, uint64_t len)
{
	if (len != sizeof(struct robust_list_head))
		return -EINVAL;
	current->robust_list = head;
	return 0;
}

long sys_get_robust_list(uint64_t pid, uint64_t head_ptr, uint64_t len_ptr)
{
	struct proc *p = pid ? find_task_by_pid((int)pid) : current;
	uint64_t len = sizeof(struct robust_list_head);

	if ((int)pid < 0 || !p || p->state == EMBRYO)
		return -ESRCH;
	if (copy_to_user(len_ptr, &len, sizeof(len)))
		return -EFAULT;
	return copy_to_user(head_ptr, &p->robust_list, sizeof(p->robust_list));
}

/* Compare-and-exchange on a user word (*cur: what it held). The page is
 * first made present and writable, so that neither the read nor the
 * write can fault, and nothing else runs in between. */
static long cmpxchg_user(uint64_t uaddr, uint32_t old, uint32_t new, uint32_t *cur)
{
	struct mm_struct *mm = current->mm;
	int si_code;

	mmap_read_lock(mm);
	int err = handle_mm_fault(mm, uaddr, PF_USER | PF_WRITE, &si_code);
	mmap_read_unlock(mm);
	if (err || copy_from_user(cur, uaddr, sizeof(*cur)))
		return -EFAULT;
	if (*cur == old && copy_to_user(uaddr, &new, sizeof(new)))
		return -EFAULT;
	return 0;
}

/*
 * The dying thread t held the robust futex at uaddr (Linux:
 * handle_futex_death): if the word names t as its owner it says
 * FUTEX_OWNER_DIED instead, and one waiter is woken to take it. A lock
 * being given back (pending) that already reads 0 may have a waiter the
 * unlock did not wake yet: it is woken.
 */
static long handle_futex_death(uint64_t uaddr, struct proc *t, bool pi, bool pending)
{
	uint32_t uval, cur;

	if (uaddr % sizeof(uint32_t))
		return -EINVAL;
	for (;;) {
		if (copy_from_user(&uval, uaddr, sizeof(uval)))
			return -EFAULT;
		if (pending && !pi && !uval) {
			futex_wake(uaddr, true, 1, FUTEX_BITSET_MATCH_ANY);
			return 0;
		}
		if ((uval & FUTEX_TID_MASK) != (uint32_t)t->pid)
			return 0;
		uint32_t mval = (uval & FUTEX_WAITERS) | FUTEX_OWNER_DIED;
		if (cmpxchg_user(uaddr, uval, mval, &cur))
			return -EFAULT;
		if (cur == uval)
			break; /* else it changed under us: look again */
	}
	if (!pi && (uval & FUTEX_WAITERS))
		futex_wake(uaddr, true, 1, FUTEX_BITSET_MATCH_ANY);
	return 0;
}

/* An entry pointer and its PI bit (Linux: fetch_robust_entry). */
static long fetch_robust_entry(uint64_t *entry, uint64_t uptr, bool *pi)
{
	uint64_t v;

	if (copy_from_user(&v, uptr, sizeof(v)))
		return -EFAULT;
	*entry = v & ~1ULL;
	*pi = v & 1;
	return 0;
}

/* Walk t's robust list, at most ROBUST_LIST_LIMIT entries (a list the
 * program corrupted into a loop must not hang its exit): Linux's
 * exit_robust_list. */
static void exit_robust_list(struct proc *t)
{
	uint64_t head = t->robust_list, entry, next = 0, pending;
	int64_t offset;
	bool pi, next_pi = false, pip;

	if (fetch_robust_entry(&entry, head + offsetof(struct robust_list_head, next), &pi) ||
	    copy_from_user(&offset, head + offsetof(struct robust_list_head, futex_offset),
			   sizeof(offset)) ||
	    fetch_robust_entry(&pending, head + offsetof(struct robust_list_head, list_op_pending),
			       &pip))
		return;
	for (int limit = ROBUST_LIST_LIMIT; entry != head && limit; limit--) {
		long rc = fetch_robust_entry(&next, entry, &next_pi);
		if (entry != pending && handle_futex_death(entry + (uint64_t)offset, t, pi, false))
			return;
		if (rc)
			return;
		entry = next;
		pi = next_pi;
	}
	if (pending)
		handle_futex_death(pending + (uint64_t)offset, t, pip, true);
}

void futex_mm_release(struct proc *t)
{
	if (t->robust_list) {
		exit_robust_list(t);
		t->robust_list = 0;
	}
	if (!t->clear_child_tid)
		return;
	/* Someone else uses the address space: musl's pthread_join, and its
	 * thread list lock, wait for this word to become 0. */
	if (t->mm->mm_users > 1) {
		uint32_t zero = 0;
		(void)copy_to_user(t->clear_child_tid, &zero, sizeof(zero));
		futex_wake(t->clear_child_tid, true, 1, FUTEX_BITSET_MATCH_ANY);
	}
	t->clear_child_tid = 0;
}
