/*
 * The memory-failure rules for threads, as Linux 6.1 has them
 * (../shared/reference/linux-hwpoison-more.md): a poisoned page's
 * action-optional SIGBUS (BUS_MCEERR_AO) goes to one thread per process -
 * the first in thread order, main thread first, that set
 * PR_MCE_KILL_EARLY itself, or has no setting of its own while
 * vm.memory_failure_early_kill is 1 (a thread that set LATE is passed
 * over, not its process); none qualifies, no AO. The action-required one
 * (BUS_MCEERR_AR) goes to whichever thread touches the page, each time.
 * PR_MCE_KILL is per thread and inherited by threads created later.
 *
 * Each case runs in a child with four threads (main, t1, t2, t3); t2
 * touches a private page, main poisons it - with madvise(MADV_HWPOISON),
 * then again in a second child through debugfs's corrupt-pfn, the frame
 * found in /proc/self/pagemap - then t2 and t3 touch it again. The child reports who got what; one
 * line per case and a summary; exit 0 only if every check passed.
 *
 *   mcethreads hold   for a machine check from outside (the console's
 *                     inject, QEMU's mce): t2 alone asks for early kill
 *                     and writes a page; main says its frame and t2's
 *                     tid, waits for a SIGBUS, says who got it and exits
 *                     0 if it was the AO, to t2, at the page, lsb 12
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <pthread.h>
#include <semaphore.h>
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check.h"

#ifndef MADV_HWPOISON
#define MADV_HWPOISON 100
#endif
#define BUS_MCEERR_AR_ 4
#define BUS_MCEERR_AO_ 5

enum mode { INHERIT, DEFAULT, EARLY, LATE };

struct mce_case {
	const char *name;
	int sysctl;                /* vm.memory_failure_early_kill */
	enum mode main_before;     /* main's prctl before it creates the threads */
	enum mode main_after;      /* ...and after */
	enum mode thread[3];       /* t1, t2, t3: each its own prctl, or none */
	const char *expect;        /* who gets the AO ("-": nobody) */
};

static const struct mce_case cases[] = {
	{ "late by default", 0, INHERIT, INHERIT, { INHERIT, INHERIT, INHERIT }, "-" },
	{ "sysctl early: the main thread", 1, INHERIT, INHERIT, { INHERIT, INHERIT, INHERIT }, "main" },
	{ "t2 alone asked early", 0, INHERIT, INHERIT, { INHERIT, EARLY, INHERIT }, "t2" },
	{ "sysctl early, main late: t1", 1, INHERIT, LATE, { INHERIT, INHERIT, INHERIT }, "t1" },
	{ "t1 and t3 early: the first, t1", 0, INHERIT, INHERIT, { EARLY, INHERIT, EARLY }, "t1" },
	{ "sysctl early, all late: nobody", 1, LATE, INHERIT, { INHERIT, INHERIT, INHERIT }, "-" },
	{ "early inherited, main late after", 0, EARLY, LATE, { INHERIT, INHERIT, INHERIT }, "t1" },
	{ "t1 back to default, sysctl 0: t2", 0, EARLY, LATE, { DEFAULT, INHERIT, INHERIT }, "t2" },
};

static const char *const names[] = { "main", "t1", "t2", "t3" };

/* What each SIGBUS said, in order (the child's, shared by its threads). */
struct report {
	int who, code, lsb;
	void *addr;
};
static struct report reports[16];
static int nreports;
static __thread int me;              /* this thread's index: 0 main, 1-3 t1-t3 */
static __thread sigjmp_buf recover;  /* where an AR handler goes back to */
static __thread int touching;
static pthread_barrier_t barrier;
static volatile char *page;
static const struct mce_case *c;
static int by_pfn; /* poison through corrupt-pfn, not madvise */
static sem_t *bus_seen; /* hold: posted by each SIGBUS */

static void on_sigbus(int sig, siginfo_t *si, void *uc)
{
	(void)sig, (void)uc;
	int i = __atomic_fetch_add(&nreports, 1, __ATOMIC_SEQ_CST);
	if (i < 16)
		reports[i] = (struct report){ me, si->si_code, si->si_addr_lsb, si->si_addr };
	if (bus_seen)
		sem_post(bus_seen);
	if (si->si_code == BUS_MCEERR_AR_ && touching)
		siglongjmp(recover, 1);
}

static void set_mode(enum mode m)
{
	if (m == INHERIT)
		return;
	int arg = m == EARLY ? PR_MCE_KILL_EARLY : m == LATE ? PR_MCE_KILL_LATE : PR_MCE_KILL_DEFAULT;
	prctl(PR_MCE_KILL, PR_MCE_KILL_SET, arg, 0, 0);
}

/* A write to the page; 1 if it raised SIGBUS (and the handler came back). */
static int touch(void)
{
	touching = 1;
	int hit = sigsetjmp(recover, 1);
	if (!hit)
		page[0] = 1;
	touching = 0;
	return hit;
}

/* The page's frame, from /proc/self/pagemap (bits 0-54), or 0. */
static uint64_t page_pfn(void)
{
	uint64_t entry = 0;
	int fd = open("/proc/self/pagemap", O_RDONLY);

	if (fd < 0 || pread(fd, &entry, 8, (off_t)((uintptr_t)page / 4096 * 8)) != 8)
		entry = 0;
	if (fd >= 0)
		close(fd);
	return entry >> 63 ? entry & ((1ULL << 55) - 1) : 0;
}

/* Main poisons the page, as the case's child was told to. */
static void poison(void)
{
	if (!by_pfn) {
		if (madvise((void *)page, 4096, MADV_HWPOISON))
			printf("madvise: %s ", strerror(errno));
		return;
	}
	char text[32];
	int fd = open("/sys/kernel/debug/hwpoison/corrupt-pfn", O_WRONLY);
	int n = snprintf(text, sizeof(text), "%#llx\n", (unsigned long long)page_pfn());
	if (fd < 0 || write(fd, text, (size_t)n) != n)
		printf("corrupt-pfn: %s ", strerror(errno));
	if (fd >= 0)
		close(fd);
}

/* Every thread's part, in steps the barrier keeps in line. */
static void steps(void)
{
	pthread_barrier_wait(&barrier); /* all have set their mode */
	if (me == 2)
		page[0] = 1; /* t2 has the page */
	pthread_barrier_wait(&barrier);
	if (me == 0)
		poison();
	pthread_barrier_wait(&barrier);
	syscall(SYS_getpid); /* a return to user mode: a pending AO is taken now */
	pthread_barrier_wait(&barrier);
	if (me == 2)
		touch(); /* AR here */
	pthread_barrier_wait(&barrier);
	if (me == 3)
		touch(); /* ...and again here */
	pthread_barrier_wait(&barrier);
}

static void *thread_main(void *arg)
{
	me = (int)(long)arg;
	set_mode(c->thread[me - 1]);
	steps();
	return NULL;
}

/* The child's report: "AO t1 AR t2 AR t3", addresses and lsb checked. */
static int run_case(void)
{
	struct sigaction sa = { .sa_sigaction = on_sigbus, .sa_flags = SA_SIGINFO | SA_RESTART };
	sigaction(SIGBUS, &sa, NULL);
	page = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	set_mode(c->main_before);
	pthread_barrier_init(&barrier, NULL, 4);
	pthread_t th[3];
	for (long i = 0; i < 3; i++)
		pthread_create(&th[i], NULL, thread_main, (void *)(i + 1));
	set_mode(c->main_after);
	steps();
	for (int i = 0; i < 3; i++)
		pthread_join(th[i], NULL);
	for (int i = 0; i < nreports; i++) {
		const struct report *r = &reports[i];
		int ok = r->addr == (void *)page && r->lsb == 12;
		printf("%s %s%s ", r->code == BUS_MCEERR_AO_ ? "AO" : r->code == BUS_MCEERR_AR_ ? "AR" : "??",
		       names[r->who], ok ? "" : "(bad addr/lsb)");
	}
	printf("\n");
	return 0;
}

static int set_sysctl(int value)
{
	char text[4];
	int fd = open("/proc/sys/vm/memory_failure_early_kill", O_WRONLY);
	int n = snprintf(text, sizeof(text), "%d\n", value);
	int ok = fd >= 0 && write(fd, text, (size_t)n) == n;
	if (!ok)
		printf("memory_failure_early_kill: %s\n", strerror(errno));
	if (fd >= 0)
		close(fd);
	return ok;
}

/* Each case in a child of its own: it ends with a poisoned page. */
static void one_case(const struct mce_case *k, int pfn)
{
	int fds[2];
	char out[256] = "", want[256];

	check(set_sysctl(k->sysctl), "vm.memory_failure_early_kill set");
	pipe(fds);
	pid_t pid = fork();
	if (pid == 0) {
		c = k;
		by_pfn = pfn;
		dup2(fds[1], 1);
		setvbuf(stdout, NULL, _IONBF, 0);
		_exit(run_case());
	}
	close(fds[1]);
	for (size_t n = 0, got; n < sizeof(out) - 1 && (got = read(fds[0], out + n, sizeof(out) - 1 - n)) > 0;)
		n += got, out[n] = 0;
	close(fds[0]);
	int status;
	waitpid(pid, &status, 0);
	if (strcmp(k->expect, "-"))
		snprintf(want, sizeof(want), "AO %s AR t2 AR t3 \n", k->expect);
	else
		snprintf(want, sizeof(want), "AR t2 AR t3 \n");
	char what[300];
	snprintf(what, sizeof(what), "%s (%s): %s", k->name, pfn ? "corrupt-pfn" : "madvise", want);
	what[strlen(what) - 1] = 0;
	check(!strcmp(out, want) && WIFEXITED(status) && WEXITSTATUS(status) == 0, what);
	if (strcmp(out, want))
		printf("   got: %s", out);
}

static int t2_tid;

static void *hold_thread(void *arg)
{
	me = (int)(long)arg;
	if (me == 2) {
		t2_tid = (int)syscall(SYS_gettid);
		set_mode(EARLY);
		page[0] = 1;
	}
	pthread_barrier_wait(&barrier);
	while (pause() == -1) /* a handled signal; main's exit ends us */
		;
	return NULL;
}

/* mcethreads hold: the AO of a machine check on the page is t2's. */
static int hold(void)
{
	static sem_t seen;
	struct sigaction sa = { .sa_sigaction = on_sigbus, .sa_flags = SA_SIGINFO };

	sem_init(&seen, 0, 0);
	bus_seen = &seen;
	sigaction(SIGBUS, &sa, NULL);
	page = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	pthread_barrier_init(&barrier, NULL, 4);
	pthread_t th[3];
	for (long i = 0; i < 3; i++)
		pthread_create(&th[i], NULL, hold_thread, (void *)(i + 1));
	pthread_barrier_wait(&barrier);
	printf("mcethreads: holding pfn %#llx, t2 is tid %d\n", (unsigned long long)page_pfn(), t2_tid);
	while (sem_wait(&seen))
		; /* EINTR: the SIGBUS came to this thread */
	const struct report *r = &reports[0];
	int ok = r->code == BUS_MCEERR_AO_ && r->who == 2 && r->addr == (void *)page && r->lsb == 12;
	printf("mcethreads: SIGBUS si_code %d to %s at %s, lsb %d: %s\n", r->code, names[r->who],
	       r->addr == (void *)page ? "the page" : "another address", r->lsb, ok ? "ok" : "FAIL");
	return ok ? 0 : 1;
}

int main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IONBF, 0);
	if (argc == 2 && !strcmp(argv[1], "hold"))
		return hold();
	check(prctl(PR_MCE_KILL_GET, 0, 0, 0, 0) == PR_MCE_KILL_DEFAULT, "PR_MCE_KILL_GET: default");
	for (int pfn = 0; pfn < 2; pfn++)
		for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
			one_case(&cases[i], pfn);
	set_sysctl(0);
	printf("mcethreads: %d failed\n", failures);
	return failures ? 1 : 0;
}
