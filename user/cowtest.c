/*
 * A page shared copy-on-write after fork, and its copy at the first write
 * (mm/fault.c:do_wp_page; tests/system/test_processes.py). The parent
 * writes a page and forks; the child prints
 *     cowtest: child PID shares pfn 0xN
 * (the parent's frame: the test sees it mapped twice) and waits for
 * SIGUSR1; then it writes the page and prints
 *     cowtest: child wrote: pfn 0xM
 * (a copy of its own) and waits for SIGUSR1 again. Both check that each
 * sees its own data, and the parent exits with the child's status.
 */
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "pagemap.h"
#include "usr1.h"

static int child(volatile char *page, uint64_t pfn)
{
	printf("cowtest: child %d shares pfn %#llx\n", getpid(), (unsigned long long)pfn);
	fflush(stdout);
	wait_usr1();
	page[0] = 'c';
	printf("cowtest: child wrote: pfn %#llx\n", (unsigned long long)pfn_of((char *)page));
	fflush(stdout);
	wait_usr1();
	return page[0] == 'c' && page[1] == 'p' ? 0 : 1;
}

int main(void)
{
	volatile char *page = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
				   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	int status = -1;

	block_usr1();
	memset((char *)page, 'p', 4096);
	pid_t pid = fork();
	if (pid == 0)
		return child(page, pfn_of((char *)page));
	waitpid(pid, &status, 0);
	if (page[0] != 'p')
		return 1; /* the child's write reached the parent's page */
	return WIFEXITED(status) ? WEXITSTATUS(status) : 1;
}
