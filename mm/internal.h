/*
 * Between mm/vmscan.c (reclaim) and mm/kswapd.c (its background thread):
 * how one reclaim run goes, and one pass over the lists (Linux keeps
 * these in mm/vmscan.c and mm/internal.h).
 */
#ifndef MM_INTERNAL_H
#define MM_INTERNAL_H

#include "mm/buddy.h"

/* DEACTIVATE_*: which active lists a pass may refill the inactive ones
 * from (Linux: scan_control.may_deactivate). */
#define DEACTIVATE_ANON 1u
#define DEACTIVATE_FILE 2u

/* How one reclaim run goes (Linux: struct scan_control). */
struct scan_control {
	unsigned long nr_to_reclaim; /* stop once this many are freed */
	gfp_t gfp_mask;              /* the allocation's: may reclaim write pages? */
	int priority;                /* scan lru_size >> priority: DEF_PRIORITY down to 0 */
	bool may_swap;               /* may look at anonymous pages (if there is swap) */
	bool force_deactivate;       /* refill the inactive lists even if not short */
	bool skipped_deactivate;     /* an active list was left alone: worth forcing */
	unsigned int may_deactivate; /* DEACTIVATE_*, from inactive_is_low */
	unsigned long nr_scanned;    /* inactive pages looked at */
	unsigned long nr_reclaimed;
};

/* Linux's: the first pass looks at 1/4096 of the list, each next one
 * at twice as much, the last at all of it. */
#define DEF_PRIORITY 12

/* One pass at sc->priority (Linux: shrink_node): which active lists may
 * be refilled, then the lists; a pass that frees a page ends kswapd's
 * run of failures. */
void shrink_node(struct scan_control *sc);

/* kswapd's runs in a row that freed nothing (Linux:
 * pgdat->kswapd_failures): reclaim is hopeless until one frees a page. */
extern int kswapd_failures;

#endif
