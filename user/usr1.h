/* SIGUSR1 as a go-ahead from the system test (the console's `kill PID
 * 10`): blocked from the start, so that one sent early waits for us. */
#ifndef USER_USR1_H
#define USER_USR1_H

#include <signal.h>

static void block_usr1(void)
{
	sigset_t usr1;

	sigemptyset(&usr1);
	sigaddset(&usr1, SIGUSR1);
	sigprocmask(SIG_BLOCK, &usr1, NULL);
}

static void wait_usr1(void)
{
	sigset_t usr1;
	int sig;

	sigemptyset(&usr1);
	sigaddset(&usr1, SIGUSR1);
	sigwait(&usr1, &sig);
}

#endif
