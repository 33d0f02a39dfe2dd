/*
 * A poisoned System V shared memory page (ipc/shm.c) behaves as Linux
 * 6.1's: the segment is a shmem file, so the page stays in it, poisoned,
 * and every access - through the attach that was poisoned, through an
 * attach made afterwards, from a child forked afterwards - is SIGBUS
 * BUS_MCEERR_AR; the segment's other pages are intact. Poisons one frame
 * (MADV_HWPOISON). Prints one line per check and "sysvshmtest: N failed".
 */
#define _GNU_SOURCE
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/shm.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check.h"
#include "touch.h"

#define PAGE 4096

int main(void)
{
	int id = shmget(IPC_PRIVATE, 2 * PAGE, 0600);
	char *p = shmat(id, NULL, 0);

	check(id >= 0 && p != (void *)-1, "a 2-page segment, attached");
	p[0] = 'a';
	p[PAGE] = 'b';
	check(madvise(p, PAGE, MADV_HWPOISON) == 0, "MADV_HWPOISON its first page");
	check(touch(p) == BUS_MCEERR_AR, "touching it: SIGBUS BUS_MCEERR_AR");
	check(touch(p) == BUS_MCEERR_AR, "...every time");
	check(touch(p + PAGE) == 0 && p[PAGE] == 'b', "the other page is intact");
	char *again = shmat(id, NULL, SHM_RDONLY);
	check(again != (void *)-1 && touch(again) == BUS_MCEERR_AR,
	      "an attach made afterwards: SIGBUS BUS_MCEERR_AR too");
	pid_t pid = fork();
	if (pid == 0)
		_exit(touch(p) == BUS_MCEERR_AR && touch(p + PAGE) == 0 ? 0 : 1);
	int status;
	check(pid > 0 && waitpid(pid, &status, 0) == pid && WIFEXITED(status) &&
	      WEXITSTATUS(status) == 0, "a child forked afterwards: AR on the page, the other fine");
	struct shmid_ds ds;
	check(shmctl(id, IPC_STAT, &ds) == 0 && ds.shm_nattch == 2, "IPC_STAT: still 2 attaches");
	check(shmctl(id, IPC_RMID, NULL) == 0 && shmdt(again) == 0 && shmdt(p) == 0,
	      "IPC_RMID and detach: the segment and its poisoned page go");
	check(shmctl(id, IPC_STAT, &ds) == -1, "...gone");
	printf("sysvshmtest: %d failed\n", failures);
	return failures != 0;
}
