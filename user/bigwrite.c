/*
 * One huge system call: write(1, buf, 0x80000000) - 2 GiB of zero bytes
 * to the console, which takes far longer than anyone waits. The kernel
 * must still answer the console meanwhile, and SIGKILL must end it.
 * With the argument "handler", SIGUSR1 has a handler: the signal ends
 * the write early, with the count written so far, as on Linux.
 */
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#define SIZE 0x80000000UL

static void on_usr1(int sig)
{
	(void)sig;
}

int main(int argc, char **argv)
{
	if (argc > 1 && !strcmp(argv[1], "handler"))
		signal(SIGUSR1, on_usr1);
	char *buf = mmap(NULL, SIZE, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (buf == MAP_FAILED) {
		perror("mmap");
		return 1;
	}
	ssize_t n = write(1, buf, SIZE);
	fprintf(stderr, "\nbigwrite: wrote %zd bytes\n", n);
	return 0;
}
