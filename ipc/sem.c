/*
 * System V semaphores (Linux: ipc/sem.c). A set holds nsems counters;
 * semop applies a list of operations on them all at once or not at all:
 * a negative op waits until the counter can go down by that much, a zero
 * op until it is 0, a positive one adds. A caller that cannot go on
 * sleeps on the set's wait queue; every change wakes the sleepers, and
 * each tries its operations again - until they succeed, its timeout
 * passes (EAGAIN), a signal comes (EINTR: semop is never restarted), or
 * the set is removed (EIDRM).
 *
 * SEM_UNDO: the thread group keeps, per set, the sum of what its undoable
 * operations did (semadj); when its last thread exits, exit_sem takes it
 * back, as if those operations had not been made.
 */
#include "fs/seq_file.h"
#include "ipc/ipc.h"
#include "ipc/sem.h"
#include "ipc/util.h"
#include "kernel/errno.h"
#include "kernel/hrtimer.h"
#include "kernel/proc.h"
#include "kernel/syscall.h"
#include "kernel/timekeeping.h"
#include "kernel/tsc.h"
#include "kernel/uaccess.h"
#include "kernel/x86.h"
#include "lib/err.h"
#include "mm/slab.h"

#define SEMMSL 32000 /* semaphores per set (Linux's default) */
#define SEMOPM 500   /* operations per semop */
#define SEMVMX 32767 /* a semaphore's largest value */
#define SEMAEM SEMVMX
#define SEM_UNDO 0x1000
/* semctl commands (Linux's values). */
#define GETPID 11
#define GETVAL 12
#define GETALL 13
#define GETNCNT 14
#define GETZCNT 15
#define SETVAL 16
#define SETALL 17
#define SEM_STAT 18     /* IPC_STAT by slot: ipcs walks them */
#define SEM_INFO 19     /* IPC_INFO with what the sets use */
#define SEM_STAT_ANY 20 /* SEM_STAT without the read permission */
/* Linux's other limits, as IPC_INFO reports them. */
#define SEMMNI IPCMNI               /* sets (Linux: 32000; Antidote's table holds fewer) */
#define SEMMNS (SEMMNI * SEMMSL)    /* semaphores in all */
#define SEMMNU SEMMNS               /* undo structures */
#define SEMMAP SEMMNS
#define SEMUME SEMOPM               /* undo entries per process */
#define SEMUSZ 20                   /* an undo structure's size */
#define S_IRUGO 0444
#define S_IWUGO 0222

struct sem {
	int semval;
	int sempid; /* the last process to change it */
};

struct sem_array {
	struct kern_ipc_perm sem_perm;  /* first: the table holds this */
	int64_t sem_otime, sem_ctime;   /* last semop, last change by semctl (seconds) */
	struct wait_queue_head wait;    /* semop sleepers: each retries after a change */
	struct list_head pending;       /* their sem_queue entries (GETNCNT, GETZCNT) */
	struct list_head list_id;       /* the sem_undo entries for this set */
	int sleepers;                   /* tasks in semop holding the set: freed after them */
	int sem_nsems;
	struct sem sems[];
};

/* One operation (Linux's struct sembuf). */
struct sembuf {
	unsigned short sem_num;
	short sem_op;
	short sem_flg; /* IPC_NOWAIT, SEM_UNDO */
};

/* A task asleep in semop: which operation stopped it. */
struct sem_queue {
	struct list_head list;          /* on sma->pending */
	const struct sembuf *blocking;
};

/* A thread group's undo lists (Linux: struct sem_undo_list, shared by
 * CLONE_SYSVSEM), hung off signal_struct. */
struct sem_undo_list {
	struct list_head list_proc;     /* its sem_undo entries */
};

/* What exit takes back from one set (Linux: struct sem_undo). */
struct sem_undo {
	struct list_head list_proc;     /* on the group's sem_undo_list */
	struct list_head list_id;       /* on the set's list_id */
	struct sem_array *sma;          /* freeary unlinks us before the set goes */
	short semadj[];                 /* per semaphore: minus the sum of undoable ops */
};

/* Linux's x86-64 struct semid64_ds. */
struct semid64_ds {
	struct ipc64_perm sem_perm;
	int64_t sem_otime;
	uint64_t unused1;
	int64_t sem_ctime;
	uint64_t unused2;
	uint64_t sem_nsems;
	uint64_t unused3, unused4;
};
_Static_assert(sizeof(struct semid64_ds) == 104, "Linux's semid64_ds is 104 bytes");

/* Linux's struct seminfo (IPC_INFO, SEM_INFO). */
struct seminfo {
	int32_t semmap, semmni, semmns, semmnu, semmsl, semopm, semume, semusz, semvmx, semaem;
};

static struct ipc_ids sem_ids;

static int64_t now(void)
{
	return (int64_t)(ktime_get_real_ns() / NSEC_PER_SEC);
}

static struct sem_array *sem_obtain(int id)
{
	return (struct sem_array *)ipc_obtain_object(&sem_ids, id);
}

/* ---- semget ---------------------------------------------------------- */

static struct kern_ipc_perm *newary(struct ipc_ids *ids, key_t key, int flag, unsigned long nsems)
{
	if (!nsems)
		return ERR_PTR(-EINVAL);
	struct sem_array *sma = kzalloc(sizeof(*sma) + nsems * sizeof(struct sem));
	if (!sma)
		return ERR_PTR(-ENOMEM);
	init_waitqueue_head(&sma->wait);
	INIT_LIST_HEAD(&sma->pending);
	INIT_LIST_HEAD(&sma->list_id);
	sma->sem_nsems = (int)nsems;
	int id = ipc_addid(ids, &sma->sem_perm, key, flag);
	if (id < 0) {
		kfree(sma);
		return ERR_PTR(id);
	}
	sma->sem_ctime = now();
	return &sma->sem_perm;
}

/* An existing set with fewer semaphores than asked for: EINVAL. */
static int sem_more_checks(struct kern_ipc_perm *perm, unsigned long nsems)
{
	return ((struct sem_array *)perm)->sem_nsems < (int)nsems ? -EINVAL : 0;
}

static const struct ipc_ops sem_ops = { .newary = newary, .more_checks = sem_more_checks };

long sys_semget(uint64_t key, uint64_t unsems, uint64_t flag)
{
	int nsems = (int)unsems;

	if (nsems < 0 || nsems > SEMMSL)
		return -EINVAL;
	return ipcget(&sem_ids, &sem_ops, (key_t)key, (int)flag, (unsigned long)nsems);
}

/* ---- semop ----------------------------------------------------------- */

/*
 * Try the operations in order on the values; if one cannot be done now,
 * undo the ones before it. 0: done (the undo entry and the pids are
 * updated); 1: must wait (*blocking says for which operation); -EAGAIN
 * (that operation has IPC_NOWAIT) or -ERANGE (a value or an adjustment
 * would pass SEMVMX): nothing changed.
 */
static int perform_atomic_semop(struct sem_array *sma, const struct sembuf *sops, int nsops,
				struct sem_undo *un, const struct sembuf **blocking)
{
	int i, err;

	for (i = 0; i < nsops; i++) {
		const struct sembuf *sop = &sops[i];
		struct sem *curr = &sma->sems[sop->sem_num];
		int result = curr->semval + sop->sem_op;

		if ((!sop->sem_op && curr->semval) || result < 0) {
			*blocking = sop;
			err = sop->sem_flg & IPC_NOWAIT ? -EAGAIN : 1;
			goto undo;
		}
		if (result > SEMVMX) {
			err = -ERANGE;
			goto undo;
		}
		if (sop->sem_flg & SEM_UNDO) {
			int adj = un->semadj[sop->sem_num] - sop->sem_op;
			if (adj < -SEMAEM - 1 || adj > SEMAEM) {
				err = -ERANGE;
				goto undo;
			}
		}
		curr->semval = result;
	}
	for (i = 0; i < nsops; i++) {
		if (sops[i].sem_flg & SEM_UNDO)
			un->semadj[sops[i].sem_num] -= sops[i].sem_op;
		sma->sems[sops[i].sem_num].sempid = current->tgid;
	}
	sma->sem_otime = now();
	return 0;
undo:
	while (--i >= 0)
		sma->sems[sops[i].sem_num].semval -= sops[i].sem_op;
	return err;
}

/* Our group's undo entry for the set, made (all zeros) if new; NULL if
 * there is no memory. */
static struct sem_undo *find_alloc_undo(struct sem_array *sma)
{
	struct signal_struct *sig = current->signal;

	if (!sig->sysvsem_undo) {
		sig->sysvsem_undo = kzalloc(sizeof(*sig->sysvsem_undo));
		if (!sig->sysvsem_undo)
			return NULL;
		INIT_LIST_HEAD(&sig->sysvsem_undo->list_proc);
	}
	struct list_head *head = &sig->sysvsem_undo->list_proc;
	for (struct list_head *l = head->next; l != head; l = l->next)
		if (list_entry(l, struct sem_undo, list_proc)->sma == sma)
			return list_entry(l, struct sem_undo, list_proc);
	struct sem_undo *un = kzalloc(sizeof(*un) + sma->sem_nsems * sizeof(short));
	if (!un)
		return NULL;
	un->sma = sma;
	list_add(&un->list_proc, &sig->sysvsem_undo->list_proc);
	list_add(&un->list_id, &sma->list_id);
	return un;
}

static void free_undo(struct sem_undo *un)
{
	list_del(&un->list_proc);
	list_del(&un->list_id);
	kfree(un);
}

static void sem_sleep(struct sem_array *sma, uint64_t deadline)
{
	cli();
	schedule_hrtimeout_on(&sma->wait, deadline);
	sti();
}

/* Retry until done; the set stays ours meanwhile (sleepers). */
static long semop_wait(struct sem_array *sma, const struct sembuf *sops, int nsops,
		       struct sem_undo *un, bool alter, uint64_t deadline)
{
	struct sem_queue q = { .blocking = sops };
	long err;

	sma->sleepers++;
	list_add_tail(&q.list, &sma->pending);
	for (;;) {
		err = perform_atomic_semop(sma, sops, nsops, un, &q.blocking);
		if (err <= 0)
			break;
		if (signal_pending(current)) {
			err = -EINTR;
			break;
		}
		if (ktime_get_ns() >= deadline) {
			err = -EAGAIN;
			break;
		}
		sem_sleep(sma, deadline);
		if (sma->sem_perm.deleted) {
			err = -EIDRM;
			break;
		}
	}
	list_del(&q.list);
	if (!err && alter)
		wake_up(&sma->wait); /* what we changed may let others go on */
	if (--sma->sleepers == 0 && sma->sem_perm.deleted)
		kfree(sma); /* freeary left it to the last sleeper */
	return err;
}

static long do_semtimedop(int semid, uint64_t usops, unsigned int nsops, uint64_t deadline)
{
	struct sembuf *sops;
	bool undos = false, alter = false;
	unsigned int max = 0;

	if (nsops < 1 || semid < 0)
		return -EINVAL;
	if (nsops > SEMOPM)
		return -E2BIG;
	sops = kmalloc(nsops * sizeof(*sops));
	if (!sops)
		return -ENOMEM;
	if (copy_from_user(sops, usops, nsops * sizeof(*sops))) {
		kfree(sops);
		return -EFAULT;
	}
	for (unsigned int i = 0; i < nsops; i++) {
		max = MAX(max, sops[i].sem_num);
		undos |= (sops[i].sem_flg & SEM_UNDO) != 0;
		alter |= sops[i].sem_op != 0;
	}
	struct sem_array *sma = sem_obtain(semid);
	struct sem_undo *un = NULL;
	long err = 0;
	if (!sma)
		err = -EINVAL;
	else if (max >= (unsigned int)sma->sem_nsems)
		err = -EFBIG;
	else if (ipcperms(&sma->sem_perm, alter ? S_IWUGO : S_IRUGO))
		err = -EACCES;
	else if (undos && !(un = find_alloc_undo(sma)))
		err = -ENOMEM;
	if (!err)
		err = semop_wait(sma, sops, (int)nsops, un, alter, deadline);
	kfree(sops);
	return err;
}

long sys_semtimedop(uint64_t semid, uint64_t sops, uint64_t nsops, uint64_t utimeout)
{
	uint64_t ns, deadline = (uint64_t)KTIME_MAX;

	if (utimeout) {
		long err = get_timespec_ns(utimeout, &ns);
		if (err)
			return err;
		deadline = ktime_add_safe(ktime_get_ns(), ns);
	}
	return do_semtimedop((int)semid, sops, (unsigned int)nsops, deadline);
}

long sys_semop(uint64_t semid, uint64_t sops, uint64_t nsops)
{
	return do_semtimedop((int)semid, sops, (unsigned int)nsops, (uint64_t)KTIME_MAX);
}

/* ---- semctl ---------------------------------------------------------- */

/* IPC_RMID: gone from the table, undo entries dropped, sleepers told
 * (EIDRM); the memory goes now or with the last sleeper. */
static void freeary(struct sem_array *sma)
{
	while (!list_empty(&sma->list_id))
		free_undo(list_first_entry(&sma->list_id, struct sem_undo, list_id));
	ipc_rmid(&sem_ids, &sma->sem_perm);
	wake_up(&sma->wait);
	if (!sma->sleepers)
		kfree(sma);
}

/* Tasks waiting for semaphore semnum to go down (or, zero: to be 0). */
static int count_semcnt(struct sem_array *sma, int semnum, bool zero)
{
	int n = 0;

	for (struct list_head *l = sma->pending.next; l != &sma->pending; l = l->next) {
		const struct sembuf *op = list_entry(l, struct sem_queue, list)->blocking;
		if (op->sem_num == semnum && (zero ? op->sem_op == 0 : op->sem_op < 0))
			n++;
	}
	return n;
}

/* SETVAL and SETALL make the recorded adjustments meaningless. */
static void clear_semadj(struct sem_array *sma, int semnum)
{
	for (struct list_head *l = sma->list_id.next; l != &sma->list_id; l = l->next) {
		struct sem_undo *un = list_entry(l, struct sem_undo, list_id);
		for (int i = 0; i < sma->sem_nsems; i++)
			if (semnum < 0 || i == semnum)
				un->semadj[i] = 0;
	}
}

static void sem_changed(struct sem_array *sma)
{
	sma->sem_ctime = now();
	wake_up(&sma->wait);
}

static long semctl_setval(struct sem_array *sma, int semnum, int val)
{
	if (val < 0 || val > SEMVMX)
		return -ERANGE;
	sma->sems[semnum].semval = val;
	sma->sems[semnum].sempid = current->tgid;
	clear_semadj(sma, semnum);
	sem_changed(sma);
	return 0;
}

static long semctl_getall(struct sem_array *sma, uint64_t uarray)
{
	for (int i = 0; i < sma->sem_nsems; i++) {
		unsigned short v = (unsigned short)sma->sems[i].semval;
		if (copy_to_user(uarray + i * sizeof(v), &v, sizeof(v)))
			return -EFAULT;
	}
	return 0;
}

/* All or nothing: every value is checked before any is set. */
static long semctl_setall(struct sem_array *sma, uint64_t uarray)
{
	unsigned short *v = kmalloc(sma->sem_nsems * sizeof(*v));
	long err = 0;

	if (!v)
		return -ENOMEM;
	if (copy_from_user(v, uarray, sma->sem_nsems * sizeof(*v)))
		err = -EFAULT;
	for (int i = 0; !err && i < sma->sem_nsems; i++)
		if (v[i] > SEMVMX)
			err = -ERANGE;
	for (int i = 0; !err && i < sma->sem_nsems; i++) {
		sma->sems[i].semval = v[i];
		sma->sems[i].sempid = current->tgid;
	}
	if (!err) {
		clear_semadj(sma, -1);
		sem_changed(sma);
	}
	kfree(v);
	return err;
}

/* IPC_INFO: the limits; SEM_INFO: the same, but semusz is the sets in
 * use and semaem the semaphores in them. Both return the highest slot
 * in use (Linux: semctl_info). */
static long semctl_info(int cmd, uint64_t ubuf)
{
	struct seminfo info = { .semmap = SEMMAP, .semmni = SEMMNI, .semmns = SEMMNS,
				.semmnu = SEMMNU, .semmsl = SEMMSL, .semopm = SEMOPM,
				.semume = SEMUME, .semusz = SEMUSZ, .semvmx = SEMVMX,
				.semaem = SEMAEM };

	if (cmd == SEM_INFO) {
		unsigned long index = 0;
		struct kern_ipc_perm *perm;
		info.semusz = sem_ids.in_use;
		info.semaem = 0;
		for (; (perm = ipc_next(&sem_ids, &index)); index++)
			info.semaem += ((struct sem_array *)perm)->sem_nsems;
	}
	if (copy_to_user(ubuf, &info, sizeof(info)))
		return -EFAULT;
	return MAX(ipc_get_maxidx(&sem_ids), 0);
}

static long semctl_stat(struct sem_array *sma, uint64_t ubuf)
{
	struct semid64_ds ds = { .sem_otime = sma->sem_otime, .sem_ctime = sma->sem_ctime,
				 .sem_nsems = (uint64_t)sma->sem_nsems };

	kernel_to_ipc64_perm(&sma->sem_perm, &ds.sem_perm);
	return copy_to_user(ubuf, &ds, sizeof(ds)) ? -EFAULT : 0;
}

/* IPC_SET and IPC_RMID: for the owner, the creator or root. */
static long semctl_down(struct sem_array *sma, int cmd, uint64_t ubuf)
{
	struct ipc64_perm perm;

	if (cmd == IPC_SET && copy_from_user(&perm, ubuf, sizeof(perm)))
		return -EFAULT;
	if (ipc_check_owner(&sma->sem_perm))
		return -EPERM;
	if (cmd == IPC_RMID) {
		freeary(sma);
		return 0;
	}
	ipc_update_perm(&perm, &sma->sem_perm);
	sma->sem_ctime = now();
	return 0;
}

/* SEM_STAT and SEM_STAT_ANY: the set in slot idx; returns its id. */
static long semctl_stat_idx(int idx, int cmd, uint64_t ubuf)
{
	struct sem_array *sma = (struct sem_array *)ipc_obtain_object_idx(&sem_ids, idx);

	if (!sma)
		return -EINVAL;
	if (cmd == SEM_STAT && ipcperms(&sma->sem_perm, S_IRUGO))
		return -EACCES;
	long err = semctl_stat(sma, ubuf);
	return err ? err : sma->sem_perm.id;
}

/* The commands that read (GET*, IPC_STAT) need read permission, SETVAL
 * and SETALL write permission; one semaphore's must name one. */
long sys_semctl(uint64_t semid, uint64_t usemnum, uint64_t ucmd, uint64_t arg)
{
	int cmd = (int)ucmd & ~IPC_64, semnum = (int)usemnum;
	bool one = cmd == GETVAL || cmd == GETPID || cmd == GETNCNT || cmd == GETZCNT ||
		   cmd == SETVAL;
	bool writes = cmd == SETVAL || cmd == SETALL;

	if (cmd == IPC_INFO || cmd == SEM_INFO)
		return semctl_info(cmd, arg);
	if (cmd == SEM_STAT || cmd == SEM_STAT_ANY)
		return semctl_stat_idx((int)semid, cmd, arg);
	if (cmd != IPC_RMID && cmd != IPC_SET && cmd != IPC_STAT && cmd != GETALL &&
	    cmd != SETALL && !one)
		return -EINVAL;
	struct sem_array *sma = sem_obtain((int)semid);
	if (!sma)
		return -EINVAL;
	if (cmd == IPC_RMID || cmd == IPC_SET)
		return semctl_down(sma, cmd, arg);
	if (ipcperms(&sma->sem_perm, writes ? S_IWUGO : S_IRUGO))
		return -EACCES;
	if (one && (semnum < 0 || semnum >= sma->sem_nsems))
		return -EINVAL;
	switch (cmd) {
	case IPC_STAT:
		return semctl_stat(sma, arg);
	case GETVAL:
		return sma->sems[semnum].semval;
	case GETPID:
		return sma->sems[semnum].sempid;
	case GETNCNT:
		return count_semcnt(sma, semnum, false);
	case GETZCNT:
		return count_semcnt(sma, semnum, true);
	case GETALL:
		return semctl_getall(sma, arg);
	case SETVAL:
		return semctl_setval(sma, semnum, (int)arg);
	default: /* SETALL */
		return semctl_setall(sma, arg);
	}
}

/* ---- exit ------------------------------------------------------------ */

void exit_sem(struct signal_struct *sig)
{
	struct sem_undo_list *ulp = sig->sysvsem_undo;

	if (!ulp)
		return;
	while (!list_empty(&ulp->list_proc)) {
		struct sem_undo *un = list_first_entry(&ulp->list_proc, struct sem_undo, list_proc);
		struct sem_array *sma = un->sma;
		for (int i = 0; i < sma->sem_nsems; i++) {
			if (!un->semadj[i])
				continue;
			int v = sma->sems[i].semval + un->semadj[i];
			sma->sems[i].semval = v < 0 ? 0 : v > SEMVMX ? SEMVMX : v; /* as Linux clamps */
			sma->sems[i].sempid = current->tgid;
		}
		wake_up(&sma->wait);
		free_undo(un);
	}
	kfree(ulp);
	sig->sysvsem_undo = NULL;
}

/* /proc/sysvipc/sem: Linux 6.1's header and columns. */
int sysvipc_sem_show(struct seq_file *m)
{
	unsigned long index = 0;
	struct kern_ipc_perm *perm;

	seq_puts(m, "       key      semid perms      nsems   uid   gid  cuid  cgid      otime      "
		    "ctime\n");
	for (; (perm = ipc_next(&sem_ids, &index)); index++) {
		struct sem_array *sma = (struct sem_array *)perm;
		seq_printf(m, "%10d %10d  %4o %10u %5u %5u %5u %5u %10lld %10lld\n", perm->key,
			   perm->id, perm->mode, (unsigned int)sma->sem_nsems, perm->uid, perm->gid,
			   perm->cuid, perm->cgid, (long long)sma->sem_otime, (long long)sma->sem_ctime);
	}
	return 0;
}
