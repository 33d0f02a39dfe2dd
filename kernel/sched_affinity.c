/*
 * Which CPUs a task may run on (Linux's sched_setaffinity and
 * sched_getaffinity, kernel/sched/core.c) and which it runs on (getcpu,
 * kernel/sys.c). Antidote has one CPU, 0: every task's mask is {0}, a
 * new mask must include it, and getcpu always says CPU 0 of node 0. C
 * libraries ask these to count CPUs (nproc, sysconf) and to pin threads.
 */
#include "kernel/cred.h"
#include "kernel/errno.h"
#include "kernel/proc.h"
#include "kernel/syscall.h"
#include "kernel/uaccess.h"
#include "lib/string.h"

/* The kernel's cpumask: one unsigned long, as Linux sizes it for the CPUs
 * it has (cpumask_size()). */
#define CPUMASK_SIZE sizeof(unsigned long)
#define CPU_ONLINE_MASK 1UL /* CPU 0 */

/* pid 0 is the caller; otherwise a live user task (Linux: find_process_by_pid). */
static struct proc *find_process_by_pid(int pid)
{
	struct proc *p = pid ? find_task_by_pid(pid) : current;

	if (!p || p->thread_fn || p->state == EMBRYO)
		return NULL;
	return p;
}

/* Linux's check_same_owner, or CAP_SYS_NICE. */
static bool may_set_affinity(const struct proc *p)
{
	const struct cred *me = current_cred(), *it = p->cred;

	return me->euid == it->euid || me->euid == it->uid || capable(CAP_SYS_NICE);
}

long sys_sched_setaffinity(uint64_t pid, uint64_t len, uint64_t user_mask_ptr)
{
	unsigned long mask = 0;
	struct proc *p;

	/* A shorter mask is zero-extended, a longer one's extra CPUs are
	 * ones that do not exist (Linux: get_user_cpu_mask). */
	if (copy_from_user(&mask, user_mask_ptr, MIN(len, CPUMASK_SIZE)))
		return -EFAULT;
	p = find_process_by_pid((int)pid);
	if (!p)
		return -ESRCH;
	if (!may_set_affinity(p))
		return -EPERM;
	if (!(mask & CPU_ONLINE_MASK))
		return -EINVAL; /* no CPU it could run on */
	return 0;
}

long sys_sched_getaffinity(uint64_t pid, uint64_t len, uint64_t user_mask_ptr)
{
	unsigned long mask = CPU_ONLINE_MASK;

	if (!len || len % sizeof(unsigned long))
		return -EINVAL;
	if (!find_process_by_pid((int)pid))
		return -ESRCH;
	if (copy_to_user(user_mask_ptr, &mask, CPUMASK_SIZE))
		return -EFAULT;
	return CPUMASK_SIZE; /* the bytes written */
}

long sys_getcpu(uint64_t cpup, uint64_t nodep, uint64_t unused)
{
	uint32_t zero = 0;

	(void)unused; /* once a cache, now ignored (Linux too) */
	if (cpup && copy_to_user(cpup, &zero, sizeof(zero)))
		return -EFAULT;
	if (nodep && copy_to_user(nodep, &zero, sizeof(zero)))
		return -EFAULT;
	return 0;
}
