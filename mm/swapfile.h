/*
 * Swap devices (Linux: include/linux/swapfile.h, mm/swapfile.c).
 *
 * A placeholder: the swap work (mm/swapfile.c) replaces this file. Until
 * then there is no swap, so reclaim never scans the anonymous lists
 * (mm/vmscan.c: get_scan_count) and the OOM killer counts no swap.
 */
#ifndef MM_SWAPFILE_H
#define MM_SWAPFILE_H

/* Free swap slots, in pages: none without swap. */
static inline long get_nr_swap_pages(void) { return 0; }

#endif
