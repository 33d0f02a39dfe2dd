/*
 * /proc/meminfo (Linux: fs/proc/meminfo.c), every line Debian's Linux 6.1
 * prints on x86-64, in its order and format, from the kernel's own
 * counters. What Antidote does not have - swap, zswap, vmalloc, huge
 * pages, NFS, bounce buffers - reads 0, as it would on a Linux without
 * them; the counters the page cache does not keep yet read 0 (the
 * accessors below say which).
 */
#include "fs/proc/internal.h"
#include "fs/buffer_head.h"
#include "kernel/proc.h"
#include "mm/buddy.h"
#include "mm/hugetlb.h"
#include "mm/memory-failure.h"
#include "mm/paging.h"
#include "mm/pgtable.h"
#include "mm/slab.h"
#include "mm/swap.h"
#include "mm/swap_state.h"
#include "mm/vmscan.h"
#include "mm/vmstat.h"

#define HUGEPAGE_KB 2048

/* A counter the page cache does not keep yet (Linux: NR_FILE_MAPPED):
 * TODO(page cache) - 0 until mm/vmstat.h has it. */
static unsigned long nr_file_mapped(void) { return 0; }

static void show_val_kb(struct seq_file *m, const char *name, unsigned long pages)
{
	seq_printf(m, "%-16s%8lu kB\n", name, pages << (PAGE_SHIFT - 10));
}

static void show_zero_kb(struct seq_file *m, const char *name)
{
	show_val_kb(m, name, 0);
}

int meminfo_show(struct seq_file *m)
{
	const unsigned long *lru = lruvec.nr_pages;
	unsigned long anon = lru[LRU_ACTIVE_ANON] + lru[LRU_INACTIVE_ANON];
	unsigned long file_pages = global_node_page_state(NR_FILE_PAGES);
	unsigned long buffers = nr_blockdev_pages();
	/* Linux's: the page cache less the block devices' part. */
	unsigned long cached = file_pages > buffers ? file_pages - buffers : 0;
	unsigned long slab = slab_pages();

	show_val_kb(m, "MemTotal:", zone.managed_pages);
	show_val_kb(m, "MemFree:", nr_free_pages());
	show_val_kb(m, "MemAvailable:", si_mem_available());
	show_val_kb(m, "Buffers:", buffers);
	show_val_kb(m, "Cached:", cached);
	show_val_kb(m, "SwapCached:", total_swapcache_pages);
	show_val_kb(m, "Active:", lru[LRU_ACTIVE_ANON] + lru[LRU_ACTIVE_FILE]);
	show_val_kb(m, "Inactive:", lru[LRU_INACTIVE_ANON] + lru[LRU_INACTIVE_FILE]);
	show_val_kb(m, "Active(anon):", lru[LRU_ACTIVE_ANON]);
	show_val_kb(m, "Inactive(anon):", lru[LRU_INACTIVE_ANON]);
	show_val_kb(m, "Active(file):", lru[LRU_ACTIVE_FILE]);
	show_val_kb(m, "Inactive(file):", lru[LRU_INACTIVE_FILE]);
	/* No unevictable list: mlocked pages stay on their own lists. */
	show_zero_kb(m, "Unevictable:");
	show_zero_kb(m, "Mlocked:");
	show_val_kb(m, "SwapTotal:", (unsigned long)total_swap_pages);
	show_val_kb(m, "SwapFree:", (unsigned long)get_nr_swap_pages());
	show_zero_kb(m, "Zswap:");
	show_zero_kb(m, "Zswapped:");
	show_val_kb(m, "Dirty:", global_node_page_state(NR_FILE_DIRTY));
	show_val_kb(m, "Writeback:", global_node_page_state(NR_WRITEBACK));
	/* Every anonymous page is mapped and on an LRU list. */
	show_val_kb(m, "AnonPages:", anon);
	show_val_kb(m, "Mapped:", nr_file_mapped());
	show_val_kb(m, "Shmem:", global_node_page_state(NR_SHMEM));
	show_zero_kb(m, "KReclaimable:");
	show_val_kb(m, "Slab:", slab);
	show_zero_kb(m, "SReclaimable:");
	show_val_kb(m, "SUnreclaim:", slab);
	seq_printf(m, "KernelStack:    %8lu kB\n", nr_kernel_stacks * (KSTACK_SIZE >> 10));
	show_val_kb(m, "PageTables:", nr_pagetable_pages);
	show_zero_kb(m, "SecPageTables:");
	show_zero_kb(m, "NFS_Unstable:");
	show_zero_kb(m, "Bounce:");
	show_zero_kb(m, "WritebackTmp:");
	/* vm.overcommit_ratio 50, no swap: half of memory. */
	show_val_kb(m, "CommitLimit:", zone.managed_pages / 2);
	show_zero_kb(m, "Committed_AS:");
	show_zero_kb(m, "VmallocTotal:");
	show_zero_kb(m, "VmallocUsed:");
	show_zero_kb(m, "VmallocChunk:");
	show_zero_kb(m, "Percpu:");
	seq_printf(m, "HardwareCorrupted: %5lu kB\n", num_poisoned_pages << (PAGE_SHIFT - 10));
	show_val_kb(m, "AnonHugePages:", global_node_page_state(NR_ANON_THPS));
	show_zero_kb(m, "ShmemHugePages:");
	show_zero_kb(m, "ShmemPmdMapped:");
	show_val_kb(m, "FileHugePages:", global_node_page_state(NR_FILE_THPS));
	show_val_kb(m, "FilePmdMapped:", global_node_page_state(NR_FILE_PMDMAPPED));
	hugetlb_report_meminfo(m);
	/* The direct map is all 2 MiB pages (mm/paging.c). */
	seq_printf(m, "DirectMap4k:    %8lu kB\n", direct_map_small_pages * (PAGE_SIZE / 1024));
	seq_printf(m, "DirectMap2M:    %8lu kB\n", direct_map_huge_pages * HUGEPAGE_KB);
	return 0;
}
