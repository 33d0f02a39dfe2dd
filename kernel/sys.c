/*
 * The system's and a process's general questions (Linux: kernel/sys.c):
 * uname, sysinfo, the resource limits, and the CPU time used (times,
 * getrusage; the ticks measure it in kernel/cputime.c). The user and group ids are in kernel/cred.c.
 */
#include "kernel/cputime.h"
#include "kernel/cred.h"
#include "kernel/errno.h"
#include "kernel/proc.h"
#include "kernel/syscall.h"
#include "kernel/resource.h"
#include "kernel/timekeeping.h"
#include "kernel/timer.h"
#include "kernel/tsc.h"
#include "kernel/uaccess.h"
#include "fs/buffer_head.h"
#include "fs/fdtable.h"
#include "lib/string.h"
#include "mm/buddy.h"
#include "mm/mm_types.h"
#include "mm/vmstat.h"
#include "mm/swapfile.h"

struct utsname {
	char sysname[65], nodename[65], release[65], version[65], machine[65], domainname[65];
};

long sys_uname(uint64_t buf)
{
	static const struct utsname uts = {
		"Antidote", "antidote", "0.1", "#1", "x86_64", "(none)",
	};
	return copy_to_user(buf, &uts, sizeof(uts));
}

/* Linux's x86-64 struct sysinfo: 112 bytes. */
struct sysinfo {
	long uptime;               /* seconds since boot */
	unsigned long loads[3];    /* 1, 5, 15 minute load averages << 16 */
	unsigned long totalram, freeram, sharedram, bufferram, totalswap, freeswap;
	unsigned short procs;      /* tasks */
	unsigned short pad;
	unsigned long totalhigh, freehigh;
	unsigned int mem_unit;     /* the sizes above are in these units (bytes) */
	char _f[20 - 2 * sizeof(long) - sizeof(int)];
};
_Static_assert(sizeof(struct sysinfo) == 112, "Linux's struct sysinfo is 112 bytes");

/* free and uptime read this. No load average is kept: loads read 0. */
long sys_sysinfo(uint64_t uinfo)
{
	struct sysinfo info = {
		.uptime = (long)(ktime_get_boottime_ns() / NSEC_PER_SEC),
		.totalram = zone.managed_pages,
		.freeram = nr_free_pages(),
		.sharedram = global_node_page_state(NR_SHMEM),
		.bufferram = nr_blockdev_pages(),
		.totalswap = (unsigned long)total_swap_pages,
		.freeswap = (unsigned long)get_nr_swap_pages(),
		.procs = (unsigned short)nr_kernel_stacks, /* one per task */
		.mem_unit = PAGE_SIZE,
	};
	return copy_to_user(uinfo, &info, sizeof(info)) ? -EFAULT : 0;
}

/*
 * The limits of a new thread group: Linux's INIT_RLIMITS, except
 * RLIMIT_NOFILE, which is the size of Antidote's descriptor table (no
 * limit can raise it) and RLIMIT_NPROC, the pid space. Antidote keeps and
 * reports the others; it enforces none of them yet.
 */
static const struct rlimit init_rlimits[RLIM_NLIMITS] = {
	[RLIMIT_CPU] = { RLIM_INFINITY, RLIM_INFINITY },
	[RLIMIT_FSIZE] = { RLIM_INFINITY, RLIM_INFINITY },
	[RLIMIT_DATA] = { RLIM_INFINITY, RLIM_INFINITY },
	[RLIMIT_STACK] = { 8UL << 20, RLIM_INFINITY },
	[RLIMIT_CORE] = { 0, RLIM_INFINITY },
	[RLIMIT_RSS] = { RLIM_INFINITY, RLIM_INFINITY },
	[RLIMIT_NPROC] = { PID_MAX, PID_MAX },
	[RLIMIT_NOFILE] = { NR_OPEN, NR_OPEN },
	[RLIMIT_MEMLOCK] = { 8UL << 20, 8UL << 20 },
	[RLIMIT_AS] = { RLIM_INFINITY, RLIM_INFINITY },
	[RLIMIT_LOCKS] = { RLIM_INFINITY, RLIM_INFINITY },
	[RLIMIT_SIGPENDING] = { 1024, 1024 },
	[RLIMIT_MSGQUEUE] = { 819200, 819200 },
	[RLIMIT_NICE] = { 0, 0 },
	[RLIMIT_RTPRIO] = { 0, 0 },
	[RLIMIT_RTTIME] = { RLIM_INFINITY, RLIM_INFINITY },
};

void copy_rlimits(struct signal_struct *sig, const struct proc *parent)
{
	memcpy(sig->rlim, parent ? parent->signal->rlim : init_rlimits, sizeof(sig->rlim));
}

/* Linux's do_prlimit: the soft limit may not pass the hard one; only a
 * privileged process raises a hard limit; NOFILE cannot pass the table. */
static long do_prlimit(struct proc *p, unsigned int resource, const struct rlimit *new,
		       struct rlimit *old)
{
	if (resource >= RLIM_NLIMITS)
		return -EINVAL;
	struct rlimit *rlim = &p->signal->rlim[resource];
	if (new) {
		if (new->rlim_cur > new->rlim_max)
			return -EINVAL;
		if (resource == RLIMIT_NOFILE && new->rlim_max > NR_OPEN)
			return -EPERM;
		if (new->rlim_max > rlim->rlim_max && !capable(CAP_SYS_RESOURCE))
			return -EPERM;
	}
	if (old)
		*old = *rlim;
	if (new)
		*rlim = *new;
	return 0;
}

/* Another process's limits: only with its user's ids, or privileged
 * (Linux: check_prlimit_permission). */
static bool may_prlimit(const struct proc *p)
{
	const struct cred *me = current_cred(), *it = p->cred;

	if (p == current || capable(CAP_SYS_RESOURCE))
		return true;
	return me->uid == it->uid && me->uid == it->euid && me->uid == it->suid &&
	       me->gid == it->gid && me->gid == it->egid && me->gid == it->sgid;
}

long sys_prlimit64(uint64_t pid, uint64_t resource, uint64_t unew, uint64_t uold)
{
	struct rlimit new, old;
	struct proc *p = pid ? find_task_by_pid((int)pid) : current;

	if (unew && copy_from_user(&new, unew, sizeof(new)))
		return -EFAULT;
	if (!p || !p->mm || p->state == ZOMBIE)
		return -ESRCH;
	if (!may_prlimit(p))
		return -EPERM;
	long err = do_prlimit(p, (unsigned int)resource, unew ? &new : NULL, uold ? &old : NULL);
	if (!err && uold && copy_to_user(uold, &old, sizeof(old)))
		return -EFAULT;
	return err;
}

long sys_getrlimit(uint64_t resource, uint64_t urlim)
{
	return sys_prlimit64(0, resource, 0, urlim);
}

long sys_setrlimit(uint64_t resource, uint64_t urlim)
{
	return sys_prlimit64(0, resource, urlim, 0);
}

/* CPU time in clock ticks (USER_HZ): the process's, and its reaped
 * children's. */
struct tms {
	long tms_utime, tms_stime, tms_cutime, tms_cstime;
};

long sys_times(uint64_t ubuf)
{
	struct task_cputime t = thread_group_cputime_adjusted(current);
	const struct signal_struct *sig = current->signal;
	struct tms tms = { (long)nsec_to_clock_t(t.utime), (long)nsec_to_clock_t(t.stime),
			   (long)nsec_to_clock_t(sig->cutime), (long)nsec_to_clock_t(sig->cstime) };

	if (ubuf && copy_to_user(ubuf, &tms, sizeof(tms)))
		return -EFAULT;
	return (long)nsec_to_clock_t(ktime_get_boottime_ns()); /* ticks since boot */
}

static struct rusage_timeval ns_to_rusage_timeval(uint64_t ns)
{
	return (struct rusage_timeval){ (long)(ns / NSEC_PER_SEC), (long)(ns % NSEC_PER_SEC / 1000) };
}

/* The threads' context switches: the live ones' and the gone ones'. */
static void thread_group_switches(const struct proc *p, unsigned long *nvcsw,
				  unsigned long *nivcsw)
{
	*nvcsw = p->signal->nvcsw;
	*nivcsw = p->signal->nivcsw;
	for (const struct proc *t = first_thread(p); t; t = next_thread(t)) {
		*nvcsw += t->nvcsw;
		*nivcsw += t->nivcsw;
	}
}

/*
 * Linux's getrusage: times, the largest resident set (in KiB) and
 * context switches - of one thread, of the process, of its reaped
 * children, or (RUSAGE_BOTH, for wait) both. Antidote counts no page
 * faults, block I/O or signals: those fields are 0. The largest rss is
 * the rss at an exit or now, not a high-water mark of every moment.
 */
void getrusage(struct proc *p, int who, struct rusage *r)
{
	struct signal_struct *sig = p->signal;
	struct task_cputime t = { 0 };
	unsigned long nvcsw = 0, nivcsw = 0, maxrss = 0;

	memset(r, 0, sizeof(*r));
	if (who == RUSAGE_THREAD) {
		t = task_cputime_adjusted(p);
		nvcsw = p->nvcsw;
		nivcsw = p->nivcsw;
	}
	if (who == RUSAGE_CHILDREN || who == RUSAGE_BOTH) {
		t = (struct task_cputime){ sig->cutime, sig->cstime };
		nvcsw = sig->cnvcsw;
		nivcsw = sig->cnivcsw;
		maxrss = sig->cmaxrss;
	}
	if (who == RUSAGE_SELF || who == RUSAGE_BOTH) {
		struct task_cputime self = thread_group_cputime_adjusted(p);
		unsigned long v, iv;
		thread_group_switches(p, &v, &iv);
		t.utime += self.utime;
		t.stime += self.stime;
		nvcsw += v;
		nivcsw += iv;
		maxrss = MAX(maxrss, sig->maxrss);
	}
	if (who != RUSAGE_CHILDREN && p->mm)
		maxrss = MAX(maxrss, p->mm->rss);
	r->ru_utime = ns_to_rusage_timeval(t.utime);
	r->ru_stime = ns_to_rusage_timeval(t.stime);
	r->ru_maxrss = (long)(maxrss << (PAGE_SHIFT - 10));
	r->ru_nvcsw = (long)nvcsw;
	r->ru_nivcsw = (long)nivcsw;
}

void setmax_mm_rss(struct proc *p)
{
	p->signal->maxrss = MAX(p->signal->maxrss, p->mm->rss);
}

void account_reaped_child(struct signal_struct *psig, struct proc *child)
{
	struct signal_struct *sig = child->signal;
	struct task_cputime t = thread_group_cputime_adjusted(child);
	unsigned long nvcsw, nivcsw;

	thread_group_switches(child, &nvcsw, &nivcsw);
	psig->cutime += t.utime + sig->cutime;
	psig->cstime += t.stime + sig->cstime;
	psig->cnvcsw += nvcsw + sig->cnvcsw;
	psig->cnivcsw += nivcsw + sig->cnivcsw;
	psig->cmaxrss = MAX(psig->cmaxrss, MAX(sig->maxrss, sig->cmaxrss));
}

long sys_getrusage(uint64_t uwho, uint64_t uru)
{
	int who = (int)uwho;
	struct rusage ru;

	if (who != RUSAGE_SELF && who != RUSAGE_CHILDREN && who != RUSAGE_THREAD)
		return -EINVAL;
	getrusage(current, who, &ru);
	return copy_to_user(uru, &ru, sizeof(ru)) ? -EFAULT : 0;
}
