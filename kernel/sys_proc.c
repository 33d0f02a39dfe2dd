/* Process system calls: identity, exit and wait, kill, thread pointer. */
#include "kernel/cred.h"
#include "kernel/errno.h"
#include "kernel/pgrp.h"
#include "kernel/proc.h"
#include "kernel/syscall.h"
#include "kernel/uaccess.h"
#include "kernel/wait.h"
#include "kernel/x86.h"
#include "lib/string.h"

#define ARCH_SET_FS 0x1002
#define ARCH_GET_FS 0x1003
/* Flags about threads and clone children. With one thread per process
 * and SIGCHLD from every child, __WNOTHREAD and __WALL change nothing,
 * and __WCLONE alone (only children that signal otherwise) finds none. */
#define __WNOTHREAD 0x20000000
#define __WALL 0x40000000
#define __WCLONE 0x80000000U
#define WAIT_THREAD_FLAGS (__WNOTHREAD | __WALL | __WCLONE)
#define P_ALL 0
#define P_PID 1
#define P_PGID 2

static bool only_clone_children(unsigned int options)
{
	return (options & __WCLONE) && !(options & __WALL);
}

/* The process's id: its thread group's (Linux: task_tgid_vnr). */
long sys_getpid(void)
{
	return current->tgid;
}

/* This thread's own id (the same, while every process has one thread). */
long sys_gettid(void)
{
	return current->pid;
}

long sys_getppid(void)
{
	return current->parent ? current->parent->tgid : 0;
}

/* exit and exit_group: one thread per process, so the same thing. */
long sys_exit(uint64_t status)
{
	do_exit((int)((status & 0xff) << 8));
}

/* options is an int, as in Linux: a C library's __WCLONE (bit 31) may
 * arrive sign-extended. */
long sys_wait4(uint64_t pid, uint64_t status, uint64_t uoptions, uint64_t rusage)
{
	unsigned int options = (unsigned int)uoptions;
	struct wait_result res;

	(void)rusage;
	if (options & ~(WNOHANG | WUNTRACED | WCONTINUED | WAIT_THREAD_FLAGS))
		return -EINVAL;
	if ((int)pid == INT32_MIN)
		return -ESRCH; /* no group -INT_MIN (Linux) */
	if (only_clone_children(options))
		return -ECHILD;
	long got = do_wait((int)pid, (int)(options & ~WAIT_THREAD_FLAGS) | WEXITED, &res);
	if (got > 0 && status && copy_to_user(status, &res.status, sizeof(int)))
		return -EFAULT;
	return got;
}

/* The part of siginfo_t that waitid fills in, as Linux does. */
struct waitid_info {
	int si_signo, si_errno, si_code, pad;
	int si_pid;
	unsigned si_uid;
	int si_status;
};

/*
 * waitid(P_PID, pid | P_ALL, 0, infop, options): like wait4, but the
 * caller says which changes it waits for (WEXITED, WSTOPPED,
 * WCONTINUED: at least one), may leave the child waitable (WNOWAIT), and
 * hears about it in a siginfo. Returns 0; with WNOHANG and nothing to
 * report, the siginfo says si_signo 0 and si_pid 0.
 */
long sys_waitid(uint64_t idtype, uint64_t id, uint64_t infop, uint64_t uoptions, uint64_t rusage)
{
	unsigned int options = (unsigned int)uoptions;
	struct wait_result res = { 0 };
	int pid = -1;

	(void)rusage;
	if (options & ~(WNOHANG | WNOWAIT | WEXITED | WSTOPPED | WCONTINUED | WAIT_THREAD_FLAGS))
		return -EINVAL;
	if (!(options & (WEXITED | WSTOPPED | WCONTINUED)))
		return -EINVAL;
	if ((int)idtype == P_PID) {
		pid = (int)id;
		if (pid <= 0)
			return -EINVAL;
	} else if ((int)idtype == P_PGID) {
		if ((int)id < 0)
			return -EINVAL;
		pid = (int)id ? -(int)id : 0; /* 0: the caller's group */
	} else if ((int)idtype != P_ALL) {
		return -EINVAL; /* P_PIDFD: no pidfds yet */
	}
	if (only_clone_children(options))
		return -ECHILD;
	long got = do_wait(pid, (int)(options & ~WAIT_THREAD_FLAGS), &res);
	if (got < 0)
		return got;
	struct waitid_info info = { .si_signo = got ? SIGCHLD : 0, .si_code = got ? res.code : 0,
				    .si_pid = res.pid, .si_status = res.si_status };
	if (infop && copy_to_user(infop, &info, sizeof(info)))
		return -EFAULT;
	return 0;
}

long sys_kill(uint64_t pid, uint64_t sig)
{
	struct proc *p = find_task_by_pid((int)pid);

	struct sig_pending_info info = { .code = SI_USER, .pid = current->tgid };

	if (sig > NSIG)
		return -EINVAL;
	if ((int)pid <= 0)
		return kill_something((int)pid, (int)sig, &info); /* groups: kernel/pgrp.c */
	if (!p || !p->mm || p->state == ZOMBIE)
		return -ESRCH; /* kernel threads cannot be signalled */
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

long sys_set_tid_address(uint64_t tidptr)
{
	(void)tidptr; /* no threads: nobody to wake at exit */
	return current->pid;
}
