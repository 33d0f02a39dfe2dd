/*
 * execve(): replace the calling process's program. The arguments are
 * copied into the kernel first (the old address space, where they live,
 * is about to go); the new program is loaded into a fresh address space,
 * and only when that worked is the old one released - a failed execve
 * returns to the caller unharmed.
 */
#include "fs/fdtable.h"
#include "fs/internal.h"
#include "lib/err.h"
#include "fs/file.h"
#include "fs/stat.h"
#include "kernel/errno.h"
#include "kernel/fpu.h"
#include "kernel/exec.h"
#include "kernel/proc.h"
#include "kernel/rseq.h"
#include "kernel/syscall.h"
#include "kernel/uaccess.h"
#include "kernel/x86.h"
#include "lib/format.h"
#include "lib/string.h"
#include "mm/mmap.h"
#include "mm/pgtable.h"
#include "mm/pagemap.h"
#include "mm/slab.h"
#include "mm/buddy.h"

struct exec_args {
	char path[MAX_ARG_LEN];
	char *argv[MAX_ARG_STRINGS], *envp[MAX_ARG_STRINGS];
	int argc, envc;
};

/* Copy a NULL-terminated array of user strings into out; *count says
 * how many were copied, also when it fails part way (for free_args). */
static long copy_strings(uint64_t uvec, char **out, int *count)
{
	for (*count = 0; uvec; ) {
		uint64_t ptr;
		if (copy_from_user(&ptr, uvec + *count * sizeof(uint64_t), sizeof(ptr)))
			return -EFAULT;
		if (!ptr)
			return 0;
		if (*count == MAX_ARG_STRINGS)
			return -E2BIG;
		char *s = kmalloc(MAX_ARG_LEN);
		if (!s)
			return -ENOMEM;
		out[(*count)++] = s;
		long len = strncpy_from_user(s, ptr, MAX_ARG_LEN);
		if (len < 0)
			return len == -EFAULT ? -EFAULT : -E2BIG;
	}
	return 0;
}

static void free_args(struct exec_args *a)
{
	for (int i = 0; i < a->argc; i++)
		kfree(a->argv[i]);
	for (int i = 0; i < a->envc; i++)
		kfree(a->envp[i]);
	kfree(a);
}

long find_program(const char *path, struct exec_image *image)
{
	struct path p;
	struct file *file;
	long err = kern_path(path, LOOKUP_FOLLOW, &p);

	if (err)
		return err;
	*image = (struct exec_image){ .name = path };
	struct inode *inode = p.dentry->d_inode;
	if (!S_ISREG(inode->i_mode) || !inode->i_fop->mmap)
		err = -EACCES; /* Linux: a directory or a device is not executable */
	else
		err = inode_permission(inode, MAY_EXEC); /* even root needs an x bit */
	if (!err)
		err = vfs_open_path(&p, O_RDONLY, &file);
	path_put(&p);
	if (err)
		return err;
	image->file = file;
	image->size = (size_t)i_size_read(inode);
	image->header_size = MIN(image->size, (size_t)PAGE_SIZE);
	image->header = kmalloc(PAGE_SIZE);
	struct page *page = !image->header ? ERR_PTR(-ENOMEM) :
			    read_mapping_page(inode->i_mapping, 0, file);
	if (IS_ERR(page)) {
		put_program(image);
		return PTR_ERR(page);
	}
	memcpy(image->header, page_address(page), image->header_size);
	put_page(page);
	return 0;
}

void put_program(struct exec_image *image)
{
	kfree(image->header);
	image->header = NULL;
	if (image->file)
		fput(image->file);
	image->file = NULL;
}

long find_command(const char *name, char *path, size_t size, struct exec_image *image)
{
	static const char *const dirs[] = { "/bin/", "/" };

	if (strchr(name, '/')) {
		strlcpy(path, name, size);
		return find_program(path, image);
	}
	long err = -ENOENT;
	for (size_t i = 0; i < ARRAY_SIZE(dirs) && err == -ENOENT; i++) {
		snprintf(path, size, "%s%s", dirs[i], name);
		err = find_program(path, image);
	}
	return err;
}

/*
 * The signal actions become the defaults (ignored ones stay ignored), in
 * a table of our own: one we share (CLONE_SIGHAND, with threads) is
 * copied first (Linux: unshare_sighand, in de_thread). False if memory
 * is short - before anything changed.
 */
static bool unshare_sighand(void)
{
	struct sighand_struct *old = current->sighand;

	if (old->count > 1) {
		struct sighand_struct *copy = kmalloc(sizeof(*copy));
		if (!copy)
			return false;
		*copy = *old;
		copy->count = 1;
		old->count--;
		current->sighand = copy;
	}
	return true;
}

/*
 * execve in a process with other threads (Linux: de_thread): they all
 * die first - each of a SIGKILL of its own, not the group's - and if the
 * caller is not the main thread, it takes the main thread's place and
 * pid, which is the process's: the parent sees the same process run a
 * new program. -EINTR if the process is dying meanwhile (it exits on
 * the way out).
 */
static long de_thread(void)
{
	static struct wait_queue_head nobody = WAIT_QUEUE_INIT(nobody);
	struct proc *t = current, *leader = t->group_leader;
	struct signal_struct *sig = t->signal;
	long err = 0;

	if (sig->nr_threads == 1)
		return 0;
	cli();
	if (fatal_signal_pending(t) || sig->group_exec_task) {
		sti();
		return -EINTR;
	}
	sig->group_exec_task = t;
	zap_other_threads(t);
	/* Each exiting thread wakes us (kernel/exit.c); the leader stays, a zombie. */
	while (sig->nr_threads > (leader == t ? 1 : 2) || (leader != t && leader->state != ZOMBIE)) {
		if (fatal_signal_pending(t)) {
			err = -EINTR;
			break;
		}
		sleep_on(&nobody);
	}
	if (!err && leader != t)
		take_over_leader(t, leader);
	sig->group_exec_task = NULL;
	sti();
	return err;
}

/* Descriptors shared with another process (CLONE_FILES) become our own
 * copy, so that close-on-exec closes only ours (Linux: unshare_files). */
static long unshare_files(void)
{
	struct files_struct *old = current->files;

	if (old->count == 1)
		return 0;
	struct files_struct *copy = files_dup(old);
	if (!copy)
		return -ENOMEM;
	current->files = copy;
	put_files_struct(old);
	return 0;
}

/* A fresh process image for current: default signal actions, no
 * alternate stack, the new name. Its robust futexes and clear_child_tid
 * belong to the old address space (Linux: exec_mm_release). */
static void flush_old_exec(struct mm_struct *mm, const char *name)
{
	futex_mm_release(current);
	setmax_mm_rss(current);
	exec_mm_switch(mm);
	complete_vfork_done(current);
	files_close_on_exec(current->files);
	flush_signal_handlers(current->sighand);
	current->sas_ss_sp = current->sas_ss_size = 0;
	rseq_execve(current); /* its area was in the old address space */
	current->fs_base = 0;
	wrmsr(MSR_FS_BASE, 0);
	fpu_init_state(&current->fpu); /* the old program's registers must not leak */
	fpu_restore(&current->fpu);
	const char *base = strrchr(name, '/');
	strlcpy(current->comm, base ? base + 1 : name, sizeof(current->comm));
	current->flags &= ~PF_FORKNOEXEC; /* its parent can no longer setpgid it */
}

long sys_execve(uint64_t upath, uint64_t uargv, uint64_t uenvp)
{
	struct exec_args *a = kzalloc(sizeof(*a));
	struct trapframe regs = { 0 };
	long err;

	if (!a)
		return -ENOMEM;
	err = strncpy_from_user(a->path, upath, sizeof(a->path));
	if (err >= 0)
		err = copy_strings(uargv, a->argv, &a->argc);
	if (err >= 0)
		err = copy_strings(uenvp, a->envp, &a->envc);
	if (err < 0) {
		free_args(a);
		return err;
	}
	struct exec_image image;
	err = find_program(a->path, &image);
	if (err) {
		free_args(a);
		return err;
	}
	if (!unshare_sighand()) {
		put_program(&image);
		free_args(a);
		return -ENOMEM;
	}
	struct mm_struct *mm = mm_alloc();
	err = mm ? exec_program(mm, &image, a->argc, a->argv, a->envc, a->envp, &regs) : -ENOMEM;
	put_program(&image);
	if (!err)
		err = de_thread();
	if (!err)
		err = unshare_files();
	if (err) {
		if (mm)
			mm_release(mm);
		free_args(a);
		return err;
	}
	flush_old_exec(mm, image.name);
	free_args(a);
	regs.cs = current->tf->cs;
	regs.ss = current->tf->ss;
	regs.rflags = RFLAGS_IF;
	*current->tf = regs; /* the new program starts with clean registers */
	return 0;
}
