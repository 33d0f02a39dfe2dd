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
#include "kernel/wait.h"
#include "lib/format.h"
#include "lib/string.h"
#include "mm/mm_types.h"


static const char *const signal_names[] = {
	[1] = "SIGHUP", [2] = "SIGINT", [3] = "SIGQUIT", [4] = "SIGILL", [5] = "SIGTRAP",
	[6] = "SIGABRT", [7] = "SIGBUS", [8] = "SIGFPE", [9] = "SIGKILL", [10] = "SIGUSR1",
	[11] = "SIGSEGV", [12] = "SIGUSR2", [13] = "SIGPIPE", [14] = "SIGALRM", [15] = "SIGTERM",
	[16] = "SIGSTKFLT", [17] = "SIGCHLD", [18] = "SIGCONT", [19] = "SIGSTOP", [20] = "SIGTSTP",
	[21] = "SIGTTIN", [22] = "SIGTTOU", [23] = "SIGURG", [24] = "SIGXCPU", [25] = "SIGXFSZ",
	[26] = "SIGVTALRM", [27] = "SIGPROF", [28] = "SIGWINCH", [29] = "SIGIO", [30] = "SIGPWR",
	[31] = "SIGSYS",
};

static const char *signal_name(int sig)
{
	return sig < (int)ARRAY_SIZE(signal_names) && signal_names[sig] ? signal_names[sig] : "";
}

/* What happened to a job, from its wait status (Linux's encoding, as
 * WIFEXITED, WIFSTOPPED, WIFCONTINUED and WIFSIGNALED read it). */
static void print_status(const struct wait_result *res)
{
	int status = res->status, sig = status & 0x7f;

	if (!sig)
		kprintf("[%d] %s exited with status %d\n", res->pid, res->name, (status >> 8) & 0xff);
	else if ((status & 0xff) == 0x7f)
		kprintf("[%d] %s stopped by signal %d %s\n", res->pid, res->name, status >> 8,
			signal_name(status >> 8));
	else if (status == 0xffff)
		kprintf("[%d] %s continued\n", res->pid, res->name);
	else
		kprintf("[%d] %s killed by signal %d %s\n", res->pid, res->name, sig,
			signal_name(sig));
}

/* Like a shell between commands: what became of the background jobs. */
void report_finished_jobs(void)
{
	struct wait_result res;

	while (do_wait(-1, WEXITED | WSTOPPED | WCONTINUED | WNOHANG, &res) > 0)
		print_status(&res);
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
	/* Until it ends or stops: a stopped job goes on in the background. */
	struct wait_result res;
	do_wait((int)pid, WEXITED | WSTOPPED, &res);
	print_status(&res);
	return 0;
}

static const char *const state_names[] = {
	[EMBRYO] = "new", [RUNNABLE] = "runnable", [RUNNING] = "running",
	[SLEEPING] = "sleeping", [STOPPED] = "stopped", [ZOMBIE] = "zombie", [DEAD] = "dead",
};

/* One task's line. Kernel threads in brackets, as Linux's ps shows
 * them; the other threads of a process in braces below it, as pstree
 * does, each with its own state and kill policy (prctl is per thread). */
static void show_task(struct seq_file *m, struct proc *p)
{
	char name[20];

	if (p->thread_fn)
		snprintf(name, sizeof(name), "[%s]", p->comm);
	else if (!thread_group_leader(p))
		snprintf(name, sizeof(name), "{%s}", p->comm);
	else
		strlcpy(name, p->comm, sizeof(name));
	const char *mode = p->thread_fn ? "-" : !(p->flags & PF_MCE_PROCESS) ? "default" :
			   p->flags & PF_MCE_EARLY ? "early" : "late";
	seq_printf(m, "%5d %5d %-9s %-8s %6lu %s\n", p->pid, p->parent ? p->parent->pid : 0,
		   state_names[p->state], mode, p->mm ? p->mm->rss : 0, name);
}

static void show_process(struct proc *p, void *arg)
{
	for (struct proc *t = first_thread(p); t; t = next_thread(t))
		show_task(arg, t);
}

int ps_show(struct seq_file *m)
{
	seq_puts(m, "  PID  PPID STATE     KILL        RSS NAME\n");
	for_each_process(show_process, m);
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
	if (!p || p->state == EMBRYO || p->signal->live == 0) {
		kprintf("kill: no process %lu\n", (unsigned long)pid);
		return -1;
	}
	if (p->thread_fn) {
		kprintf("kill: %lu is a kernel thread\n", (unsigned long)pid);
		return -1;
	}
	struct sig_pending_info info = { .code = SI_USER };
	send_signal(p, (int)sig, &info);
	return 0;
}
