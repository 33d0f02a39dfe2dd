/*
 * The first user program: proves that a process can start, call the C
 * library (printf ends in the write system call) and exit with status 0.
 * With arguments it prints them, to check the argv the kernel passed in.
 */
#include <stdio.h>

int main(int argc, char **argv)
{
	printf("hello from user space\n");
	if (argc > 1) {
		for (int i = 0; i < argc; i++)
			printf("argv[%d] = %s\n", i, argv[i]);
	}
	return 0;
}
