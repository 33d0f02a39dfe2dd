/* Linux's ___ratelimit (lib/ratelimit.c), with its defaults: see
 * lib/ratelimit.h. */
#include "lib/ratelimit.h"
#include "kernel/printk.h"

int ___ratelimit(struct ratelimit_state *rs, const char *func)
{
	int ok;

	if (!rs->interval)
		return 1;
	/* No lock: the kernel runs on one CPU and is not preempted. An
	 * interrupt that used the same state in the middle of this could at
	 * worst miscount one message. */
	if (!rs->begin)
		rs->begin = jiffies;
	if (jiffies > rs->begin + (uint64_t)rs->interval) { /* a new interval */
		if (rs->missed) {
			pr_warn("%s: %d callbacks suppressed\n", func, rs->missed);
			rs->missed = 0;
		}
		rs->begin = jiffies;
		rs->printed = 0;
	}
	ok = rs->burst > rs->printed;
	if (ok)
		rs->printed++;
	else
		rs->missed++;
	return ok;
}
