/*
 * The records the #MC handler found, waiting for a safe point (Linux:
 * arch/x86/kernel/cpu/mce/genpool.c, and the irq_work that drains it).
 *
 * The #MC handler may interrupt anything - the run queue, the timer
 * list, the workqueue, printk - even with interrupts off, and even
 * another #MC handler (a real #MC inside the software injector's). So it
 * touches none of them: it only copies each error into this ring. The
 * ring is lock-free: a handler claims a slot with one compare-and-swap
 * (a nested handler's claim just makes ours retry), fills it, then marks
 * it ready. Everything else - the kernel log, the mcelog ring and
 * memory_failure_queue() for the pages - happens in mce_irq_work_run(),
 * which kernel/trap.c calls where no such structure can be half updated:
 * at the end of an interrupt (which can only arrive with interrupts on,
 * so outside every irq_save() section) and on the way back to user mode.
 */
#include "mce/mce.h"
#include "kernel/printk.h"
#include "kernel/x86.h"

#define MCE_POOL_LEN 32 /* a power of two; Linux's pool holds about 80 */

static struct {
	struct mce m;
	bool ready;   /* written by the #MC handler that claimed the slot */
} pool[MCE_POOL_LEN];
static unsigned long pool_head;    /* slots ever claimed: by #MC handlers */
static unsigned long pool_tail;    /* slots ever taken: by mce_irq_work_run */
static unsigned long pool_dropped; /* records lost to a full pool */

/* A #MC with no signalled error in any bank: what MCG_STATUS said. */
static bool unclaimed;
static uint64_t unclaimed_mcgstatus;

/* From the #MC handler. */
bool mce_gen_pool_add(const struct mce *m)
{
	unsigned long head = __atomic_load_n(&pool_head, __ATOMIC_ACQUIRE);

	do {
		if (head - __atomic_load_n(&pool_tail, __ATOMIC_ACQUIRE) >= MCE_POOL_LEN) {
			__atomic_fetch_add(&pool_dropped, 1, __ATOMIC_RELAXED);
			return false;
		}
	} while (!__atomic_compare_exchange_n(&pool_head, &head, head + 1, false,
					      __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE));
	pool[head % MCE_POOL_LEN].m = *m;
	__atomic_store_n(&pool[head % MCE_POOL_LEN].ready, true, __ATOMIC_RELEASE);
	return true;
}

/* From the #MC handler: it found nothing of its own to handle. */
void mce_gen_pool_unclaimed(uint64_t mcgstatus)
{
	unclaimed_mcgstatus = mcgstatus;
	__atomic_store_n(&unclaimed, true, __ATOMIC_RELEASE);
}

/* The oldest ready record, if any. Only one taker runs at a time (they
 * run with interrupts off); a slot a handler is still filling stops the
 * taker until the next safe point. */
bool mce_gen_pool_take(struct mce *m)
{
	unsigned long tail = pool_tail;

	if (tail == __atomic_load_n(&pool_head, __ATOMIC_ACQUIRE) ||
	    !__atomic_load_n(&pool[tail % MCE_POOL_LEN].ready, __ATOMIC_ACQUIRE))
		return false;
	*m = pool[tail % MCE_POOL_LEN].m;
	pool[tail % MCE_POOL_LEN].ready = false;
	__atomic_store_n(&pool_tail, tail + 1, __ATOMIC_RELEASE);
	return true;
}

static bool pending(void)
{
	return __atomic_load_n(&pool_head, __ATOMIC_ACQUIRE) != pool_tail ||
	       __atomic_load_n(&unclaimed, __ATOMIC_ACQUIRE) ||
	       __atomic_load_n(&pool_dropped, __ATOMIC_RELAXED);
}

/* At a safe point: what the handlers left, in the order they found it. */
void mce_irq_work_run(void)
{
	struct mce m;

	if (!pending())
		return;
	bool was_on = irq_save(); /* one taker at a time */
	unsigned long dropped = __atomic_exchange_n(&pool_dropped, 0, __ATOMIC_ACQ_REL);
	if (dropped)
		pr_warn("mce: MCE records pool full: %lu lost\n", dropped);
	while (mce_gen_pool_take(&m))
		mce_handle_record(&m);
	if (__atomic_exchange_n(&unclaimed, false, __ATOMIC_ACQ_REL))
		pr_warn("mce: #MC, but no bank holds a signalled error (MCG_STATUS %#lx); "
			"the poller collects any others\n", unclaimed_mcgstatus);
	irq_restore(was_on);
}
