/*
 * kswapd, the background half of reclaim (Linux: mm/vmscan.c's kswapd
 * part). The allocator wakes it when free memory falls below the low
 * watermark (mm/buddy.c); it reclaims until free memory is above high,
 * so that most allocations never reclaim themselves, and sleeps again.
 */
#include "mm/vmscan.h"
#include "mm/internal.h"
#include "kernel/proc.h"
#include "kernel/timer.h"
#include "kernel/x86.h"
#include "mm/vmstat.h"
#include "mm/watermark.h"

static struct proc *kswapd_task;
static struct wait_queue_head kswapd_wait;
static bool kswapd_woken;       /* wakeup_kswapd since kswapd last looked */
static bool kswapd_nap_over;    /* its short nap's timer went off */
static unsigned int kswapd_order; /* the largest order asked for meanwhile */

/* Free memory above the high watermark for an allocation of 2^order
 * (Linux: pgdat_balanced): kswapd's work is done. */
static bool pgdat_balanced(unsigned int order)
{
	return zone_watermark_ok(&zone, order, high_wmark_pages(&zone), 0);
}

void wakeup_kswapd(unsigned int order)
{
	bool was_on;

	if (!kswapd_task || kswapd_failures >= MAX_RECLAIM_RETRIES || pgdat_balanced(order))
		return; /* boot; hopeless: left to direct reclaim; or nothing to do */
	was_on = irq_save();
	kswapd_order = MAX(kswapd_order, order);
	kswapd_woken = true;
	wake_up(&kswapd_wait);
	irq_restore(was_on);
}

static void kswapd_nap_end(struct timer_list *timer)
{
	(void)timer;
	kswapd_nap_over = true;
	wake_up(&kswapd_wait);
}

static struct timer_list kswapd_nap_timer = { .function = kswapd_nap_end };

/*
 * Linux's kswapd_try_to_sleep: with the work done, nap for HZ/10 first.
 * Woken during the nap, memory fell under low again at once
 * (kswapd_low_wmark_hit_quickly); under high when the nap ends, kswapd
 * goes on without being asked (kswapd_high_wmark_hit_quickly); else it
 * sleeps until the allocator wakes it.
 */
static void kswapd_try_to_sleep(void)
{
	bool woken = false;

	cli();
	if (pgdat_balanced(0)) {
		kswapd_woken = kswapd_nap_over = false;
		mod_timer(&kswapd_nap_timer, jiffies + HZ / 10);
		while (!kswapd_woken && !kswapd_nap_over)
			sleep_on(&kswapd_wait);
		woken = kswapd_woken;
	}
	if (!woken && pgdat_balanced(0)) {
		while (!kswapd_woken)
			sleep_on(&kswapd_wait);
	} else {
		count_vm_event(woken ? KSWAPD_LOW_WMARK_HIT_QUICKLY : KSWAPD_HIGH_WMARK_HIT_QUICKLY);
	}
	kswapd_woken = false;
	sti();
}

/*
 * Reclaim until free memory is above the high watermark (Linux:
 * balance_pgdat). Each pass asks for high's worth of pages; the priority
 * rises (more of each list looked at) only when a pass scanned less than
 * that or freed nothing, so kswapd goes gently while gentle works.
 */
static void balance_pgdat(unsigned int order)
{
	struct scan_control sc = { .gfp_mask = GFP_KERNEL, .may_swap = true,
				   .priority = DEF_PRIORITY };
	unsigned long total = 0;

	count_vm_event(PAGEOUTRUN);
	while (sc.priority >= 1 && !pgdat_balanced(order)) {
		sc.nr_to_reclaim = MAX(high_wmark_pages(&zone), SWAP_CLUSTER_MAX);
		sc.nr_reclaimed = sc.nr_scanned = 0;
		shrink_node(&sc);
		total += sc.nr_reclaimed;
		if (sc.nr_scanned < sc.nr_to_reclaim || !sc.nr_reclaimed)
			sc.priority--;
		cond_resched();
	}
	if (!total && !pgdat_balanced(order))
		kswapd_failures++;
}

/* The thread (Linux: kswapd). PF_MEMALLOC: its own allocations never
 * reclaim, and may take the reserve under min. */
static void kswapd(void *arg)
{
	(void)arg;
	current->flags |= PF_MEMALLOC | PF_KSWAPD;
	for (;;) {
		unsigned int order;

		kswapd_try_to_sleep();
		order = kswapd_order;
		kswapd_order = 0;
		balance_pgdat(order);
	}
}

void kswapd_run(void)
{
	init_waitqueue_head(&kswapd_wait);
	INIT_LIST_HEAD(&kswapd_nap_timer.entry);
	kswapd_task = kthread_create("kswapd0", kswapd, NULL);
}
