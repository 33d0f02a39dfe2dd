/*
 * A process whose memory goes bad, for the hwpoison labs and tests.
 *
 *   victim MODE madvise   poison our own page (MADV_HWPOISON), then touch it
 *   victim MODE wait      keep reading our page, sleeping in between
 *   victim MODE idle      the same with no SIGBUS handler: the signal kills
 *                         us (the shell session of README.md)
 *   victim MODE spin      keep reading our page, never leaving user mode;
 *                         SIGUSR1 makes it say "victim: spinning" (from
 *                         user space: proof that it runs there now)
 *   victim MODE nohandler poison our page and touch it with no SIGBUS handler
 *   victim MODE softoffline  move our page away (MADV_SOFT_OFFLINE): no signal
 *   victim MODE mlock     as madvise, with the page mlock()ed first
 *   victim MODE fork private|shared
 *                         share the page with a child (copy-on-write, or
 *                         MAP_SHARED) that asks for early kill; then the
 *                         parent poisons it with MADV_HWPOISON and touches it
 *   victim MODE vfork     a vfork child (MODE inherited) poisons our page on
 *                         the address space it borrows: two processes, one mm
 *   victim prctl          check prctl(PR_MCE_KILL*) and its errors
 *
 * MODE is the memory-error kill policy set with prctl(PR_MCE_KILL):
 * early, late, or default (leave it to vm.memory_failure_early_kill).
 * Every SIGBUS is printed with its siginfo; after an action-required
 * SIGBUS we recover with siglongjmp and go on.
 */
#include <errno.h>
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#ifndef MADV_HWPOISON
#define MADV_HWPOISON 100
#endif
#ifndef MADV_SOFT_OFFLINE
#define MADV_SOFT_OFFLINE 101
#endif

static sigjmp_buf recover;
static char *page;
static volatile sig_atomic_t got_ao;

static void on_sigbus(int sig, siginfo_t *si, void *uc)
{
	(void)sig, (void)uc;
	const char *kind = si->si_code == BUS_MCEERR_AR ? "BUS_MCEERR_AR" :
			   si->si_code == BUS_MCEERR_AO ? "BUS_MCEERR_AO" : "other";
	/* printf is not async-signal-safe in general; fine for this test. */
	printf("victim: SIGBUS %s si_addr=%p page+%ld addr_lsb=%d pid=%d\n", kind, si->si_addr,
	       (long)((char *)si->si_addr - page), si->si_addr_lsb, getpid());
	fflush(stdout);
	if (si->si_code == BUS_MCEERR_AO)
		got_ao = 1;
	if (si->si_code == BUS_MCEERR_AR)
		siglongjmp(recover, 1);
}

static void set_mode(const char *mode)
{
	int how = !strcmp(mode, "early") ? PR_MCE_KILL_EARLY : !strcmp(mode, "late") ? PR_MCE_KILL_LATE
									       : PR_MCE_KILL_DEFAULT;
	if (prctl(PR_MCE_KILL, PR_MCE_KILL_SET, how, 0, 0))
		perror("prctl");
}

/* Touch the page; report whether it raised SIGBUS AR (we came back here). */
static void touch(int n)
{
	if (sigsetjmp(recover, 1)) {
		printf("victim: recovered from access %d\n", n);
		return;
	}
	volatile char c = ((volatile char *)page)[100];
	(void)c;
	printf("victim: access %d read the page\n", n);
}

static int checksum_fresh_memory(void)
{
	unsigned char *mem = malloc(64 * 1024);
	unsigned sum = 0;

	for (int i = 0; i < 64 * 1024; i++)
		mem[i] = (unsigned char)i;
	for (int i = 0; i < 64 * 1024; i++)
		sum += mem[i];
	free(mem);
	return sum == 64 * 1024 / 256 * (255 * 256 / 2);
}

static int after_madvise(void)
{
	printf("victim: madvise -> %d\n", madvise(page, 4096, MADV_HWPOISON));
	touch(1);
	touch(2);
	int r = madvise(page, 4096, MADV_HWPOISON);
	printf("victim: madvise again -> %d (%s)\n", r, r ? strerror(errno) : "ok");
	printf("victim: still running, fresh memory checksum %s\n",
	       checksum_fresh_memory() ? "ok" : "WRONG");
	return 0;
}

static int soft_offline(void)
{
	int r = madvise(page, 4096, MADV_SOFT_OFFLINE);
	int intact = 1;

	for (int i = 0; i < 4096; i++)
		intact &= page[i] == 0x5a;
	printf("victim: soft offline -> %d, data %s\n", r, intact ? "intact" : "LOST");
	return !(r == 0 && intact);
}

static void say_spinning(int sig)
{
	static const char msg[] = "victim: spinning\n";

	(void)sig;
	write(1, msg, sizeof(msg) - 1);
}

static int keep_reading(int sleep_between)
{
	signal(SIGUSR1, say_spinning);
	struct timespec ten_ms = { 0, 10 * 1000 * 1000 };

	if (sigsetjmp(recover, 1)) {
		printf("victim: recovered from reading the page\n");
		return 0;
	}
	for (;;) {
		/* volatile: read memory every time, never a register copy */
		volatile char c = ((volatile char *)page)[100];
		(void)c;
		if (sleep_between)
			nanosleep(&ten_ms, NULL);
	}
}

static void sleep_10ms(void)
{
	struct timespec ten_ms = { 0, 10 * 1000 * 1000 };

	nanosleep(&ten_ms, NULL);
}

/* The child: early kill; wait (up to 5 s) to be told, then touch. */
static int child_early(volatile int *state)
{
	set_mode("early");
	printf("victim: child %d ready (early kill)\n", getpid());
	fflush(stdout);
	*state = 1;
	for (int i = 0; i < 500 && !got_ao; i++)
		sleep_10ms();
	touch(1);
	return got_ao ? 0 : 1;
}

static int parent_and_child(int shared)
{
	volatile int *state = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);

	if (shared) {
		page = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
		memset(page, 0x5a, 4096);
	}
	pid_t pid = fork();
	if (pid == 0)
		_exit(child_early(state));
	while (*state != 1)
		sleep_10ms();
	printf("victim: parent madvise -> %d\n", madvise(page, 4096, MADV_HWPOISON));
	touch(1);
	int status;
	waitpid(pid, &status, 0);
	printf("victim: child exited with status %d\n", WIFEXITED(status) ? WEXITSTATUS(status) : -1);
	return 0;
}

/* Both processes map the page through the one mm: each that asked for
 * early kill hears once, the child at once and the parent when vfork
 * returns. got_ao is the parent's memory too: only the printed pid tells
 * who heard. */
static int vfork_poisons(void)
{
	pid_t pid = vfork();

	if (pid == 0) {
		madvise(page, 4096, MADV_HWPOISON);
		_exit(got_ao ? 0 : 1);
	}
	int status;
	waitpid(pid, &status, 0);
	printf("victim: vfork child %d exited with status %d\n", pid,
	       WIFEXITED(status) ? WEXITSTATUS(status) : -1);
	return 0;
}

static int check_prctl(void)
{
	int failures = 0;
#define EXPECT(call, want)                                                          \
	do {                                                                        \
		long got = (call);                                                  \
		int ok = got == (want) && (got != -1 || errno == EINVAL);           \
		printf("%s: %s -> %ld\n", ok ? "ok" : "FAIL", #call, got);          \
		failures += !ok;                                                    \
	} while (0)
	EXPECT(prctl(PR_MCE_KILL_GET, 0, 0, 0, 0), PR_MCE_KILL_DEFAULT);
	EXPECT(prctl(PR_MCE_KILL, PR_MCE_KILL_SET, PR_MCE_KILL_EARLY, 0, 0), 0);
	EXPECT(prctl(PR_MCE_KILL_GET, 0, 0, 0, 0), PR_MCE_KILL_EARLY);
	EXPECT(prctl(PR_MCE_KILL, PR_MCE_KILL_SET, PR_MCE_KILL_LATE, 0, 0), 0);
	EXPECT(prctl(PR_MCE_KILL_GET, 0, 0, 0, 0), PR_MCE_KILL_LATE);
	EXPECT(prctl(PR_MCE_KILL, PR_MCE_KILL_CLEAR, 0, 0, 0), 0);
	EXPECT(prctl(PR_MCE_KILL_GET, 0, 0, 0, 0), PR_MCE_KILL_DEFAULT);
	EXPECT(prctl(PR_MCE_KILL, PR_MCE_KILL_SET, 3, 0, 0), -1);
	EXPECT(prctl(PR_MCE_KILL, PR_MCE_KILL_SET, PR_MCE_KILL_EARLY, 1, 0), -1);
	EXPECT(prctl(PR_MCE_KILL, PR_MCE_KILL_CLEAR, 1, 0, 0), -1);
	EXPECT(prctl(PR_MCE_KILL, 7, 0, 0, 0), -1);
	EXPECT(prctl(PR_MCE_KILL_GET, 1, 0, 0, 0), -1);
	prctl(PR_MCE_KILL, PR_MCE_KILL_SET, PR_MCE_KILL_EARLY, 0, 0);
	pid_t pid = fork();
	if (pid == 0)
		_exit(prctl(PR_MCE_KILL_GET, 0, 0, 0, 0));
	int status;
	waitpid(pid, &status, 0);
	int inherited = WIFEXITED(status) && WEXITSTATUS(status) == PR_MCE_KILL_EARLY;
	printf("%s: the policy is inherited across fork\n", inherited ? "ok" : "FAIL");
	failures += !inherited;
	printf("prctl: %d failed\n", failures);
	return failures != 0;
}

int main(int argc, char **argv)
{
	struct sigaction sa = { .sa_sigaction = on_sigbus, .sa_flags = SA_SIGINFO };

	if (argc == 2 && !strcmp(argv[1], "prctl"))
		return check_prctl();
	if (argc < 3) {
		fprintf(stderr, "usage: victim early|late|default "
				"madvise|wait|idle|spin|nohandler|softoffline|mlock|vfork|fork [private|shared]\n"
				"       victim prctl\n");
		return 2;
	}
	page = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	memset(page, 0x5a, 4096);
	set_mode(argv[1]);
	if (strcmp(argv[2], "nohandler") && strcmp(argv[2], "idle"))
		sigaction(SIGBUS, &sa, NULL);
	printf("victim: pid %d page %p mode %s\n", getpid(), (void *)page, argv[1]);
	fflush(stdout);
	if (!strcmp(argv[2], "mlock") && mlock(page, 4096))
		perror("mlock");
	if (!strcmp(argv[2], "madvise") || !strcmp(argv[2], "nohandler") || !strcmp(argv[2], "mlock"))
		return after_madvise();
	if (!strcmp(argv[2], "softoffline"))
		return soft_offline();
	if (!strcmp(argv[2], "vfork"))
		return vfork_poisons();
	if (!strcmp(argv[2], "fork"))
		return parent_and_child(argc > 3 && !strcmp(argv[3], "shared"));
	return keep_reading(!strcmp(argv[2], "wait") || !strcmp(argv[2], "idle"));
}
