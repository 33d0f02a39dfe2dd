/*
 * The console's process commands: run a program from the initramfs, list
 * processes, kill one. The console thread is the parent of what it runs,
 * like a shell: it waits for a foreground program, and reports background
 * ones when they finish.
 */
#include "kernel/errno.h"
#include "kernel/exec.h"
#include "kernel/monitor.h"
#include "kernel/printk.h"
#include "kernel/proc.h"
#include "lib/format.h"
#include "lib/string.h"
#include "mm/mm_types.h"


static const char *const signal_names[] = {
	[1] = "SIGHUP", [2] = "SIGINT", [3] = "SIGQUIT", [4] = "SIGILL", [5] = "SIGTRAP",
	[6] = "SIGABRT", [7] = "SIGBUS", [8] = "SIGFPE", [9] = "SIGKILL", [10] = "SIGUSR1",
	[11] = "SIGSEGV", [12] = "SIGUSR2", [13] = "SIGPIPE", [14] = "SIGALRM", [15] = "SIGTERM",
};

/* How a process ended, from its wait status (Linux's encoding). */
static void print_status(int pid, const char *name, int status)
{
	int sig = status & 0x7f;

	if (!sig) {
		kprintf("[%d] %s exited with status %d\n", pid, name, (status >> 8) & 0xff);
		return;
	}
	const char *sname = sig < (int)ARRAY_SIZE(signal_names) && signal_names[sig] ?
			    signal_names[sig] : "";
	kprintf("[%d] %s killed by signal %d %s\n", pid, name, sig, sname);
}

void report_finished_jobs(void)
{
	char name[16];
	int status;
	long pid;

	while ((pid = kernel_wait4(-1, &status, name, true)) > 0)
		print_status((int)pid, name, status);
}

static const char *const errors[] = {
	[ENOENT] = "no such program (type 'ls' for the list)",
	[ENOEXEC] = "not a static x86-64 ELF executable",
	[E2BIG] = "too many arguments",
	[ENOMEM] = "out of memory",
	[EAGAIN] = "out of process ids",
};

int cmd_run(int argc, char **argv)
{
	bool background = !strcmp(argv[argc - 1], "&");
	int nargs = argc - 1 - background;

	if (nargs < 1) {
		kprintf("usage: run PROGRAM [ARGUMENTS] [&]\n");
		return -1;
	}
	long pid = spawn_user(argv[1], nargs, &argv[1]);
	if (pid < 0) {
		kprintf("run: %s: %s\n", argv[1], -pid < (long)ARRAY_SIZE(errors) && errors[-pid] ?
			errors[-pid] : "cannot start it");
		return -1;
	}
	if (background) {
		kprintf("[%ld] %s\n", pid, argv[1]);
		return 0;
	}
	int status;
	char name[16];
	kernel_wait4((int)pid, &status, name, false);
	print_status((int)pid, name, status);
	return 0;
}

static const char *const state_names[] = {
	[EMBRYO] = "new", [RUNNABLE] = "runnable", [RUNNING] = "running",
	[SLEEPING] = "sleeping", [ZOMBIE] = "zombie",
};

static void show_process(struct proc *p)
{
	char name[20];

	/* Kernel threads in brackets, as Linux's ps shows them. */
	if (p->thread_fn)
		snprintf(name, sizeof(name), "[%s]", p->name);
	else
		strlcpy(name, p->name, sizeof(name));
	const char *mode = p->thread_fn ? "-" : !p->mce_kill_set ? "default" :
			   p->mce_kill_early ? "early" : "late";
	kprintf("%5d %5d %-9s %-8s %6lu %s\n", p->pid, p->parent ? p->parent->pid : 0,
		state_names[p->state], mode, p->mm ? p->mm->rss : 0, name);
}

int cmd_ps(int argc, char **argv)
{
	(void)argc, (void)argv;
	kprintf("  PID  PPID STATE     KILL        RSS NAME\n");
	for_each_process(show_process);
	return 0;
}

int cmd_kill(int argc, char **argv)
{
	uint64_t pid, sig = 15;

	if (!monitor_number("kill", argv[1], &pid) || (argc > 2 && !monitor_number("kill", argv[2], &sig)))
		return -1;
	struct proc *p = find_task_by_pid((int)MIN(pid, (uint64_t)PID_MAX));
	if (sig < 1 || sig > NSIG) {
		kprintf("kill: %lu is not a signal (1-%d)\n", (unsigned long)sig, NSIG);
		return -1;
	}
	if (!p || p->state == ZOMBIE) {
		kprintf("kill: no process %lu\n", (unsigned long)pid);
		return -1;
	}
	if (!p->mm) {
		kprintf("kill: %lu is a kernel thread\n", (unsigned long)pid);
		return -1;
	}
	struct sig_pending_info info = { .code = SI_USER };
	send_signal(p, (int)sig, &info);
	return 0;
}
