/*
 * init: the first user process (pid 1). The kernel starts it at boot
 * (init=PROGRAM on the kernel command line starts another one instead,
 * with the words after "--" as its arguments). Like any init, it adopts
 * orphaned processes and reaps them, forever: if init ever exits, the
 * kernel panics.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>

static void on_sigchld(int sig)
{
	(void)sig; /* only to end pause(): with SIG_DFL, SIGCHLD is discarded */
}

int main(int argc, char **argv)
{
	signal(SIGCHLD, on_sigchld);
	printf("init: pid %d, %d argument%s", getpid(), argc - 1, argc == 2 ? "" : "s");
	for (int i = 1; i < argc; i++)
		printf(" '%s'", argv[i]);
	printf("\n");
	for (;;) {
		int status;
		pid_t pid = wait(&status);
		if (pid > 0)
			printf("init: reaped orphan %d\n", pid);
		else if (errno == ECHILD)
			pause(); /* nothing to wait for: until a signal (SIGCHLD) comes */
	}
}
