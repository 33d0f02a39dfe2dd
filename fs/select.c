/*
 * poll, ppoll, select and pselect6 (Linux's fs/select.c).
 *
 * One engine, do_poll, serves all four: it asks each file's poll
 * operation for its events (vfs_poll); on the first pass each poll also
 * names, through poll_wait, the wait queues that will be woken when its
 * events change, and we watch them all (__pollwait: a wait_queue_entry
 * on each, whose pollwake wakes us). With nothing ready we sleep until a
 * watched queue is woken, the timeout passes or a signal comes, and ask
 * again. select's fd sets become poll events and back.
 *
 * A wake-up between asking the files and going to sleep is not lost:
 * pollwake sets `triggered`, which is checked with interrupts off just
 * before sleeping.
 *
 * Errors as Linux: EFAULT for a bad array, set or timeout; EINVAL for a
 * negative nfds, one above the limit (poll), a bad timeout or signal set
 * size; EBADF for a closed descriptor in a select set (poll reports
 * POLLNVAL in its revents instead); EINTR when a signal handler runs. A
 * signal without a handler (a stop and SIGCONT) restarts the call; select
 * and pselect6 have written the time left back by then, so the restart
 * waits only for what remained.
 */
#include "fs/poll.h"
#include "fs/fdtable.h"
#include "fs/file.h"
#include "kernel/errno.h"
#include "kernel/hrtimer.h"
#include "kernel/proc.h"
#include "kernel/syscall.h"
#include "kernel/timekeeping.h"
#include "kernel/tsc.h"
#include "kernel/uaccess.h"
#include "kernel/x86.h"
#include "mm/slab.h"

#define POLL_MAX_FDS 1024 /* Linux's default RLIMIT_NOFILE */
#define DEFAULT_POLLMASK (POLLIN | POLLOUT | POLLRDNORM | POLLWRNORM)
#define POLLIN_SET (POLLRDNORM | POLLRDBAND | POLLIN | POLLHUP | POLLERR)
#define POLLOUT_SET (POLLWRBAND | POLLWRNORM | POLLOUT | POLLERR)
#define POLLEX_SET POLLPRI
#define ENTRIES_PER_PAGE 32

struct pollfd {
	int fd;
	short events, revents;
};

/* One watched queue (Linux's poll_table_entry). */
struct poll_table_entry {
	struct file *filp; /* a reference, so the queue outlives our watch */
	struct wait_queue_head *wq;
	struct wait_queue_entry wait;
	struct poll_wqueues *pwq;
};

struct poll_table_page {
	struct poll_table_page *next;
	int used;
	struct poll_table_entry entries[ENTRIES_PER_PAGE];
};

/* What one poll call watches (Linux's poll_wqueues). */
struct poll_wqueues {
	struct poll_table pt;
	struct poll_table_page *table;
	struct proc *task;
	bool triggered; /* a watched queue was woken: look again before sleeping */
	int error;      /* -ENOMEM: a queue could not be watched */
};

unsigned int vfs_poll(struct file *f, struct poll_table *pt)
{
	return f->f_op->poll ? f->f_op->poll(f, pt) : DEFAULT_POLLMASK;
}

static void pollwake(struct wait_queue_entry *wait)
{
	struct poll_table_entry *entry = container_of(wait, struct poll_table_entry, wait);

	entry->pwq->triggered = true;
	proc_wake(entry->pwq->task);
}

static struct poll_table_entry *poll_get_entry(struct poll_wqueues *pwq)
{
	struct poll_table_page *page = pwq->table;

	if (!page || page->used == ENTRIES_PER_PAGE) {
		page = kzalloc(sizeof(*page));
		if (!page)
			return NULL;
		page->next = pwq->table;
		pwq->table = page;
	}
	return &page->entries[page->used++];
}

static void __pollwait(struct file *f, struct wait_queue_head *wq, struct poll_table *pt)
{
	struct poll_wqueues *pwq = container_of(pt, struct poll_wqueues, pt);
	struct poll_table_entry *entry = poll_get_entry(pwq);

	if (!entry) {
		pwq->error = -ENOMEM;
		return;
	}
	get_file(f);
	entry->filp = f;
	entry->wq = wq;
	entry->pwq = pwq;
	entry->wait.func = pollwake;
	add_wait_queue(wq, &entry->wait);
}

static void poll_initwait(struct poll_wqueues *pwq)
{
	*pwq = (struct poll_wqueues){ .pt = { __pollwait }, .task = current };
}

static void poll_freewait(struct poll_wqueues *pwq)
{
	while (pwq->table) {
		struct poll_table_page *page = pwq->table;
		for (int i = 0; i < page->used; i++) {
			remove_wait_queue(&page->entries[i].wait);
			fput(page->entries[i].filp);
		}
		pwq->table = page->next;
		kfree(page);
	}
}

/* Sleep until a watched queue is woken, a signal comes or deadline (ns,
 * CLOCK_MONOTONIC; KTIME_MAX: never) passes - unless one already did. */
static void poll_schedule_timeout(struct poll_wqueues *pwq, uint64_t deadline)
{
	struct hrtimer_sleeper sl;

	hrtimer_init_sleeper(&sl, HRTIMER_BASE_MONOTONIC);
	cli();
	if (!pwq->triggered && !signal_pending(current) && ktime_get_ns() < deadline) {
		if (deadline != KTIME_MAX)
			hrtimer_start(&sl.timer, deadline);
		sleep_on(&sl.wq);
		hrtimer_cancel(&sl.timer);
	}
	pwq->triggered = false;
	sti();
}

/* One descriptor's revents: what it has of what was asked, and always
 * POLLERR and POLLHUP; POLLNVAL if it is not open; 0 for fd < 0. */
static short do_pollfd(const struct pollfd *pfd, struct poll_table *pt)
{
	if (pfd->fd < 0)
		return 0;
	struct file *f = fget((unsigned int)pfd->fd);
	if (!f)
		return POLLNVAL;
	unsigned int filter = (unsigned short)pfd->events | POLLERR | POLLHUP;
	return (short)(vfs_poll(f, pt) & filter);
}

/* The number of descriptors with events, or -ERESTARTNOHAND (a signal),
 * -ENOMEM; 0 when deadline passed first. */
static long do_poll(struct pollfd *fds, unsigned int nfds, uint64_t deadline)
{
	struct poll_wqueues table;
	struct poll_table *pt = &table.pt;
	long count;

	poll_initwait(&table);
	for (;;) {
		count = 0;
		for (unsigned int i = 0; i < nfds; i++) {
			fds[i].revents = do_pollfd(&fds[i], pt);
			if (fds[i].revents) {
				count++;
				pt = NULL; /* an answer is ready: no need to watch more */
			}
		}
		pt = NULL; /* the queues are watched from the first pass on */
		if (count || ktime_get_ns() >= deadline)
			break;
		if (table.error) {
			count = table.error;
			break;
		}
		if (signal_pending(current)) {
			count = -ERESTARTNOHAND;
			break;
		}
		poll_schedule_timeout(&table, deadline);
	}
	poll_freewait(&table);
	return count;
}

static uint64_t deadline_after(uint64_t ns)
{
	uint64_t now = ktime_get_ns();

	return ns >= KTIME_MAX - now ? KTIME_MAX : now + ns;
}

/* A timespec timeout as a deadline: 0 or -EINVAL/-EFAULT. No timeout
 * (NULL): never. */
static long timespec_deadline(uint64_t uts, uint64_t *deadline)
{
	struct timespec64 ts;

	*deadline = KTIME_MAX;
	if (!uts)
		return 0;
	if (copy_from_user(&ts, uts, sizeof(ts)))
		return -EFAULT;
	if (ts.tv_sec < 0 || ts.tv_nsec < 0 || ts.tv_nsec >= (int64_t)NSEC_PER_SEC)
		return -EINVAL;
	if ((uint64_t)ts.tv_sec >= KTIME_MAX / NSEC_PER_SEC)
		return 0;
	*deadline = deadline_after((uint64_t)ts.tv_sec * NSEC_PER_SEC + (uint64_t)ts.tv_nsec);
	return 0;
}

/* select and pselect6 tell the caller how much time was left (Linux's
 * poll_select_finish); a timeout that cannot be written back is not an
 * error then. */
static void write_time_left(uint64_t uaddr, uint64_t deadline, bool timeval)
{
	uint64_t now = ktime_get_ns(), left = deadline > now ? deadline - now : 0;
	struct timespec64 ts = { (int64_t)(left / NSEC_PER_SEC), (int64_t)(left % NSEC_PER_SEC) };

	if (!uaddr || deadline == KTIME_MAX)
		return;
	if (timeval)
		ts.tv_nsec /= 1000;
	copy_to_user(uaddr, &ts, sizeof(ts));
}

/*
 * ppoll's and pselect6's signal mask: blocked for the call. When a signal
 * ends the call, the old mask comes back only once that signal has been
 * delivered (kernel/signal.c: restore_sigmask), so a signal the mask
 * unblocks does reach its handler.
 */
static long set_user_sigmask(uint64_t umask, uint64_t size, uint64_t *old)
{
	uint64_t mask;

	*old = current->blocked;
	if (!umask)
		return 0;
	if (size != sizeof(uint64_t))
		return -EINVAL;
	if (copy_from_user(&mask, umask, sizeof(mask)))
		return -EFAULT;
	current->blocked = mask & ~SIG_KERNEL_ONLY_MASK;
	return 0;
}

static void restore_user_sigmask(uint64_t old, long ret)
{
	if (ret == -ERESTARTNOHAND && old != current->blocked) {
		current->saved_sigmask = old;
		current->restore_sigmask = true;
		return;
	}
	current->blocked = old;
}

static long do_sys_poll(uint64_t ufds, uint64_t nfds, uint64_t deadline)
{
	if (nfds > POLL_MAX_FDS)
		return -EINVAL;
	size_t size = nfds * sizeof(struct pollfd);
	struct pollfd *fds = kmalloc(size ? size : 1);
	if (!fds)
		return -ENOMEM;
	long ret = copy_from_user(fds, ufds, size) ? -EFAULT : 0;
	if (!ret)
		ret = do_poll(fds, (unsigned int)nfds, deadline);
	if (ret >= 0) /* revents, each right after its pollfd's events */
		for (size_t i = 0; i < nfds && ret >= 0; i++)
			if (copy_to_user(ufds + i * sizeof(*fds) + offsetof(struct pollfd, revents),
					 &fds[i].revents, sizeof(short)))
				ret = -EFAULT;
	kfree(fds);
	return ret;
}

long sys_poll(uint64_t ufds, uint64_t nfds, uint64_t timeout_msecs)
{
	int ms = (int)timeout_msecs;

	return do_sys_poll(ufds, nfds, ms < 0 ? KTIME_MAX : deadline_after((uint64_t)ms * 1000000));
}

long sys_ppoll(uint64_t ufds, uint64_t nfds, uint64_t tsp, uint64_t usigmask, uint64_t sigsetsize)
{
	uint64_t deadline, old;
	long ret = timespec_deadline(tsp, &deadline);

	if (ret)
		return ret;
	ret = set_user_sigmask(usigmask, sigsetsize, &old);
	if (ret)
		return ret;
	ret = do_sys_poll(ufds, nfds, deadline);
	restore_user_sigmask(old, ret);
	write_time_left(tsp, deadline, false);
	return ret;
}

/* -- select ---------------------------------------------------------- */

#define BITS_PER_LONG 64

static bool fd_isset(const uint64_t *set, int fd)
{
	return set && (set[fd / BITS_PER_LONG] & (1ULL << (fd % BITS_PER_LONG)));
}

static void fd_set_bit(uint64_t *set, int fd)
{
	set[fd / BITS_PER_LONG] |= 1ULL << (fd % BITS_PER_LONG);
}

/* The three sets, copied in (a NULL pointer: an empty set). */
struct fd_sets {
	uint64_t in[NR_OPEN / BITS_PER_LONG], out[NR_OPEN / BITS_PER_LONG],
		ex[NR_OPEN / BITS_PER_LONG];
};

static long get_fd_set(uint64_t uset, uint64_t *set, int n)
{
	size_t bytes = (size_t)(n + BITS_PER_LONG - 1) / BITS_PER_LONG * sizeof(uint64_t);

	if (uset && copy_from_user(set, uset, bytes))
		return -EFAULT;
	return 0;
}

static long set_fd_set(uint64_t uset, const uint64_t *set, int n)
{
	size_t bytes = (size_t)(n + BITS_PER_LONG - 1) / BITS_PER_LONG * sizeof(uint64_t);

	if (uset && copy_to_user(uset, set, bytes))
		return -EFAULT;
	return 0;
}

/* The sets as pollfds (EBADF for a descriptor that is not open), and
 * the answer back as sets: the number of bits set. */
static long sets_to_pollfds(const struct fd_sets *s, int n, struct pollfd *fds, unsigned int *nfds)
{
	*nfds = 0;
	for (int fd = 0; fd < n; fd++) {
		short events = (short)((fd_isset(s->in, fd) ? POLLIN_SET : 0) |
				       (fd_isset(s->out, fd) ? POLLOUT_SET : 0) |
				       (fd_isset(s->ex, fd) ? POLLEX_SET : 0));
		if (!events)
			continue;
		if (!fget((unsigned int)fd))
			return -EBADF;
		fds[(*nfds)++] = (struct pollfd){ fd, events, 0 };
	}
	return 0;
}

static int pollfds_to_sets(const struct pollfd *fds, unsigned int nfds, struct fd_sets *res)
{
	int count = 0;

	*res = (struct fd_sets){ 0 };
	for (unsigned int i = 0; i < nfds; i++) {
		const struct pollfd *p = &fds[i];
		short asked[3] = { POLLIN_SET, POLLOUT_SET, POLLEX_SET };
		uint64_t *sets[3] = { res->in, res->out, res->ex };
		for (int k = 0; k < 3; k++) {
			if ((p->events & asked[k]) && (p->revents & asked[k])) {
				fd_set_bit(sets[k], p->fd);
				count++;
			}
		}
	}
	return count;
}

static long core_sys_select(int n, uint64_t inp, uint64_t outp, uint64_t exp, uint64_t deadline)
{
	struct fd_sets s = { 0 };
	struct pollfd *fds;
	unsigned int nfds;

	if (n < 0)
		return -EINVAL;
	n = MIN(n, NR_OPEN);
	if (get_fd_set(inp, s.in, n) || get_fd_set(outp, s.out, n) || get_fd_set(exp, s.ex, n))
		return -EFAULT;
	fds = kmalloc(NR_OPEN * sizeof(*fds));
	if (!fds)
		return -ENOMEM;
	long ret = sets_to_pollfds(&s, n, fds, &nfds);
	if (!ret)
		ret = do_poll(fds, nfds, deadline);
	if (ret >= 0) {
		ret = pollfds_to_sets(fds, nfds, &s);
		if (set_fd_set(inp, s.in, n) || set_fd_set(outp, s.out, n) ||
		    set_fd_set(exp, s.ex, n))
			ret = -EFAULT;
	}
	kfree(fds);
	return ret;
}

struct timeval64 {
	int64_t tv_sec, tv_usec;
};

long sys_select(uint64_t n, uint64_t inp, uint64_t outp, uint64_t exp, uint64_t tvp)
{
	uint64_t deadline = KTIME_MAX;

	if (tvp) {
		struct timeval64 tv;
		if (copy_from_user(&tv, tvp, sizeof(tv)))
			return -EFAULT;
		if (tv.tv_sec < 0 || tv.tv_usec < 0 || tv.tv_usec >= 1000000)
			return -EINVAL;
		if ((uint64_t)tv.tv_sec < KTIME_MAX / NSEC_PER_SEC)
			deadline = deadline_after((uint64_t)tv.tv_sec * NSEC_PER_SEC +
						  (uint64_t)tv.tv_usec * 1000);
	}
	long ret = core_sys_select((int)n, inp, outp, exp, deadline);
	write_time_left(tvp, deadline, true);
	return ret;
}

/* pselect6's sixth argument: { const sigset_t *ss; size_t ss_len; }. */
long sys_pselect6(uint64_t n, uint64_t inp, uint64_t outp, uint64_t exp, uint64_t tsp,
		  uint64_t usig)
{
	uint64_t deadline, old, sig[2] = { 0, 0 };
	long ret = timespec_deadline(tsp, &deadline);

	if (ret)
		return ret;
	if (usig && copy_from_user(sig, usig, sizeof(sig)))
		return -EFAULT;
	ret = set_user_sigmask(sig[0], sig[1], &old);
	if (ret)
		return ret;
	ret = core_sys_select((int)n, inp, outp, exp, deadline);
	restore_user_sigmask(old, ret);
	write_time_left(tsp, deadline, false);
	return ret;
}
