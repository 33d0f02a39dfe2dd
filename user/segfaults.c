/*
 * Many segmentation faults, for the log's rate limit (printk_ratelimit).
 *
 *   segfaults handled N     fault N times, each caught by a SIGSEGV handler
 *                           that siglongjmps back: Linux logs none of them
 *   segfaults unhandled N   N children that each die of a fault; then, after
 *                           6 seconds (past the 5-second interval), one more
 *
 * Prints "segfaults: N handled" or "segfaults: N killed by SIGSEGV".
 */
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static sigjmp_buf again;

static void on_segv(int sig)
{
	(void)sig;
	siglongjmp(again, 1);
}

static void fault(void)
{
	int *volatile bad = (int *)8; /* volatile: the compiler cannot see it is bad */

	*bad = 1;
}

static int handled(int n)
{
	volatile int caught = 0;

	signal(SIGSEGV, on_segv);
	sigsetjmp(again, 1);
	if (caught++ < n)
		fault();
	return caught - 1;
}

/* 1 if a child that faults dies of SIGSEGV. */
static int one_child(void)
{
	int status;
	pid_t pid = fork();

	if (pid == 0) {
		fault();
		_exit(0);
	}
	if (pid < 0 || waitpid(pid, &status, 0) != pid)
		return 0;
	return WIFSIGNALED(status) && WTERMSIG(status) == SIGSEGV;
}

static int unhandled(int n)
{
	int killed = 0;

	for (int i = 0; i < n; i++)
		killed += one_child();
	sleep(6);
	return killed + one_child();
}

int main(int argc, char **argv)
{
	int n = argc == 3 ? atoi(argv[2]) : 0;

	if (n > 0 && !strcmp(argv[1], "handled"))
		printf("segfaults: %d handled\n", handled(n));
	else if (n > 0 && !strcmp(argv[1], "unhandled"))
		printf("segfaults: %d killed by SIGSEGV\n", unhandled(n));
	else {
		fprintf(stderr, "usage: segfaults handled|unhandled N\n");
		return 2;
	}
	return 0;
}
