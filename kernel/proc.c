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

/*
 * fork(): a child that is a copy of the caller - registers, address space
 * (copy-on-write, mm/fork.c), signal handlers and mask, FPU state, kill
 * policy - except that fork returns 0 in the child.
 */
long sys_fork(void)
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
	child->mm = dup_mm(parent->mm);
	if (!child->mm) {
		free_proc(child);
		return -ENOMEM;
	}
	child->mm->owner = child;
	*child->tf = *parent->tf;
	child->tf->rax = 0;
	child->signal = parent->signal;
	child->signal.pending = 0;
	child->mce_kill_set = parent->mce_kill_set;
	child->mce_kill_early = parent->mce_kill_early;
	child->fs_base = parent->fs_base;
	fpu_save(&child->fpu); /* the parent's live registers */
	make_runnable(child);
	return child->pid;
}

/* clone() with fork's meaning only: no threads yet. */
long sys_clone(uint64_t flags, uint64_t stack, uint64_t ptid, uint64_t ctid, uint64_t tls)
{
	(void)ptid, (void)ctid, (void)tls;
	if ((flags & ~0xffUL) || stack)
		return -EINVAL; /* CLONE_VM, CLONE_THREAD, ...: not supported */
	return sys_fork();
}

/* Tell p's parent that p has exited: SIGCHLD if it is a user process,
 * and a wake-up for wait4. */
static void notify_parent(struct proc *p)
{
	int status = p->exit_status;

	if (p->parent->mm) {
		struct sig_pending_info info = { .code = status & 0x7f ? CLD_KILLED : CLD_EXITED,
						 .pid = p->pid,
						 .status = status & 0x7f ? status & 0x7f : (status >> 8) & 0xff };
		send_signal(p->parent, SIGCHLD, &info);
	}
	wake_up(&p->parent->child_exit);
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
			notify_parent(child);
	}
}

void do_exit(int status)
{
	struct proc *p = current;

	if (p == init_task)
		panic("Attempted to kill init! exitcode=0x%08x", status);
	if (p->mm) {
		switch_mm(NULL); /* off the tables we are about to free */
		mm_release(p->mm);
		p->mm = NULL;
	}
	files_close_all(p->files); /* pipe ends close: readers see EOF */
	p->files = NULL;
	cli();
	reparent_children(p);
	p->exit_status = status;
	p->state = ZOMBIE;
	notify_parent(p);
	sched();
	panic("zombie %d ran again", p->pid);
}

static bool wanted(const struct proc *child, int pid)
{
	return pid == -1 || child->pid == pid;
}

long kernel_wait4(int pid, int *status, char name[16], bool nohang)
{
	for (;;) {
		bool have_children = false;
		cli();
		for (struct list_head *l = current->children.next; l != &current->children; l = l->next) {
			struct proc *child = list_entry(l, struct proc, sibling);
			if (!wanted(child, pid))
				continue;
			have_children = true;
			if (child->state != ZOMBIE)
				continue;
			int child_pid = child->pid;
			if (status)
				*status = child->exit_status;
			if (name)
				strlcpy(name, child->name, 16);
			free_proc(child);
			sti();
			return child_pid;
		}
		if (!have_children || nohang) {
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
	if (!p->killed) {
		p->killed = true;
		p->kill_signal = sig;
	}
	proc_wake(p);
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


