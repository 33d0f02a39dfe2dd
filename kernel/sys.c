/*
 * The system's and a process's general questions (Linux: kernel/sys.c):
 * uname, sysinfo, the resource limits, and the CPU time used (times,
 * getrusage). The user and group ids are in kernel/cred.c.
 */
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

/* CPU time. Antidote counts a task's time on the CPU but not how much of
 * it was in user mode: all of it reads as user time, system time 0. The
 * children's times are not summed at reaping yet: they read 0. */
struct tms {
	long tms_utime, tms_stime, tms_cutime, tms_cstime; /* in clock ticks (HZ) */
};

long sys_times(uint64_t ubuf)
{
	struct tms t = { .tms_utime = (long)(task_sched_runtime(current) / (NSEC_PER_SEC / HZ)) };

	if (ubuf && copy_to_user(ubuf, &t, sizeof(t)))
		return -EFAULT;
	return (long)(ktime_get_boottime_ns() / (NSEC_PER_SEC / HZ)); /* ticks since boot */
}

struct timeval_user {
	long tv_sec, tv_usec;
};

/* Linux's struct rusage: two timevals and 14 longs. */
struct rusage {
	struct timeval_user ru_utime, ru_stime;
	long ru_maxrss, ru_ixrss, ru_idrss, ru_isrss, ru_minflt, ru_majflt, ru_nswap, ru_inblock,
		ru_oublock, ru_msgsnd, ru_msgrcv, ru_nsignals, ru_nvcsw, ru_nivcsw;
};
_Static_assert(sizeof(struct rusage) == 144, "Linux's struct rusage is 144 bytes");

#define RUSAGE_SELF 0
#define RUSAGE_CHILDREN (-1)
#define RUSAGE_THREAD 1

long sys_getrusage(uint64_t uwho, uint64_t uru)
{
	int who = (int)uwho;
	struct rusage ru = { 0 };

	if (who != RUSAGE_SELF && who != RUSAGE_CHILDREN && who != RUSAGE_THREAD)
		return -EINVAL;
	if (who != RUSAGE_CHILDREN) {
		uint64_t ns = task_sched_runtime(current);
		ru.ru_utime.tv_sec = (long)(ns / NSEC_PER_SEC);
		ru.ru_utime.tv_usec = (long)(ns % NSEC_PER_SEC / 1000);
		if (current->mm)
			ru.ru_maxrss = (long)(current->mm->rss << (PAGE_SHIFT - 10)); /* KiB, as now */
	}
	return copy_to_user(uru, &ru, sizeof(ru)) ? -EFAULT : 0;
}
