/*
 * Signal handlers that cannot run: each mode must end in death by the
 * signal the kernel forces, quickly, as on Linux - never in a loop of
 * faults.
 *
 *   sigdeath altstack   a SA_ONSTACK|SA_NODEFER SIGSEGV handler at a bad
 *                       address: every fault pushes another frame on the
 *                       alternate stack until it would overflow, then
 *                       the kernel forces SIGSEGV (killed by signal 11)
 *   sigdeath nodefer    the same on the ordinary stack: frames pile up
 *                       until the stack is used up (killed by signal 11)
 *   sigdeath badstack   a SIGUSR1 handler on an alternate stack that is
 *                       not mapped: the frame cannot be written
 *                       (killed by signal 11)
 *   sigdeath poisoned   a SIGBUS handler whose code page is poisoned
 *                       (MADV_HWPOISON): fetching it raises SIGBUS
 *                       BUS_MCEERR_AR while SIGBUS is blocked
 *                       (killed by signal 7)
 *   sigdeath poisoned-nodefer
 *                       the same handler with SA_ONSTACK|SA_NODEFER: each
 *                       fetch pushes another frame on the alternate stack
 *                       until it would overflow (killed by signal 11)
 */
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#ifndef MADV_HWPOISON
#define MADV_HWPOISON 100
#endif

static void set_handler(int sig, void *handler, int flags)
{
	struct sigaction sa = { .sa_flags = SA_SIGINFO | flags };

	sa.sa_sigaction = (void (*)(int, siginfo_t *, void *))handler;
	sigaction(sig, &sa, NULL);
}

static void use_altstack(void *sp, size_t size)
{
	stack_t ss = { .ss_sp = sp, .ss_size = size };

	if (sigaltstack(&ss, NULL))
		perror("sigaltstack");
}

static void segfault(void)
{
	int *volatile bad = (int *)8; /* volatile: the compiler cannot see it is bad */

	*bad = 1;
}

/* A SIGBUS handler in a page of its own - one `ret` - then that page
 * poisoned: the handler cannot even be fetched. */
static void poisoned_handler(int flags)
{
	unsigned char *code = mmap(NULL, 4096, PROT_READ | PROT_WRITE | PROT_EXEC,
				   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (code == MAP_FAILED) {
		perror("mmap");
		return;
	}
	code[0] = 0xc3; /* ret */
	set_handler(SIGBUS, code, flags);
	if (madvise(code, 4096, MADV_HWPOISON))
		perror("madvise");
	raise(SIGBUS);
}

int main(int argc, char **argv)
{
	static char altstack[16384];
	const char *mode = argc > 1 ? argv[1] : "";

	setvbuf(stdout, NULL, _IONBF, 0);
	if (!strcmp(mode, "altstack")) {
		use_altstack(altstack, sizeof(altstack));
		set_handler(SIGSEGV, (void *)8, SA_ONSTACK | SA_NODEFER);
		segfault();
	} else if (!strcmp(mode, "nodefer")) {
		set_handler(SIGSEGV, (void *)8, SA_NODEFER);
		segfault();
	} else if (!strcmp(mode, "badstack")) {
		use_altstack((void *)0x10000, 65536);
		set_handler(SIGUSR1, (void *)segfault, SA_ONSTACK);
		raise(SIGUSR1);
	} else if (!strcmp(mode, "poisoned")) {
		poisoned_handler(0);
	} else if (!strcmp(mode, "poisoned-nodefer")) {
		use_altstack(altstack, sizeof(altstack));
		poisoned_handler(SA_ONSTACK | SA_NODEFER);
	} else {
		fprintf(stderr, "usage: sigdeath altstack|nodefer|badstack|poisoned|poisoned-nodefer\n");
		return 2;
	}
	printf("sigdeath: still alive\n");
	return 0;
}
