/*
 * execve(): replace the calling process's program. The arguments are
 * copied into the kernel first (the old address space, where they live,
 * is about to go); the new program is loaded into a fresh address space,
 * and only when that worked is the old one released - a failed execve
 * returns to the caller unharmed.
 */
#include "fs/fdtable.h"
#include "fs/initramfs.h"
#include "kernel/errno.h"
#include "kernel/fpu.h"
#include "kernel/exec.h"
#include "kernel/proc.h"
#include "kernel/syscall.h"
#include "kernel/uaccess.h"
#include "kernel/x86.h"
#include "lib/string.h"
#include "mm/mmap.h"
#include "mm/pgtable.h"
#include "mm/slab.h"

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

bool find_program(const char *path, struct exec_image *image)
{
	if (path[0] == '.' && path[1] == '/')
		path += 2;
	while (path[0] == '/') /* "//hello" is "/hello", as a PATH of "/" makes it */
		path++;
	const struct initramfs_file *file = initramfs_lookup(path);
	if (!file)
		return false;
	*image = (struct exec_image){ file->name, file->data, file->size };
	return true;
}

/* A fresh process image for current: default signal actions (ignored
 * ones stay ignored), no alternate stack, the new name. */
static void flush_old_exec(struct mm_struct *mm, const char *name)
{
	struct mm_struct *old = current->mm;

	mm->owner = current;
	current->mm = mm;
	switch_mm(mm);
	mmput(old); /* a vfork child gives its parent's back */
	complete_vfork_done(current);
	files_close_on_exec(current->files);
	for (int sig = 1; sig <= NSIG; sig++)
		if (current->signal.action[sig].handler != SIG_IGN)
			current->signal.action[sig] = (struct k_sigaction){ 0 };
	current->signal.altstack_sp = current->signal.altstack_size = 0;
	current->fs_base = 0;
	wrmsr(MSR_FS_BASE, 0);
	fpu_init_state(&current->fpu); /* the old program's registers must not leak */
	fpu_restore(&current->fpu);
	strlcpy(current->name, name, sizeof(current->name));
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
	if (!find_program(a->path, &image)) {
		free_args(a);
		return -ENOENT;
	}
	struct mm_struct *mm = mm_alloc();
	err = mm ? exec_program(mm, &image, a->argc, a->argv, a->envc, a->envp, &regs) : -ENOMEM;
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
