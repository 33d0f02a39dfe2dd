/*
 * Corrected errors (and uncorrected ones that need no action, UCNA) do
 * not raise #MC: the CPU just leaves them in their bank. Without CMCI
 * interrupts (QEMU has none) the only way to see them is to look, so a
 * timer polls every bank once a second (Linux: machine_check_poll).
 */
#include "mce/mce.h"
#include "kernel/timer.h"

static struct timer_list poll_timer;

void machine_check_poll(void)
{
	uint64_t signalled = mce_ser() ? MCI_STATUS_S : MCI_STATUS_UC;
	struct mce template = { .time = jiffies, .mcgcap = mce_cap() };
	struct mce m;

	for (int bank = 0; bank < mce_nr_banks(); bank++) {
		mce_read_bank(&m, &template, bank);
		if (!(m.status & MCI_STATUS_VAL))
			continue;
		if ((m.status & MCI_STATUS_UC) && (m.status & signalled))
			continue; /* an #MC is on its way for this one */
		m.mcgstatus = mce_rdmsr(MSR_IA32_MCG_STATUS);
		mce_grade(&m);
		mce_log(&m);
		mce_clear_bank(bank);
	}
}

static void poll_timer_fn(struct timer_list *timer)
{
	machine_check_poll();
	mod_timer(timer, jiffies + MCE_POLL_MS * HZ / 1000);
}

void mce_poll_init(void)
{
	poll_timer.function = poll_timer_fn;
	mod_timer(&poll_timer, jiffies + MCE_POLL_MS * HZ / 1000);
}
