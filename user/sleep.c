/* sleep SECONDS: do nothing for that long (nanosleep), then exit 0. */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

int main(int argc, char **argv)
{
	struct timespec t = { argc > 1 ? atol(argv[1]) : 1, 0 };

	if (argc != 2) {
		fprintf(stderr, "usage: sleep SECONDS\n");
		return 2;
	}
	return nanosleep(&t, NULL) ? 1 : 0;
}
