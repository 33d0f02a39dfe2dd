/*
 * Machine-check initialisation and the #MC handler (Linux:
 * arch/x86/kernel/cpu/mce/core.c).
 *
 * The handler runs on its own IST stack (kernel/gdt.c), like an NMI: it
 * may interrupt any code, even with interrupts off. So it does only what
 * cannot wait - read and clear the banks, grade the errors, and panic if
 * the machine cannot go on - and leaves each record in a lock-free pool
 * (mce/genpool.c). At the next safe point the records are logged and the
 * page work (memory_failure) is queued for the kworker.
 */
#include "mce/mce.h"
#include "kernel/errno.h"
#include "kernel/extable.h"
#include "kernel/panic.h"
#include "kernel/proc.h"
#include "kernel/signal.h"
#include "kernel/printk.h"
#include "kernel/timer.h"
#include "kernel/trap.h"
#include "kernel/uaccess.h"
#include "kernel/x86.h"
#include "mm/memory-failure.h"
#include "mm/pgtable.h"

#define CPUID_EDX_MCE (1U << 7)
#define CPUID_EDX_MCA (1U << 14)
#define CR4_MCE (1UL << 6)

static int nr_banks;
static uint64_t mcg_cap;

int mce_nr_banks(void)
{
	return nr_banks;
}

uint64_t mce_cap(void)
{
	return mcg_cap;
}

bool mce_ser(void)
{
	return mcg_cap & MCG_SER_P;
}

void mce_clear_bank(int bank)
{
	mce_wrmsr(MSR_IA32_MCx_STATUS(bank), 0);
}

void mce_grade(struct mce *m)
{
	m->severity = mce_severity(m, &m->severity_msg);
}

/* Every graded error: into the mcelog ring and, briefly, the kernel log. */
void mce_log(const struct mce *m)
{
	mcelog_add(m);
	mce_print_record(m);
}

/* Errors that were already there when we started (e.g. from before a
 * reset): log them as found and start clean. */
static void log_boot_errors(void)
{
	struct mce template = { .time = jiffies, .mcgcap = mcg_cap };
	struct mce m;

	for (int bank = 0; bank < nr_banks; bank++) {
		mce_read_bank(&m, &template, bank);
		if (!(m.status & MCI_STATUS_VAL))
			continue;
		pr_warn("mce: bank %d held an error at boot\n", bank);
		mce_grade(&m);
		mce_log(&m);
		mce_clear_bank(bank);
	}
}

void mcheck_init(void)
{
	uint32_t a, b, c, d;

	cpuid(1, &a, &b, &c, &d);
	if (!(d & CPUID_EDX_MCE) || !(d & CPUID_EDX_MCA)) {
		pr_warn("mce: this CPU has no machine-check architecture; errors will not be seen\n");
		return;
	}
	mcg_cap = rdmsr(MSR_IA32_MCG_CAP);
	nr_banks = (int)MIN(mcg_cap & MCG_BANKCNT_MASK, (uint64_t)MAX_NR_BANKS);
	if (mcg_cap & MCG_CTL_P)
		wrmsr(MSR_IA32_MCG_CTL, ~0ULL); /* report every kind of error */
	for (int bank = 0; bank < nr_banks; bank++)
		wrmsr(MSR_IA32_MCx_CTL(bank), ~0ULL);
	log_boot_errors();
	write_cr4(read_cr4() | CR4_MCE); /* without it, an #MC resets the machine */
	mce_poll_init();
	latent_init();
	pr_info("mce: MCG_CAP %#lx: %d banks%s%s%s%s, CR4.MCE on, polling every %d ms\n",
		mcg_cap, nr_banks, mcg_cap & MCG_CTL_P ? ", MCG_CTL" : "",
		mcg_cap & MCG_SER_P ? ", SER (recovery)" : "",
		mcg_cap & MCG_CMCI_P ? ", CMCI" : "", mcg_cap & MCG_LMCE_P ? ", LMCE" : "",
		MCE_POLL_MS);
}

/* A fatal error: say what it was, then stop. */
static __attribute__((noreturn)) void mce_panic(const char *msg)
{
	struct mce found;

	/* No safe point will come: show what the handler found first. */
	while (mce_gen_pool_take(&found))
		mce_log(&found);
	pr_emerg("mce: [Hardware Error]: Machine check: %s\n", msg);
	panic("Fatal machine check: %s", msg);
}

/*
 * After an #MC that hit a process in user mode (Linux: kill_me_maybe).
 * memory_failure() with MF_ACTION_REQUIRED unmaps the page everywhere and
 * sends the current process SIGBUS BUS_MCEERR_AR; if the page was
 * already poisoned it sends that too. Otherwise the error cannot be
 * contained: the process gets a plain SIGBUS.
 */
static void kill_me_maybe(void)
{
	uint64_t addr = current->mce_addr;

	if (addr) {
		int err = memory_failure(addr >> 12, MF_ACTION_REQUIRED);
		if (err == 0 || err == -EHWPOISON)
			return;
	}
	pr_err("mce: Memory error not recovered\n");
	force_sig_fault(SIGBUS, SI_KERNEL, 0, 0);
}

/* After an #MC in the kernel's copy of this process's memory: the copy
 * failed (-EFAULT), and the process did not touch the data itself, so
 * only the page goes; the process learns of it if it touches the page
 * (Linux: kill_me_never). */
static void kill_me_never(void)
{
	pr_err("mce: Kernel accessed poison in user space at %lx\n", current->mce_addr);
	memory_failure(current->mce_addr >> PAGE_SHIFT, 0);
}

void mce_task_work(void)
{
	void (*work)(void) = current->mce_work;

	current->mce_work = NULL;
	work();
}

/*
 * What to do after the handler for an action-optional error: the page
 * has not been used yet, so it can be isolated at leisure. So can a page
 * whose bad data a copy_mc read and survived (a copy-on-write, a
 * page-cache read, a collapse): the copy failed, nobody consumed the
 * data. Linux 6.1 leaves that page to the copy's caller (the COW path
 * calls memory_failure_queue since 6.2); here the handler does it for
 * every such copy, so that no caller can forget. A user copy's page
 * (COPYIN) is kill_me_never's.
 */
static void queue_page_work(const struct mce *m)
{
	bool copy_mc = (m->kflags & MCE_IN_KERNEL_RECOV) && !(m->kflags & MCE_IN_KERNEL_COPYIN);

	if ((m->severity != MCE_AO_SEVERITY && !copy_mc) || !mce_usable_address(m))
		return;
	memory_failure_queue(mce_phys_addr(m) >> 12, 0);
}

/* At a safe point (mce/genpool.c), each record the handler left: log it,
 * queue its page (Linux: the mce_gen_pool notifiers, uc_decode_notifier). */
void mce_handle_record(const struct mce *m)
{
	mce_log(m);
	queue_page_work(m);
}

/*
 * Kernel code with an exception-table fixup may survive a machine check
 * (Linux: error_context). copy_mc's reads may always; the user copies
 * only if the bad data is the user's page, in the frame that the user
 * operand of their `rep movs` maps (rsi when copying from user memory,
 * rdi to it). Linux decodes the instruction and asks only about the
 * source; here the emulated memory controller reports stores as well
 * (mce/latent.c), so a copy into a user's bad page counts too.
 */
static unsigned int kernel_recovery_flags(const struct mce *m, const struct trapframe *tf)
{
	/* LAB 8: BEGIN */
	enum ex_type type = ex_get_fixup_type(tf->rip);

	if (type == EX_TYPE_DEFAULT_MCE_SAFE)
		return MCE_IN_KERNEL_RECOV;
	if (type != EX_TYPE_COPY || !(m->status & MCI_STATUS_ADDRV) || !current || !current->mm)
		return 0;
	uint64_t uaddr = tf->rsi < TASK_SIZE ? tf->rsi : tf->rdi;
	uint64_t *pte = uaddr < TASK_SIZE ? walk_pte(current->mm->pgd, uaddr, false) : NULL;
	if (!pte || !pte_present(*pte) || pte_pfn(*pte) != mce_phys_addr(m) >> PAGE_SHIFT)
		return 0;
	return MCE_IN_KERNEL_RECOV | MCE_IN_KERNEL_COPYIN;
	/* LAB 8: STUB
	(void)m, (void)tf;
	return 0; // no kernel code can recover: every kernel consumer panics
	   LAB 8: END */
}

/* An action-required error in kernel code that can recover: resume at
 * the copy's fixup, which returns what it could not copy. */
static void kernel_recover(const struct mce *m, struct trapframe *tf)
{
	/* LAB 8: BEGIN */
	if (!fixup_exception(tf, T_MACHINE_CHECK))
		mce_panic("Failed kernel mode recovery");
	if (m->kflags & MCE_IN_KERNEL_COPYIN) {
		current->mce_work = kill_me_never;
		current->mce_addr = mce_phys_addr(m);
	}
	/* LAB 8: STUB
	(void)m, (void)tf, (void)kill_me_never; // for your code
	mce_panic("lab 8: implement kernel_recover (mce/core.c)");
	   LAB 8: END */
}

/* With SER, an #MC is about the banks with the S bit; the others hold
 * corrected or UCNA errors, which the poller collects. A fatal error is
 * taken wherever it is. */
static bool ours_to_handle(const struct mce *m)
{
	uint64_t signalled = mce_ser() ? MCI_STATUS_S : MCI_STATUS_UC;

	return (m->status & signalled) || m->severity >= MCE_PANIC_SEVERITY;
}

/*
 * The #MC handler: scan every bank, grade each error it holds, keep and
 * clear the ones that are ours; the worst decides what happens next. It
 * touches no list and prints nothing (unless it panics): the records wait
 * in the pool for a safe point. The software injector (mce/inject.c)
 * calls it directly, on its own stack.
 */
void do_machine_check(struct trapframe *tf)
{
	struct mce worst = { .severity = MCE_NO_SEVERITY };
	struct mce template = {
		.mcgstatus = mce_rdmsr(MSR_IA32_MCG_STATUS),
		.ip = tf->rip, .cs = tf->cs, .user = (tf->cs & 3) == 3,
		.in_exception = true, .time = jiffies, .mcgcap = mcg_cap,
	};
	struct mce m;

	for (int bank = 0; bank < nr_banks; bank++) {
		mce_read_bank(&m, &template, bank);
		if (!(m.status & MCI_STATUS_VAL))
			continue;
		if (!m.user)
			m.kflags = kernel_recovery_flags(&m, tf);
		mce_grade(&m);
		if (!ours_to_handle(&m))
			continue;
		mce_gen_pool_add(&m);
		mce_clear_bank(bank);
		if (m.severity > worst.severity)
			worst = m;
	}
	if (worst.severity == MCE_NO_SEVERITY)
		mce_gen_pool_unclaimed(template.mcgstatus);
	if (worst.severity >= MCE_PANIC_SEVERITY)
		mce_panic(worst.severity_msg);
	if (worst.severity == MCE_AR_SEVERITY && (worst.kflags & MCE_IN_KERNEL_RECOV))
		kernel_recover(&worst, tf);
	if (worst.severity >= MCE_UC_SEVERITY && worst.user) {
		/* The process consumed the data: deal with it on its way back
		 * to user mode, where memory_failure() may take its time. */
		current->mce_work = kill_me_maybe;
		current->mce_addr = worst.severity == MCE_AR_SEVERITY && mce_usable_address(&worst) ?
				    mce_phys_addr(&worst) : 0;
	}
	/* MCIP must be clear before we return: another #MC while it is set
	 * shuts the processor down. */
	mce_wrmsr(MSR_IA32_MCG_STATUS, 0);
}

/*
 * Vector 18, a machine check from the CPU (Linux: exc_machine_check). It
 * may arrive in the middle of the software injector's #MC, which runs on
 * the kernel stack, not on this IST stack: it reads the hardware's own
 * registers, never the injector's record, so each handler handles only
 * its own banks.
 */
void exc_machine_check(struct trapframe *tf)
{
	bool was = mce_hardware_view(true);

	do_machine_check(tf);
	mce_hardware_view(was);
}
