/*
 * Catching a SIGBUS a swap test provokes (user/swaptest.c,
 * user/shmswaptest.c): install on_sigbus with SA_SIGINFO, sigsetjmp
 * bus_jump, touch; the handler keeps the signal's si_code and si_addr
 * and jumps back.
 */
#ifndef USER_SIGBUS_H
#define USER_SIGBUS_H

#include <setjmp.h>
#include <signal.h>

static sigjmp_buf bus_jump;
static volatile int bus_code;
static void *volatile bus_addr;

static void on_sigbus(int sig, siginfo_t *info, void *ctx)
{
	(void)sig, (void)ctx;
	bus_code = info->si_code;
	bus_addr = info->si_addr;
	siglongjmp(bus_jump, 1);
}

#endif
