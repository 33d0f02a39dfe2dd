/*
 * Turning a bank's raw numbers into words: the status bits by name, what
 * the MCA error code (MCACOD) says happened, and what MCi_ADDR means.
 */
#include "mce/mce.h"
#include "kernel/printk.h"
#include "fs/seq_file.h"
#include "lib/format.h"

static const struct {
	uint64_t bit;
	const char *name;
} status_bits[] = {
	{ MCI_STATUS_VAL, "VAL" },     { MCI_STATUS_OVER, "OVER" },
	{ MCI_STATUS_UC, "UC" },       { MCI_STATUS_EN, "EN" },
	{ MCI_STATUS_MISCV, "MISCV" }, { MCI_STATUS_ADDRV, "ADDRV" },
	{ MCI_STATUS_PCC, "PCC" },     { MCI_STATUS_S, "S" },
	{ MCI_STATUS_AR, "AR" },
};

static const char *const memory_transactions[8] = {
	"generic", "memory read", "memory write", "address/command",
	"memory scrubbing", "reserved", "reserved", "reserved",
};

static const char *const cache_requests[16] = {
	"generic", "read", "write", "data read", "data write",
	"instruction fetch", "prefetch", "eviction", "snoop",
	"reserved", "reserved", "reserved", "reserved", "reserved", "reserved", "reserved",
};

/* Codes with a name of their own: the ones recovery cares about. */
static const struct {
	uint16_t code, mask;
	const char *name;
} named_codes[] = {
	{ MCACOD_SCRUB, MCACOD_SCRUB_MASK, "memory scrubbing" },
	{ MCACOD_L3WB, MCACOD_MASK, "last level cache writeback" },
	{ MCACOD_DATA, MCACOD_MASK, "data load" },
	{ MCACOD_INSTR, MCACOD_MASK, "instruction fetch" },
};

static const char *const cache_types[4] = { "instruction", "data", "generic", "reserved" };

/*
 * The architectural MCACOD families (SDM vol. 3B, "Interpreting the MCA
 * error codes"): 0000 0000 1MMM CCCC is a memory-controller error (MMM the
 * transaction, CCCC the channel); 0000 0001 RRRR TTLL a cache-hierarchy
 * error (RRRR request, TT type, LL level).
 */
static void describe_family(uint16_t code, char *buf, size_t size)
{
	uint16_t c = code & MCACOD_MASK;

	if (c == 0)
		snprintf(buf, size, "no error");
	else if ((c & 0xff80) == 0x0080 && (c & 0xf) == 0xf)
		snprintf(buf, size, "memory controller: %s, channel unknown",
			 memory_transactions[(c >> 4) & 7]);
	else if ((c & 0xff80) == 0x0080)
		snprintf(buf, size, "memory controller: %s, channel %u",
			 memory_transactions[(c >> 4) & 7], c & 0xf);
	else if ((c & 0xff00) == 0x0100)
		snprintf(buf, size, "cache hierarchy: %s, %s, level %u",
			 cache_requests[(c >> 4) & 0xf], cache_types[(c >> 2) & 3], c & 3);
	else
		snprintf(buf, size, "other (see the SDM)");
}

static void describe_mcacod(uint16_t code, char *buf, size_t size)
{
	char family[80];

	describe_family(code, family, sizeof(family));
	for (size_t i = 0; i < ARRAY_SIZE(named_codes); i++)
		if ((code & named_codes[i].mask) == named_codes[i].code) {
			snprintf(buf, size, "%s (%s)", named_codes[i].name, family);
			return;
		}
	snprintf(buf, size, "%s", family);
}

bool mce_usable_address(const struct mce *m)
{
	/* LAB 3: BEGIN */
	if (!(m->status & MCI_STATUS_ADDRV) || !(m->status & MCI_STATUS_MISCV))
		return false;
	if (MCI_MISC_ADDR_MODE(m->misc) != MCI_MISC_ADDR_PHYS)
		return false;
	return MCI_MISC_ADDR_LSB(m->misc) <= 12; /* at least page-precise */
	/* LAB 3: STUB
	(void)m;
	return false; // no address is ever good enough: nothing is recovered
	   LAB 3: END */
}

/* The bits below the lowest valid one are not part of the address. */
uint64_t mce_phys_addr(const struct mce *m)
{
	return m->addr & ~((1ULL << MCI_MISC_ADDR_LSB(m->misc)) - 1);
}

/* The class of an error, as the SDM names them for CPUs with SER. */
const char *mce_error_class(const struct mce *m)
{
	bool s = m->status & MCI_STATUS_S, ar = m->status & MCI_STATUS_AR;

	if (!(m->status & MCI_STATUS_UC))
		return "corrected (CE)";
	if (m->status & MCI_STATUS_PCC)
		return "fatal: processor context corrupt";
	if (!(m->mcgcap & MCG_SER_P))
		return "uncorrected";
	if (!s && !ar)
		return "uncorrected, no action required (UCNA)";
	if (s && !ar)
		return "software recoverable, action optional (SRAO)";
	if (s && ar)
		return "software recoverable, action required (SRAR)";
	return "illegal: action required but not signalled";
}

/* The short record Linux prints for every machine check it logs. */
void mce_print_record(const struct mce *m)
{
	pr_emerg("mce: [Hardware Error]: CPU %d: Machine Check%s: %lx Bank %d: %016lx\n",
		 m->cpu, m->mcgstatus & MCG_STATUS_MCIP ? " Exception" : "",
		 m->mcgstatus, m->bank, m->status);
	if (m->in_exception)
		pr_emerg("mce: [Hardware Error]: RIP %02lx:%016lx (%s mode)\n",
			 m->cs, m->ip, m->user ? "user" : "kernel");
	if (m->status & (MCI_STATUS_ADDRV | MCI_STATUS_MISCV))
		pr_emerg("mce: [Hardware Error]: ADDR %lx MISC %lx\n", m->addr, m->misc);
}

/* The long form, for the console's `mcelog`. */
void mce_decode_record(struct seq_file *s, const struct mce *m)
{
	char what[128];

	seq_printf(s, "CPU %d BANK %d STATUS %#018lx ADDR 0x%lx MISC 0x%lx MCGSTATUS 0x%lx\n",
		m->cpu, m->bank, m->status, m->addr, m->misc, m->mcgstatus);
	seq_printf(s, "  time %lu.%02lu s, found by %s", (unsigned long)(m->time / 100),
		(unsigned long)(m->time % 100), m->in_exception ? "the #MC handler" : "polling");
	if (m->in_exception)
		seq_printf(s, " in %s mode at 0x%lx", m->user ? "user" : "kernel", m->ip);
	seq_printf(s, "\n  status bits:");
	for (size_t i = 0; i < ARRAY_SIZE(status_bits); i++)
		if (m->status & status_bits[i].bit)
			seq_printf(s, " %s", status_bits[i].name);
	describe_mcacod(MCI_STATUS_MCACOD(m->status), what, sizeof(what));
	seq_printf(s, "\n  MCACOD 0x%04lx: %s; MSCOD 0x%04lx\n", MCI_STATUS_MCACOD(m->status), what,
		MCI_STATUS_MSCOD(m->status));
	if (m->status & MCI_STATUS_MISCV)
		seq_printf(s, "  address mode %lu%s, lowest valid bit %lu\n", MCI_MISC_ADDR_MODE(m->misc),
			MCI_MISC_ADDR_MODE(m->misc) == MCI_MISC_ADDR_PHYS ? " (physical)" : "",
			MCI_MISC_ADDR_LSB(m->misc));
	if (mce_usable_address(m))
		seq_printf(s, "  physical address 0x%lx: pfn 0x%lx\n", mce_phys_addr(m),
			mce_phys_addr(m) >> 12);
	seq_printf(s, "  class: %s\n", mce_error_class(m));
	seq_printf(s, "  severity: %s (%s)\n", m->severity_msg, mce_severity_name(m->severity));
}
