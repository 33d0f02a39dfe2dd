/*
 * Restartable sequences (kernel/rseq.c): registering and unregistering
 * with Linux 6.1's errors, the CPU number in the area, a critical section
 * moved to its abort address by a signal and by preemption, a per-thread
 * counter that loses no update between two threads, the checks that turn
 * a bad descriptor into a SIGSEGV, and what fork, threads and execve
 * keep. musl does not register rseq itself (glibc does), so the program
 * can. It passes on Linux too: it pins itself to CPU 0 first, where
 * sched_getaffinity and getcpu (kernel/sched_affinity.c) are checked.
 */
#define _GNU_SOURCE
#include "check.h"

#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <ucontext.h>
#include <unistd.h>

/* Linux's uapi/linux/rseq.h (musl has no kernel headers). */
#define SYS_rseq_ 334
#define RSEQ_FLAG_UNREGISTER 1
#define RSEQ_CPU_ID_UNINITIALIZED ((uint32_t)-1)
#define RSEQ_SIG 0x53053053 /* glibc's on x86 */

struct rseq {
	uint32_t cpu_id_start;
	uint32_t cpu_id;
	uint64_t rseq_cs;
	uint32_t flags;
} __attribute__((aligned(32)));

struct rseq_cs {
	uint32_t version;
	uint32_t flags;
	uint64_t start_ip;
	uint64_t post_commit_offset;
	uint64_t abort_ip;
} __attribute__((aligned(32)));

/*
 * Two critical sections, in assembly because the kernel sees only
 * addresses: each function points r->rseq_cs at its descriptor, then
 * runs [start, end); the 4 bytes before the abort address are RSEQ_SIG.
 *
 * spin_until_abort(r): a section that never commits; only the kernel's
 * move to spin_abort ends it.
 *
 * add_in_section(r, counter): *counter + 1, loaded, held a while, then
 * stored by the section's last instruction (the commit); 0 when
 * committed, 1 when aborted (and nothing stored).
 */
extern const struct rseq_cs spin_cs;
extern const char spin_start[], spin_end[], spin_abort[];
void spin_until_abort(struct rseq *r);
int add_in_section(struct rseq *r, long *counter);

__asm__(".pushsection .data\n"
	".balign 32\n"
	".globl spin_cs\n"
	"spin_cs:\n"
	"	.long 0, 0\n"
	"	.quad spin_start, spin_end - spin_start, spin_abort\n"
	".balign 32\n"
	"add_cs:\n"
	"	.long 0, 0\n"
	"	.quad add_start, add_end - add_start, add_abort\n"
	".popsection\n"
	".pushsection .text\n"
	".globl spin_until_abort, spin_start, spin_end, spin_abort\n"
	"spin_until_abort:\n"
	"	leaq spin_cs(%rip), %rax\n"
	"	movq %rax, 8(%rdi)\n"
	"spin_start:\n"
	"	jmp spin_start\n"
	"spin_end:\n"
	"	.long 0x53053053\n"
	"spin_abort:\n"
	"	ret\n"
	".globl add_in_section\n"
	"add_in_section:\n"
	"	leaq add_cs(%rip), %rax\n"
	"	movq %rax, 8(%rdi)\n"
	"add_start:\n"
	"	movq (%rsi), %rdx\n"
	"	movl $200, %ecx\n"
	"1:	decl %ecx\n" /* a window between the load and the store */
	"	jnz 1b\n"
	"	incq %rdx\n"
	"	movq %rdx, (%rsi)\n"
	"add_end:\n"
	"	xorl %eax, %eax\n"
	"	ret\n"
	"	.long 0x53053053\n"
	"add_abort:\n"
	"	movl $1, %eax\n"
	"	ret\n"
	".popsection\n");

static __thread struct rseq rs; /* this thread's area */

static long sys_rseq(struct rseq *r, uint32_t len, int flags, uint32_t sig)
{
	return syscall(SYS_rseq_, r, len, flags, sig);
}

static int wait_status(pid_t pid)
{
	int status = -1;

	waitpid(pid, &status, 0);
	return status;
}

/* One CPU for all of us, so that per-CPU means shared. */
static void test_pin_to_cpu0(void)
{
	cpu_set_t set;
	unsigned cpu = 99, node = 99;

	CPU_ZERO(&set);
	check(sched_getaffinity(0, sizeof(set), &set) == 0 && CPU_ISSET(0, &set),
	      "sched_getaffinity: CPU 0 is allowed");
	CPU_ZERO(&set);
	CPU_SET(0, &set);
	check(sched_setaffinity(0, sizeof(set), &set) == 0, "sched_setaffinity to CPU 0 alone");
	check(syscall(SYS_getcpu, &cpu, &node, NULL) == 0 && cpu == 0 && node == 0,
	      "getcpu: CPU 0, node 0");
	CPU_ZERO(&set);
	check_err(sched_setaffinity(0, sizeof(set), &set), EINVAL,
		  "sched_setaffinity to no CPU: EINVAL");
	check_err(syscall(SYS_sched_getaffinity, 0, 4, &set), EINVAL,
		  "sched_getaffinity into 4 bytes: EINVAL");
	check_err(syscall(SYS_sched_getaffinity, 0, sizeof(set), (void *)8), EFAULT,
		  "sched_getaffinity into a bad pointer: EFAULT");
}

static void test_register(void)
{
	static struct rseq other;

	rs.cpu_id_start = 7;
	rs.cpu_id = RSEQ_CPU_ID_UNINITIALIZED;
	check(sys_rseq(&rs, sizeof(rs), 0, RSEQ_SIG) == 0, "rseq registers the thread's area");
	check(rs.cpu_id_start == 0 && rs.cpu_id == 0,
	      "...and cpu_id_start and cpu_id say CPU 0 before the call returns");
	check_err(sys_rseq(&rs, sizeof(rs), 0, RSEQ_SIG), EBUSY, "the same again: EBUSY");
	check_err(sys_rseq(&other, sizeof(rs), 0, RSEQ_SIG), EINVAL,
		  "another area while registered: EINVAL");
	check_err(sys_rseq(&rs, sizeof(rs), 0, RSEQ_SIG + 1), EPERM,
		  "the same area with another signature: EPERM");
	check_err(sys_rseq(&rs, sizeof(rs), 2, RSEQ_SIG), EINVAL, "an unknown flag: EINVAL");
	check_err(sys_rseq(&rs, sizeof(rs), RSEQ_FLAG_UNREGISTER | 2, RSEQ_SIG), EINVAL,
		  "unregister with an unknown flag: EINVAL");
	check_err(sys_rseq(&other, sizeof(rs), RSEQ_FLAG_UNREGISTER, RSEQ_SIG), EINVAL,
		  "unregister another area: EINVAL");
	check_err(sys_rseq(&rs, sizeof(rs), RSEQ_FLAG_UNREGISTER, RSEQ_SIG + 1), EPERM,
		  "unregister with another signature: EPERM");
}

/* Each in a fresh child: the registration errors of an unregistered
 * thread. */
static void test_register_errors(void)
{
	pid_t pid = fork();

	if (pid == 0) {
		static char buf[64] __attribute__((aligned(32)));
		check(sys_rseq(&rs, sizeof(rs), RSEQ_FLAG_UNREGISTER, RSEQ_SIG) == 0,
		      "a fork child unregisters its inherited area");
		check(rs.cpu_id == RSEQ_CPU_ID_UNINITIALIZED && rs.cpu_id_start == 0,
		      "...which says cpu_id -1 (RSEQ_CPU_ID_UNINITIALIZED) again");
		check_err(sys_rseq(&rs, sizeof(rs), RSEQ_FLAG_UNREGISTER, RSEQ_SIG), EINVAL,
			  "unregister with nothing registered: EINVAL");
		check_err(sys_rseq((struct rseq *)(buf + 16), sizeof(rs), 0, RSEQ_SIG), EINVAL,
			  "an area not 32-byte aligned: EINVAL");
		check_err(sys_rseq(&rs, sizeof(rs) + 32, 0, RSEQ_SIG), EINVAL,
			  "a length other than 32: EINVAL");
		check_err(sys_rseq((struct rseq *)0xffff800000000000UL, sizeof(rs), 0, RSEQ_SIG),
			  EFAULT, "a kernel address: EFAULT");
		exit(failures ? 1 : 0);
	}
	check(wait_status(pid) == 0, "...(the child's checks passed)");
}

static volatile sig_atomic_t signals, saw_in_section, saw_abort;

static void on_signal(int sig, siginfo_t *si, void *ctx)
{
	uint64_t ip = (uint64_t)((ucontext_t *)ctx)->uc_mcontext.gregs[REG_RIP];

	(void)sig;
	(void)si;
	signals++;
	if (ip - (uint64_t)spin_start < (uint64_t)(spin_end - spin_start))
		saw_in_section = 1;
	if (ip == (uint64_t)spin_abort)
		saw_abort = 1;
}

static void handle(int sig)
{
	struct sigaction sa = { .sa_sigaction = on_signal, .sa_flags = SA_SIGINFO };

	sigaction(sig, &sa, NULL);
}

static void set_interval_ms(int ms)
{
	struct itimerval it = { { 0, ms * 1000 }, { 0, ms * 1000 } };

	setitimer(ITIMER_REAL, &it, NULL);
}

/* A signal inside the section: its handler starts from, and returns
 * to, the abort address. Tries until a signal (not a preemption) was
 * what ended a section. */
static void test_signal_aborts(void)
{
	handle(SIGALRM);
	set_interval_ms(20);
	for (int tries = 0; tries < 200 && !saw_abort; tries++)
		spin_until_abort(&rs);
	set_interval_ms(0);
	check(saw_abort && !saw_in_section,
	      "a signal in a critical section: its handler is entered as if from the abort address");
	check(rs.rseq_cs == 0, "...and rseq_cs is cleared");
}

/* Preemption alone ends the section: a busy child takes the CPU. */
static void test_preemption_aborts(void)
{
	pid_t busy = fork();

	if (busy == 0)
		for (;;)
			;
	signals = 0;
	alarm(30); /* only if the section is never preempted */
	spin_until_abort(&rs);
	alarm(0);
	kill(busy, SIGKILL);
	waitpid(busy, NULL, 0);
	check(signals == 0, "preemption in a critical section moves it to the abort address");
}

/* Outside any section, a signal just clears rseq_cs (lazily, as Linux). */
static void test_lazy_clear(void)
{
	handle(SIGUSR1);
	rs.rseq_cs = (uint64_t)&spin_cs;
	raise(SIGUSR1);
	check(rs.rseq_cs == 0, "a signal outside the section clears rseq_cs, nothing else");
}

/* Each thread adds at least ADDS, and goes on (up to 100 times as many)
 * until the two have been restarted 10 times between them: a run shorter
 * than a time slice would test nothing. */
#define ADDS 100000L
static long counter;
static volatile long commits[2], restarts[2];

static void count_adds(int me)
{
	for (long i = 0; i < ADDS || (restarts[0] + restarts[1] < 10 && i < 100 * ADDS); i++) {
		while (add_in_section(&rs, &counter))
			restarts[me]++;
		commits[me]++;
	}
}

static void *adder(void *arg)
{
	int *registered = arg;

	*registered = sys_rseq(&rs, sizeof(rs), 0, RSEQ_SIG) == 0;
	if (*registered)
		count_adds(1);
	return NULL;
}

/* Two threads on one CPU add to one counter without atomics: each add
 * that was preempted between its load and its store starts over, so no
 * add is lost. */
static void test_two_threads_lose_nothing(void)
{
	int registered = 0;
	pthread_t t;

	check(pthread_create(&t, NULL, adder, &registered) == 0, "a second thread starts");
	count_adds(0);
	pthread_join(t, NULL);
	check(registered, "a new thread has no registration: it registers its own area");
	printf("%ld adds, %ld and %ld restarts\n", counter, restarts[0], restarts[1]);
	check(counter == commits[0] + commits[1],
	      "two threads' non-atomic adds in critical sections: none lost");
	check(restarts[0] + restarts[1] >= 10, "...because preempted adds were restarted");
}

static void test_fork_keeps_it(void)
{
	pid_t pid = fork();

	if (pid == 0)
		exit(sys_rseq(&rs, sizeof(rs), 0, RSEQ_SIG) == -1 && errno == EBUSY ? 0 : 1);
	check(wait_status(pid) == 0, "a fork child keeps the registration (EBUSY)");
}

static void test_exec_drops_it(void)
{
	pid_t pid = fork();

	if (pid == 0) {
		execl("/bin/rseqtest", "rseqtest", "exec-check", (char *)NULL);
		_exit(127);
	}
	check(wait_status(pid) == 0, "execve drops the registration: the new program registers");
}

/* In a child, which must die of SIGSEGV. */
static void dies_of_sigsegv(void (*fn)(void), const char *what)
{
	pid_t pid = fork();

	if (pid == 0) {
		fn();
		exit(0);
	}
	int status = wait_status(pid);
	check(WIFSIGNALED(status) && WTERMSIG(status) == SIGSEGV, what);
}

static void wrong_signature(void)
{
	sys_rseq(&rs, sizeof(rs), RSEQ_FLAG_UNREGISTER, RSEQ_SIG);
	sys_rseq(&rs, sizeof(rs), 0, 0x12345678);
	rs.rseq_cs = (uint64_t)&spin_cs;
	raise(SIGUSR1);
}

static void bad_version(void)
{
	static struct rseq_cs cs;

	cs = spin_cs;
	cs.version = 1;
	rs.rseq_cs = (uint64_t)&cs;
	raise(SIGUSR1);
}

static void abort_inside(void)
{
	static struct rseq_cs cs;

	cs = spin_cs;
	cs.abort_ip = cs.start_ip;
	rs.rseq_cs = (uint64_t)&cs;
	raise(SIGUSR1);
}

static void kernel_descriptor(void)
{
	rs.rseq_cs = 0xffff800000000000UL;
	raise(SIGUSR1);
}

static void unmapped_area(void)
{
	struct rseq *r = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	sys_rseq(&rs, sizeof(rs), RSEQ_FLAG_UNREGISTER, RSEQ_SIG);
	sys_rseq(r, sizeof(*r), 0, RSEQ_SIG);
	munmap(r, 4096);
	raise(SIGUSR1);
}

static void test_bad_descriptors(void)
{
	dies_of_sigsegv(wrong_signature,
			"a section whose abort address lacks the signature: SIGSEGV");
	dies_of_sigsegv(bad_version, "a descriptor of version 1: SIGSEGV");
	dies_of_sigsegv(abort_inside, "an abort address inside its section: SIGSEGV");
	dies_of_sigsegv(kernel_descriptor, "a descriptor at a kernel address: SIGSEGV");
	dies_of_sigsegv(unmapped_area, "an area unmapped while registered: SIGSEGV");
}

int main(int argc, char **argv)
{
	if (argc > 1 && !strcmp(argv[1], "exec-check"))
		return sys_rseq(&rs, sizeof(rs), 0, RSEQ_SIG) == 0 && rs.cpu_id == 0 ? 0 : 1;
	setvbuf(stdout, NULL, _IONBF, 0); /* children's lines in order */
	test_pin_to_cpu0();
	test_register();
	test_register_errors();
	test_signal_aborts();
	test_preemption_aborts();
	test_lazy_clear();
	test_two_threads_lose_nothing();
	test_fork_keeps_it();
	test_exec_drops_it();
	test_bad_descriptors();
	printf("rseqtest: %d failed\n", failures);
	return failures ? 1 : 0;
}
