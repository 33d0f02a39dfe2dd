/* The OOM killer's arithmetic (mm/oom.h): which process oom_badness
 * prefers, and /proc/PID/oom_score, as Linux 6.1 computes them. */
#include "mm/oom.h"
#include "tests/unit/test.h"

/* 64 MiB of RAM, as the system tests' machine. */
#define TOTAL 16000UL

static void test_the_biggest_process_scores_highest(void)
{
	CHECK(oom_points(12000, 0, TOTAL) > oom_points(1000, 0, TOTAL));
	CHECK(oom_points(1000, 0, TOTAL) > oom_points(999, 0, TOTAL));
}

/* oom_score_adj is thousandths of all memory, added to the pages. */
static void test_oom_score_adj_weighs_in(void)
{
	CHECK(oom_points(1000, 500, TOTAL) == 1000 + 500 * 16);
	CHECK(oom_points(1000, -500, TOTAL) == 1000 - 500 * 16);
	/* -900 makes the biggest process the least likely... */
	CHECK(oom_points(12000, -900, TOTAL) < oom_points(500, 0, TOTAL));
	/* ...+1000 the first, whatever it holds. */
	CHECK(oom_points(1, 1000, TOTAL) > oom_points(TOTAL, 0, TOTAL));
}

static void test_proc_oom_score(void)
{
	CHECK(oom_score(LONG_MIN, TOTAL) == 0);         /* unkillable: -1000, init */
	CHECK(oom_score(0, TOTAL) == 666);              /* (1000 + 0) * 2 / 3 */
	CHECK(oom_score(TOTAL / 2, TOTAL) == 1000);     /* half of memory */
	CHECK(oom_score(TOTAL, TOTAL) == 1333);
	CHECK(oom_score(-(long)TOTAL * 2, TOTAL) == 0); /* never below 0 */
	CHECK(oom_score(oom_points(1600, 500, TOTAL), TOTAL) == 1066);
}

int main(void)
{
	RUN(test_the_biggest_process_scores_highest);
	RUN(test_oom_score_adj_weighs_in);
	RUN(test_proc_oom_score);
	return finish("unit oom");
}
