/*
 * The OOM killer (Linux: include/linux/oom.h, mm/oom_kill.c): when
 * reclaim cannot free memory, a process is killed to free its own.
 */
#ifndef MM_OOM_H
#define MM_OOM_H

#include "kernel/proc.h"
#include "mm/buddy.h"

#ifndef LONG_MIN
#define LONG_MIN (-__LONG_MAX__ - 1L) /* <limits.h>'s: "may not be killed" */
#endif

/* /proc/PID/oom_score_adj's range: -1000 never killed, 1000 first. */
#define OOM_SCORE_ADJ_MIN (-1000)
#define OOM_SCORE_ADJ_MAX 1000
/* /proc/PID/oom_adj, the old interface: -17 disables, -16..15. */
#define OOM_DISABLE (-17)
#define OOM_ADJUST_MAX 15

/* One call of the OOM killer (Linux: struct oom_control). */
struct oom_control {
	gfp_t gfp_mask;          /* the allocation that failed; 0: a page fault */
	int order;
	unsigned long totalpages; /* memory to score against (RAM and swap) */
	struct proc *chosen;     /* the victim so far, held (get_task_struct) */
	long chosen_points;
};

/* Kill the process that frees the most memory - or let one already
 * killed finish dying - and say so; false if no process can be killed
 * (every one is -1000, init or a kernel thread). */
bool out_of_memory(struct oom_control *oc);
/* A user page fault found no memory even after the allocator's OOM
 * killer (mm/fault.c's -ENOMEM): the fault is tried again once a victim
 * has died, unless the faulting process is the one dying. */
void pagefault_out_of_memory(void);

/* The OOM killer chose p's process; it is on its way out. */
static inline bool tsk_is_oom_victim(const struct proc *p)
{
	return p->signal && p->signal->oom_victim;
}

/* How much killing p's process would free, in pages, weighed by its
 * oom_score_adj; LONG_MIN if it may not be killed (Linux: oom_badness). */
long oom_badness(struct proc *p, unsigned long totalpages);
/* RAM (and, once it exists, swap): what the scores are shares of. */
unsigned long oom_totalpages(void);

/* Linux's arithmetic, alone for the host tests: the pages a process
 * would free, plus oom_score_adj thousandths of all memory... */
static inline long oom_points(unsigned long pages, int adj, unsigned long totalpages)
{
	return (long)pages + (long)adj * (long)(totalpages / 1000);
}

/* ...and /proc/PID/oom_score: that badness on a scale of 0 to 2000/3,
 * 0 for a process that may not be killed (Linux: proc_oom_score). */
static inline unsigned long oom_score(long badness, unsigned long totalpages)
{
	long points;

	if (badness == LONG_MIN || !totalpages)
		return 0;
	points = (1000 + badness * 1000 / (long)totalpages) * 2 / 3;
	return points < 0 ? 0 : (unsigned long)points;
}

#endif
