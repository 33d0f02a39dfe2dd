/*
 * A new task made from the caller (Linux: kernel/fork.c): fork, vfork,
 * clone and clone3. The clone flags say, part by part, what the child
 * shares with its creator and what it gets a copy of:
 *
 *   CLONE_VM       the address space          (else a copy-on-write copy)
 *   CLONE_FS       root and working directory (else a copy)
 *   CLONE_FILES    the descriptor table       (else a copy)
 *   CLONE_SIGHAND  the signal actions         (else a copy)
 *   CLONE_THREAD   the process itself: pid, pending signals, exit
 *
 * musl's pthread_create passes all five (and CLONE_SYSVSEM, CLONE_SETTLS,
 * CLONE_PARENT_SETTID, CLONE_CHILD_CLEARTID, CLONE_DETACHED); fork none;
 * posix_spawn CLONE_VM|CLONE_VFORK.
 */
#include "kernel/errno.h"
#include "fs/fdtable.h"
#include "fs/fs_struct.h"
#include "kernel/pgrp.h"
#include "kernel/proc.h"
#include "kernel/rseq.h"
#include "kernel/syscall.h"
#include "kernel/uaccess.h"
#include "kernel/x86.h"
#include "lib/string.h"
#include "mm/fork.h"
#include "mm/layout.h"

#define CSIGNAL 0x000000ffUL /* the signal the parent gets at our exit */
#define CLONE_NEWTIME 0x00000080UL
#define CLONE_VM 0x00000100UL
#define CLONE_FS 0x00000200UL
#define CLONE_FILES 0x00000400UL
#define CLONE_SIGHAND 0x00000800UL
#define CLONE_PIDFD 0x00001000UL
#define CLONE_PTRACE 0x00002000UL
#define CLONE_VFORK 0x00004000UL
#define CLONE_PARENT 0x00008000UL
#define CLONE_THREAD 0x00010000UL
#define CLONE_NEWNS 0x00020000UL
#define CLONE_SYSVSEM 0x00040000UL
#define CLONE_SETTLS 0x00080000UL
#define CLONE_PARENT_SETTID 0x00100000UL
#define CLONE_CHILD_CLEARTID 0x00200000UL
#define CLONE_DETACHED 0x00400000UL
#define CLONE_UNTRACED 0x00800000UL
#define CLONE_CHILD_SETTID 0x01000000UL
#define CLONE_NEWCGROUP 0x02000000UL
#define CLONE_NEWUTS 0x04000000UL
#define CLONE_NEWIPC 0x08000000UL
#define CLONE_NEWUSER 0x10000000UL
#define CLONE_NEWPID 0x20000000UL
#define CLONE_NEWNET 0x40000000UL
#define CLONE_IO 0x80000000UL
#define CLONE_CLEAR_SIGHAND 0x100000000ULL /* clone3 only */
#define CLONE_INTO_CGROUP 0x200000000ULL   /* clone3 only */

/* What Antidote does with each: shares or sets something (SYSVSEM: the
 * semaphore undo list belongs to the thread group, so sharing it is
 * automatic), or, as Linux without a tracer or I/O contexts, nothing
 * (DETACHED is ignored by Linux itself). The namespaces, pidfds and
 * cgroups are not supported: EINVAL, as a Linux built without them. */
#define CLONE_SUPPORTED (CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_SIGHAND | CLONE_VFORK | \
			 CLONE_PARENT | CLONE_THREAD | CLONE_SYSVSEM | CLONE_SETTLS | \
			 CLONE_PARENT_SETTID | CLONE_CHILD_CLEARTID | CLONE_DETACHED | \
			 CLONE_CHILD_SETTID | CLONE_PTRACE | CLONE_UNTRACED | CLONE_IO)

/* Linux's struct kernel_clone_args: what clone and clone3 ask for. */
struct kernel_clone_args {
	uint64_t flags;
	int exit_signal;
	uint64_t stack;      /* the child's stack pointer (0: the caller's) */
	uint64_t parent_tid; /* CLONE_PARENT_SETTID */
	uint64_t child_tid;  /* CLONE_CHILD_SETTID, CLONE_CHILD_CLEARTID */
	uint64_t tls;        /* CLONE_SETTLS: the FS base */
};

/* The combinations Linux refuses (copy_process), in its order. */
static long clone_flags_valid(uint64_t flags)
{
	if (flags & ~(CLONE_SUPPORTED | CLONE_CLEAR_SIGHAND))
		return -EINVAL;
	if ((flags & CLONE_THREAD) && !(flags & CLONE_SIGHAND))
		return -EINVAL; /* a thread shares the actions its process's signals use */
	if ((flags & CLONE_SIGHAND) && !(flags & CLONE_VM))
		return -EINVAL; /* handlers are addresses in one address space */
	if ((flags & CLONE_PARENT) && current->signal == init_task->signal)
		return -EINVAL; /* init's siblings would have nobody to reap them */
	return 0;
}

void complete_vfork_done(struct proc *p)
{
	if (!p->vfork_parent)
		return;
	wake_up(&p->vfork_parent->vfork_done);
	p->vfork_parent = NULL;
}

/*
 * CLONE_VFORK: the parent sleeps until the child no longer uses their
 * shared address space - it has exec'ed or exited. Only a fatal signal
 * ends the wait early (Linux: wait_for_vfork_done); the dying parent
 * then leaves the address space to the child.
 */
static void wait_for_vfork_done(struct proc *child)
{
	cli();
	while (child->vfork_parent && !fatal_signal_pending(current))
		sleep_on(&current->vfork_done);
	child->vfork_parent = NULL;
	sti();
}

/* The parts the child shares or copies, by the flags; false if memory
 * is short (the caller frees what was set). */
static bool copy_parts(struct proc *p, uint64_t flags)
{
	struct proc *parent = current;

	if (flags & CLONE_SIGHAND) {
		p->sighand = parent->sighand;
		p->sighand->count++;
	} else {
		p->sighand = copy_sighand(parent->sighand);
		if (p->sighand && (flags & CLONE_CLEAR_SIGHAND))
			flush_signal_handlers(p->sighand);
	}
	if (flags & CLONE_THREAD) {
		p->signal = parent->signal;
		p->signal->sigcnt++; /* joins its thread list once nothing can fail */
	} else if (!new_thread_group(p)) {
		return false;
	}
	if (flags & CLONE_FILES) {
		p->files = parent->files;
		p->files->count++;
	} else {
		p->files = files_dup(parent->files);
	}
	p->fs = flags & CLONE_FS ? get_fs_struct(parent->fs) : copy_fs_struct(parent->fs);
	struct mm_struct *mm = !p->sighand || !p->files || !p->fs ? NULL :
			       flags & CLONE_VM ? mmget(parent->mm) : dup_mm(parent->mm);
	if (!mm)
		return false;
	mm_add_task(mm, p);
	return true;
}

/* The thread's own state: a copy of the caller's registers (rax 0, the
 * new stack and TLS if given), mask, FPU state and kill policy. */
static void copy_thread(struct proc *p, const struct kernel_clone_args *args)
{
	struct proc *parent = current;
	uint64_t flags = args->flags;

	*p->tf = *parent->tf;
	p->tf->rax = 0;
	if (args->stack)
		p->tf->rsp = args->stack;
	p->blocked = parent->blocked;
	/* A child running beside us in our address space must not share
	 * our alternate stack (Linux: copy_process). */
	if ((flags & (CLONE_VM | CLONE_VFORK)) != CLONE_VM) {
		p->sas_ss_sp = parent->sas_ss_sp;
		p->sas_ss_size = parent->sas_ss_size;
	}
	p->flags = parent->flags & (PF_MCE_PROCESS | PF_MCE_EARLY); /* prctl is inherited */
	p->fs_base = flags & CLONE_SETTLS ? args->tls : parent->fs_base;
	p->set_child_tid = flags & CLONE_CHILD_SETTID ? args->child_tid : 0;
	p->clear_child_tid = flags & CLONE_CHILD_CLEARTID ? args->child_tid : 0;
	rseq_fork(p, flags & CLONE_VM);
	fpu_save(&p->fpu); /* the parent's live registers */
}

/* The child joins its family: a thread its creator's process, anything
 * else the creator's children (CLONE_PARENT: its creator's parent's). */
static void link_child(struct proc *p, const struct kernel_clone_args *args)
{
	struct proc *parent = current;

	if (args->flags & CLONE_THREAD) {
		struct signal_struct *sig = parent->signal;
		p->tgid = parent->tgid;
		p->group_leader = parent->group_leader;
		p->parent = parent->parent;
		p->exit_signal = -1;
		list_add_tail(&p->thread_node, &sig->thread_head);
		sig->nr_threads++;
		sig->live++;
		task_join_group_stop(p);
		return;
	}
	if (args->flags & CLONE_PARENT) {
		p->exit_signal = parent->group_leader->exit_signal;
		add_child(p, parent->parent);
	} else {
		p->exit_signal = args->exit_signal;
		add_child(p, parent);
	}
}

/* Linux's copy_process: the child, complete but not yet runnable. */
static long copy_process(const struct kernel_clone_args *args, struct proc **out)
{
	long err = clone_flags_valid(args->flags);

	if (err)
		return err;
	struct proc *p = alloc_task(current->comm, first_run);
	if (!p)
		return -ENOMEM;
	if (!copy_parts(p, args->flags)) {
		free_embryo(p);
		return -ENOMEM;
	}
	copy_thread(p, args);
	/* A process that is dying (exit_group, a fatal signal, execve
	 * killing the threads) gets no new thread. */
	if (fatal_signal_pending(current) || current->signal->group_exec_task) {
		free_embryo(p);
		return -EINTR;
	}
	bool was_on = irq_save(); /* signals from interrupts walk these lists */
	link_child(p, args);
	irq_restore(was_on);
	if (!(args->flags & CLONE_THREAD))
		pgrp_fork(p, current); /* a new process joins its creator's group and session */
	*out = p;
	return 0;
}

static long kernel_clone(const struct kernel_clone_args *args)
{
	struct proc *p;
	long err = copy_process(args, &p);

	if (err)
		return err;
	int pid = p->pid;
	if (args->flags & CLONE_PARENT_SETTID)
		(void)copy_to_user(args->parent_tid, &pid, sizeof(pid)); /* before it runs */
	bool vfork = args->flags & CLONE_VFORK;
	if (vfork) {
		p->vfork_parent = current;
		get_task_struct(p); /* a thread child is reaped as it exits */
	}
	make_runnable(p);
	if (vfork) {
		wait_for_vfork_done(p);
		put_task_struct(p);
	}
	return pid;
}

long sys_fork(void)
{
	struct kernel_clone_args args = { .exit_signal = SIGCHLD };

	return kernel_clone(&args);
}

/* The child runs on the caller's stack, which is safe only because the
 * caller sleeps until the child execs or exits. */
long sys_vfork(void)
{
	struct kernel_clone_args args = { .flags = CLONE_VM | CLONE_VFORK, .exit_signal = SIGCHLD };

	return kernel_clone(&args);
}

/* Linux x86-64's argument order: flags, stack, parent_tid, child_tid,
 * tls. The low byte of flags is the exit signal. */
long sys_clone(uint64_t flags, uint64_t stack, uint64_t ptid, uint64_t ctid, uint64_t tls)
{
	struct kernel_clone_args args = {
		.flags = flags & ~CSIGNAL & 0xffffffffUL, .exit_signal = (int)(flags & CSIGNAL),
		.stack = stack, .parent_tid = ptid, .child_tid = ctid, .tls = tls,
	};

	if (args.exit_signal > NSIG)
		return -EINVAL;
	return kernel_clone(&args);
}

/* Linux's struct clone_args (version 0 is the first 64 bytes). */
struct clone_args {
	uint64_t flags, pidfd, child_tid, parent_tid, exit_signal, stack, stack_size, tls;
	uint64_t set_tid, set_tid_size, cgroup;
};
#define CLONE_ARGS_SIZE_VER0 64

/* A larger struct from a newer program is fine if what we do not know
 * is zero (Linux: copy_struct_from_user). */
static long copy_clone_args(struct clone_args *ka, uint64_t uargs, uint64_t size)
{
	if (size > PAGE_SIZE)
		return -E2BIG;
	if (size < CLONE_ARGS_SIZE_VER0)
		return -EINVAL;
	memset(ka, 0, sizeof(*ka));
	if (copy_from_user(ka, uargs, MIN(size, sizeof(*ka))))
		return -EFAULT;
	for (uint64_t off = sizeof(*ka); off < size; off++) {
		uint8_t byte;
		if (copy_from_user(&byte, uargs + off, 1))
			return -EFAULT;
		if (byte)
			return -E2BIG;
	}
	return 0;
}

/* clone3's own rules (Linux: clone3_args_valid); the stack is given as
 * a range, its top becomes the stack pointer. set_tid (choosing the
 * child's pid) is not supported. */
static bool clone3_args_valid(const struct clone_args *ka)
{
	if (ka->exit_signal & ~CSIGNAL || ka->exit_signal > NSIG || ka->set_tid_size || ka->set_tid)
		return false;
	if (ka->flags & (CLONE_DETACHED | (CSIGNAL & ~CLONE_NEWTIME)))
		return false;
	if ((ka->flags & (CLONE_SIGHAND | CLONE_CLEAR_SIGHAND)) ==
	    (CLONE_SIGHAND | CLONE_CLEAR_SIGHAND))
		return false;
	if ((ka->flags & (CLONE_THREAD | CLONE_PARENT)) && ka->exit_signal)
		return false;
	if (!ka->stack)
		return !ka->stack_size;
	return ka->stack_size && access_ok(ka->stack, ka->stack_size);
}

long sys_clone3(uint64_t uargs, uint64_t size)
{
	struct clone_args ka;
	long err = copy_clone_args(&ka, uargs, size);

	if (err)
		return err;
	if (!clone3_args_valid(&ka))
		return -EINVAL;
	struct kernel_clone_args args = {
		.flags = ka.flags, .exit_signal = (int)ka.exit_signal,
		.stack = ka.stack ? ka.stack + ka.stack_size : 0,
		.parent_tid = ka.parent_tid, .child_tid = ka.child_tid, .tls = ka.tls,
	};
	return kernel_clone(&args);
}

/* Where our tid is cleared, and a futex woken, when we exit (musl: its
 * thread list lock). Returns our tid. */
long sys_set_tid_address(uint64_t tidptr)
{
	current->clear_child_tid = tidptr;
	return current->pid;
}
