/*
 * Handling of hardware memory errors (Linux: mm/memory-failure.c, the
 * "hwpoison" code). A page the hardware reports as corrupt is marked
 * PG_hwpoison, counted, and taken out of use as far as its state allows.
 */
#ifndef MM_MEMORY_FAILURE_H
#define MM_MEMORY_FAILURE_H

#include "lib/types.h"

/* memory_failure() flags, Linux's values. */
#define MF_ACTION_REQUIRED (1 << 1) /* the current context consumed the data */
#define MF_SW_SIMULATED (1 << 5)    /* injected by software, not hardware */

/* The prefix of memory_failure's log lines (Linux's pr_fmt). */
#define MF "Memory failure: "

extern int sysctl_memory_failure_early_kill;
extern int sysctl_memory_failure_recovery;

/* Frames the kernel has marked PG_hwpoison after a memory error
 * (meminfo's HardwareCorrupted). Defective RAM reported by the firmware at
 * boot is not counted: it was never in use. */
extern unsigned long num_poisoned_pages;

/* Returns 0 (recovered or delayed), -EBUSY (ignored or failed),
 * -EHWPOISON (already poisoned) or -ENXIO (not memory we manage). */
int memory_failure(unsigned long pfn, int flags);
/* From the #MC handler: run memory_failure(pfn, flags) soon, in normal
 * kernel context. */
void memory_failure_queue(unsigned long pfn, int flags);
/* Move a page's contents elsewhere and retire it (MADV_SOFT_OFFLINE). */
int soft_offline_page(unsigned long pfn);
/* Between mm/memory-failure.c and mm/soft-offline.c: take a reference
 * that keeps a user page (and an anonymous page's anon_vma) ours for
 * good; count and list a frame soft offline retired. */
struct page;
void keep_user_page(struct page *p);
/* Split the huge page that holds page, so that page alone can be dealt
 * with (Linux's, for memory_failure and soft offline); logs
 * "MSG: PFN: thp split failed" and returns -EBUSY if it cannot be. */
int try_to_split_thp_page(struct page *page, const char *msg);
void soft_offline_retired(unsigned long pfn, bool was_free);
/* Between mm/memory-failure.c and mm/hwpoison-kill.c: take a locked user
 * page from every process that maps it, telling them if data was lost
 * (false: a mapping could not be removed); and tell the current process,
 * which consumed pfn again, where it has it (-EHWPOISON, or -EFAULT if it
 * has no such address). */
bool hwpoison_user_mappings(struct page *p, unsigned long pfn, int flags); /* p: a hugetlb
	* page's head, pfn the bad frame in it: si_addr points there, lsb 21 */
struct proc;
int kill_accessing_process(struct proc *p, unsigned long pfn, int flags);
/* Undo a software-injected poisoning (hwpoison-inject's unpoison-pfn). */
int unpoison_memory(unsigned long pfn);

/* mm/hwpoison-filter.c: the injection filters (their debugfs files are
 * mm/hwpoison-inject.c's). 0: the page passes; -EINVAL: leave it alone. */
extern uint32_t hwpoison_filter_enable;
extern uint32_t hwpoison_filter_dev_major, hwpoison_filter_dev_minor;
extern uint64_t hwpoison_filter_flags_mask, hwpoison_filter_flags_value;
extern uint64_t hwpoison_filter_memcg;
struct page;
int hwpoison_filter(const struct page *p);
/* /sys/kernel/debug/hwpoison (mm/hwpoison-inject.c). */
void hwpoison_inject_init(void);

/* Console: hwpoison corrupt-pfn PFN | unpoison-pfn PFN | list */
int cmd_hwpoison(int argc, char **argv);

#endif
