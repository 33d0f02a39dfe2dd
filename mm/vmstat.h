/*
 * Counters of page states, for /proc/meminfo (Linux: include/linux/vmstat.h,
 * node_stat_item). One node, so one global counter per item. The
 * write-back counters also change in the disk's completion interrupt, so
 * every change is one atomic add.
 */
#ifndef MM_VMSTAT_H
#define MM_VMSTAT_H

enum node_stat_item {
	NR_FILE_PAGES, /* pages in some page cache (meminfo: part of Cached) */
	NR_FILE_DIRTY, /* page-cache pages to be written (meminfo: Dirty) */
	NR_WRITEBACK,  /* pages being written (meminfo: Writeback) */
	NR_SHMEM,      /* tmpfs and shared anonymous pages, also in NR_FILE_PAGES
			* (meminfo: Shmem) */
	NR_VMSCAN_WRITE, /* pages reclaim started writing (mm/vmscan.c: pageout) */
	NR_ANON_THPS,    /* frames of PMD-mapped anonymous huge pages (meminfo:
			  * AnonHugePages; mm/huge_memory.c) */
	NR_FILE_THPS,    /* frames of huge pages in a page cache (FileHugePages;
			  * mm/khugepaged.c collapse_file) */
	NR_FILE_PMDMAPPED, /* frames of those with a PMD mapping (FilePmdMapped) */
	NR_VM_NODE_STAT_ITEMS,
};

extern long vm_node_stat[NR_VM_NODE_STAT_ITEMS];

static inline void mod_node_page_state(enum node_stat_item item, long delta)
{
	__atomic_fetch_add(&vm_node_stat[item], delta, __ATOMIC_RELAXED);
}

static inline void inc_node_page_state(enum node_stat_item item)
{
	mod_node_page_state(item, 1);
}

static inline void dec_node_page_state(enum node_stat_item item)
{
	mod_node_page_state(item, -1);
}

/* The count, in pages. */
static inline unsigned long global_node_page_state(enum node_stat_item item)
{
	long v = __atomic_load_n(&vm_node_stat[item], __ATOMIC_RELAXED);

	return v < 0 ? 0 : (unsigned long)v;
}

#endif
