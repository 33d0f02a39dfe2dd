/*
 * The task table (Linux: kernel/pid.c and the task parts of fork.c):
 * every task is kmalloc'ed and sits on the `tasks` list (for ps);
 * pid_table maps a pid to its task in one step, so kill() and wait4()
 * never search. A task is freed when its last reference goes: the one
 * its existence holds, dropped when it is reaped, and any that
 * memory-failure's to_kill list holds meanwhile. Making a task from
 * another is kernel/fork.c; ending one, kernel/exit.c.
 */
#include "kernel/proc.h"
#include "fs/proc/proc_fs.h"
#include "fs/fdtable.h"
#include "fs/fs_struct.h"
#include "fs/init.h"
#include "kernel/cred.h"
#include "kernel/errno.h"
#include "kernel/cmdline.h"
#include "kernel/exec.h"
#include "kernel/gdt.h"
#include "kernel/panic.h"
#include "kernel/printk.h"
#include "kernel/timekeeping.h"
#include "kernel/uaccess.h"
#include "kernel/x86.h"
#include "lib/string.h"
#include "mm/swapfile.h"
#include "mm/buddy.h"
#include "mm/mmap.h"
#include "mm/pgtable.h"
#include "mm/slab.h"

static struct proc *pid_table[PID_MAX];
struct proc *init_task;
static int last_pid;
static struct list_head all_tasks = { &all_tasks, &all_tasks };

void trapret(void); /* kernel/trapentry.asm: pop a trapframe, iretq */

unsigned long nr_kernel_stacks;
unsigned long total_forks;

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

void exchange_tids(struct proc *a, struct proc *b)
{
	int pid = a->pid;

	a->pid = b->pid;
	b->pid = pid;
	pid_table[a->pid] = a;
	pid_table[b->pid] = b;
}

int last_pid_allocated(void)
{
	return last_pid;
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
 * off; for a user task the next return goes to trapret. A new thread
 * tells its creator its tid where CLONE_CHILD_SETTID asked (Linux:
 * schedule_tail). */
void first_run(void)
{
	sti();
	if (current->set_child_tid) {
		int tid = current->pid;
		(void)copy_to_user(current->set_child_tid, &tid, sizeof(tid));
	}
}

static void kthread_start(void)
{
	sti();
	current->thread_fn(current->thread_arg);
	do_exit(0);
}

struct sighand_struct *copy_sighand(const struct sighand_struct *from)
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

bool new_thread_group(struct proc *p)
{
	struct signal_struct *sig = kzalloc(sizeof(*sig));

	if (!sig)
		return false;
	sig->sigcnt = 1;
	sig->nr_threads = 1;
	sig->live = 1;
	INIT_LIST_HEAD(&sig->thread_head);
	list_add_tail(&p->thread_node, &sig->thread_head);
	init_waitqueue_head(&sig->wait_chldexit);
	copy_rlimits(sig, current);
	if (current && current->signal) {
		sig->oom_score_adj = current->signal->oom_score_adj;
		sig->oom_score_adj_min = current->signal->oom_score_adj_min;
	}
	p->signal = sig;
	p->tgid = p->pid;
	p->group_leader = p;
	return true;
}

static void put_signal(struct signal_struct *sig)
{
	if (sig && --sig->sigcnt == 0)
		kfree(sig);
}

struct proc *alloc_task(const char *name, void (*start)(void))
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
	p->usage = 1;
	pid_table[pid] = p;
	p->state = EMBRYO;
	p->exit_signal = SIGCHLD;
	strlcpy(p->comm, name, sizeof(p->comm));
	INIT_LIST_HEAD(&p->children);
	INIT_LIST_HEAD(&p->sibling);
	INIT_LIST_HEAD(&p->thread_node);
	INIT_LIST_HEAD(&p->run);
	INIT_LIST_HEAD(&p->mm_node);
	init_waitqueue_head(&p->vfork_done);
	p->kstack = page_address(stack);
	nr_kernel_stacks++;
	total_forks++;
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
	return p;
}

void add_child(struct proc *p, struct proc *parent)
{
	p->parent = parent;
	list_add_tail(&p->sibling, &parent->children);
}

/*
 * A task leading a new thread group, a child of the caller (if any),
 * with signal actions copied from `handlers` (NULL: the defaults).
 */
static struct proc *alloc_proc(const char *name, void (*start)(void),
			       const struct sighand_struct *handlers)
{
	struct proc *p = alloc_task(name, start);

	if (!p)
		return NULL;
	p->sighand = copy_sighand(handlers);
	if (!p->sighand || !new_thread_group(p)) {
		free_embryo(p);
		return NULL;
	}
	if (current)
		add_child(p, current);
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

void unhash_task(struct proc *p)
{
	pid_table[p->pid] = NULL;
	proc_flush_pid(p);
	list_del(&p->tasks);
	list_del(&p->sibling);
	if (!list_empty(&p->thread_node)) {
		list_del(&p->thread_node);
		p->signal->nr_threads--;
	}
}

void free_embryo(struct proc *p)
{
	bool was_on = irq_save();

	unhash_task(p);
	irq_restore(was_on);
	if (p->mm)
		mm_drop_task(p);
	put_files_struct(p->files);
	p->files = NULL;
	if (p->fs)
		put_fs_struct(p->fs);
	p->fs = NULL;
	put_task_struct(p);
}

/* p starts using mm: it is on mm's list of tasks (memory-failure finds
 * the processes that map a page through it). */
void mm_add_task(struct mm_struct *mm, struct proc *p)
{
	p->mm = mm;
	list_add_tail(&p->mm_node, &mm->task_list);
}

/* p lets go of its mm (exit, exec): off the list, one user less. */
void mm_drop_task(struct proc *p)
{
	struct mm_struct *mm = p->mm;

	list_del(&p->mm_node);
	INIT_LIST_HEAD(&p->mm_node);
	p->mm = NULL;
	mmput(mm);
}

struct mm_struct *mmget(struct mm_struct *mm)
{
	mm->mm_users++;
	return mm;
}

bool mmget_not_zero(struct mm_struct *mm)
{
	if (mm->mm_users == 0)
		return false;
	mm->mm_users++;
	return true;
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
		free_embryo(p);
		return err;
	}
	make_runnable(p);
	return p->pid;
}

void for_each_process(void (*fn)(struct proc *p, void *arg), void *arg)
{
	for (struct list_head *l = all_tasks.next; l != &all_tasks; l = l->next) {
		struct proc *p = list_entry(l, struct proc, tasks);
		if (thread_group_leader(p))
			fn(p, arg);
	}
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
	swapon_signed_disks(); /* /dev is there now */
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
