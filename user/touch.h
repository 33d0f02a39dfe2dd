/*
 * touch(p): read one byte at p and say whether that raised SIGBUS - 0, or
 * the signal's si_code (BUS_MCEERR_AR for a poisoned page). The suites
 * that poison memory share it.
 */
#ifndef USER_TOUCH_H
#define USER_TOUCH_H

#include <setjmp.h>
#include <signal.h>

static sigjmp_buf recover;
static volatile int bus_code;

static void on_sigbus(int sig, siginfo_t *si, void *uc)
{
	(void)sig, (void)uc;
	bus_code = si->si_code;
	siglongjmp(recover, 1);
}

static int touch(volatile char *p)
{
	struct sigaction sa = { .sa_sigaction = on_sigbus, .sa_flags = SA_SIGINFO }, old;

	bus_code = 0;
	sigaction(SIGBUS, &sa, &old);
	if (sigsetjmp(recover, 1) == 0)
		(void)*p;
	sigaction(SIGBUS, &old, NULL);
	return bus_code;
}

#endif
