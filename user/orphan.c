/* Leave an orphan behind: the child outlives us and init must reap it. */
#include <stdio.h>
#include <time.h>
#include <unistd.h>

int main(void)
{
	pid_t pid = fork();

	if (pid == 0) {
		struct timespec t = { 0, 100 * 1000 * 1000 };
		nanosleep(&t, NULL);
		printf("orphan: child %d exits, parent was %d\n", getpid(), getppid());
		return 0;
	}
	printf("orphan: parent %d leaves child %d behind\n", getpid(), pid);
	return 0;
}
