/*
 * The console's process commands: run a program, list processes, kill
 * one, bring a job back to the foreground, start a shell. The console
 * thread is the parent of what it runs, like a job-control shell: each
 * job is a process group of the console's session (kernel/pgrp.c). A
 * foreground job owns the terminal - it reads what is typed, Ctrl-C and
 * Ctrl-Z signal it - until it ends or stops; background jobs are reported
 * when they finish.
 */
#include "drivers/tty/tty.h"
#include "kernel/console.h"
#include "kernel/errno.h"
#include "kernel/exec.h"
#include "kernel/monitor.h"
#include "kernel/pgrp.h"
#include "kernel/printk.h"
#include "kernel/proc.h"
#include "kernel/signal.h"
#include "kernel/wait.h"
#include "kernel/x86.h"
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
		kprintf("[%d] %s killed by signal %d %s%s\n", res->pid, res->name, sig,
			signal_name(sig), res->oom_killed ? " (out of memory: the OOM killer chose it)" : "");
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

/* The job has something to tell the console: it ended or stopped. */
static bool job_changed(int pid)
{
	struct proc *p = find_task_by_pid(pid);

	return !p || p->state == ZOMBIE || (p->state == STOPPED && p->signal->stop_code);
}

/*
 * The job pid owns the terminal until it ends or stops (a stopped job
 * goes on in the background). Meanwhile the escape key gives the console
 * one command: both wake the console's wait queue, and both are checked
 * with interrupts off before sleeping, so neither is missed.
 */
static void wait_foreground(struct proc *p)
{
	int pid = p->pid;
	struct wait_result res;

	tty_give_to(&ttyS0, p);
	for (;;) {
		cli();
		while (!console_escape_pending() && !job_changed(pid))
			sleep_on(&current->signal->wait_chldexit);
		sti();
		if (job_changed(pid))
			break;
		console_escape_command();
	}
	tty_console_take_line(&ttyS0);
	do_wait(pid, WEXITED | WSTOPPED, &res);
	print_status(&res);
}

/* A command that would give the terminal away while a job has it (from
 * the escape key's command line). */
static bool terminal_busy(const char *cmd)
{
	if (!tty_job_in_foreground(&ttyS0))
		return false;
	kprintf("%s: a job owns the terminal; add & to run in the background\n", cmd);
	return true;
}

/* Start name as a job of its own: the process, or NULL and *err. */
static struct proc *start_job(const char *name, int argc, char **argv, long *err)
{
	long pid = spawn_user(name, argc, argv);
	if (pid < 0) {
		*err = pid;
		return NULL;
	}
	struct proc *p = find_task_by_pid((int)pid);
	if (pgrp_new_job(p)) {
		struct sig_pending_info info = { .code = SI_KERNEL };
		send_signal(p, SIGKILL, &info);
		*err = -ENOMEM;
		return NULL;
	}
	return p;
}

static void start_failed(const char *cmd, const char *name, long err)
{
	kprintf("%s: %s: %s\n", cmd, name, -err < (long)ARRAY_SIZE(errors) && errors[-err] ?
		errors[-err] : "cannot start it");
}

int cmd_run(int argc, char **argv)
{
	bool background = !strcmp(argv[argc - 1], "&");
	int nargs = argc - 1 - background;

	if (nargs < 1) {
		kprintf("usage: run PROGRAM [ARGUMENTS] [&]\n");
		return -1;
	}
	if (!background && terminal_busy("run"))
		return -1;
	long err;
	struct proc *p = start_job(argv[1], nargs, &argv[1], &err);
	if (!p) {
		start_failed("run", argv[1], err);
		return -1;
	}
	if (background) {
		kprintf("[%d] %s\n", p->pid, argv[1]);
		return 0;
	}
	wait_foreground(p);
	return 0;
}

int cmd_sh(int argc, char **argv)
{
	char *sh_argv[] = { "sh", NULL };

	(void)argc, (void)argv;
	if (terminal_busy("sh"))
		return -1;
	long err;
	struct proc *p = start_job("sh", 1, sh_argv, &err);
	if (!p) {
		if (err == -ENOENT)
			kprintf("sh: no /bin/sh: busybox's shell is not on this system's disk\n");
		else
			start_failed("sh", "/bin/sh", err);
		return -1;
	}
	wait_foreground(p);
	return 0;
}

/* fg PID: a job of the console (stopped, or running in the background)
 * gets the terminal and SIGCONT, and the console waits for it again. A
 * job that has already ended, and whose end no prompt has reported yet,
 * is reported at once: so "fg PID" always ends with the job's fate, which
 * is what a script that waits for a background job needs (the shell's
 * `wait PID`). */
int cmd_fg(int argc, char **argv)
{
	uint64_t pid;
	struct sig_pending_info info = { .code = SI_USER };

	(void)argc;
	if (!monitor_number("fg", argv[1], &pid) || terminal_busy("fg"))
		return -1;
	struct proc *p = find_task_by_pid((int)MIN(pid, (uint64_t)PID_MAX));
	if (!p || p->parent != current) {
		kprintf("fg: no job %lu (the console's jobs: see ps)\n", (unsigned long)pid);
		return -1;
	}
	kprintf("[%d] %s\n", p->pid, p->comm);
	if (p->state == ZOMBIE) {
		struct wait_result res;
		do_wait(p->pid, WEXITED, &res);
		print_status(&res);
		return 0;
	}
	kill_pgrp(task_pgrp_nr(p), SIGCONT, &info);
	wait_foreground(p);
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
