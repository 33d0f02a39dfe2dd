/*
 * The software injector (Linux: arch/x86/kernel/cpu/mce/inject.c). It
 * makes one bank read as a given error (mce/msr.c) and then either takes
 * the #MC at once - the real handler, called on this stack rather than
 * through `int $18` on the #MC IST stack, so that a real #MC arriving in
 * the middle finds that stack free - or leaves the error for the poller,
 * as hardware does with corrected ones.
 *
 *   mce-inject bank=N status=HEX [addr=HEX] [misc=HEX] [mcgstatus=HEX] [raise|poll]
 *              [ctx=kernel|ctx=user:PID]
 *   inject srao|srar|ucna|ce PFN [user:PID]
 *   inject pcc [user:PID]
 *   inject latent PFN          (the emulated memory controller: mce/latent.c)
 *
 * ctx=user:PID (user:PID for the shorthands) takes the #MC the next time
 * PID is interrupted while running in user mode, as if that process had
 * touched the bad memory.
 *
 * Anything malformed or self-contradictory is refused with the reason,
 * and nothing is injected.
 */
#include "mce/mce.h"
#include "kernel/errno.h"
#include "kernel/gdt.h"
#include "kernel/printk.h"
#include "kernel/proc.h"
#include "kernel/trap.h"
#include "kernel/x86.h"
#include "lib/parse.h"
#include "lib/string.h"

#define VAL_EN (MCI_STATUS_VAL | MCI_STATUS_EN)
#define ADDR_MISC (MCI_STATUS_ADDRV | MCI_STATUS_MISCV)
#define MISC_PAGE 0x8c /* physical address, lowest valid bit 12: one page */
#define MAX_PFN (1ULL << 40) /* 52-bit physical addresses */

struct request {
	struct mce_injection inj;
	uint64_t bank; /* as given: inj.bank once it is known to exist */
	bool have_bank, have_status, have_addr, have_misc, have_mcgstatus, have_mode;
	int user_pid; /* ctx=user:PID: take the #MC while PID runs in user mode */
};

/* An injection waiting for its process to be running in user mode. Its
 * record stays here, out of the banks, until it fires: no other machine
 * check may see it (or its MCG_STATUS). */
static int armed_pid;
static struct mce_injection armed;

static int refuse(const char *why)
{
	kprintf("mce-inject: %s; nothing injected\n", why);
	return -1;
}

/* ctx=kernel (the default: the #MC interrupts the console), or
 * ctx=user:PID. */
static int parse_context(struct request *r, const char *text)
{
	uint64_t pid;

	if (!strcmp(text, "kernel"))
		return 0;
	if (strncmp(text, "user:", 5) || !parse_u64(text + 5, &pid) || pid >= PID_MAX)
		return refuse("ctx is kernel or user:PID");
	struct proc *p = find_task_by_pid((int)pid);
	if (!p || !p->mm || p->state == ZOMBIE)
		return refuse("ctx=user:PID needs a running user process");
	r->user_pid = (int)pid;
	return 0;
}

/* Each word is key=value, or raise/poll. */
static int parse_word(struct request *r, char *word)
{
	char *eq = strchr(word, '=');
	uint64_t *field;
	bool *seen;
	uint64_t v;

	if (!strcmp(word, "raise") || !strcmp(word, "poll")) {
		if (r->have_mode)
			return refuse("give raise or poll once");
		r->have_mode = true;
		r->inj.raise = !strcmp(word, "raise");
		return 0;
	}
	if (!eq) {
		kprintf("mce-inject: '%s' is not key=value, raise or poll; nothing injected\n", word);
		return -1;
	}
	*eq = '\0';
	if (!strcmp(word, "ctx"))
		return parse_context(r, eq + 1);
	if (!strcmp(word, "bank")) {
		seen = &r->have_bank;
		field = &r->bank;
	} else if (!strcmp(word, "status")) {
		seen = &r->have_status;
		field = &r->inj.status;
	} else if (!strcmp(word, "addr")) {
		seen = &r->have_addr;
		field = &r->inj.addr;
	} else if (!strcmp(word, "misc")) {
		seen = &r->have_misc;
		field = &r->inj.misc;
	} else if (!strcmp(word, "mcgstatus")) {
		seen = &r->have_mcgstatus;
		field = &r->inj.mcgstatus;
	} else {
		kprintf("mce-inject: unknown field '%s' (bank, status, addr, misc, mcgstatus); "
			"nothing injected\n", word);
		return -1;
	}
	if (*seen) {
		kprintf("mce-inject: %s= given twice; nothing injected\n", word);
		return -1;
	}
	if (!parse_u64(eq + 1, &v)) {
		kprintf("mce-inject: %s: '%s' is not a number; nothing injected\n", word, eq + 1);
		return -1;
	}
	*seen = true;
	*field = v;
	return 0;
}

/* The checks a real bank's contents would pass. */
static int validate(const struct request *r)
{
	uint64_t s = r->inj.status;

	if (mce_nr_banks() == 0)
		return refuse("this CPU has no machine-check banks");
	if (!r->have_bank || !r->have_status)
		return refuse("bank= and status= are required");
	if (r->bank >= (uint64_t)mce_nr_banks()) {
		kprintf("mce-inject: bank %lu does not exist (banks 0-%d); nothing injected\n",
			r->bank, mce_nr_banks() - 1);
		return -1;
	}
	if (!(s & MCI_STATUS_VAL))
		return refuse("status has no VAL bit (63): a bank without it holds no error");
	if (r->have_addr != !!(s & MCI_STATUS_ADDRV))
		return refuse(r->have_addr ? "addr= given but ADDRV (bit 58) is clear"
					   : "ADDRV (bit 58) is set but no addr= given");
	if (r->have_misc != !!(s & MCI_STATUS_MISCV))
		return refuse(r->have_misc ? "misc= given but MISCV (bit 59) is clear"
					   : "MISCV (bit 59) is set but no misc= given");
	if (r->inj.raise && !(s & MCI_STATUS_UC))
		return refuse("a corrected error (UC, bit 61, clear) never raises #MC: use poll");
	if (!r->inj.raise && r->have_mcgstatus)
		return refuse("mcgstatus= is what the #MC handler reads: it needs raise");
	if (!r->inj.raise && (s & MCI_STATUS_UC) && (s & MCI_STATUS_S))
		return refuse("a signalled error (UC and S set) arrives by #MC, not polling: use raise");
	if (r->user_pid && !r->inj.raise)
		return refuse("ctx=user:PID needs raise");
	if (r->user_pid && armed_pid)
		return refuse("another injection is still waiting for its process");
	if (mce_bank_injected((int)r->bank)) {
		kprintf("mce-inject: bank %lu still holds an injected error; nothing injected\n",
			r->bank);
		return -1;
	}
	if (armed_pid && armed.bank == (int)r->bank) {
		kprintf("mce-inject: bank %lu is kept for the injection waiting for process %d; "
			"nothing injected\n", r->bank, armed_pid);
		return -1;
	}
	return 0;
}

/*
 * Take the #MC now, with interrupts off as the CPU would, but on the
 * current stack: a real #MC can arrive in the middle (it cannot be
 * masked) and then runs cleanly on the IST stack. The record is in its
 * bank only while this handler runs for it.
 */
static void raise_machine_check(const struct mce_injection *inj, struct trapframe *tf)
{
	bool was_on = irq_save();

	mce_inject_record(inj);
	do_machine_check(tf);
	mce_inject_done();
	irq_restore(was_on);
}

/* The frame an #MC would push here, in the console's kernel thread. */
static void this_kernel_frame(struct trapframe *tf)
{
	*tf = (struct trapframe){ .trapno = T_MACHINE_CHECK, .cs = KERNEL_CS, .ss = KERNEL_DS,
				  .rflags = read_rflags() };
	__asm__ volatile("lea (%%rip), %0\n mov %%rsp, %1\n mov %%rbp, %2"
			 : "=r"(tf->rip), "=r"(tf->rsp), "=r"(tf->rbp));
}

static int inject(struct request *r)
{
	struct mce_injection *inj = &r->inj;
	struct trapframe tf;

	inj->bank = (int)r->bank;

	pr_info("mce-inject: bank %d status 0x%lx addr 0x%lx misc 0x%lx", inj->bank, inj->status,
		inj->addr, inj->misc);
	if (inj->raise)
		pr_cont(" mcgstatus 0x%lx", inj->mcgstatus);
	pr_cont(": %s\n", !inj->raise ? "left for the poller" :
		r->user_pid ? "#MC when that process next runs in user mode" : "raising #MC");
	if (r->user_pid) {
		armed = *inj;
		armed_pid = r->user_pid;
		return 0;
	}
	if (!inj->raise) {
		mce_inject_record(inj);
		return 0;
	}
	this_kernel_frame(&tf);
	raise_machine_check(inj, &tf);
	mce_irq_work_run(); /* the console's thread is a safe point */
	return 0;
}

int mce_inject_free_bank(int preferred)
{
	for (int i = 0; i < mce_nr_banks(); i++) {
		int bank = (preferred + i) % mce_nr_banks();
		if (!mce_bank_injected(bank) && !(armed_pid && armed.bank == bank))
			return bank;
	}
	return -1;
}

void mce_inject_raise(const struct mce_injection *inj, struct trapframe *tf)
{
	raise_machine_check(inj, tf);
}

/* From every interrupt and every return to user mode: if an armed
 * injection's process is the one running (or about to run) in user mode,
 * this is its machine check, as if its next instruction had read the bad
 * data. If that process has gone, the injection is withdrawn. */
void mce_inject_check(struct trapframe *tf)
{
	if (!armed_pid)
		return;
	struct proc *p = find_task_by_pid(armed_pid);
	if (!p || p->state == ZOMBIE) {
		pr_info("mce-inject: process %d is gone: injection withdrawn\n", armed_pid);
		armed_pid = 0;
		return;
	}
	/* A process being killed never runs in user mode again. */
	if (p != current || (tf->cs & 3) != 3 || fatal_signal_pending(p))
		return;
	armed_pid = 0;
	raise_machine_check(&armed, tf);
}

int cmd_mce_inject(int argc, char **argv)
{
	struct request r = { .inj = { .raise = true,
				      .mcgstatus = MCG_STATUS_MCIP | MCG_STATUS_RIPV } };

	for (int i = 1; i < argc; i++)
		if (parse_word(&r, argv[i]))
			return -1;
	if (validate(&r))
		return -1;
	return inject(&r);
}

/* From /sys/kernel/debug/mce-inject (mce/inject-debugfs.c): a record
 * whose ADDRV and MISCV bits say which of addr and misc it has. */
int mce_inject_request(const struct mce_injection *inj)
{
	struct request r = {
		.inj = *inj, .bank = (uint64_t)inj->bank, .have_bank = true, .have_status = true,
		.have_addr = inj->status & MCI_STATUS_ADDRV, .have_misc = inj->status & MCI_STATUS_MISCV,
		.have_mcgstatus = inj->raise,
	};

	if (validate(&r))
		return -EINVAL;
	return inject(&r);
}

/* The shorthands: well-formed records of each class, on a page. */
static const struct shorthand {
	const char *name;
	bool needs_pfn;
	bool last_bank;      /* memory-controller errors: the last bank */
	uint64_t status, mcgstatus;
	bool raise;
	const char *what;
} shorthands[] = {
	{ "srao", true, true, VAL_EN | MCI_STATUS_UC | ADDR_MISC | MCI_STATUS_S | MCACOD_SCRUB,
	  MCG_STATUS_MCIP | MCG_STATUS_RIPV, true,
	  "action optional: memory scrubbing found a bad page (raises #MC)" },
	{ "srar", true, false,
	  VAL_EN | MCI_STATUS_UC | ADDR_MISC | MCI_STATUS_S | MCI_STATUS_AR | MCACOD_DATA,
	  MCG_STATUS_MCIP | MCG_STATUS_EIPV, true,
	  "action required: a data load consumed a bad page (raises #MC)" },
	{ "ucna", true, true, VAL_EN | MCI_STATUS_UC | ADDR_MISC | 0x009f, 0, false,
	  "uncorrected, no action required: a memory read (found by polling)" },
	{ "ce", true, true, VAL_EN | ADDR_MISC | 0x009f, 0, false,
	  "corrected: a memory read fixed by ECC (found by polling)" },
	{ "pcc", false, false, VAL_EN | MCI_STATUS_UC | MCI_STATUS_PCC | 0x0400,
	  MCG_STATUS_MCIP, true,
	  "fatal: processor context corrupt (raises #MC, panics)" },
};

static int inject_usage(void)
{
	kprintf("usage: inject KIND [PFN] [user:PID], KIND one of:\n");
	for (size_t i = 0; i < ARRAY_SIZE(shorthands); i++)
		kprintf("  %-6s %-4s %s\n", shorthands[i].name,
			shorthands[i].needs_pfn ? "PFN" : "", shorthands[i].what);
	kprintf("  %-6s %-4s %s\n", "latent", "PFN",
		"the frame goes bad silently: the next access raises #MC (mce/latent.c)");
	return -1;
}

/* inject latent PFN: arm the frame in the emulated memory controller. */
static int inject_latent(int argc, char **argv)
{
	uint64_t pfn;

	if (argc != 3)
		return inject_usage();
	if (!parse_u64(argv[2], &pfn) || pfn >= MAX_PFN) {
		kprintf("inject: '%s' is not a page frame number; nothing injected\n", argv[2]);
		return -1;
	}
	return latent_arm((unsigned long)pfn) ? -1 : 0;
}

int cmd_inject(int argc, char **argv)
{
	const struct shorthand *sh = NULL;
	uint64_t pfn = 0;

	if (argc > 1 && !strcmp(argv[1], "latent"))
		return inject_latent(argc, argv);
	for (size_t i = 0; i < ARRAY_SIZE(shorthands) && argc > 1; i++)
		if (!strcmp(argv[1], shorthands[i].name))
			sh = &shorthands[i];
	/* An optional last word user:PID, for the kinds that raise #MC. */
	if (!sh || argc < (sh->needs_pfn ? 3 : 2) || argc > (sh->needs_pfn ? 3 : 2) + sh->raise)
		return inject_usage();
	if (sh->needs_pfn && (!parse_u64(argv[2], &pfn) || pfn >= MAX_PFN)) {
		kprintf("inject: '%s' is not a page frame number; nothing injected\n", argv[2]);
		return -1;
	}
	struct request r = {
		.inj = { .status = sh->status, .mcgstatus = sh->mcgstatus, .raise = sh->raise },
		.bank = (uint64_t)(sh->last_bank ? mce_nr_banks() - 1 : MIN(1, mce_nr_banks() - 1)),
		.have_bank = true, .have_status = true, .have_mcgstatus = sh->raise,
		.have_addr = sh->needs_pfn, .have_misc = sh->needs_pfn,
	};
	if (sh->needs_pfn) {
		r.inj.addr = pfn << 12;
		r.inj.misc = MISC_PAGE;
	}
	if (argc == (sh->needs_pfn ? 4 : 3)) {
		/* Only user:PID: the default already is the console's context. */
		if (strncmp(argv[argc - 1], "user:", 5))
			return inject_usage();
		if (parse_context(&r, argv[argc - 1]))
			return -1;
	}
	if (validate(&r))
		return -1;
	return inject(&r);
}
