/*
 * The zone's watermarks (Linux: the watermark part of mm/page_alloc.c):
 * how many free pages the allocator keeps back, and when reclaim starts
 * and stops. Tuned by vm.min_free_kbytes and vm.watermark_scale_factor.
 */
#ifndef MM_WATERMARK_H
#define MM_WATERMARK_H

#include "mm/buddy.h"

struct ctl_table;

extern int min_free_kbytes;        /* vm.min_free_kbytes */
extern int watermark_scale_factor; /* vm.watermark_scale_factor: 1/10000ths of memory */

/* Linux's default min_free_kbytes for lowmem_kbytes of memory:
 * sqrt(16 * lowmem_kbytes), clamped to [128, 262144]. */
unsigned long calculate_min_free_kbytes(unsigned long lowmem_kbytes);
/* Set z's min/low/high from min_free_kbytes and watermark_scale_factor
 * (one zone: it gets all of min). */
void __setup_per_zone_wmarks(struct zone *z, int min_kbytes, int scale_factor);
/* At boot, once the allocator has its memory: the default min_free_kbytes
 * (unless the command line set one), then the watermarks. */
void init_per_zone_wmark_min(void);

/* Linux's __zone_watermark_ok: would z keep more than `mark` free pages
 * (less what alloc_flags may dip into) after handing out 2^order? */
#define ALLOC_WMARK_MIN WMARK_MIN
#define ALLOC_WMARK_LOW WMARK_LOW
#define ALLOC_WMARK_HIGH WMARK_HIGH
#define ALLOC_NO_WATERMARKS 0x04 /* reclaim itself, an OOM victim: every free page */
#define ALLOC_WMARK_MASK (ALLOC_NO_WATERMARKS - 1)
#define ALLOC_HARDER 0x10        /* may not sleep (interrupts, atomic): a quarter under min */
#define ALLOC_HIGH 0x20          /* ...and half again (Linux's __GFP_HIGH callers) */
bool zone_watermark_ok(const struct zone *z, unsigned int order, unsigned long mark,
		       unsigned int alloc_flags);

/* The /proc/sys handlers: proc_dointvec_minmax, then the watermarks again. */
int min_free_kbytes_sysctl_handler(const struct ctl_table *table, int write, char *buffer,
				   size_t *lenp, int64_t *ppos);
int watermark_scale_factor_sysctl_handler(const struct ctl_table *table, int write, char *buffer,
					  size_t *lenp, int64_t *ppos);

#endif
