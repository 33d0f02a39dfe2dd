/*
 * Reading one bank into a record (Linux: mce_read_aux and the bank loop
 * of do_machine_check / machine_check_poll). Every reader - the #MC
 * handler, the poller, the boot scan - starts from its own template and
 * gets a fresh record per bank, so a bank whose ADDR or MISC is not
 * valid never shows what an earlier bank held.
 */
#include "mce/mce.h"

void mce_read_bank(struct mce *m, const struct mce *template, int bank)
{
	*m = *template;
	m->bank = bank;
	m->status = mce_rdmsr(MSR_IA32_MCx_STATUS(bank));
	if (!(m->status & MCI_STATUS_VAL))
		return;
	if (m->status & MCI_STATUS_ADDRV)
		m->addr = mce_rdmsr(MSR_IA32_MCx_ADDR(bank));
	if (m->status & MCI_STATUS_MISCV)
		m->misc = mce_rdmsr(MSR_IA32_MCx_MISC(bank));
}
