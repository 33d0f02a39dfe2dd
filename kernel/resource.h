/* Resource limits (Linux: include/uapi/linux/resource.h); kernel/sys.c
 * keeps them, one set per thread group, in signal_struct. */
#ifndef KERNEL_RESOURCE_H
#define KERNEL_RESOURCE_H

#include "lib/types.h"

enum {
	RLIMIT_CPU, RLIMIT_FSIZE, RLIMIT_DATA, RLIMIT_STACK, RLIMIT_CORE, RLIMIT_RSS,
	RLIMIT_NPROC, RLIMIT_NOFILE, RLIMIT_MEMLOCK, RLIMIT_AS, RLIMIT_LOCKS,
	RLIMIT_SIGPENDING, RLIMIT_MSGQUEUE, RLIMIT_NICE, RLIMIT_RTPRIO, RLIMIT_RTTIME,
	RLIM_NLIMITS
};

#define RLIM_INFINITY (~0UL)

struct rlimit {
	unsigned long rlim_cur; /* the soft limit, which the process may move up to... */
	unsigned long rlim_max; /* ...the hard limit, which only root raises */
};

struct signal_struct;
struct proc;
/* A new thread group's limits: the parent's, or Linux's defaults for
 * the first ones (parent NULL). */
void copy_rlimits(struct signal_struct *sig, const struct proc *parent);

struct rusage_timeval {
	long tv_sec, tv_usec;
};

/* Linux's struct rusage: two timevals and 14 longs. */
struct rusage {
	struct rusage_timeval ru_utime, ru_stime;
	long ru_maxrss, ru_ixrss, ru_idrss, ru_isrss, ru_minflt, ru_majflt, ru_nswap, ru_inblock,
		ru_oublock, ru_msgsnd, ru_msgrcv, ru_nsignals, ru_nvcsw, ru_nivcsw;
};
_Static_assert(sizeof(struct rusage) == 144, "Linux's struct rusage is 144 bytes");

#define RUSAGE_SELF 0
#define RUSAGE_CHILDREN (-1)
#define RUSAGE_BOTH (-2) /* the kernel's own: a waited-for child's, itself and its children */
#define RUSAGE_THREAD 1

/* What getrusage(who) tells about p's process (kernel/sys.c; Linux: getrusage). */
void getrusage(struct proc *p, int who, struct rusage *r);
/* p lets go of its address space (exit, execve): its rss may be the
 * process's largest, ru_maxrss (Linux: setmax_mm_hiwater_rss). */
void setmax_mm_rss(struct proc *p);
/* wait reaps child (interrupts off): its process's usage and its
 * children's add to parent's RUSAGE_CHILDREN (Linux: wait_task_zombie). */
void account_reaped_child(struct signal_struct *parent, struct proc *child);

#endif
