/*
 * Rate limiting of log messages, as Linux's lib/ratelimit.c: at most
 * `burst` messages in each `interval` jiffies. The rest are counted; the
 * first call after the interval ends says how many were dropped:
 * "show_signal_msg: 990 callbacks suppressed".
 *
 *	static struct ratelimit_state rs = RATELIMIT_STATE_INIT(5 * HZ, 10);
 *	if (__ratelimit(&rs))
 *		pr_info(...);
 */
#ifndef LIB_RATELIMIT_H
#define LIB_RATELIMIT_H

#include "kernel/timer.h"
#include "lib/types.h"

#define DEFAULT_RATELIMIT_INTERVAL (5 * HZ)
#define DEFAULT_RATELIMIT_BURST 10

struct ratelimit_state {
	int interval;        /* jiffies; 0: no limit */
	int burst;           /* messages allowed per interval */
	int printed, missed; /* in the current interval */
	uint64_t begin;      /* jiffies when the interval began; 0: none yet */
};

#define RATELIMIT_STATE_INIT(interval_init, burst_init) \
	{ .interval = (interval_init), .burst = (burst_init) }

/* 1: go ahead and print; 0: suppressed. func names the caller in the
 * "callbacks suppressed" line. */
int ___ratelimit(struct ratelimit_state *rs, const char *func);
#define __ratelimit(state) ___ratelimit(state, __func__)

#endif
