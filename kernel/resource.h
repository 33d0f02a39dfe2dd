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

#endif
