/*
 * System call entry and dispatch. `syscall` enters at syscall_entry
 * (kernel/trapentry.asm) on the process's kernel stack; do_syscall looks
 * the number up in syscall_table - indexed by Linux's x86-64 numbers, so
 * unmodified Linux programs work - and returns the result, or -ENOSYS
 * (logged once per number) for calls Antidote does not have.
 */
#include "kernel/syscall.h"
#include "fs/fdtable.h"
#include "kernel/errno.h"
#include "kernel/gdt.h"
#include "kernel/printk.h"
#include "kernel/proc.h"
#include "kernel/x86.h"
#include "mm/mmap.h"

#define MSR_EFER 0xc0000080
#define MSR_STAR 0xc0000081
#define MSR_LSTAR 0xc0000082
#define MSR_FMASK 0xc0000084
#define EFER_SCE 1 /* syscall/sysret enabled */
#define RFLAGS_TF (1UL << 8)
#define RFLAGS_DF (1UL << 10)
#define RFLAGS_AC (1UL << 18)

typedef long (*syscall_fn)(uint64_t, uint64_t, uint64_t, uint64_t, uint64_t, uint64_t);

/*
 * Every entry is called with all six argument registers; a function that
 * takes fewer simply ignores the rest (the x86-64 calling convention
 * passes them in registers). The cast through void (*)(void) tells the
 * compiler that this mismatch is on purpose.
 */
#define SYSCALL(name, fn) { name, (syscall_fn)(void (*)(void))(fn) }

static const struct {
	const char *name;
	syscall_fn fn;
} syscall_table[] = {
	[0] = SYSCALL("read", sys_read),
	[1] = SYSCALL("write", sys_write),
	[2] = SYSCALL("open", sys_open),
	[3] = SYSCALL("close", sys_close),
	[4] = SYSCALL("stat", sys_stat),
	[5] = SYSCALL("fstat", sys_fstat),
	[6] = SYSCALL("lstat", sys_lstat),
	[7] = SYSCALL("poll", sys_poll),
	[8] = SYSCALL("lseek", sys_lseek),
	[9] = SYSCALL("mmap", sys_mmap),
	[10] = SYSCALL("mprotect", sys_mprotect),
	[11] = SYSCALL("munmap", sys_munmap),
	[12] = SYSCALL("brk", sys_brk),
	[13] = SYSCALL("rt_sigaction", sys_rt_sigaction),
	[14] = SYSCALL("rt_sigprocmask", sys_rt_sigprocmask),
	[15] = SYSCALL("rt_sigreturn", sys_rt_sigreturn),
	[16] = SYSCALL("ioctl", sys_ioctl),
	[17] = SYSCALL("pread64", sys_pread64),
	[18] = SYSCALL("pwrite64", sys_pwrite64),
	[19] = SYSCALL("readv", sys_readv),
	[20] = SYSCALL("writev", sys_writev),
	[21] = SYSCALL("access", sys_access),
	[22] = SYSCALL("pipe", sys_pipe),
	[23] = SYSCALL("select", sys_select),
	[24] = SYSCALL("sched_yield", sys_sched_yield),
	[26] = SYSCALL("msync", sys_msync),
	[27] = SYSCALL("mincore", sys_mincore),
	[28] = SYSCALL("madvise", sys_madvise),
	[29] = SYSCALL("shmget", sys_shmget),
	[30] = SYSCALL("shmat", sys_shmat),
	[31] = SYSCALL("shmctl", sys_shmctl),
	[32] = SYSCALL("dup", sys_dup),
	[33] = SYSCALL("dup2", sys_dup2),
	[34] = SYSCALL("pause", sys_pause),
	[35] = SYSCALL("nanosleep", sys_nanosleep),
	[36] = SYSCALL("getitimer", sys_getitimer),
	[37] = SYSCALL("alarm", sys_alarm),
	[38] = SYSCALL("setitimer", sys_setitimer),
	[39] = SYSCALL("getpid", sys_getpid),
	[40] = SYSCALL("sendfile", sys_sendfile),
	[56] = SYSCALL("clone", sys_clone),
	[57] = SYSCALL("fork", sys_fork),
	[58] = SYSCALL("vfork", sys_vfork),
	[59] = SYSCALL("execve", sys_execve),
	[60] = SYSCALL("exit", sys_exit),
	[61] = SYSCALL("wait4", sys_wait4),
	[62] = SYSCALL("kill", sys_kill),
	[63] = SYSCALL("uname", sys_uname),
	[64] = SYSCALL("semget", sys_semget),
	[65] = SYSCALL("semop", sys_semop),
	[66] = SYSCALL("semctl", sys_semctl),
	[67] = SYSCALL("shmdt", sys_shmdt),
	[72] = SYSCALL("fcntl", sys_fcntl),
	[73] = SYSCALL("flock", sys_flock),
	[74] = SYSCALL("fsync", sys_fsync),
	[75] = SYSCALL("fdatasync", sys_fdatasync),
	[76] = SYSCALL("truncate", sys_truncate),
	[77] = SYSCALL("ftruncate", sys_ftruncate),
	[79] = SYSCALL("getcwd", sys_getcwd),
	[80] = SYSCALL("chdir", sys_chdir),
	[81] = SYSCALL("fchdir", sys_fchdir),
	[82] = SYSCALL("rename", sys_rename),
	[83] = SYSCALL("mkdir", sys_mkdir),
	[84] = SYSCALL("rmdir", sys_rmdir),
	[85] = SYSCALL("creat", sys_creat),
	[86] = SYSCALL("link", sys_link),
	[87] = SYSCALL("unlink", sys_unlink),
	[88] = SYSCALL("symlink", sys_symlink),
	[89] = SYSCALL("readlink", sys_readlink),
	[90] = SYSCALL("chmod", sys_chmod),
	[91] = SYSCALL("fchmod", sys_fchmod),
	[92] = SYSCALL("chown", sys_chown),
	[93] = SYSCALL("fchown", sys_fchown),
	[94] = SYSCALL("lchown", sys_lchown),
	[95] = SYSCALL("umask", sys_umask),
	[96] = SYSCALL("gettimeofday", sys_gettimeofday),
	[97] = SYSCALL("getrlimit", sys_getrlimit),
	[98] = SYSCALL("getrusage", sys_getrusage),
	[99] = SYSCALL("sysinfo", sys_sysinfo),
	[100] = SYSCALL("times", sys_times),
	[102] = SYSCALL("getuid", sys_getuid),
	[103] = SYSCALL("syslog", sys_syslog),
	[104] = SYSCALL("getgid", sys_getgid),
	[105] = SYSCALL("setuid", sys_setuid),
	[106] = SYSCALL("setgid", sys_setgid),
	[107] = SYSCALL("geteuid", sys_geteuid),
	[108] = SYSCALL("getegid", sys_getegid),
	[109] = SYSCALL("setpgid", sys_setpgid),
	[110] = SYSCALL("getppid", sys_getppid),
	[111] = SYSCALL("getpgrp", sys_getpgrp),
	[112] = SYSCALL("setsid", sys_setsid),
	[113] = SYSCALL("setreuid", sys_setreuid),
	[114] = SYSCALL("setregid", sys_setregid),
	[115] = SYSCALL("getgroups", sys_getgroups),
	[116] = SYSCALL("setgroups", sys_setgroups),
	[117] = SYSCALL("setresuid", sys_setresuid),
	[118] = SYSCALL("getresuid", sys_getresuid),
	[119] = SYSCALL("setresgid", sys_setresgid),
	[120] = SYSCALL("getresgid", sys_getresgid),
	[121] = SYSCALL("getpgid", sys_getpgid),
	[122] = SYSCALL("setfsuid", sys_setfsuid),
	[123] = SYSCALL("setfsgid", sys_setfsgid),
	[124] = SYSCALL("getsid", sys_getsid),
	[127] = SYSCALL("rt_sigpending", sys_rt_sigpending),
	[128] = SYSCALL("rt_sigtimedwait", sys_rt_sigtimedwait),
	[130] = SYSCALL("rt_sigsuspend", sys_rt_sigsuspend),
	[131] = SYSCALL("sigaltstack", sys_sigaltstack),
	[133] = SYSCALL("mknod", sys_mknod),
	[137] = SYSCALL("statfs", sys_statfs),
	[138] = SYSCALL("fstatfs", sys_fstatfs),
	[149] = SYSCALL("mlock", sys_mlock),
	[150] = SYSCALL("munlock", sys_munlock),
	[151] = SYSCALL("mlockall", sys_mlockall),
	[152] = SYSCALL("munlockall", sys_munlockall),
	[157] = SYSCALL("prctl", sys_prctl),
	[158] = SYSCALL("arch_prctl", sys_arch_prctl),
	[160] = SYSCALL("setrlimit", sys_setrlimit),
	[162] = SYSCALL("sync", sys_sync),
	[165] = SYSCALL("mount", sys_mount),
	[166] = SYSCALL("umount2", sys_umount2),
	[167] = SYSCALL("swapon", sys_swapon),
	[168] = SYSCALL("swapoff", sys_swapoff),
	[186] = SYSCALL("gettid", sys_gettid),
	[200] = SYSCALL("tkill", sys_tkill),
	[201] = SYSCALL("time", sys_time),
	[202] = SYSCALL("futex", sys_futex),
	[203] = SYSCALL("sched_setaffinity", sys_sched_setaffinity),
	[204] = SYSCALL("sched_getaffinity", sys_sched_getaffinity),
	[217] = SYSCALL("getdents64", sys_getdents64),
	[218] = SYSCALL("set_tid_address", sys_set_tid_address),
	[219] = SYSCALL("restart_syscall", sys_restart_syscall),
	[220] = SYSCALL("semtimedop", sys_semtimedop),
	[227] = SYSCALL("clock_settime", sys_clock_settime),
	[228] = SYSCALL("clock_gettime", sys_clock_gettime),
	[229] = SYSCALL("clock_getres", sys_clock_getres),
	[230] = SYSCALL("clock_nanosleep", sys_clock_nanosleep),
	[231] = SYSCALL("exit_group", sys_exit_group),
	[234] = SYSCALL("tgkill", sys_tgkill),
	[247] = SYSCALL("waitid", sys_waitid),
	[257] = SYSCALL("openat", sys_openat),
	[258] = SYSCALL("mkdirat", sys_mkdirat),
	[259] = SYSCALL("mknodat", sys_mknodat),
	[260] = SYSCALL("fchownat", sys_fchownat),
	[262] = SYSCALL("newfstatat", sys_newfstatat),
	[263] = SYSCALL("unlinkat", sys_unlinkat),
	[264] = SYSCALL("renameat", sys_renameat),
	[265] = SYSCALL("linkat", sys_linkat),
	[266] = SYSCALL("symlinkat", sys_symlinkat),
	[267] = SYSCALL("readlinkat", sys_readlinkat),
	[268] = SYSCALL("fchmodat", sys_fchmodat),
	[269] = SYSCALL("faccessat", sys_faccessat),
	[270] = SYSCALL("pselect6", sys_pselect6),
	[271] = SYSCALL("ppoll", sys_ppoll),
	[273] = SYSCALL("set_robust_list", sys_set_robust_list),
	[274] = SYSCALL("get_robust_list", sys_get_robust_list),
	[280] = SYSCALL("utimensat", sys_utimensat),
	[292] = SYSCALL("dup3", sys_dup3),
	[293] = SYSCALL("pipe2", sys_pipe2),
	[302] = SYSCALL("prlimit64", sys_prlimit64),
	[306] = SYSCALL("syncfs", sys_syncfs),
	[309] = SYSCALL("getcpu", sys_getcpu),
	[316] = SYSCALL("renameat2", sys_renameat2),
	[318] = SYSCALL("getrandom", sys_getrandom),
	[319] = SYSCALL("memfd_create", sys_memfd_create),
	[332] = SYSCALL("statx", sys_statx),
	[334] = SYSCALL("rseq", sys_rseq),
	[435] = SYSCALL("clone3", sys_clone3),
	[439] = SYSCALL("faccessat2", sys_faccessat2),
};

#define NR_SYSCALLS 512
static uint8_t enosys_logged[NR_SYSCALLS / 8];

void syscall_entry(void); /* kernel/trapentry.asm */

void syscall_init(void)
{
	wrmsr(MSR_EFER, rdmsr(MSR_EFER) | EFER_SCE);
	/* sysret would load CS = 0x10+16 and SS = 0x10+8 (user, RPL 3);
	 * syscall loads CS = 0x08, SS = 0x10. */
	wrmsr(MSR_STAR, ((uint64_t)(KERNEL_DS) << 48) | ((uint64_t)KERNEL_CS << 32));
	wrmsr(MSR_LSTAR, (uint64_t)syscall_entry);
	wrmsr(MSR_FMASK, RFLAGS_IF | RFLAGS_TF | RFLAGS_DF | RFLAGS_AC);
}

static long unknown_syscall(uint64_t nr)
{
	if (nr < NR_SYSCALLS && !(enosys_logged[nr / 8] & (1 << (nr % 8)))) {
		enosys_logged[nr / 8] |= 1 << (nr % 8);
		pr_warn("%s[%d]: system call %lu is not implemented (ENOSYS)\n", current->comm,
			current->pid, nr);
	}
	return -ENOSYS;
}

void do_syscall(struct trapframe *tf)
{
	uint64_t nr = tf->rax;

	current->syscall_nr = nr; /* for restarting it after a signal handler */
	if (nr < ARRAY_SIZE(syscall_table) && syscall_table[nr].fn)
		tf->rax = (uint64_t)syscall_table[nr].fn(tf->rdi, tf->rsi, tf->rdx, tf->r10, tf->r8,
							  tf->r9);
	else
		tf->rax = (uint64_t)unknown_syscall(nr);
	fput_held(); /* the files it used, if threads share the descriptors */
}
