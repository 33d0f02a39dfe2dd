/*
 * /proc/vmstat (Linux: mm/vmstat.c vmstat_show): one "name value" line
 * per counter, in Linux 6.1's order - the page counts first, then the
 * events since boot. Only the counters Antidote keeps are listed; a
 * program looking for another finds it missing rather than a made-up 0.
 */
#include "fs/proc/internal.h"
#include "mm/buddy.h"
#include "mm/swap.h"
#include "mm/vmscan.h"
#include "mm/vmstat.h"

static void show_line(struct seq_file *m, const char *name, unsigned long value)
{
	seq_printf(m, "%s %lu\n", name, value);
}

int vmstat_show(struct seq_file *m)
{
	const unsigned long *lru = lruvec.nr_pages;

	show_line(m, "nr_free_pages", nr_free_pages());
	show_line(m, "nr_inactive_anon", lru[LRU_INACTIVE_ANON]);
	show_line(m, "nr_active_anon", lru[LRU_ACTIVE_ANON]);
	show_line(m, "nr_inactive_file", lru[LRU_INACTIVE_FILE]);
	show_line(m, "nr_active_file", lru[LRU_ACTIVE_FILE]);
	show_line(m, "nr_file_pages", global_node_page_state(NR_FILE_PAGES));
	show_line(m, "nr_dirty", global_node_page_state(NR_FILE_DIRTY));
	show_line(m, "nr_writeback", global_node_page_state(NR_WRITEBACK));
	show_line(m, "nr_shmem", global_node_page_state(NR_SHMEM));
	show_line(m, "nr_vmscan_write", global_node_page_state(NR_VMSCAN_WRITE));
	show_line(m, "allocstall_normal", vm_event_states[ALLOCSTALL]);
	show_line(m, "pgrefill", vm_event_states[PGREFILL]);
	show_line(m, "pgsteal_kswapd", vm_event_states[PGSTEAL_KSWAPD]);
	show_line(m, "pgsteal_direct", vm_event_states[PGSTEAL_DIRECT]);
	show_line(m, "pgscan_kswapd", vm_event_states[PGSCAN_KSWAPD]);
	show_line(m, "pgscan_direct", vm_event_states[PGSCAN_DIRECT]);
	return 0;
}
