/*
 * Every pointer-taking system call, given pointers that are unmapped, in
 * the kernel's half, or not canonical at all: each must fail with EFAULT
 * (the kernel must not crash, nor read or write there). Bad file
 * descriptors give EBADF, an unknown system call ENOSYS. Raw syscall() is
 * used so that the C library does not touch the pointers first.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/syscall.h>
#include <unistd.h>

static int failures;

static const uintptr_t bad[] = {
	0x10,                   /* unmapped, near NULL */
	0x7ffffffff000,         /* just past the top of user space */
	0xffff888000001000,     /* the kernel's direct map */
	0xffffffff80100000,     /* the kernel image */
	0x0000800000000000,     /* not canonical */
};

#define NBAD (sizeof(bad) / sizeof(bad[0]))

static void expect(long ret, int err, const char *what, uintptr_t p)
{
	int ok = ret == -1 && errno == err;
	if (!ok) {
		printf("FAIL: %s with %#lx -> %ld errno %d\n", what, (unsigned long)p, ret, errno);
		failures++;
	}
}

static void each_bad(const char *what, long (*call)(uintptr_t))
{
	for (size_t i = 0; i < NBAD; i++)
		expect(call(bad[i]), EFAULT, what, bad[i]);
	printf("ok: %s: EFAULT for every bad pointer\n", what);
}

static long c_write(uintptr_t p) { return syscall(SYS_write, 1, p, 16); }
static long c_writev(uintptr_t p) { return syscall(SYS_writev, 1, p, 1); }
static long c_writev_base(uintptr_t p)
{
	uintptr_t iov[2] = { p, 16 };
	return syscall(SYS_writev, 1, iov, 1);
}
static long c_sigaction_new(uintptr_t p) { return syscall(SYS_rt_sigaction, 10, p, 0, 8); }
static long c_sigaction_old(uintptr_t p) { return syscall(SYS_rt_sigaction, 10, 0, p, 8); }
static long c_sigprocmask_new(uintptr_t p) { return syscall(SYS_rt_sigprocmask, 0, p, 0, 8); }
static long c_sigprocmask_old(uintptr_t p) { return syscall(SYS_rt_sigprocmask, 0, 0, p, 8); }
static long c_sigaltstack_new(uintptr_t p) { return syscall(SYS_sigaltstack, p, 0); }
static long c_sigaltstack_old(uintptr_t p) { return syscall(SYS_sigaltstack, 0, p); }
static long c_nanosleep(uintptr_t p) { return syscall(SYS_nanosleep, p, 0); }
static long c_clock_gettime(uintptr_t p) { return syscall(SYS_clock_gettime, 0, p); }
static long c_gettimeofday(uintptr_t p) { return syscall(SYS_gettimeofday, p, 0); }
static long c_uname(uintptr_t p) { return syscall(SYS_uname, p); }
static long c_arch_prctl(uintptr_t p) { return syscall(SYS_arch_prctl, 0x1003, p); }
static long c_ioctl(uintptr_t p) { return syscall(SYS_ioctl, 1, 0x5413, p); }
static long c_execve_path(uintptr_t p) { return syscall(SYS_execve, p, 0, 0); }
static long c_execve_argv(uintptr_t p) { return syscall(SYS_execve, "/bin/hello", p, 0); }
static long c_execve_envp(uintptr_t p) { return syscall(SYS_execve, "/bin/hello", 0, p); }
static long c_execve_arg(uintptr_t p)
{
	uintptr_t argv[2] = { p, 0 };
	return syscall(SYS_execve, "/bin/hello", argv, 0);
}

static long c_wait4(uintptr_t p)
{
	pid_t pid = fork();
	if (pid == 0)
		_exit(0);
	long r = syscall(SYS_wait4, pid, p, 0, 0);
	int saved = errno;
	syscall(SYS_wait4, pid, 0, 0, 0); /* the child was reaped; this one fails */
	errno = saved;
	return r;
}

int main(void)
{
	each_bad("write", c_write);
	each_bad("writev (the iovec array)", c_writev);
	each_bad("writev (a buffer in it)", c_writev_base);
	each_bad("rt_sigaction (act)", c_sigaction_new);
	each_bad("rt_sigaction (oldact)", c_sigaction_old);
	each_bad("rt_sigprocmask (set)", c_sigprocmask_new);
	each_bad("rt_sigprocmask (oldset)", c_sigprocmask_old);
	each_bad("sigaltstack (ss)", c_sigaltstack_new);
	each_bad("sigaltstack (old_ss)", c_sigaltstack_old);
	each_bad("nanosleep", c_nanosleep);
	each_bad("clock_gettime", c_clock_gettime);
	each_bad("gettimeofday", c_gettimeofday);
	each_bad("uname", c_uname);
	each_bad("arch_prctl (ARCH_GET_FS)", c_arch_prctl);
	each_bad("ioctl (TIOCGWINSZ)", c_ioctl);
	each_bad("execve (path)", c_execve_path);
	each_bad("execve (argv)", c_execve_argv);
	each_bad("execve (envp)", c_execve_envp);
	each_bad("execve (an argument)", c_execve_arg);
	each_bad("wait4 (status)", c_wait4);

	expect(syscall(SYS_write, 99, "x", 1), EBADF, "write to fd 99", 0);
	expect(syscall(400), ENOSYS, "system call 400", 0);
	printf("ok: EBADF and ENOSYS\n");
	printf("badptr: %d failed\n", failures);
	return failures ? 1 : 0;
}
