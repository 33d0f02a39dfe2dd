/*
 * /proc/vmstat (Linux: mm/vmstat.c vmstat_show): one "name value" line
 * per counter, in Linux 6.1's order - the page counts first, then the
 * events since boot. Only the counters Antidote keeps are listed; a
 * program looking for another finds it missing rather than a made-up 0.
 */
#include "fs/proc/internal.h"
#include "mm/buddy.h"
#include "mm/huge_mm.h"
#include "mm/swap.h"
#include "mm/vmscan.h"
#include "mm/vmstat.h"

/* The events, in Linux 6.1's order (mm/vmstat.c: vmstat_text). */
static const struct {
	const char *name;
	enum vm_event_item item;
} vm_events[] = {
	{ "pswpin", PSWPIN },
	{ "pswpout", PSWPOUT },
	{ "allocstall_normal", ALLOCSTALL },
	{ "pgactivate", PGACTIVATE },
	{ "pgdeactivate", PGDEACTIVATE },
	{ "pgmajfault", PGMAJFAULT },
	{ "pgrefill", PGREFILL },
	{ "pgsteal_kswapd", PGSTEAL_KSWAPD },
	{ "pgsteal_direct", PGSTEAL_DIRECT },
	{ "pgscan_kswapd", PGSCAN_KSWAPD },
	{ "pgscan_direct", PGSCAN_DIRECT },
	{ "pgscan_anon", PGSCAN_ANON },
	{ "pgscan_file", PGSCAN_FILE },
	{ "pgsteal_anon", PGSTEAL_ANON },
	{ "pgsteal_file", PGSTEAL_FILE },
	{ "kswapd_low_wmark_hit_quickly", KSWAPD_LOW_WMARK_HIT_QUICKLY },
	{ "kswapd_high_wmark_hit_quickly", KSWAPD_HIGH_WMARK_HIT_QUICKLY },
	{ "pageoutrun", PAGEOUTRUN },
	{ "drop_pagecache", DROP_PAGECACHE },
	{ "drop_slab", DROP_SLAB },
	{ "oom_kill", OOM_KILL },
	{ "thp_fault_alloc", THP_FAULT_ALLOC },
	{ "thp_fault_fallback", THP_FAULT_FALLBACK },
	{ "thp_split_page", THP_SPLIT_PAGE },
	{ "thp_split_pmd", THP_SPLIT_PMD },
	{ "thp_collapse_alloc", THP_COLLAPSE_ALLOC },
	{ "thp_collapse_alloc_failed", THP_COLLAPSE_ALLOC_FAILED },
	{ "thp_file_alloc", THP_FILE_ALLOC },
	{ "thp_file_mapped", THP_FILE_MAPPED },
};

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
	show_line(m, "nr_anon_transparent_hugepages",
		  global_node_page_state(NR_ANON_THPS) / HPAGE_PMD_NR);
	show_line(m, "nr_file_hugepages", global_node_page_state(NR_FILE_THPS) / HPAGE_PMD_NR);
	show_line(m, "nr_file_pmdmapped", global_node_page_state(NR_FILE_PMDMAPPED) / HPAGE_PMD_NR);
	show_line(m, "nr_vmscan_write", global_node_page_state(NR_VMSCAN_WRITE));
	for (size_t i = 0; i < ARRAY_SIZE(vm_events); i++)
		show_line(m, vm_events[i].name, vm_event_states[vm_events[i].item]);
	return 0;
}

/*
 * /proc/zoneinfo (Linux: mm/vmstat.c zoneinfo_show): the one zone, its
 * free pages and watermarks - the lines of Linux's format that Antidote
 * has numbers for.
 */
int zoneinfo_show(struct seq_file *m)
{
	seq_printf(m, "Node 0, zone %8s\n", "Normal");
	seq_printf(m, "  pages free     %lu\n", nr_free_pages());
	seq_printf(m, "        boost    0\n");
	seq_printf(m, "        min      %lu\n", min_wmark_pages(&zone));
	seq_printf(m, "        low      %lu\n", low_wmark_pages(&zone));
	seq_printf(m, "        high     %lu\n", high_wmark_pages(&zone));
	seq_printf(m, "        managed  %lu\n", zone.managed_pages);
	return 0;
}
