/*
 * tinjpage: poison one page in each state a program can put a page in,
 * and check that the kernel does what Linux 6.1 does - in the style of
 * the Linux hwpoison test suites (mce-test's tinjpage), an ordinary
 * static program that also runs unmodified on Linux as root:
 *
 *   tinjpage [DIR]    works in DIR (made if need be; default "."), which
 *                     must be on a disk file system
 *
 * Each case makes a page, poisons it with madvise(MADV_HWPOISON) and
 * checks the signals (../shared/reference/linux-hwpoison*.md):
 *  - a page whose data only this memory holds (anonymous, a written
 *    private copy of a file page, a dirty shared file page, shmem) is
 *    lost: with early kill its mappers get SIGBUS BUS_MCEERR_AO at once
 *    (si_addr the page, si_addr_lsb 12), one thread per process; any
 *    touch after that is SIGBUS BUS_MCEERR_AR at the address touched,
 *    for the thread that touched it. A dirty file page's loss is also
 *    fsync's EIO, once per open file description; the file reads the
 *    disk's older data. shmem keeps the poisoned page: read() there EIO.
 *  - a clean file page is dropped: nobody is told, even with early kill,
 *    and the next touch reads the same data from the disk.
 * A SysV shared memory case hands work between this process and a forked
 * child with a SysV semaphore: the child poisons a page both map.
 *
 * All cases run twice: with vm.memory_failure_early_kill as it is (0),
 * then again after system("sysctl -w vm.memory_failure_early_kill=1"),
 * which is read back from /proc; at the end it goes back to 0. One
 * "PASS: MODE CASE" or "FAIL: MODE CASE: what differed" line per case,
 * then "tinjpage: N failed"; the exit status is 1 if any failed.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/sem.h>
#include <sys/shm.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#define PAGE 4096
#ifndef MADV_HWPOISON
#define MADV_HWPOISON 100
#endif
#ifndef MADV_POPULATE_WRITE
#define MADV_POPULATE_WRITE 23
#endif
#ifndef BUS_MCEERR_AR
#define BUS_MCEERR_AR 4
#define BUS_MCEERR_AO 5
#endif

static const char early_kill_file[] = "/proc/sys/vm/memory_failure_early_kill";

/* -- what the SIGBUS handler saw ----------------------------------------- */

struct bus_report {
	int tid, code, lsb;
	char *addr;
};

#define MAX_REPORTS 8
static struct bus_report reports[MAX_REPORTS];
static int nreports;                  /* atomic: threads share the array */
static __thread sigjmp_buf recover;   /* where an AR during touch() goes back to */
static __thread volatile int touching;

static int gettid_(void)
{
	return (int)syscall(SYS_gettid);
}

/* An AO is only noted (the program goes on, as a real one would after
 * saving what it can); an AR during touch() jumps back out of the
 * access, as the Linux tests do. */
static void on_sigbus(int sig, siginfo_t *si, void *uc)
{
	(void)sig, (void)uc;
	int i = __atomic_fetch_add(&nreports, 1, __ATOMIC_SEQ_CST);
	if (i < MAX_REPORTS)
		reports[i] = (struct bus_report){ gettid_(), si->si_code, si->si_addr_lsb, si->si_addr };
	if (touching)
		siglongjmp(recover, 1);
}

static void reports_clear(void)
{
	__atomic_store_n(&nreports, 0, __ATOMIC_SEQ_CST);
}

/* Read one byte at p: 0 if it read, 1 if it was a SIGBUS. */
static int touch(volatile char *p, char *value)
{
	touching = 1;
	int hit = sigsetjmp(recover, 1);
	if (!hit)
		*value = *p;
	touching = 0;
	return hit;
}

/* -- one case's verdict -------------------------------------------------- */

static int early;          /* the mode of this round: vm.memory_failure_early_kill */
static int failures;
static char differed[512]; /* what this case found wrong, "; "-separated */

static void expect(int ok, const char *fmt, ...)
{
	if (ok)
		return;
	size_t used = strlen(differed);
	if (used)
		used += (size_t)snprintf(differed + used, sizeof(differed) - used, "; ");
	va_list ap;
	va_start(ap, fmt);
	if (used < sizeof(differed))
		vsnprintf(differed + used, sizeof(differed) - used, fmt, ap);
	va_end(ap);
}

static void verdict(const char *name)
{
	const char *mode = early ? "early" : "late";

	if (differed[0]) {
		printf("FAIL: %s %s: %s\n", mode, name, differed);
		failures++;
	} else {
		printf("PASS: %s %s\n", mode, name);
	}
	differed[0] = 0;
	fflush(stdout);
}

/* The page's reports so far: exactly one AO to tid at page (si_addr the
 * page itself, lsb 12) if ao_expected, else none at all. */
static void expect_ao(char *page, int tid, int ao_expected)
{
	int n = __atomic_load_n(&nreports, __ATOMIC_SEQ_CST);

	if (!ao_expected) {
		expect(n == 0, "%d SIGBUS at poisoning (code %d), wanted none", n, n ? reports[0].code : 0);
		return;
	}
	if (n != 1) {
		expect(0, "%d SIGBUS at poisoning, wanted one BUS_MCEERR_AO", n);
		return;
	}
	const struct bus_report *r = &reports[0];
	expect(r->code == BUS_MCEERR_AO, "si_code %d at poisoning, wanted BUS_MCEERR_AO", r->code);
	expect(r->tid == tid, "the AO went to thread %d, wanted %d", r->tid, tid);
	expect(r->addr == page, "AO si_addr %p, wanted the page %p", (void *)r->addr, (void *)page);
	expect(r->lsb == 12, "AO si_addr_lsb %d, wanted 12", r->lsb);
}

/* Touch the lost page at p: SIGBUS BUS_MCEERR_AR to this thread, si_addr
 * the byte touched, lsb 12. */
static void expect_ar(char *p)
{
	char c;

	reports_clear();
	if (!touch(p, &c)) {
		expect(0, "touching %p after poisoning read %#x, wanted SIGBUS", (void *)p, c & 0xff);
		return;
	}
	const struct bus_report *r = &reports[0];
	expect(r->code == BUS_MCEERR_AR, "touch: si_code %d, wanted BUS_MCEERR_AR", r->code);
	expect(r->tid == gettid_(), "touch: the AR went to thread %d, not the toucher", r->tid);
	expect(r->addr == p, "touch: AR si_addr %p, wanted %p", (void *)r->addr, (void *)p);
	expect(r->lsb == 12, "touch: AR si_addr_lsb %d, wanted 12", r->lsb);
}

/* Poison page from this thread; madvise must say 0. */
static void poison(char *page)
{
	reports_clear();
	int ret = madvise(page, PAGE, MADV_HWPOISON);
	expect(ret == 0, "madvise(MADV_HWPOISON): %s", ret ? strerror(errno) : "");
}

/* A page the kernel must count as lost: AO per the mode, then AR. */
static void expect_lost(char *page)
{
	expect_ao(page, gettid_(), early);
	expect_ar(page + 123);
}

/* -- the page's contents ------------------------------------------------- */

static char pattern(int gen, long i)
{
	return (char)(i * 7 + gen * 31 + 1);
}

static void fill(char *buf, int gen, long from, long len)
{
	for (long i = 0; i < len; i++)
		buf[i] = pattern(gen, from + i);
}

static int holds(const char *buf, int gen, long from, long len)
{
	for (long i = 0; i < len; i++)
		if (buf[i] != pattern(gen, from + i))
			return 0;
	return 1;
}

/* The mapped page holds generation gen, read without a SIGBUS. */
static int mapped_holds(char *page, int gen, long from)
{
	char c;

	reports_clear();
	if (touch(page, &c))
		return 0;
	return holds(page, gen, from, PAGE);
}

/* -- files --------------------------------------------------------------- */

#define FILE_PAGES 3
static char filename[256];

/* A new file of FILE_PAGES pages of generation 0, on the disk (fsync). */
static int make_file(const char *what)
{
	static char buf[FILE_PAGES * PAGE];

	snprintf(filename, sizeof(filename), "tinjpage-%s-%s", what, early ? "early" : "late");
	int fd = open(filename, O_RDWR | O_CREAT | O_TRUNC, 0644);
	fill(buf, 0, 0, sizeof(buf));
	if (fd < 0 || write(fd, buf, sizeof(buf)) != (long)sizeof(buf) || fsync(fd)) {
		expect(0, "cannot make %s: %s", filename, strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	return fd;
}

static char *map_file(int fd, int flags)
{
	char *m = mmap(NULL, FILE_PAGES * PAGE, PROT_READ | PROT_WRITE, flags, fd, 0);

	return m == MAP_FAILED ? NULL : m;
}

/* pread of page index holds generation gen. */
static int file_holds(int fd, long index, int gen)
{
	static char buf[PAGE];

	return pread(fd, buf, PAGE, index * PAGE) == PAGE && holds(buf, gen, index * PAGE, PAGE);
}

static void end_file(int fd, char *m)
{
	if (m)
		munmap(m, FILE_PAGES * PAGE);
	close(fd);
	unlink(filename);
}

/* A new file (make_file) mapped with flags, in *fd and the result; NULL
 * if that failed (said, and cleaned up). */
static char *mapped_file(const char *what, int flags, int *fd)
{
	*fd = make_file(what);
	if (*fd < 0)
		return NULL;
	char *m = map_file(*fd, flags);
	if (!m) {
		expect(0, "mmap %s: %s", filename, strerror(errno));
		end_file(*fd, NULL);
	}
	return m;
}

/* -- the cases ----------------------------------------------------------- */

/* Private anonymous memory the program wrote. */
static void anon_dirty(void)
{
	char *page = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	fill(page, 1, 0, PAGE);
	poison(page);
	expect_lost(page);
	munmap(page, PAGE);
}

/* Private anonymous memory populated but never written by the program.
 * (A page only read would be the shared zero page, which nobody should
 * poison.) Its first fault was a write fault all the same, so the kernel
 * holds it dirty: it is lost like the one above. */
static void anon_clean(void)
{
	char *page = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	expect(madvise(page, PAGE, MADV_POPULATE_WRITE) == 0, "MADV_POPULATE_WRITE: %s",
	       strerror(errno));
	poison(page);
	expect_lost(page);
	munmap(page, PAGE);
}

/* Anonymous memory under mlock: locked or not, the data is lost. */
static void anon_mlocked(void)
{
	char *page = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	expect(mlock(page, PAGE) == 0, "mlock: %s", strerror(errno));
	fill(page, 1, 0, PAGE);
	poison(page);
	expect_lost(page);
	munlock(page, PAGE);
	munmap(page, PAGE);
}

/* A private file mapping only read: the page is the file's clean cache
 * page, dropped without a word and read again from the disk. */
static void file_private_clean(void)
{
	int fd;
	char *m = mapped_file("private", MAP_PRIVATE, &fd);

	if (!m)
		return;
	expect(mapped_holds(m + PAGE, 0, PAGE), "the mapping does not show the file");
	poison(m + PAGE);
	expect_ao(m + PAGE, 0, 0);
	expect(mapped_holds(m + PAGE, 0, PAGE), "after poisoning, the page did not read back the file");
	end_file(fd, m);
}

/* A private file mapping after copy-on-write: the program's own copy,
 * anonymous memory; the file is untouched. */
static void file_private_cow(void)
{
	int fd;
	char *m = mapped_file("cow", MAP_PRIVATE, &fd);

	if (!m)
		return;
	fill(m + PAGE, 1, PAGE, PAGE);
	poison(m + PAGE);
	expect_lost(m + PAGE);
	expect(file_holds(fd, 1, 0), "the file's own page changed");
	expect(fsync(fd) == 0, "fsync: %s, wanted 0 (the file lost nothing)", strerror(errno));
	end_file(fd, m);
}

/* A shared file mapping written, then written back (msync): clean, so
 * dropped and re-read - with the data written, which is on the disk. */
static void file_shared_clean(void)
{
	int fd;
	char *m = mapped_file("clean", MAP_SHARED, &fd);

	if (!m)
		return;
	fill(m + PAGE, 1, PAGE, PAGE);
	expect(msync(m, FILE_PAGES * PAGE, MS_SYNC) == 0, "msync: %s", strerror(errno));
	poison(m + PAGE);
	expect_ao(m + PAGE, 0, 0);
	expect(mapped_holds(m + PAGE, 1, PAGE), "after poisoning, the page did not read back");
	expect(file_holds(fd, 1, 1), "pread does not see the data written back");
	expect(fsync(fd) == 0, "fsync: %s, wanted 0 (nothing was lost)", strerror(errno));
	end_file(fd, m);
}

/* A shared file mapping written and not yet written back: the data is
 * lost; the file shows the disk's older data; fsync says EIO once per
 * open file description that was open at the error. */
static void file_shared_dirty(void)
{
	int fd;
	char *m = mapped_file("dirty", MAP_SHARED, &fd);

	if (!m)
		return;
	int other = open(filename, O_RDONLY);
	fill(m + PAGE, 1, PAGE, PAGE);
	poison(m + PAGE);
	expect_lost(m + PAGE);
	expect(mapped_holds(m, 0, 0), "the page before it does not read");
	expect(file_holds(fd, 1, 0), "pread does not give the disk's older data");
	int ret = fsync(fd);
	expect(ret == -1 && errno == EIO, "fsync: %d (%s), wanted EIO", ret, strerror(errno));
	expect(fsync(fd) == 0, "a second fsync: %s, wanted 0", strerror(errno));
	ret = fsync(other);
	expect(ret == -1 && errno == EIO, "fsync on another open file: %d, wanted EIO", ret);
	expect(fsync(other) == 0, "then on it again: %s, wanted 0", strerror(errno));
	close(other);
	end_file(fd, m);
}

/* shmem (memfd): no disk behind it, so the poisoned page stays in the
 * file, and read() there is EIO; fsync has nothing to report. */
static void memfd(void)
{
	int fd = memfd_create("tinjpage", 0);
	char *m = NULL;

	if (fd < 0 || ftruncate(fd, FILE_PAGES * PAGE) || !(m = map_file(fd, MAP_SHARED))) {
		expect(0, "memfd: %s", strerror(errno));
		if (fd >= 0)
			close(fd);
		return;
	}
	fill(m + PAGE, 1, PAGE, PAGE);
	poison(m + PAGE);
	expect_lost(m + PAGE);
	char buf[16];
	long got = pread(fd, buf, sizeof(buf), PAGE);
	expect(got == -1 && errno == EIO, "pread of the poisoned page: %ld, wanted EIO", got);
	expect(pread(fd, buf, sizeof(buf), 0) == sizeof(buf), "pread of the page before fails");
	expect(fsync(fd) == 0, "fsync: %s, wanted 0", strerror(errno));
	munmap(m, FILE_PAGES * PAGE);
	close(fd);
}

/* -- SysV shared memory, between two processes --------------------------- */

/* semaphore 0: "child, poison now"; 1: "parent, it is done". */
static void sem_up(int sem, unsigned short num)
{
	struct sembuf op = { num, 1, 0 };

	while (semop(sem, &op, 1) == -1 && errno == EINTR)
		;
}

/* semop is never restarted after a signal handler: an AO arriving while
 * we wait is an EINTR, and we wait on. */
static void sem_down(int sem, unsigned short num)
{
	struct sembuf op = { num, -1, 0 };

	while (semop(sem, &op, 1) == -1 && errno == EINTR)
		;
}

/* The child: poison the page on the parent's word; tell the parent; exit
 * with what it saw itself (0 = as expected), in the status. */
static int shm_child(int sem, char *page)
{
	sem_down(sem, 0);
	poison(page);
	expect_ao(page, gettid_(), early);
	sem_up(sem, 1);
	expect_ar(page);
	if (differed[0])
		printf("tinjpage: child: %s\n", differed);
	return differed[0] ? 1 : 0;
}

/* A segment this process and its child both attach (through fork); the
 * child poisons it; with early kill both of us get the AO. */
static void sysv_shm(void)
{
	int shm = shmget(IPC_PRIVATE, PAGE, IPC_CREAT | 0600);
	int sem = semget(IPC_PRIVATE, 2, IPC_CREAT | 0600);
	char *page = shm < 0 ? (char *)-1 : shmat(shm, NULL, 0);

	if (shm < 0 || sem < 0 || page == (char *)-1) {
		expect(0, "shmget/semget/shmat: %s", strerror(errno));
		goto out;
	}
	fill(page, 1, 0, PAGE);
	fflush(stdout);
	pid_t child = fork();
	if (child == 0)
		_exit(shm_child(sem, page));
	reports_clear();
	sem_up(sem, 0);
	sem_down(sem, 1);
	expect_ao(page, gettid_(), early);
	expect_ar(page + 5);
	int status = 0;
	waitpid(child, &status, 0);
	expect(WIFEXITED(status) && WEXITSTATUS(status) == 0, "the child saw otherwise (status %#x)",
	       status);
	shmdt(page);
out:
	if (shm >= 0)
		shmctl(shm, IPC_RMID, NULL);
	if (sem >= 0)
		semctl(sem, 0, IPC_RMID);
}

/* -- threads ------------------------------------------------------------- */

static pthread_barrier_t step;
static char *thread_page;
static int worker_tid;
static int worker_wrote_only;

/* The second thread: writes the page, waits while main poisons it (an AO
 * for it arrives here), and - unless main touches it - touches it after. */
static void *worker(void *arg)
{
	(void)arg;
	worker_tid = gettid_();
	pthread_barrier_wait(&step); /* 1: created */
	fill(thread_page, 1, 0, PAGE);
	pthread_barrier_wait(&step); /* 2: the page is written */
	pthread_barrier_wait(&step); /* 3: main poisoned it */
	pthread_barrier_wait(&step); /* 4: any AO is in (ours came back to user mode by now) */
	pthread_barrier_wait(&step); /* 5: main has seen who got it */
	if (!worker_wrote_only)
		expect_ar(thread_page + 77);
	pthread_barrier_wait(&step); /* 6: done */
	return NULL;
}

/* Main poisons a page the worker wrote; the AO goes to ao_to (0: none);
 * then the worker, or main if main_touches, touches it and gets the AR. */
static void thread_case(int main_late, int main_touches)
{
	thread_page = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	worker_wrote_only = main_touches;
	pthread_barrier_init(&step, NULL, 2);
	pthread_t t;
	pthread_create(&t, NULL, worker, NULL);
	pthread_barrier_wait(&step); /* 1 */
	if (main_late) /* after the worker's creation: it keeps no setting of its own */
		prctl(PR_MCE_KILL, PR_MCE_KILL_SET, PR_MCE_KILL_LATE, 0, 0);
	pthread_barrier_wait(&step); /* 2 */
	poison(thread_page);
	pthread_barrier_wait(&step); /* 3 */
	pthread_barrier_wait(&step); /* 4 */
	/* With early kill, the first thread that has no setting of its own
	 * (main, unless it said late) gets the process's one AO. */
	expect_ao(thread_page, main_late ? worker_tid : gettid_(), early);
	pthread_barrier_wait(&step); /* 5 */
	if (main_touches)
		expect_ar(thread_page + 9);
	pthread_barrier_wait(&step); /* 6 */
	pthread_join(t, NULL);
	pthread_barrier_destroy(&step);
	if (main_late)
		prctl(PR_MCE_KILL, PR_MCE_KILL_CLEAR, 0, 0, 0);
	munmap(thread_page, PAGE);
}

static void thread_touched(void)
{
	thread_case(0, 0);
}

static void thread_main_late(void)
{
	thread_case(1, 1);
}

static const struct {
	const char *name;
	void (*run)(void);
} cases[] = {
	{ "anonymous-dirty", anon_dirty },
	{ "anonymous-clean", anon_clean },
	{ "anonymous-mlocked", anon_mlocked },
	{ "file-private-clean", file_private_clean },
	{ "file-private-cow", file_private_cow },
	{ "file-shared-clean", file_shared_clean },
	{ "file-shared-dirty", file_shared_dirty },
	{ "memfd", memfd },
	{ "sysv-shm", sysv_shm },
	{ "thread-touched", thread_touched },
	{ "thread-main-late", thread_main_late },
};

/* -- the sysctl, through the shell --------------------------------------- */

static int read_early_kill(void)
{
	char text[8] = "";
	int fd = open(early_kill_file, O_RDONLY);
	long n = fd < 0 ? -1 : read(fd, text, sizeof(text) - 1);

	if (fd >= 0)
		close(fd);
	return n == 2 && text[1] == '\n' ? text[0] - '0' : -1;
}

/* sysctl -w through system(), as the Linux tests do; read back. */
static int set_early_kill(int value)
{
	char command[64];

	snprintf(command, sizeof(command), "sysctl -w vm.memory_failure_early_kill=%d", value);
	fflush(stdout);
	int status = system(command);
	int now = read_early_kill();
	printf("%s: system() status %#x, %s reads %d\n", command, status, early_kill_file, now);
	return WIFEXITED(status) && WEXITSTATUS(status) == 0 && now == value;
}

static void run_cases(void)
{
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		cases[i].run();
		verdict(cases[i].name);
	}
}

int main(int argc, char **argv)
{
	struct sigaction sa = { .sa_sigaction = on_sigbus, .sa_flags = SA_SIGINFO };

	if (argc > 2) {
		fprintf(stderr, "usage: tinjpage [DIR on a disk file system]\n");
		return 2;
	}
	if (argc == 2 && ((mkdir(argv[1], 0755) && errno != EEXIST) || chdir(argv[1]))) {
		perror(argv[1]);
		return 2;
	}
	sigaction(SIGBUS, &sa, NULL);
	setvbuf(stdout, NULL, _IOLBF, 0);
	early = read_early_kill();
	if (early != 0) {
		printf("FAIL: %s reads %d, wanted 0 to begin with\n", early_kill_file, early);
		return 1;
	}
	run_cases();
	if (!set_early_kill(1)) {
		printf("FAIL: sysctl -w vm.memory_failure_early_kill=1 did not take\n");
		failures++;
	} else {
		early = 1;
		run_cases();
	}
	if (!set_early_kill(0)) {
		printf("FAIL: sysctl -w vm.memory_failure_early_kill=0 did not take\n");
		failures++;
	}
	printf("tinjpage: %d failed\n", failures);
	return failures ? 1 : 0;
}
