/*
 * Creating, ending and reaping tasks. Every task is kmalloc'ed and sits
 * on the `tasks` list (for ps); pid_table maps a pid to its task in one
 * step, so kill() and wait4() never search. A task is freed when its
 * last reference goes: the one its existence holds, dropped when it is
 * reaped, and any that memory-failure's to_kill list holds meanwhile.
 */
#include "kernel/proc.h"
#include "fs/proc/proc_fs.h"
#include "fs/fdtable.h"
#include "fs/fs_struct.h"
#include "fs/init.h"
#include "ipc/sem.h"
#include "kernel/cred.h"
#include "kernel/errno.h"
#include "kernel/cmdline.h"
#include "kernel/exec.h"
#include "kernel/gdt.h"
#include "kernel/panic.h"
#include "kernel/pgrp.h"
#include "kernel/printk.h"
#include "kernel/timekeeping.h"
#include "kernel/uaccess.h"
#include "kernel/wait.h"
#include "kernel/x86.h"
#include "lib/string.h"
#include "mm/buddy.h"
#include "mm/fork.h"
#include "mm/mmap.h"
#include "mm/pgtable.h"
#include "mm/slab.h"

static struct proc *pid_table[PID_MAX];
struct proc *init_task;
static int last_pid;
static struct list_head all_tasks = { &all_tasks, &all_tasks };

void trapret(void); /* kernel/trapentry.asm: pop a trapframe, iretq */

unsigned long nr_kernel_stacks;

struct proc *find_task_by_pid(int pid)
{
	return pid > 0 && pid < PID_MAX ? pid_table[pid] : NULL;
}

struct proc *next_tgid(int pid)
{
	for (pid = MAX(pid, 1); pid < PID_MAX; pid++)
		if (pid_table[pid] && pid_table[pid]->tgid == pid)
			return pid_table[pid];
	return NULL;
}

static int alloc_pid(void)
{
	for (int i = 1; i < PID_MAX; i++) {
		int pid = (last_pid + i) % PID_MAX;
		if (pid > 0 && !pid_table[pid])
			return last_pid = pid;
	}
	return -EAGAIN;
}

/* The first time a process runs, swtch() "returns" here, with interrupts
 * off; for a user process the next return goes to trapret. */
/* A new user task's first steps in its own context (Linux:
 * schedule_tail): CLONE_CHILD_SETTID's tid goes into its own memory. */
static void first_run(void)
{
	sti();
	if (current->set_child_tid)
		copy_to_user(current->set_child_tid, &current->pid, sizeof(int));
}

static void kthread_start(void)
{
	sti();
	current->thread_fn(current->thread_arg);
	do_exit(0);
}

/* The signal actions of a new task: a copy of `from`'s, or all SIG_DFL. */
static struct sighand_struct *copy_sighand(const struct sighand_struct *from)
{
	struct sighand_struct *sighand = kzalloc(sizeof(*sighand));

	if (!sighand)
		return NULL;
	if (from)
		memcpy(sighand->action, from->action, sizeof(sighand->action));
	sighand->count = 1;
	return sighand;
}

static void put_sighand(struct sighand_struct *sighand)
{
	if (sighand && --sighand->count == 0)
		kfree(sighand);
}

/* A new thread group whose only thread is p (Linux: copy_signal). */
static struct signal_struct *alloc_signal(struct proc *p)
{
	struct signal_struct *sig = kzalloc(sizeof(*sig));

	if (!sig)
		return NULL;
	sig->sigcnt = 1;
	sig->nr_threads = 1;
	INIT_LIST_HEAD(&sig->thread_head);
	list_add_tail(&p->thread_node, &sig->thread_head);
	init_waitqueue_head(&sig->wait_chldexit);
	copy_rlimits(sig, current);
	return sig;
}

static void put_signal(struct signal_struct *sig)
{
	if (sig && --sig->sigcnt == 0)
		kfree(sig);
}

/*
 * A task with a pid, a kernel stack and room for its user registers at
 * the top of that stack, set up so that its first swtch() enters
 * `start`, which then returns to trapret. It leads a new thread group,
 * with signal actions copied from `handlers` (NULL: the defaults).
 */
static struct proc *alloc_proc(const char *name, void (*start)(void),
			       const struct sighand_struct *handlers)
{
	struct proc *p = kzalloc(sizeof(*p));
	struct page *stack = alloc_pages(GFP_KERNEL | __GFP_COMP, KSTACK_ORDER);
	int pid = alloc_pid();

	if (p) {
		p->signal = alloc_signal(p);
		p->sighand = copy_sighand(handlers);
	}
	if (!p || !stack || pid < 0 || !p->signal || !p->sighand) {
		if (p) {
			put_signal(p->signal);
			put_sighand(p->sighand);
		}
		kfree(p);
		if (stack)
			free_pages(stack, KSTACK_ORDER);
		return NULL;
	}
	p->pid = pid;
	p->tgid = pid;
	p->group_leader = p;
	p->usage = 1;
	pid_table[pid] = p;
	p->state = EMBRYO;
	strlcpy(p->comm, name, sizeof(p->comm));
	INIT_LIST_HEAD(&p->children);
	INIT_LIST_HEAD(&p->run);
	INIT_LIST_HEAD(&p->mm_node);
	init_waitqueue_head(&p->vfork_done);
	p->kstack = page_address(stack);
	nr_kernel_stacks++;
	p->start_time = ktime_get_ns();
	p->cred = get_cred(current ? current->cred : &init_cred);

	char *sp = (char *)p->kstack + KSTACK_SIZE;
	sp -= sizeof(struct trapframe);
	p->tf = (struct trapframe *)sp;
	memset(p->tf, 0, sizeof(*p->tf));
	sp -= sizeof(uint64_t);
	*(uint64_t *)sp = (uint64_t)trapret;
	sp -= sizeof(struct context);
	p->context = (struct context *)sp;
	memset(p->context, 0, sizeof(*p->context));
	p->context->rip = (uint64_t)start;

	list_add_tail(&p->tasks, &all_tasks);
	if (current) {
		p->parent = current;
		list_add_tail(&p->sibling, &current->children);
	} else {
		INIT_LIST_HEAD(&p->sibling);
	}
	return p;
}

void get_task_struct(struct proc *t)
{
	bool was_on = irq_save();

	t->usage++;
	irq_restore(was_on);
}

void put_task_struct(struct proc *t)
{
	bool was_on = irq_save();
	bool last = --t->usage == 0;

	irq_restore(was_on);
	if (!last)
		return;
	free_pages(virt_to_page(t->kstack), KSTACK_ORDER);
	nr_kernel_stacks--;
	put_sighand(t->sighand);
	put_signal(t->signal);
	put_cred(t->cred);
	kfree(t);
}

/*
 * A reaped zombie, or a task that never ran, leaves every list and its
 * pid is free again; its struct goes with the last reference (Linux:
 * release_task).
 */
static void release_task(struct proc *p)
{
	pid_table[p->pid] = NULL;
	proc_flush_pid(p->pid);
	pgrp_release(p);
	list_del(&p->tasks);
	list_del(&p->sibling);
	list_del(&p->thread_node);
	p->signal->nr_threads--;
	put_files_struct(p->files); /* a task that never ran */
	p->files = NULL;
	put_fs_struct(p->fs);
	p->fs = NULL;
	put_task_struct(p);
}

/* p starts using mm: it is on mm's list of tasks (memory-failure finds
 * the processes that map a page through it). */
static void mm_add_task(struct mm_struct *mm, struct proc *p)
{
	p->mm = mm;
	list_add_tail(&p->mm_node, &mm->task_list);
}

/* p lets go of its mm (exit, exec): off the list, one user less. */
static void mm_drop_task(struct proc *p)
{
	struct mm_struct *mm = p->mm;

	list_del(&p->mm_node);
	INIT_LIST_HEAD(&p->mm_node);
	p->mm = NULL;
	mmput(mm);
}

void exec_mm_switch(struct mm_struct *mm)
{
	switch_mm(mm); /* off the old tables first: they may be freed */
	mm_drop_task(current); /* a vfork child gives its parent's back */
	mm_add_task(mm, current);
}

struct proc *kthread_create(const char *name, void (*fn)(void *arg), void *arg)
{
	struct proc *p = alloc_proc(name, kthread_start, NULL);

	if (!p)
		panic("cannot create kernel thread %s", name);
	p->thread_fn = fn;
	p->thread_arg = arg;
	p->fs = get_fs_struct(init_fs); /* kernel threads share "/" */
	make_runnable(p);
	return p;
}

/* Give p (a new task, or init's own kernel context) what a user process
 * has - descriptors on the console, "/" as root and working directory,
 * an address space with the program `name` loaded - and make its next
 * return go to user mode. On failure the caller releases p. */
static long setup_user(struct proc *p, const char *name, int argc, char *const argv[])
{
	struct mm_struct *mm = mm_alloc();
	struct exec_image image;
	char path[MAX_ARG_LEN];

	p->files = files_alloc_console();
	p->fs = copy_fs_struct(init_fs);
	long err = !mm || !p->files || !p->fs ? -ENOMEM :
		   find_command(name, path, sizeof(path), &image);
	if (!err) {
		err = exec_default_env(mm, &image, argc, argv, p->tf);
		put_program(&image);
	}
	if (err) {
		if (mm)
			mm_release(mm);
		return err;
	}
	mm_add_task(mm, p);
	p->tf->cs = USER_CS;
	p->tf->ss = USER_DS;
	p->tf->rflags = RFLAGS_IF;
	fpu_init_state(&p->fpu);
	return 0;
}

long spawn_user(const char *name, int argc, char *const argv[])
{
	const char *base = strrchr(name, '/'); /* comm: the name without its directory */
	struct proc *p = alloc_proc(base ? base + 1 : name, first_run, NULL);

	if (!p)
		return -ENOMEM;
	long err = setup_user(p, name, argc, argv);
	if (err) {
		release_task(p);
		return err;
	}
	make_runnable(p);
	return p->pid;
}

#define CSIGNAL 0x000000ffUL     /* the signal the parent gets at our exit */
#define CLONE_VM 0x00000100UL
#define CLONE_VFORK 0x00004000UL
#define CLONE_CHILD_CLEARTID 0x00200000UL
#define CLONE_CHILD_SETTID 0x01000000UL

static struct mm_struct *mmget(struct mm_struct *mm)
{
	mm->mm_users++;
	return mm;
}

struct mm_struct *get_task_mm(struct proc *p)
{
	return p->mm ? mmget(p->mm) : NULL;
}

void mmput(struct mm_struct *mm)
{
	if (--mm->mm_users == 0)
		mm_release(mm);
}

void complete_vfork_done(struct proc *p)
{
	if (!p->in_vfork)
		return;
	p->in_vfork = false;
	wake_up(&p->parent->vfork_done);
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
	while (child->in_vfork && !fatal_signal_pending(current))
		sleep_on(&current->vfork_done);
	child->in_vfork = false;
	sti();
}

/*
 * fork(), vfork() and clone(): a child that is a copy of the caller -
 * registers, signal handlers and mask, FPU state, kill policy - except
 * that the call returns 0 in the child, which leads a thread group of
 * its own with nothing pending. Its address space is a copy-on-write
 * copy (mm/fork.c), or with CLONE_VM the caller's own, borrowed until the
 * child execs or exits: both are then on the mm's task list. With a
 * stack the child starts on it.
 */
static long kernel_clone(uint64_t flags, uint64_t stack, uint64_t ctid)
{
	struct proc *parent = current;
	struct proc *child = alloc_proc(parent->comm, first_run, parent->sighand);

	if (!child)
		return -ENOMEM;
	child->files = files_dup(parent->files);
	child->fs = copy_fs_struct(parent->fs);
	struct mm_struct *mm = !child->files || !child->fs ? NULL :
			       flags & CLONE_VM ? mmget(parent->mm) : dup_mm(parent->mm);
	if (!mm) {
		release_task(child);
		return -ENOMEM;
	}
	mm_add_task(mm, child);
	*child->tf = *parent->tf;
	child->tf->rax = 0;
	if (stack)
		child->tf->rsp = stack;
	child->blocked = parent->blocked;
	child->sas_ss_sp = parent->sas_ss_sp;
	child->sas_ss_size = parent->sas_ss_size;
	child->flags = parent->flags & (PF_MCE_PROCESS | PF_MCE_EARLY);
	child->fs_base = parent->fs_base;
	child->in_vfork = flags & CLONE_VFORK;
	if (flags & CLONE_CHILD_SETTID)
		child->set_child_tid = ctid;
	fpu_save(&child->fpu); /* the parent's live registers */
	pgrp_fork(child, parent);
	long pid = child->pid;
	make_runnable(child);
	if (flags & CLONE_VFORK)
		wait_for_vfork_done(child);
	return pid;
}

long sys_fork(void)
{
	return kernel_clone(0, 0, 0);
}

/* The child runs on the caller's stack, which is safe only because the
 * caller sleeps until the child execs or exits. */
long sys_vfork(void)
{
	return kernel_clone(CLONE_VM | CLONE_VFORK, 0, 0);
}

/* clone() as fork and vfork use it (what musl's posix_spawn and glibc's
 * fork need: glibc's fork asks for CLONE_CHILD_SETTID and
 * CLONE_CHILD_CLEARTID; a fork child shares no memory, so clearing its
 * tid at exit would tell nobody and is left out). A CLONE_VM child must
 * be a vfork child for now: sharing an address space with a running
 * parent is what threads do, and they come later. */
long sys_clone(uint64_t flags, uint64_t stack, uint64_t ptid, uint64_t ctid, uint64_t tls)
{
	(void)ptid, (void)tls;
	if (flags & ~(CSIGNAL | CLONE_VM | CLONE_VFORK | CLONE_CHILD_SETTID | CLONE_CHILD_CLEARTID))
		return -EINVAL; /* CLONE_THREAD, CLONE_FILES, CLONE_SETTLS, ...: not supported */
	if ((flags & CLONE_VM) && !(flags & CLONE_VFORK))
		return -EINVAL;
	return kernel_clone(flags, stack, ctid);
}

/* A wait4 exit status as waitid tells it: si_code and si_status. */
static void decode_exit_status(int status, int *code, int *si_status)
{
	*code = status & 0x7f ? CLD_KILLED : CLD_EXITED;
	*si_status = status & 0x7f ? status & 0x7f : (status >> 8) & 0xff;
}

/*
 * Tell p's parent that p exited, stopped or continued (why: CLD_*):
 * SIGCHLD if the parent is a user process - for a stop or a continue
 * only if its SIGCHLD action lacks SA_NOCLDSTOP - and always a wake-up
 * for wait.
 */
static void notify_parent(struct proc *p, int why, int si_status)
{
	struct proc *parent = p->parent;
	bool job_control = why == CLD_STOPPED || why == CLD_CONTINUED;
	bool nocldstop = parent->sighand->action[SIGCHLD].flags & SA_NOCLDSTOP;

	if (parent->mm && !(job_control && nocldstop)) {
		struct sig_pending_info info = { .code = why, .pid = p->pid, .status = si_status };
		send_signal(parent, SIGCHLD, &info);
	}
	wake_up(&parent->signal->wait_chldexit);
}

static void notify_parent_exit(struct proc *p)
{
	int code, si_status;

	decode_exit_status(p->exit_code, &code, &si_status);
	notify_parent(p, code, si_status);
}

/* Orphans go to init, which reaps them (to our parent if there is no init
 * yet - only possible at boot). */
static void reparent_children(struct proc *p)
{
	struct proc *reaper = init_task && init_task != p ? init_task : p->parent;

	while (!list_empty(&p->children)) {
		struct proc *child = list_first_entry(&p->children, struct proc, sibling);
		list_del(&child->sibling);
		child->parent = reaper;
		list_add_tail(&child->sibling, &reaper->children);
		if (child->state == ZOMBIE)
			notify_parent_exit(child);
	}
}

void do_exit(int status)
{
	struct proc *p = current;

	if (p == init_task)
		panic("Attempted to kill init! exitcode=0x%08x", status);
	if (p->mm) {
		switch_mm(NULL); /* off the tables we may be about to free */
		mm_drop_task(p);
	}
	complete_vfork_done(p);
	put_files_struct(p->files); /* pipe ends close: readers see EOF */
	p->files = NULL;
	put_fs_struct(p->fs);
	p->fs = NULL;
	/* The group's SEM_UNDO adjustments: at its last thread's exit. */
	exit_sem(p->signal);
	cli();
	pgrp_exit(p);
	reparent_children(p);
	p->exit_code = status;
	p->state = ZOMBIE;
	notify_parent_exit(p);
	sched();
	panic("zombie %d ran again", p->pid);
}

/* pid: -1 any child, > 0 that one, 0 one of our group, < -1 one of group -pid. */
static bool wanted(const struct proc *child, int pid)
{
	if (pid < -1 || pid == 0)
		return task_pgrp_nr(child) == (pid ? -pid : task_pgrp_nr(current));
	return pid == -1 || child->pid == pid;
}

/* What child has to tell a wait with these options, in *res: its exit,
 * a stop or a continue not yet reported; false if nothing. */
static bool wait_consider(struct proc *child, int options, struct wait_result *res)
{
	struct signal_struct *sig = child->signal;
	bool consume = !(options & WNOWAIT);

	if (child->state == ZOMBIE) {
		if (!(options & WEXITED))
			return false;
		res->status = child->exit_code;
		decode_exit_status(child->exit_code, &res->code, &res->si_status);
	} else if (child->state == STOPPED && sig->stop_code && (options & WSTOPPED)) {
		res->status = (sig->stop_code << 8) | 0x7f;
		res->code = CLD_STOPPED;
		res->si_status = sig->stop_code;
		if (consume)
			sig->stop_code = 0;
	} else if ((sig->flags & SIGNAL_STOP_CONTINUED) && (options & WCONTINUED)) {
		res->status = 0xffff;
		res->code = CLD_CONTINUED;
		res->si_status = SIGCONT;
		if (consume)
			sig->flags &= ~SIGNAL_STOP_CONTINUED;
	} else {
		return false;
	}
	res->pid = child->pid;
	strlcpy(res->name, child->comm, sizeof(res->name));
	return true;
}

long do_wait(int pid, int options, struct wait_result *res)
{
	for (;;) {
		bool have_children = false;
		cli();
		for (struct list_head *l = current->children.next; l != &current->children; l = l->next) {
			struct proc *child = list_entry(l, struct proc, sibling);
			if (!wanted(child, pid))
				continue;
			have_children = true;
			if (!wait_consider(child, options, res))
				continue;
			if (child->state == ZOMBIE && !(options & WNOWAIT))
				release_task(child);
			sti();
			return res->pid;
		}
		if (!have_children || (options & WNOHANG)) {
			sti();
			return have_children ? 0 : -ECHILD;
		}
		if (signal_pending(current)) {
			sti();
			return -ERESTARTSYS;
		}
		sleep_on(&current->signal->wait_chldexit);
		sti();
	}
}

void do_signal_stop(int sig)
{
	struct proc *p = current;
	bool was_on = irq_save();

	p->state = STOPPED;
	p->signal->stop_code = sig;
	p->signal->flags &= ~SIGNAL_STOP_CONTINUED;
	notify_parent(p, CLD_STOPPED, sig);
	sched(); /* until proc_continue or proc_kill */
	irq_restore(was_on);
}

/* Every stopped thread of p's group runs again; true if one was. */
static bool wake_stopped_threads(struct proc *p)
{
	struct list_head *threads = &p->signal->thread_head;
	bool woke = false;

	for (struct list_head *l = threads->next; l != threads; l = l->next) {
		struct proc *t = list_entry(l, struct proc, thread_node);
		if (t->state == STOPPED) {
			make_runnable(t);
			woke = true;
		}
	}
	return woke;
}

void proc_continue(struct proc *p)
{
	bool was_on = irq_save();

	if (wake_stopped_threads(p)) {
		p->signal->stop_code = 0; /* a stop not yet reported never will be */
		p->signal->flags |= SIGNAL_STOP_CONTINUED;
		notify_parent(p->group_leader, CLD_CONTINUED, SIGCONT);
	}
	irq_restore(was_on);
}

void proc_wake(struct proc *p)
{
	bool was_on = irq_save();

	if (p->state == SLEEPING) {
		list_del(&p->run); /* off its wait queue */
		make_runnable(p);
	}
	irq_restore(was_on);
}

/* The whole thread group dies of sig (Linux: complete_signal's group
 * exit): each thread notices at its next return to user mode, or in a
 * long loop through fatal_signal_pending. */
void proc_kill(struct proc *p, int sig)
{
	struct signal_struct *s = p->signal;
	bool was_on = irq_save();

	if (!(s->flags & SIGNAL_GROUP_EXIT)) {
		s->flags |= SIGNAL_GROUP_EXIT;
		s->group_exit_code = sig;
	}
	if (wake_stopped_threads(p)) /* SIGKILL wakes even a stopped process */
		s->stop_code = 0;
	for (struct list_head *l = s->thread_head.next; l != &s->thread_head; l = l->next)
		proc_wake(list_entry(l, struct proc, thread_node));
	irq_restore(was_on);
}

void for_each_process(void (*fn)(struct proc *p, void *arg), void *arg)
{
	for (struct list_head *l = all_tasks.next; l != &all_tasks; l = l->next)
		fn(list_entry(l, struct proc, tasks), arg);
}

/* Split the words after "--" on the kernel command line into argv. */
static int init_arguments(char *buf, size_t size, char **argv, int max)
{
	const char *rest = cmdline_after_dashes();
	int argc = 0;

	strlcpy(buf, rest ? rest : "", size);
	for (char *p = buf; *p && argc < max; ) {
		while (*p == ' ')
			*p++ = '\0';
		if (*p)
			argv[argc++] = p;
		while (*p && *p != ' ')
			p++;
	}
	return argc;
}

/*
 * The first user process, pid 1 (Linux: kernel_init). It starts in the
 * kernel: mounts the root file system - which may mean reading a disk,
 * so it needs a task that can sleep - then loads "init" (or
 * init=PROGRAM from the kernel command line; the words after "--" are
 * its arguments) into itself and returns to user mode as that program,
 * the reaper of orphans.
 */
static char init_args[256];
static char *init_argv[MAX_ARG_STRINGS];
static int init_argc;

static void init_start(void)
{
	sti();
	prepare_namespace();
	long err = setup_user(current, init_argv[0], init_argc, init_argv);
	if (err)
		panic("No working init found (%s: error %ld). Try passing init= option to kernel.",
		      init_argv[0], err);
	switch_mm(current->mm);
	fpu_restore(&current->fpu);
	/* Back through first_run's path: trapret enters the program. */
}

void start_init(void)
{
	const char *name = cmdline_get("init");

	if (!name || !*name)
		name = "init";
	if (*name == '/')
		name++;
	init_argv[0] = (char *)name;
	init_argc = 1 + init_arguments(init_args, sizeof(init_args), init_argv + 1,
				       MAX_ARG_STRINGS - 1);
	init_task = alloc_proc(name, init_start, NULL);
	if (!init_task)
		panic("No memory for init");
	make_runnable(init_task);
}
