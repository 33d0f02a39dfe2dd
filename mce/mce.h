/*
 * Machine Check Architecture (Intel SDM vol. 3B, chapter 15). The CPU
 * reports hardware errors in "banks" of four MSRs each; an uncorrected
 * error raises the machine-check exception (#MC, vector 18), a corrected
 * one just waits in its bank to be polled. See docs/machine-check.md.
 */
#ifndef MCE_MCE_H
#define MCE_MCE_H

#include "lib/types.h"

/* Global registers. */
#define MSR_IA32_MCG_CAP 0x179
#define MSR_IA32_MCG_STATUS 0x17a
#define MSR_IA32_MCG_CTL 0x17b

/* Bank i's registers: CTL, STATUS, ADDR, MISC at 0x400 + 4*i. */
#define MSR_IA32_MCx_CTL(i) (0x400 + 4 * (i))
#define MSR_IA32_MCx_STATUS(i) (0x401 + 4 * (i))
#define MSR_IA32_MCx_ADDR(i) (0x402 + 4 * (i))
#define MSR_IA32_MCx_MISC(i) (0x403 + 4 * (i))

/* IA32_MCG_CAP */
#define MCG_BANKCNT_MASK 0xffULL
#define MCG_CTL_P (1ULL << 8)   /* MCG_CTL is present */
#define MCG_EXT_P (1ULL << 9)
#define MCG_CMCI_P (1ULL << 10) /* corrected errors can interrupt */
#define MCG_TES_P (1ULL << 11)
#define MCG_SER_P (1ULL << 24)  /* software error recovery: S and AR bits */
#define MCG_LMCE_P (1ULL << 27) /* local machine checks */

/* IA32_MCG_STATUS */
#define MCG_STATUS_RIPV (1ULL << 0) /* restarting at the saved RIP is safe */
#define MCG_STATUS_EIPV (1ULL << 1) /* the saved RIP points at the error */
#define MCG_STATUS_MCIP (1ULL << 2) /* machine check in progress */
#define MCG_STATUS_LMCES (1ULL << 3)

/* MCi_STATUS */
#define MCI_STATUS_VAL (1ULL << 63)   /* the bank holds an error */
#define MCI_STATUS_OVER (1ULL << 62)  /* another error was lost */
#define MCI_STATUS_UC (1ULL << 61)    /* uncorrected */
#define MCI_STATUS_EN (1ULL << 60)    /* reporting was enabled */
#define MCI_STATUS_MISCV (1ULL << 59) /* MCi_MISC is valid */
#define MCI_STATUS_ADDRV (1ULL << 58) /* MCi_ADDR is valid */
#define MCI_STATUS_PCC (1ULL << 57)   /* processor context corrupt */
#define MCI_STATUS_S (1ULL << 56)     /* signalled by #MC */
#define MCI_STATUS_AR (1ULL << 55)    /* action required */
#define MCI_STATUS_MSCOD(s) (((s) >> 16) & 0xffff)
#define MCI_STATUS_MCACOD(s) ((s) & 0xffff)

/* MCACOD values the severity rules name. Bit 12 is a filtering flag, so
 * codes are compared under MCACOD_MASK. */
#define MCACOD_MASK 0xefffULL
#define MCACOD_SCRUB 0x00c0     /* memory scrubbing, any channel */
#define MCACOD_SCRUB_MASK 0xeff0ULL
#define MCACOD_L3WB 0x017a      /* last-level cache writeback */
#define MCACOD_DATA 0x0134      /* data load */
#define MCACOD_INSTR 0x0150     /* instruction fetch */

/* MCi_MISC: how to read MCi_ADDR. */
#define MCI_MISC_ADDR_LSB(m) ((m) & 0x3f)
#define MCI_MISC_ADDR_MODE(m) (((m) >> 6) & 7)
#define MCI_MISC_ADDR_PHYS 2

#define MAX_NR_BANKS 32

/* One error, as read from a bank: Linux's struct mce, trimmed. */
struct mce {
	uint64_t status, addr, misc, mcgstatus;
	uint64_t mcgcap;      /* the CPU's capabilities: is SER on? */
	uint64_t ip, cs;      /* where the CPU was */
	uint64_t time;        /* jiffies */
	int cpu, bank;
	bool user;            /* the interrupted context was user mode */
	bool in_exception;    /* found by the #MC handler (not by polling) */
	unsigned int kflags;  /* MCE_IN_KERNEL_*: in the kernel, could it recover? */
	int severity;         /* enum mce_severity */
	const char *severity_msg;
};

/* struct mce's kflags (Linux's): the #MC struck kernel code with an
 * exception-table fixup that survives it (mce/core.c). */
#define MCE_IN_KERNEL_RECOV (1U << 0)
/* ...and the bad data was a user page the kernel was copying: the page
 * goes (memory_failure), the process lives (kill_me_never). */
#define MCE_IN_KERNEL_COPYIN (1U << 1)

/* Severities, least to most severe (Linux's order). */
enum mce_severity {
	MCE_NO_SEVERITY,
	MCE_UCNA_SEVERITY,  /* uncorrected, no action required (Linux: deferred) */
	MCE_KEEP_SEVERITY,  /* log it; nothing to do now */
	MCE_SOME_SEVERITY,
	MCE_AO_SEVERITY,    /* action optional: fix it up after the handler */
	MCE_UC_SEVERITY,
	MCE_AR_SEVERITY,    /* action required: the interrupted code used bad data */
	MCE_PANIC_SEVERITY,
};

/* mce/core.c */
void mcheck_init(void);
struct trapframe;
void exc_machine_check(struct trapframe *tf); /* vector 18 */
void do_machine_check(struct trapframe *tf);  /* the handler, also for the injector */
void mce_handle_record(const struct mce *m);  /* at a safe point: log, queue the page */
int mce_nr_banks(void);
uint64_t mce_cap(void);     /* IA32_MCG_CAP as read at boot */
bool mce_ser(void);         /* MCG_SER_P: the S/AR bits mean something */
void mce_grade(struct mce *m);
void mce_log(const struct mce *m);
void mce_clear_bank(int bank);
/* On the way back to user mode after an #MC that left work for the
 * process (current->mce_work: kill_me_maybe or kill_me_never). */
void mce_task_work(void);

/* mce/bank.c: bank's STATUS, and ADDR and MISC where valid, into a copy
 * of template (which says who reads and when). */
void mce_read_bank(struct mce *m, const struct mce *template, int bank);

/* mce/genpool.c: the handler's records, waiting for a safe point. */
bool mce_gen_pool_add(const struct mce *m);
void mce_gen_pool_unclaimed(uint64_t mcgstatus);
bool mce_gen_pool_take(struct mce *m);
void mce_irq_work_run(void); /* the safe point: kernel/trap.c, mce/inject.c */

/* mce/msr.c: every read and write of an MCA register goes through these. */
uint64_t mce_rdmsr(uint32_t msr);
void mce_wrmsr(uint32_t msr, uint64_t value);
struct mce_injection {
	int bank;
	uint64_t status, addr, misc, mcgstatus;
	bool raise; /* an #MC follows (else the poller finds it) */
};
/* Make bank inj->bank read as the given record until it is cleared; with
 * raise, also MCG_STATUS, for the injector's own #MC only. */
void mce_inject_record(const struct mce_injection *inj);
/* The injector's #MC is over: what it left in its bank is an ordinary
 * (visible) record now, and its MCG_STATUS is gone. */
void mce_inject_done(void);
bool mce_bank_injected(int bank);
/* While a real #MC is handled: its handler sees only the hardware's
 * registers (not the software #MC's). Returns the previous setting. */
bool mce_hardware_view(bool on);

/* mce/severity.c */
int mce_severity(struct mce *m, const char **msg);
const char *mce_severity_name(int severity);

/* mce/decode.c */
bool mce_usable_address(const struct mce *m);
uint64_t mce_phys_addr(const struct mce *m);
void mce_print_record(const struct mce *m);
struct seq_file;
void mce_decode_record(struct seq_file *s, const struct mce *m);
const char *mce_error_class(const struct mce *m);

/* mce/poll.c: corrected errors do not raise #MC; look for them this often. */
#define MCE_POLL_MS 1000
void mce_poll_init(void);
void machine_check_poll(void);

/* mce/mcelog.c */
void mcelog_add(const struct mce *m);
int mcelog_show(struct seq_file *m); /* the console's `mcelog` */

/* mce/inject.c */
int cmd_mce_inject(int argc, char **argv);
int cmd_inject(int argc, char **argv);
/* Inject a record as `mce-inject` does, its ADDRV and MISCV bits saying
 * whether addr and misc count: 0, or -EINVAL after a console line saying
 * why nothing was injected. */
int mce_inject_request(const struct mce_injection *inj);
/* /sys/kernel/debug/mce-inject (mce/inject-debugfs.c). */
void mce_inject_debugfs_init(void);
void mce_inject_check(struct trapframe *tf);
/* For the emulated memory controller: the first bank from preferred on
 * that holds no injected error and is not kept for a waiting injection
 * (-1 if none), and an #MC for inj at once, tf being the interrupted
 * context (a page fault's frame: the handler may redirect it). */
int mce_inject_free_bank(int preferred);
void mce_inject_raise(const struct mce_injection *inj, struct trapframe *tf);

/* mce/latent.c: the emulated memory controller's latent poison. */
extern int sysctl_scrub_interval;
void latent_init(void);
/* Arm pfn: its contents are bad from now on, and every access traps.
 * 0, or -EINVAL (after a log line saying why) or -ENOMEM. */
int latent_arm(unsigned long pfn);
/* The frame's last reference went (mm/buddy.c): disarm it. */
struct page;
void latent_page_freed(struct page *page);
/* A page fault at addr that is an access to an armed frame - through a
 * user PTE (handle_mm_fault said FAULT_LATENT) or through the direct
 * map: raise its machine check and say true; false if it is not one. */
bool latent_user_access(struct trapframe *tf, uint64_t addr);
bool latent_kernel_access(struct trapframe *tf, uint64_t addr);

#endif
