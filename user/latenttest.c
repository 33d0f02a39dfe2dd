/*
 * Latent poison: memory that goes bad while a process holds it, and is
 * found only when something reads it (the emulated memory controller,
 * mce/latent.c; tests/system/test_latent.py).
 *
 *   latenttest MODE      fill a page, print its frame ("latenttest: pfn
 *                        N"), wait for SIGUSR1 (the test arms the frame
 *                        meanwhile: inject latent N), then:
 *     load               read the page: SIGBUS BUS_MCEERR_AR
 *     fetch              (the page holds code) call it: SIGBUS
 *                        BUS_MCEERR_AR, an instruction fetch
 *     copyin             write(2) it into a pipe: the kernel's
 *                        copy_from_user reads it and fails, EFAULT; then
 *                        read it: SIGBUS BUS_MCEERR_AR
 *     copyout            read(2) from a pipe into it: EFAULT
 *     cow                (the page is shared with a forked child) write
 *                        it: the kernel's copy-on-write copy reads the
 *                        bad page and fails: SIGBUS BUS_MCEERR_AR
 *   latenttest file PATH the same with the first page of PATH, in the page
 *                        cache: read(2) fails (EFAULT), as the kernel's
 *                        copy reads bad memory; wait for SIGUSR1 again
 *                        (memory_failure drops the clean page), then
 *                        read(2) it again: the good data, from the disk
 *   latenttest dirty PATH  the same with a page of PATH (made anew) that
 *                        we write through a shared mapping: fsync fails
 *                        with EIO, as the disk cannot read the bad data
 *   latenttest cmdline   the same, but print the frame that holds our
 *                        argument strings, and wait for good: the test
 *                        arms it and reads /proc/PID/cmdline, which the
 *                        kernel copies with plain loads (a panic)
 *
 * Each SIGBUS is printed with its siginfo, then we go on (siglongjmp).
 */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "check.h"
#include "pagemap.h"

#define PAGE 4096
#ifndef BUS_MCEERR_AR
#define BUS_MCEERR_AR 4
#endif

static sigjmp_buf bus_jump;
static volatile int bus_code, bus_lsb;
static void *volatile bus_addr;

static void on_sigbus(int sig, siginfo_t *si, void *uc)
{
	(void)sig, (void)uc;
	bus_code = si->si_code;
	bus_addr = si->si_addr;
	bus_lsb = si->si_addr_lsb;
	siglongjmp(bus_jump, 1);
}

/* Read the page; whether that raised SIGBUS BUS_MCEERR_AR at it. */
static int load_is_sigbus(volatile char *page)
{
	bus_code = 0;
	if (sigsetjmp(bus_jump, 1) == 0) {
		(void)page[100];
		printf("latenttest: the load read the page\n");
		return 0;
	}
	printf("latenttest: SIGBUS si_code %d at page+%ld lsb %d\n", bus_code,
	       (long)((char *)bus_addr - (char *)page), bus_lsb);
	return bus_code == BUS_MCEERR_AR && (char *)bus_addr - (char *)page < PAGE &&
	       (char *)bus_addr >= (char *)page;
}

int main(int argc, char **argv)
{
	const char *mode = argc > 1 ? argv[1] : "";
	struct sigaction sa = { .sa_sigaction = on_sigbus, .sa_flags = SA_SIGINFO };
	sigset_t usr1;
	int sig, fds[2];

	if (strcmp(mode, "load") && strcmp(mode, "fetch") && strcmp(mode, "copyin") && strcmp(mode, "copyout") &&
	    strcmp(mode, "cmdline") && strcmp(mode, "cow") &&
	    ((strcmp(mode, "file") && strcmp(mode, "dirty")) || argc < 3)) {
		fprintf(stderr, "usage: latenttest load|fetch|copyin|copyout|cmdline|cow|file PATH|dirty PATH\n");
		return 2;
	}
	bool file = !strcmp(mode, "file"), dirty = !strcmp(mode, "dirty");
	int fd = file ? open(argv[2], O_RDONLY) : dirty ? open(argv[2], O_RDWR | O_CREAT | O_TRUNC, 0644) : -1;
	if (dirty && ftruncate(fd, PAGE))
		return 1;
	char *page = file ? mmap(NULL, PAGE, PROT_READ, MAP_SHARED, fd, 0)
		     : dirty ? mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0)
			     : mmap(NULL, PAGE, PROT_READ | PROT_WRITE | PROT_EXEC,
				    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (page == MAP_FAILED)
		return 1;
	static char before[PAGE], after[PAGE];
	if (file)
		memcpy(before, page, PAGE); /* faults the page in, too */
	else
		memset(page, 0xc3, PAGE); /* x86's ret, for fetch; any pattern for the rest */
	pid_t child = !strcmp(mode, "cow") ? fork() : -1;
	if (child == 0)
		for (;;)
			pause(); /* shares the page until killed */
	sigaction(SIGBUS, &sa, NULL);
	sigemptyset(&usr1);
	sigaddset(&usr1, SIGUSR1);
	sigprocmask(SIG_BLOCK, &usr1, NULL);
	if (pipe(fds))
		return 1;
	bool cmdline = !strcmp(mode, "cmdline");
	printf("latenttest: pfn %llu; waiting for SIGUSR1\n",
	       (unsigned long long)pfn_of(cmdline ? (void *)argv[0] : page));
	fflush(stdout);
	do
		sigwait(&usr1, &sig);
	while (cmdline);
	if (!strcmp(mode, "load")) {
		check(load_is_sigbus(page), "a load from the bad page: SIGBUS BUS_MCEERR_AR");
	} else if (!strcmp(mode, "fetch")) {
		bus_code = 0;
		if (sigsetjmp(bus_jump, 1) == 0)
			((void (*)(void))page)(); /* the ret written below */
		check(bus_code == BUS_MCEERR_AR, "a call into the bad page: SIGBUS BUS_MCEERR_AR");
	} else if (!strcmp(mode, "copyin")) {
		check_err(write(fds[1], page, PAGE), EFAULT, "write(2) from the bad page: EFAULT");
		check(load_is_sigbus(page), "then a load from it: SIGBUS BUS_MCEERR_AR");
	} else if (!strcmp(mode, "copyout")) {
		static char good[PAGE];
		check(write(fds[1], good, PAGE) == PAGE, "a page into the pipe");
		check_err(read(fds[0], page, PAGE), EFAULT, "read(2) into the bad page: EFAULT");
	} else if (!strcmp(mode, "cow")) {
		bus_code = 0;
		if (sigsetjmp(bus_jump, 1) == 0)
			page[0] = 1;
		check(bus_code == BUS_MCEERR_AR, "a write to the bad shared page: SIGBUS BUS_MCEERR_AR");
		kill(child, SIGKILL);
	} else if (dirty) {
		check_err(fsync(fd), EIO, "fsync of the bad dirty page: EIO");
	} else {
		check_err(pread(fd, after, PAGE, 0), EFAULT, "read(2) of the bad cached page: EFAULT");
		printf("latenttest: read failed; waiting for SIGUSR1\n");
		fflush(stdout);
		sigwait(&usr1, &sig);
		check(pread(fd, after, PAGE, 0) == PAGE && !memcmp(before, after, PAGE),
		      "read(2) again: the good data, from the disk");
	}
	printf("latenttest: %d failed\n", failures);
	return failures != 0;
}
