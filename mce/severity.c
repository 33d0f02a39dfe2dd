/*
 * Grading a machine check: an ordered table of rules in the style of
 * Linux's arch/x86/kernel/cpu/mce/severity.c. Each rule looks at some bits
 * of MCi_STATUS (mask) and wants them to have given values (result); it
 * may also look at MCG_STATUS, at where the CPU was (user or kernel), at
 * whether the CPU supports software error recovery (SER), and whether we
 * are inside the #MC handler or polling. The first rule that matches
 * gives the severity and the message. Reading the table top to bottom is
 * reading the policy.
 */
#include "mce/mce.h"

enum { SER_ANY, SER_ONLY, NO_SER };      /* which CPUs a rule is for */
/* Where the CPU was (Linux: error_context): in user mode, in the
 * kernel, or in kernel code that can survive bad data - a copy whose
 * exception-table fixup the #MC handler may take (mce/core.c:
 * kernel_recovery_flags sets MCE_IN_KERNEL_RECOV). A rule's context must
 * be the CPU's exactly. */
enum { ANY_CONTEXT, KERNEL, KERNEL_RECOV, USER };

#define UC_S (MCI_STATUS_UC | MCI_STATUS_S)
#define UC_AR (MCI_STATUS_UC | MCI_STATUS_AR)
#define UC_S_AR (MCI_STATUS_UC | MCI_STATUS_S | MCI_STATUS_AR)
#define ADDR_VALID (MCI_STATUS_ADDRV | MCI_STATUS_MISCV)

static const struct severity {
	uint64_t mask, result;     /* MCi_STATUS & mask == result */
	uint64_t mcgmask, mcgres;  /* MCG_STATUS & mcgmask == mcgres */
	int ser, context;
	bool excp;                 /* only inside the #MC handler */
	int sev;
	const char *msg;
} severities[] = {
	{ .mask = MCI_STATUS_VAL, .result = 0,
	  .sev = MCE_NO_SEVERITY, .msg = "Invalid" },
	{ .mask = MCI_STATUS_EN, .result = 0, .excp = true,
	  .sev = MCE_NO_SEVERITY, .msg = "Not enabled" },
	{ .mask = MCI_STATUS_PCC, .result = MCI_STATUS_PCC,
	  .sev = MCE_PANIC_SEVERITY, .msg = "Processor context corrupt" },
	/* MCIP clear inside the handler: something is very confused. */
	{ .mcgmask = MCG_STATUS_MCIP, .mcgres = 0, .excp = true,
	  .sev = MCE_PANIC_SEVERITY, .msg = "MCIP not set in MCA handler" },
	/* Nowhere to return to and no idea where the error struck. */
	{ .mcgmask = MCG_STATUS_RIPV | MCG_STATUS_EIPV, .mcgres = 0, .excp = true,
	  .sev = MCE_PANIC_SEVERITY, .msg = "Neither restart nor error IP" },
	{ .mcgmask = MCG_STATUS_RIPV, .mcgres = 0, .excp = true, .context = KERNEL,
	  .sev = MCE_PANIC_SEVERITY, .msg = "In kernel and no restart IP" },
	{ .mask = MCI_STATUS_UC, .result = 0, .ser = NO_SER,
	  .sev = MCE_KEEP_SEVERITY, .msg = "Corrected error" },

	/* Action optional: the error is in memory nobody has used yet. */
	{ .mask = UC_AR | MCACOD_SCRUB_MASK, .result = MCI_STATUS_UC | MCACOD_SCRUB,
	  .ser = SER_ONLY, .sev = MCE_AO_SEVERITY,
	  .msg = "Action optional: memory scrubbing error" },
	{ .mask = UC_AR | MCACOD_MASK, .result = MCI_STATUS_UC | MCACOD_L3WB,
	  .ser = SER_ONLY, .sev = MCE_AO_SEVERITY,
	  .msg = "Action optional: last level cache writeback error" },

	/* Not signalled by #MC: left for the poller. */
	{ .mask = UC_S_AR, .result = MCI_STATUS_UC, .ser = SER_ONLY,
	  .sev = MCE_UCNA_SEVERITY, .msg = "Uncorrected no action required" },
	{ .mask = MCI_STATUS_OVER | UC_S_AR, .result = UC_AR, .ser = SER_ONLY,
	  .sev = MCE_PANIC_SEVERITY, .msg = "Illegal combination (UCNA with AR=1)" },
	{ .mask = MCI_STATUS_S, .result = 0, .ser = SER_ONLY,
	  .sev = MCE_KEEP_SEVERITY, .msg = "Non signaled machine check" },

	/* Action required: the interrupted code consumed the bad data. */
	/* LAB 3: BEGIN */
	{ .mask = MCI_STATUS_OVER | UC_S_AR, .result = MCI_STATUS_OVER | UC_S_AR,
	  .ser = SER_ONLY, .sev = MCE_PANIC_SEVERITY,
	  .msg = "Action required with lost events" },
	{ .mask = MCI_STATUS_OVER | UC_S_AR | ADDR_VALID, .result = UC_S_AR | ADDR_VALID,
	  .mcgmask = MCG_STATUS_RIPV | MCG_STATUS_EIPV, .mcgres = MCG_STATUS_RIPV,
	  .ser = SER_ONLY, .sev = MCE_KEEP_SEVERITY,
	  .msg = "Action required but unaffected thread is continuable" },
	{ .mask = MCI_STATUS_OVER | UC_S_AR | ADDR_VALID | MCACOD_MASK,
	  .result = UC_S_AR | ADDR_VALID | MCACOD_DATA, .ser = SER_ONLY, .context = KERNEL_RECOV,
	  .sev = MCE_AR_SEVERITY,
	  .msg = "Action required: data load in error recoverable area of kernel" },
	{ .mask = MCI_STATUS_OVER | UC_S_AR | ADDR_VALID | MCACOD_MASK,
	  .result = UC_S_AR | ADDR_VALID | MCACOD_DATA, .ser = SER_ONLY, .context = USER,
	  .sev = MCE_AR_SEVERITY, .msg = "Action required: data load error in a user process" },
	{ .mask = MCI_STATUS_OVER | UC_S_AR | ADDR_VALID | MCACOD_MASK,
	  .result = UC_S_AR | ADDR_VALID | MCACOD_INSTR, .ser = SER_ONLY, .context = USER,
	  .sev = MCE_AR_SEVERITY,
	  .msg = "Action required: instruction fetch error in a user process" },
	{ .mask = MCI_STATUS_OVER | UC_S_AR | ADDR_VALID | MCACOD_MASK,
	  .result = UC_S_AR | ADDR_VALID | MCACOD_DATA, .ser = SER_ONLY, .context = KERNEL,
	  .sev = MCE_PANIC_SEVERITY, .msg = "Data load in unrecoverable area of kernel" },
	{ .mask = MCI_STATUS_OVER | UC_S_AR | ADDR_VALID | MCACOD_MASK,
	  .result = UC_S_AR | ADDR_VALID | MCACOD_INSTR, .ser = SER_ONLY, .context = KERNEL,
	  .sev = MCE_PANIC_SEVERITY, .msg = "Instruction fetch error in kernel" },
	/* LAB 3: END */
	{ .mask = MCI_STATUS_OVER | UC_S_AR, .result = UC_S_AR, .ser = SER_ONLY,
	  .sev = MCE_PANIC_SEVERITY, .msg = "Action required: unknown MCACOD" },
	{ .mask = MCI_STATUS_OVER | UC_S_AR, .result = UC_S, .ser = SER_ONLY,
	  .sev = MCE_SOME_SEVERITY, .msg = "Action optional: unknown MCACOD" },
	{ .mask = MCI_STATUS_OVER | UC_S_AR, .result = MCI_STATUS_OVER | UC_S, .ser = SER_ONLY,
	  .sev = MCE_SOME_SEVERITY, .msg = "Action optional with lost events" },

	/* Without recovery support, or nothing above matched. */
	{ .mask = MCI_STATUS_OVER | MCI_STATUS_UC, .result = MCI_STATUS_OVER | MCI_STATUS_UC,
	  .sev = MCE_PANIC_SEVERITY, .msg = "Overflowed uncorrected" },
	{ .mask = MCI_STATUS_UC, .result = MCI_STATUS_UC, .context = KERNEL,
	  .sev = MCE_PANIC_SEVERITY, .msg = "Uncorrected in kernel" },
	{ .mask = MCI_STATUS_UC, .result = MCI_STATUS_UC,
	  .sev = MCE_UC_SEVERITY, .msg = "Uncorrected" },
	{ .sev = MCE_SOME_SEVERITY, .msg = "No match" }, /* matches everything */
};

static int error_context(const struct mce *m)
{
	if (m->user)
		return USER;
	return m->kflags & MCE_IN_KERNEL_RECOV ? KERNEL_RECOV : KERNEL;
}

static bool rule_matches(const struct severity *s, const struct mce *m, bool ser)
{
	/* LAB 3: BEGIN */
	if ((m->status & s->mask) != s->result)
		return false;
	if ((m->mcgstatus & s->mcgmask) != s->mcgres)
		return false;
	if ((s->ser == SER_ONLY && !ser) || (s->ser == NO_SER && ser))
		return false;
	if (s->context != ANY_CONTEXT && s->context != error_context(m))
		return false;
	return !s->excp || m->in_exception;
	/* LAB 3: STUB
	(void)m, (void)ser, (void)error_context; // for your code
	return s == &severities[ARRAY_SIZE(severities) - 1]; // every record: "No match"
	   LAB 3: END */
}

/* Grade m against the rules. */
int mce_severity(struct mce *m, const char **msg)
{
	bool ser = m->mcgcap & MCG_SER_P;

	for (size_t i = 0;; i++) {
		const struct severity *s = &severities[i];
		if (!rule_matches(s, m, ser))
			continue;
		*msg = s->msg;
		return s->sev;
	}
}

const char *mce_severity_name(int severity)
{
	static const char *const names[] = {
		[MCE_NO_SEVERITY] = "no error",
		[MCE_UCNA_SEVERITY] = "uncorrected, no action",
		[MCE_KEEP_SEVERITY] = "keep",
		[MCE_SOME_SEVERITY] = "some",
		[MCE_AO_SEVERITY] = "action optional",
		[MCE_UC_SEVERITY] = "uncorrected",
		[MCE_AR_SEVERITY] = "action required",
		[MCE_PANIC_SEVERITY] = "panic",
	};
	return names[severity];
}
