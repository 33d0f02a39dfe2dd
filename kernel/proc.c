/*
 * Creating, ending and reaping processes. Every process is kmalloc'ed and
 * sits on the `all` list (for ps); pid_table maps a pid to its process
 * in one step, so kill() and wait4() never search.
 */
#include "kernel/proc.h"
#include "fs/fdtable.h"
#include "kernel/errno.h"
#include "kernel/cmdline.h"
#include "kernel/exec.h"
#include "kernel/gdt.h"
#include "kernel/panic.h"
#include "kernel/printk.h"
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
static struct list_head all_procs = { &all_procs, &all_procs };

void trapret(void); /* kernel/trapentry.asm: pop a trapframe, iretq */

struct proc *find_task_by_pid(int pid)
{
	return pid > 0 && pid < PID_MAX ? pid_table[pid] : NULL;
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
static void first_run(void)
{
	sti();
}

static void kthread_start(void)
{
	sti();
	current->thread_fn(current->thread_arg);
	do_exit(0);
}

/*
 * A process with a pid, a kernel stack and room for its user registers
 * at the top of that stack, set up so that its first swtch() enters
 * `start`, which then returns to trapret.
 */
static struct proc *alloc_proc(const char *name, void (*start)(void))
{
	struct proc *p = kzalloc(sizeof(*p));
	struct page *stack = alloc_pages(GFP_KERNEL | __GFP_COMP, KSTACK_ORDER);
	int pid = alloc_pid();

	if (!p || !stack || pid < 0) {
		kfree(p);
		if (stack)
			free_pages(stack, KSTACK_ORDER);
		return NULL;
	}
	p->pid = pid;
	pid_table[pid] = p;
	p->state = EMBRYO;
	strlcpy(p->name, name, sizeof(p->name));
	INIT_LIST_HEAD(&p->children);
	INIT_LIST_HEAD(&p->run);
	init_waitqueue_head(&p->child_exit);
	init_waitqueue_head(&p->vfork_done);
	p->kstack = page_address(stack);

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

	list_add_tail(&p->all, &all_procs);
	if (current) {
		p->parent = current;
		list_add_tail(&p->sibling, &current->children);
	} else {
		INIT_LIST_HEAD(&p->sibling);
	}
	return p;
}

static void free_proc(struct proc *p)
{
	pid_table[p->pid] = NULL;
	list_del(&p->all);
	list_del(&p->sibling);
	free_pages(virt_to_page(p->kstack), KSTACK_ORDER);
	files_close_all(p->files); /* a process that never ran */
	kfree(p);
}

struct proc *kthread_create(const char *name, void (*fn)(void *arg), void *arg)
{
	struct proc *p = alloc_proc(name, kthread_start);

	if (!p)
		panic("cannot create kernel thread %s", name);
	p->thread_fn = fn;
	p->thread_arg = arg;
	make_runnable(p);
	return p;
}

long spawn_user(const char *name, int argc, char *const argv[])
{
	struct proc *p = alloc_proc(name, first_run);

	if (!p)
		return -ENOMEM;
	p->mm = mm_alloc();
	if (p->mm)
		p->mm->owner = p;
	p->files = files_alloc_console();
	struct exec_image image;
	long err = !find_program(name, &image) ? -ENOENT : !p->mm || !p->files ? -ENOMEM :
		   exec_default_env(p->mm, &image, argc, argv, p->tf);
	if (err) {
		if (p->mm)
			mm_release(p->mm);
		free_proc(p);
		return err;
	}
	p->tf->cs = USER_CS;
	p->tf->ss = USER_DS;
	p->tf->rflags = RFLAGS_IF;
	fpu_init_state(&p->fpu);
	make_runnable(p);
	return p->pid;
}

#define CSIGNAL 0x000000ffUL     /* the signal the parent gets at our exit */
#define CLONE_VM 0x00000100UL
#define CLONE_VFORK 0x00004000UL

static struct mm_struct *mmget(struct mm_struct *mm)
{
	mm->mm_users++;
	return mm;
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
	if (child->in_vfork) {
		child->in_vfork = false;
		child->mm->owner = child;
	}
	sti();
}

/*
 * fork(), vfork() and clone(): a child that is a copy of the caller -
 * registers, signal handlers and mask, FPU state, kill policy - except
 * that the call returns 0 in the child. Its address space is a
 * copy-on-write copy (mm/fork.c), or with CLONE_VM the caller's own,
 * borrowed until the child execs or exits (mm->owner stays the caller).
 * With a stack the child starts on it.
 */
static long kernel_clone(uint64_t flags, uint64_t stack)
{
	struct proc *parent = current;
	struct proc *child = alloc_proc(parent->name, first_run);

	if (!child)
		return -ENOMEM;
	child->files = files_dup(parent->files);
	if (!child->files) {
		free_proc(child);
		return -ENOMEM;
	}
	child->mm = flags & CLONE_VM ? mmget(parent->mm) : dup_mm(parent->mm);
	if (!child->mm) {
		free_proc(child);
		return -ENOMEM;
	}
	if (!(flags & CLONE_VM))
		child->mm->owner = child;
	*child->tf = *parent->tf;
	child->tf->rax = 0;
	if (stack)
		child->tf->rsp = stack;
	child->signal = parent->signal;
	child->signal.pending = 0;
	child->mce_kill_set = parent->mce_kill_set;
	child->mce_kill_early = parent->mce_kill_early;
	child->fs_base = parent->fs_base;
	child->in_vfork = flags & CLONE_VFORK;
	fpu_save(&child->fpu); /* the parent's live registers */
	long pid = child->pid;
	make_runnable(child);
	if (flags & CLONE_VFORK)
		wait_for_vfork_done(child);
	return pid;
}

long sys_fork(void)
{
	return kernel_clone(0, 0);
}

/* The child runs on the caller's stack, which is safe only because the
 * caller sleeps until the child execs or exits. */
long sys_vfork(void)
{
	return kernel_clone(CLONE_VM | CLONE_VFORK, 0);
}

/* clone() as fork and vfork use it (what musl's posix_spawn needs). A
 * CLONE_VM child must be a vfork child for now: sharing an address space
 * with a running parent is what threads do, and they come later. */
long sys_clone(uint64_t flags, uint64_t stack, uint64_t ptid, uint64_t ctid, uint64_t tls)
{
	(void)ptid, (void)ctid, (void)tls;
	if (flags & ~(CSIGNAL | CLONE_VM | CLONE_VFORK))
		return -EINVAL; /* CLONE_THREAD, CLONE_FILES, CLONE_SETTLS, ...: not supported */
	if ((flags & CLONE_VM) && !(flags & CLONE_VFORK))
		return -EINVAL;
	return kernel_clone(flags, stack);
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
	bool nocldstop = parent->signal.action[SIGCHLD].flags & SA_NOCLDSTOP;

	if (parent->mm && !(job_control && nocldstop)) {
		struct sig_pending_info info = { .code = why, .pid = p->pid, .status = si_status };
		send_signal(parent, SIGCHLD, &info);
	}
	wake_up(&parent->child_exit);
}

static void notify_parent_exit(struct proc *p)
{
	int code, si_status;

	decode_exit_status(p->exit_status, &code, &si_status);
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
		mmput(p->mm);
		p->mm = NULL;
	}
	complete_vfork_done(p);
	files_close_all(p->files); /* pipe ends close: readers see EOF */
	p->files = NULL;
	cli();
	reparent_children(p);
	p->exit_status = status;
	p->state = ZOMBIE;
	notify_parent_exit(p);
	sched();
	panic("zombie %d ran again", p->pid);
}

static bool wanted(const struct proc *child, int pid)
{
	return pid == -1 || child->pid == pid;
}

/* What child has to tell a wait with these options, in *res: its exit,
 * a stop or a continue not yet reported; false if nothing. */
static bool wait_consider(struct proc *child, int options, struct wait_result *res)
{
	bool consume = !(options & WNOWAIT);

	if (child->state == ZOMBIE) {
		if (!(options & WEXITED))
			return false;
		res->status = child->exit_status;
		decode_exit_status(child->exit_status, &res->code, &res->si_status);
	} else if (child->state == STOPPED && child->stop_code && (options & WSTOPPED)) {
		res->status = (child->stop_code << 8) | 0x7f;
		res->code = CLD_STOPPED;
		res->si_status = child->stop_code;
		if (consume)
			child->stop_code = 0;
	} else if (child->continued && (options & WCONTINUED)) {
		res->status = 0xffff;
		res->code = CLD_CONTINUED;
		res->si_status = SIGCONT;
		if (consume)
			child->continued = false;
	} else {
		return false;
	}
	res->pid = child->pid;
	strlcpy(res->name, child->name, sizeof(res->name));
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
				free_proc(child);
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
		sleep_on(&current->child_exit);
		sti();
	}
}

void do_signal_stop(int sig)
{
	struct proc *p = current;
	bool was_on = irq_save();

	p->state = STOPPED;
	p->stop_code = sig;
	p->continued = false;
	notify_parent(p, CLD_STOPPED, sig);
	sched(); /* until proc_continue or proc_kill */
	irq_restore(was_on);
}

void proc_continue(struct proc *p)
{
	bool was_on = irq_save();

	if (p->state == STOPPED) {
		p->stop_code = 0; /* a stop not yet reported never will be */
		p->continued = true;
		make_runnable(p);
		notify_parent(p, CLD_CONTINUED, SIGCONT);
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

void proc_kill(struct proc *p, int sig)
{
	bool was_on = irq_save();

	if (!p->killed) {
		p->killed = true;
		p->kill_signal = sig;
	}
	if (p->state == STOPPED) { /* SIGKILL wakes even a stopped process */
		p->stop_code = 0;
		make_runnable(p);
	}
	proc_wake(p);
	irq_restore(was_on);
}

void for_each_process(void (*fn)(struct proc *p))
{
	for (struct list_head *l = all_procs.next; l != &all_procs; l = l->next)
		fn(list_entry(l, struct proc, all));
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
 * The first user process: "init" from the initramfs, or init=PROGRAM
 * from the kernel command line; the words after "--" are its arguments.
 * It becomes pid 1, the reaper of orphans.
 */
void start_init(void)
{
	static char args[256];
	char *argv[MAX_ARG_STRINGS];
	const char *name = cmdline_get("init");

	if (!name || !*name)
		name = "init";
	if (*name == '/')
		name++;
	argv[0] = (char *)name;
	int argc = 1 + init_arguments(args, sizeof(args), argv + 1, MAX_ARG_STRINGS - 1);
	long pid = spawn_user(name, argc, argv);
	if (pid < 0)
		panic("No working init found (%s: error %ld). Try passing init= option to kernel.",
		      name, pid);
	init_task = find_task_by_pid((int)pid);
}


