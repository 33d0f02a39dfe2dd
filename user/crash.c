/* Die of a signal's default action: crash segv|ill|fpe|abort|usr1. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(int argc, char **argv)
{
	volatile int zero = 0;
	int *volatile bad = (int *)8; /* volatile: the compiler cannot see it is bad */

	if (argc < 2) {
		fprintf(stderr, "usage: crash segv|ill|fpe|abort|usr1\n");
		return 2;
	}
	if (!strcmp(argv[1], "segv"))
		*bad = 1;
	else if (!strcmp(argv[1], "ill"))
		__asm__ volatile("ud2");
	else if (!strcmp(argv[1], "fpe"))
		printf("%d\n", 1000 / zero); /* not 1/x: GCC turns that into a compare */
	else if (!strcmp(argv[1], "abort"))
		abort();
	else if (!strcmp(argv[1], "usr1"))
		raise(SIGUSR1);
	printf("still alive\n");
	return 0;
}
