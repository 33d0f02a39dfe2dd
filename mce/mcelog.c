/*
 * The machine-check log: the most recent MCELOG_LEN records, oldest
 * dropped first (and counted), shown decoded by the console's `mcelog`.
 * Linux keeps a similar buffer for the mcelog daemon (/dev/mcelog).
 */
#include "mce/mce.h"
#include "fs/seq_file.h"
#include "kernel/printk.h"
#include "kernel/x86.h"

#define MCELOG_LEN 32

static struct mce records[MCELOG_LEN];
static unsigned long logged; /* records ever added */

void mcelog_add(const struct mce *m)
{
	bool was_on = irq_save();

	records[logged % MCELOG_LEN] = *m;
	logged++;
	irq_restore(was_on);
}

int mcelog_show(struct seq_file *m)
{
	unsigned long first = logged > MCELOG_LEN ? logged - MCELOG_LEN : 0;

	if (!logged) {
		seq_puts(m, "mcelog: no machine checks logged\n");
		return 0;
	}
	seq_printf(m, "mcelog: %lu record%s", logged - first, logged - first == 1 ? "" : "s");
	if (first)
		seq_printf(m, " (%lu older ones dropped: the log keeps %d)", first, MCELOG_LEN);
	seq_putc(m, '\n');
	for (unsigned long i = first; i < logged; i++)
		mce_decode_record(m, &records[i % MCELOG_LEN]);
	return 0;
}
