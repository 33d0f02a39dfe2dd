/*
 * What /proc/kpageflags says about a frame: Linux's KPF_* bits
 * (include/uapi/linux/kernel-page-flags.h), the same numbers whatever
 * the kernel's own page flags are, so that page-types and the hwpoison
 * filter's flags mask read the same here as on Linux.
 */
#ifndef MM_KERNEL_PAGE_FLAGS_H
#define MM_KERNEL_PAGE_FLAGS_H

#include "lib/types.h"

#define KPF_LOCKED 0
#define KPF_ERROR 1
#define KPF_REFERENCED 2
#define KPF_UPTODATE 3
#define KPF_DIRTY 4
#define KPF_LRU 5
#define KPF_ACTIVE 6
#define KPF_SLAB 7
#define KPF_WRITEBACK 8
#define KPF_RECLAIM 9
#define KPF_BUDDY 10
#define KPF_MMAP 11
#define KPF_ANON 12
#define KPF_SWAPCACHE 13
#define KPF_SWAPBACKED 14
#define KPF_COMPOUND_HEAD 15
#define KPF_COMPOUND_TAIL 16
#define KPF_HUGE 17
#define KPF_UNEVICTABLE 18
#define KPF_HWPOISON 19
#define KPF_NOPAGE 20
#define KPF_KSM 21
#define KPF_THP 22
#define KPF_OFFLINE 23
#define KPF_ZERO_PAGE 24
#define KPF_IDLE 25
#define KPF_PGTABLE 26
/* Linux's kernel-hacking bits, above 31. */
#define KPF_RESERVED 32
#define KPF_MLOCKED 33

struct page;

/* The KPF_* bits of page (mm/page_flags.c); NULL: KPF_NOPAGE. */
uint64_t stable_page_flags(const struct page *page);

#endif
