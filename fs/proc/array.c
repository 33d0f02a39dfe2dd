/*
 * /proc/PID/status and /proc/PID/stat (Linux: fs/proc/array.c), in
 * Linux 6.1's formats. Antidote has one user (root, with every
 * capability), one CPU, no namespaces, no swap and no huge pages, so
 * those fields always read the same; fields Antidote does not keep
 * (fault counts) read 0.
 */
#include "drivers/tty/tty.h"
#include "fs/proc/internal.h"
#include "fs/fdtable.h"
#include "kernel/pgrp.h"
#include "kernel/proc.h"
#include "kernel/signal.h"
#include "kernel/timer.h"
#include "mm/mmap.h"
#include "mm/mmap_lock.h"

#define CAP_FULL_SET 0x000001ffffffffffULL /* capabilities 0-40, Linux 6.1's */

/* Linux's task_state_array: the letter and its word. */
static const char *const task_state_array[] = {
	"R (running)", "S (sleeping)", "D (disk sleep)", "T (stopped)",
	"t (tracing stop)", "X (dead)", "Z (zombie)",
};

static const char *get_task_state(const struct proc *p)
{
	switch (p->state) {
	case RUNNABLE:
	case RUNNING:
		return task_state_array[0];
	case STOPPED:
		return task_state_array[3];
	case ZOMBIE:
		return task_state_array[6];
	case DEAD:
		return task_state_array[5];
	default:
		return task_state_array[1];
	}
}

/* What the areas of mm add up to, in pages (Linux: task_mem). */
struct mem_sizes {
	unsigned long total, data, stack, exec, locked;
};

static void mem_sizes(struct mm_struct *mm, struct mem_sizes *s)
{
	*s = (struct mem_sizes){ 0 };
	if (!mm)
		return;
	mmap_read_lock(mm);
	for (struct vm_area_struct *vma = find_vma(mm, 0); vma; vma = vma_next(mm, vma)) {
		unsigned long pages = (vma->vm_end - vma->vm_start) >> PAGE_SHIFT;
		unsigned long f = vma->vm_flags;
		s->total += pages;
		if (f & VM_LOCKED)
			s->locked += pages;
		/* Linux's is_exec_mapping, is_stack_mapping, is_data_mapping. */
		if ((f & (VM_EXEC | VM_WRITE)) == VM_EXEC)
			s->exec += pages;
		else if (f & VM_GROWSDOWN)
			s->stack += pages;
		else if ((f & (VM_WRITE | VM_SHARED)) == VM_WRITE)
			s->data += pages;
	}
	mmap_read_unlock(mm);
}

static void show_kb(struct seq_file *m, const char *name, unsigned long pages)
{
	seq_printf(m, "%s\t%8lu kB\n", name, pages << (PAGE_SHIFT - 10));
}

static void task_mem(struct seq_file *m, struct mm_struct *mm)
{
	struct mem_sizes s;
	unsigned long rss = mm ? mm->rss : 0;

	mem_sizes(mm, &s);
	if (!mm)
		return;
	show_kb(m, "VmPeak:", s.total); /* no high-water marks kept: the current sizes */
	show_kb(m, "VmSize:", s.total);
	show_kb(m, "VmLck:", s.locked);
	show_kb(m, "VmPin:", 0);
	show_kb(m, "VmHWM:", rss);
	show_kb(m, "VmRSS:", rss);
	show_kb(m, "RssAnon:", rss);
	show_kb(m, "RssFile:", 0);
	show_kb(m, "RssShmem:", 0);
	show_kb(m, "VmData:", s.data);
	show_kb(m, "VmStk:", s.stack);
	show_kb(m, "VmExe:", s.exec);
	show_kb(m, "VmLib:", 0);
	show_kb(m, "VmPTE:", 0);
	show_kb(m, "VmSwap:", 0);
	seq_printf(m, "HugetlbPages:\t%8lu kB\n", mm->hugetlb_usage << (PAGE_SHIFT - 10));
}

/* The signals whose action is to ignore them, and those with a handler. */
static void collect_sigign_sigcatch(const struct proc *p, uint64_t *ign, uint64_t *catch)
{
	*ign = *catch = 0;
	if (!p->sighand)
		return;
	for (int sig = 1; sig <= NSIG; sig++) {
		uint64_t handler = p->sighand->action[sig].handler;
		if (handler == SIG_IGN)
			*ign |= sigmask(sig);
		else if (handler != SIG_DFL)
			*catch |= sigmask(sig);
	}
}

static void task_sig(struct seq_file *m, const struct proc *p)
{
	uint64_t ign, catch;

	collect_sigign_sigcatch(p, &ign, &catch);
	seq_printf(m, "Threads:\t%d\n", p->signal ? p->signal->nr_threads : 1);
	seq_printf(m, "SigQ:\t0/%d\n", 0);
	seq_printf(m, "SigPnd:\t%016llx\n", (unsigned long long)p->pending.signal);
	seq_printf(m, "ShdPnd:\t%016llx\n",
		   (unsigned long long)(p->signal ? p->signal->shared_pending.signal : 0));
	seq_printf(m, "SigBlk:\t%016llx\n", (unsigned long long)p->blocked);
	seq_printf(m, "SigIgn:\t%016llx\n", (unsigned long long)ign);
	seq_printf(m, "SigCgt:\t%016llx\n", (unsigned long long)catch);
}

static void task_cap(struct seq_file *m)
{
	seq_printf(m, "CapInh:\t%016llx\n", 0ULL);
	seq_printf(m, "CapPrm:\t%016llx\n", CAP_FULL_SET);
	seq_printf(m, "CapEff:\t%016llx\n", CAP_FULL_SET);
	seq_printf(m, "CapBnd:\t%016llx\n", CAP_FULL_SET);
	seq_printf(m, "CapAmb:\t%016llx\n", 0ULL);
}

static int ppid_of(const struct proc *p)
{
	return p->parent ? p->parent->tgid : 0;
}

/* m->private: the task, held by the caller. */
int proc_pid_status_show(struct seq_file *m)
{
	struct proc *p = m->private;

	seq_printf(m, "Name:\t%s\n", p->comm);
	seq_printf(m, "Umask:\t%04o\n", 022);
	seq_printf(m, "State:\t%s\n", get_task_state(p));
	seq_printf(m, "Tgid:\t%d\nNgid:\t0\nPid:\t%d\nPPid:\t%d\nTracerPid:\t0\n", p->tgid, p->pid,
		   ppid_of(p));
	seq_printf(m, "Uid:\t0\t0\t0\t0\nGid:\t0\t0\t0\t0\n");
	seq_printf(m, "FDSize:\t%d\n", p->files ? NR_OPEN : 0);
	seq_printf(m, "Groups:\t \n");
	seq_printf(m, "NStgid:\t%d\nNSpid:\t%d\nNSpgid:\t%d\nNSsid:\t%d\n", p->tgid, p->pid,
		   task_pgrp_nr(p), task_session_nr(p));
	task_mem(m, p->mm);
	seq_printf(m, "CoreDumping:\t0\nTHP_enabled:\t0\n");
	task_sig(m, p);
	task_cap(m);
	seq_printf(m, "NoNewPrivs:\t0\nSeccomp:\t0\nSeccomp_filters:\t0\n");
	seq_printf(m, "Speculation_Store_Bypass:\tnot vulnerable\n");
	seq_printf(m, "SpeculationIndirectBranch:\tunknown\n");
	seq_printf(m, "Cpus_allowed:\t1\nCpus_allowed_list:\t0\n");
	seq_printf(m, "Mems_allowed:\t1\nMems_allowed_list:\t0\n");
	seq_printf(m, "voluntary_ctxt_switches:\t%lu\nnonvoluntary_ctxt_switches:\t%lu\n", p->nvcsw,
		   p->nivcsw);
	return 0;
}

/* Linux's state letter: the first character of the status word. */
static char state_letter(const struct proc *p)
{
	return get_task_state(p)[0];
}

/* /proc/PID/stat and /proc/PID/task/TID/stat: 52 fields on one line
 * (Linux: do_task_stat); utime and stime are the whole process's in the
 * first. */
static int do_task_stat(struct seq_file *m, bool whole)
{
	struct proc *p = m->private;
	struct mm_struct *mm = p->mm;
	struct mem_sizes s;
	uint64_t ign, catch;
	struct task_cputime t = whole ? thread_group_cputime_adjusted(p) : task_cputime_adjusted(p);

	mem_sizes(mm, &s);
	collect_sigign_sigcatch(p, &ign, &catch);
	/* pid (comm) state ppid pgrp session tty_nr tpgid flags */
	struct tty_struct *tty = p->signal->tty;
	seq_printf(m, "%d (%s) %c %d %d %d %u %d %u ", p->pid, p->comm, state_letter(p),
		   ppid_of(p), task_pgrp_nr(p), task_session_nr(p), tty ? tty_devnum(tty) : 0,
		   tty ? tty->pgrp : -1, p->flags);
	/* minflt cminflt majflt cmajflt utime stime cutime cstime */
	seq_printf(m, "0 0 0 0 %lu %lu %lu %lu ", nsec_to_clock_t(t.utime),
		   nsec_to_clock_t(t.stime), nsec_to_clock_t(p->signal->cutime),
		   nsec_to_clock_t(p->signal->cstime));
	/* priority nice num_threads itrealvalue starttime vsize rss rsslim */
	seq_printf(m, "20 0 %d 0 %llu %lu %lu 18446744073709551615 ",
		   p->signal ? p->signal->nr_threads : 1,
		   (unsigned long long)nsec_to_clock_t(p->start_time), s.total << PAGE_SHIFT,
		   mm ? mm->rss : 0);
	/* startcode endcode startstack kstkesp kstkeip */
	seq_printf(m, "0 0 %lu 0 0 ", mm ? mm->start_stack : 0);
	/* signal blocked sigignore sigcatch (obsolete decimal masks) wchan nswap cnswap */
	seq_printf(m, "%llu %llu %llu %llu 0 0 0 ",
		   (unsigned long long)(p->pending.signal & 0x7fffffff),
		   (unsigned long long)(p->blocked & 0x7fffffff), (unsigned long long)(ign & 0x7fffffff),
		   (unsigned long long)(catch & 0x7fffffff));
	/* exit_signal processor rt_priority policy delayacct_blkio_ticks guest_time cguest_time */
	seq_printf(m, "17 0 0 0 0 0 0 ");
	/* start_data end_data start_brk arg_start arg_end env_start env_end exit_code */
	seq_printf(m, "0 0 %lu %lu %lu %lu %lu %d\n", mm ? mm->start_brk : 0, mm ? mm->arg_start : 0,
		   mm ? mm->arg_end : 0, mm ? mm->env_start : 0, mm ? mm->env_end : 0,
		   p->state == ZOMBIE ? p->exit_code : 0);
	return 0;
}

int proc_tgid_stat_show(struct seq_file *m)
{
	return do_task_stat(m, true);
}

int proc_tid_stat_show(struct seq_file *m)
{
	return do_task_stat(m, false);
}
