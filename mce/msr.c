/*
 * The one door to the machine-check registers. The #MC handler and the
 * poller read banks only through mce_rdmsr(), so the software injector
 * (mce/inject.c) can make a bank *read* as if the hardware had logged an
 * error, and the real handling code runs unchanged - the same trick as
 * Linux's mce-inject. Nothing non-zero is ever written to a real
 * MCi_STATUS: under KVM that is a #GP.
 */
#include "mce/mce.h"
#include "kernel/printk.h"
#include "kernel/x86.h"

static struct {
	bool valid;
	uint64_t status, addr, misc;
} injected[MAX_NR_BANKS];

/*
 * The software #MC in progress (mce/inject.c): the bank it is about and
 * the MCG_STATUS it reads exist only for its handler. A real #MC may
 * arrive in the middle of it; while that one is handled (hardware_view),
 * reads and writes go to the hardware, so it neither handles the
 * injector's record nor clears the injector's MCG_STATUS.
 */
static int raised_bank = -1;
static bool mcgstatus_injected;
static uint64_t injected_mcgstatus;
static bool hardware_view;

bool mce_hardware_view(bool on)
{
	bool was = hardware_view;

	hardware_view = on;
	return was;
}

static bool bank_register(uint32_t msr, int *bank, int *reg)
{
	if (msr < MSR_IA32_MCx_CTL(0) || msr >= MSR_IA32_MCx_CTL(MAX_NR_BANKS))
		return false;
	*bank = (int)(msr - MSR_IA32_MCx_CTL(0)) / 4;
	*reg = (int)(msr - MSR_IA32_MCx_CTL(0)) % 4;
	return true;
}

static bool injected_visible(int bank)
{
	return injected[bank].valid && !(hardware_view && bank == raised_bank);
}

static bool mcgstatus_visible(void)
{
	return mcgstatus_injected && !hardware_view;
}

uint64_t mce_rdmsr(uint32_t msr)
{
	int bank, reg;

	if (msr == MSR_IA32_MCG_STATUS && mcgstatus_visible())
		return injected_mcgstatus;
	if (!bank_register(msr, &bank, &reg) || !injected_visible(bank))
		return rdmsr(msr);
	switch (reg) {
	case 1:
		return injected[bank].status;
	case 2:
		return injected[bank].addr;
	case 3:
		return injected[bank].misc;
	default:
		return rdmsr(msr); /* MCi_CTL is never injected */
	}
}

void mce_wrmsr(uint32_t msr, uint64_t value)
{
	int bank, reg;

	if (msr == MSR_IA32_MCG_STATUS && mcgstatus_visible()) {
		mcgstatus_injected = false; /* the software #MC's MCIP goes */
		return;
	}
	if (bank_register(msr, &bank, &reg) && reg == 1) {
		if (value != 0) {
			pr_err("mce: refusing to write %#lx to MC%d_STATUS (only 0 clears a bank)\n",
			       value, bank);
			return;
		}
		if (injected_visible(bank)) {
			injected[bank].valid = false; /* the bank is clear again */
			return;
		}
	}
	wrmsr(msr, value);
}

void mce_inject_record(const struct mce_injection *inj)
{
	bool was_on = irq_save();

	/* Claim the bank for the software #MC before it reads as full: a
	 * real #MC arriving meanwhile must not take the record. */
	if (inj->raise) {
		raised_bank = inj->bank;
		injected_mcgstatus = inj->mcgstatus;
		mcgstatus_injected = true; /* what the #MC handler will read */
	}
	injected[inj->bank].status = inj->status;
	injected[inj->bank].addr = inj->addr;
	injected[inj->bank].misc = inj->misc;
	__atomic_store_n(&injected[inj->bank].valid, true, __ATOMIC_SEQ_CST);
	irq_restore(was_on);
}

void mce_inject_done(void)
{
	raised_bank = -1;
	mcgstatus_injected = false;
}

bool mce_bank_injected(int bank)
{
	return injected[bank].valid;
}
