/* Process system calls: identity, kill, prctl, thread pointer (exit and
 * wait: kernel/exit.c; clone: kernel/fork.c). */
#include "kernel/cred.h"
#include "kernel/errno.h"
#include "kernel/pgrp.h"
#include "kernel/proc.h"
#include "kernel/syscall.h"
#include "kernel/uaccess.h"
#include "kernel/x86.h"
#include "lib/string.h"

#define ARCH_SET_FS 0x1002
#define ARCH_GET_FS 0x1003
/* The process's id: its thread group's (Linux: task_tgid_vnr). */
long sys_getpid(void)
{
	return current->tgid;
}

/* This thread's own id (the main thread's is the process's). */
long sys_gettid(void)
{
	return current->pid;
}

long sys_getppid(void)
{
	return current->parent ? current->parent->tgid : 0;
}

long sys_kill(uint64_t pid, uint64_t sig)
{
	struct proc *p = find_task_by_pid((int)pid);
	struct sig_pending_info info = { .code = SI_USER, .pid = current->tgid };

	if (sig > NSIG)
		return -EINVAL;
	if ((int)pid <= 0)
		return kill_something((int)pid, (int)sig, &info); /* groups: kernel/pgrp.c */
	/* Kernel threads cannot be signalled, nor a process being made or
	 * one whose threads have all exited; a thread's tid names its
	 * process. */
	if (!p || p->thread_fn || p->state == EMBRYO || p->signal->live == 0)
		return -ESRCH;
	if (!kill_ok_by_cred(p))
		return -EPERM;
	if (sig)
		send_signal(p, (int)sig, &info);
	return 0;
}

#define PR_MCE_KILL 33
#define PR_MCE_KILL_GET 34
#define PR_MCE_KILL_CLEAR 0
#define PR_MCE_KILL_SET 1
#define PR_MCE_KILL_LATE 0
#define PR_MCE_KILL_EARLY 1
#define PR_MCE_KILL_DEFAULT 2

/* The memory-error kill policy of this thread (see mm/memory-failure.c:
 * task_early_kill), with Linux's checks on every argument. */
static long prctl_mce_kill(uint64_t how, uint64_t mode, uint64_t arg4, uint64_t arg5)
{
	/* LAB 5: BEGIN */
	if (arg4 | arg5)
		return -EINVAL;
	if (how == PR_MCE_KILL_CLEAR) {
		if (mode)
			return -EINVAL;
		current->flags &= ~(PF_MCE_PROCESS | PF_MCE_EARLY);
		return 0;
	}
	if (how != PR_MCE_KILL_SET)
		return -EINVAL;
	if (mode == PR_MCE_KILL_EARLY || mode == PR_MCE_KILL_LATE) {
		current->flags |= PF_MCE_PROCESS;
		if (mode == PR_MCE_KILL_EARLY)
			current->flags |= PF_MCE_EARLY;
		else
			current->flags &= ~PF_MCE_EARLY;
	} else if (mode == PR_MCE_KILL_DEFAULT) {
		current->flags &= ~(PF_MCE_PROCESS | PF_MCE_EARLY);
	} else {
		return -EINVAL;
	}
	return 0;
	/* LAB 5: STUB
	(void)how, (void)mode, (void)arg4, (void)arg5;
	return -EINVAL; // as a kernel without PR_MCE_KILL
	   LAB 5: END */
}

#define PR_SET_NAME 15
#define PR_GET_NAME 16

/* The thread's name (comm, 16 bytes with the NUL): busybox names a
 * forked applet this way. A longer name is cut, as in Linux. */
static long prctl_name(uint64_t option, uint64_t uname)
{
	char name[sizeof(current->comm)];

	if (option == PR_GET_NAME)
		return copy_to_user(uname, current->comm, sizeof(current->comm)) ? -EFAULT : 0;
	long n = strncpy_from_user(name, uname, sizeof(name));
	if (n == -ENAMETOOLONG) {
		if (copy_from_user(name, uname, sizeof(name) - 1))
			return -EFAULT;
		name[sizeof(name) - 1] = '\0';
	} else if (n < 0) {
		return n;
	}
	strlcpy(current->comm, name, sizeof(current->comm));
	return 0;
}

long sys_prctl(uint64_t option, uint64_t arg2, uint64_t arg3, uint64_t arg4, uint64_t arg5)
{
	if (option == PR_SET_NAME || option == PR_GET_NAME)
		return prctl_name(option, arg2);
	if (option == PR_MCE_KILL)
		return prctl_mce_kill(arg2, arg3, arg4, arg5);
	if (option == PR_MCE_KILL_GET) {
		if (arg2 | arg3 | arg4 | arg5)
			return -EINVAL;
		if (!(current->flags & PF_MCE_PROCESS))
			return PR_MCE_KILL_DEFAULT;
		return current->flags & PF_MCE_EARLY ? PR_MCE_KILL_EARLY : PR_MCE_KILL_LATE;
	}
	return -EINVAL; /* no other prctl options yet */
}

long sys_sched_yield(void)
{
	yield();
	return 0;
}

long sys_arch_prctl(uint64_t code, uint64_t addr)
{
	if (code == ARCH_SET_FS) {
		if (!access_ok(addr, 0))
			return -EPERM;
		current->fs_base = addr;
		wrmsr(MSR_FS_BASE, addr);
		return 0;
	}
	if (code == ARCH_GET_FS)
		return copy_to_user(addr, &current->fs_base, sizeof(uint64_t));
	return -EINVAL;
}
