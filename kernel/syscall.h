/* System calls: Linux x86-64 numbers, arguments and return values. */
#ifndef KERNEL_SYSCALL_H
#define KERNEL_SYSCALL_H

#include "kernel/trap.h"

void syscall_init(void);
/* From trap() for a `syscall` (kernel/trapentry.asm: syscall_entry):
 * number in rax, arguments in rdi, rsi, rdx, r10, r8, r9; the result goes
 * back in rax. */
void do_syscall(struct trapframe *tf);

/* fs/ioctl.c */
long sys_ioctl(uint64_t fd, uint64_t cmd, uint64_t arg);

/* fs/select.c */
long sys_poll(uint64_t ufds, uint64_t nfds, uint64_t timeout_msecs);
long sys_ppoll(uint64_t ufds, uint64_t nfds, uint64_t tsp, uint64_t usigmask, uint64_t sigsetsize);
long sys_select(uint64_t n, uint64_t inp, uint64_t outp, uint64_t exp, uint64_t tvp);
long sys_pselect6(uint64_t n, uint64_t inp, uint64_t outp, uint64_t exp, uint64_t tsp,
		  uint64_t usig);

/* kernel/pgrp.c */
long sys_setpgid(uint64_t pid, uint64_t pgid);
long sys_getpgid(uint64_t pid);
long sys_getpgrp(void);
long sys_setsid(void);
long sys_getsid(uint64_t pid);

/* fs/read_write.c */
long sys_read(uint64_t fd, uint64_t buf, uint64_t count);
long sys_write(uint64_t fd, uint64_t buf, uint64_t count);
long sys_pread64(uint64_t fd, uint64_t buf, uint64_t count, uint64_t pos);
long sys_pwrite64(uint64_t fd, uint64_t buf, uint64_t count, uint64_t pos);
long sys_readv(uint64_t fd, uint64_t iov, uint64_t iovcnt);
long sys_sendfile(uint64_t out_fd, uint64_t in_fd, uint64_t offset, uint64_t count);
long sys_writev(uint64_t fd, uint64_t iov, uint64_t iovcnt);
long sys_lseek(uint64_t fd, uint64_t offset, uint64_t whence);
long sys_fsync(uint64_t fd);
long sys_fdatasync(uint64_t fd);

/* fs/open.c */
long sys_open(uint64_t path, uint64_t flags, uint64_t mode);
long sys_openat(uint64_t dirfd, uint64_t path, uint64_t flags, uint64_t mode);
long sys_close(uint64_t fd);
long sys_dup(uint64_t oldfd);
long sys_dup2(uint64_t oldfd, uint64_t newfd);
long sys_dup3(uint64_t oldfd, uint64_t newfd, uint64_t flags);
long sys_creat(uint64_t path, uint64_t mode);
long sys_chdir(uint64_t path);
long sys_fchdir(uint64_t fd);
long sys_getcwd(uint64_t buf, uint64_t size);
long sys_umask(uint64_t mask);
long sys_access(uint64_t path, uint64_t mode);
long sys_faccessat(uint64_t dirfd, uint64_t path, uint64_t mode);
long sys_faccessat2(uint64_t dirfd, uint64_t path, uint64_t mode, uint64_t flags);

/* fs/directory.c */
long sys_mkdir(uint64_t path, uint64_t mode);
long sys_mkdirat(uint64_t dirfd, uint64_t path, uint64_t mode);
long sys_mknod(uint64_t path, uint64_t mode, uint64_t dev);
long sys_mknodat(uint64_t dirfd, uint64_t path, uint64_t mode, uint64_t dev);
long sys_symlink(uint64_t target, uint64_t path);
long sys_symlinkat(uint64_t target, uint64_t dirfd, uint64_t path);
long sys_link(uint64_t oldpath, uint64_t newpath);
long sys_linkat(uint64_t olddirfd, uint64_t oldpath, uint64_t newdirfd, uint64_t newpath,
		uint64_t flags);
long sys_unlink(uint64_t path);
long sys_unlinkat(uint64_t dirfd, uint64_t path, uint64_t flags);
long sys_rmdir(uint64_t path);
long sys_rename(uint64_t oldpath, uint64_t newpath);
long sys_renameat(uint64_t olddirfd, uint64_t oldpath, uint64_t newdirfd, uint64_t newpath);
long sys_renameat2(uint64_t olddirfd, uint64_t oldpath, uint64_t newdirfd, uint64_t newpath,
		   uint64_t flags);

/* fs/attr.c */
long sys_truncate(uint64_t path, uint64_t length);
long sys_ftruncate(uint64_t fd, uint64_t length);
long sys_chmod(uint64_t path, uint64_t mode);
long sys_fchmod(uint64_t fd, uint64_t mode);
long sys_fchmodat(uint64_t dirfd, uint64_t path, uint64_t mode);
long sys_chown(uint64_t path, uint64_t uid, uint64_t gid);
long sys_lchown(uint64_t path, uint64_t uid, uint64_t gid);
long sys_fchown(uint64_t fd, uint64_t uid, uint64_t gid);
long sys_fchownat(uint64_t dirfd, uint64_t path, uint64_t uid, uint64_t gid, uint64_t flags);
long sys_utimensat(uint64_t dirfd, uint64_t path, uint64_t times, uint64_t flags);

/* fs/readdir.c */
long sys_getdents64(uint64_t fd, uint64_t dirent, uint64_t count);

/* fs/namespace.c */
long sys_mount(uint64_t dev, uint64_t dir, uint64_t type, uint64_t flags, uint64_t data);
long sys_umount2(uint64_t target, uint64_t flags);
long sys_swapon(uint64_t path, uint64_t flags); /* mm/swapon.c */
long sys_swapoff(uint64_t path);

/* fs/sync.c */
long sys_sync(void);
long sys_syncfs(uint64_t fd);

/* fs/fcntl.c */
long sys_fcntl(uint64_t fd, uint64_t cmd, uint64_t arg);
long sys_flock(uint64_t fd, uint64_t cmd);

/* fs/stat.c */
long sys_stat(uint64_t path, uint64_t statbuf);
long sys_fstat(uint64_t fd, uint64_t statbuf);
long sys_newfstatat(uint64_t dirfd, uint64_t path, uint64_t statbuf, uint64_t flags);
long sys_lstat(uint64_t path, uint64_t statbuf);
long sys_statx(uint64_t dirfd, uint64_t path, uint64_t flags, uint64_t mask, uint64_t statxbuf);
long sys_readlink(uint64_t path, uint64_t buf, uint64_t size);
long sys_readlinkat(uint64_t dirfd, uint64_t path, uint64_t buf, uint64_t size);
long sys_statfs(uint64_t path, uint64_t buf);
long sys_fstatfs(uint64_t fd, uint64_t buf);

/* fs/pipe.c */
long sys_pipe(uint64_t fds);
long sys_pipe2(uint64_t fds, uint64_t flags);
long sys_memfd_create(uint64_t uname, uint64_t flags);

/* mm/mprotect.c */
long sys_mprotect(uint64_t start, uint64_t len, uint64_t prot);
long sys_mlock(uint64_t start, uint64_t len);
long sys_munlock(uint64_t start, uint64_t len);
long sys_mlockall(uint64_t flags);
long sys_mincore(uint64_t start, uint64_t len, uint64_t uvec);
long sys_munlockall(void);
long sys_msync(uint64_t start, uint64_t len, uint64_t flags);

/* mm/madvise.c */
long sys_madvise(uint64_t start, uint64_t len, uint64_t advice);

/* kernel/sys_proc.c */
long sys_prctl(uint64_t option, uint64_t arg2, uint64_t arg3, uint64_t arg4, uint64_t arg5);
long sys_getpid(void);
long sys_gettid(void);
long sys_execve(uint64_t path, uint64_t argv, uint64_t envp);
long sys_getppid(void);
long sys_kill(uint64_t pid, uint64_t sig);
long sys_sched_yield(void);
long sys_arch_prctl(uint64_t code, uint64_t addr);

/* kernel/fork.c */
long sys_fork(void);
long sys_vfork(void);
long sys_clone(uint64_t flags, uint64_t stack, uint64_t ptid, uint64_t ctid, uint64_t tls);
long sys_clone3(uint64_t uargs, uint64_t size);
long sys_set_tid_address(uint64_t tidptr);

/* kernel/exit.c */
long sys_exit(uint64_t status);
long sys_exit_group(uint64_t status);
long sys_waitid(uint64_t idtype, uint64_t id, uint64_t infop, uint64_t options, uint64_t rusage);
long sys_wait4(uint64_t pid, uint64_t status, uint64_t options, uint64_t rusage);

/* kernel/futex.c */
long sys_futex(uint64_t uaddr, uint64_t op, uint64_t val, uint64_t utime, uint64_t uaddr2,
	       uint64_t val3);
long sys_set_robust_list(uint64_t head, uint64_t len);
long sys_get_robust_list(uint64_t pid, uint64_t head_ptr, uint64_t len_ptr);
long sys_syslog(uint64_t type, uint64_t buf, uint64_t len); /* kernel/syslog.c */
long sys_rseq(uint64_t rseq, uint64_t rseq_len, uint64_t flags, uint64_t sig); /* kernel/rseq.c */

/* kernel/sched_affinity.c */
long sys_sched_setaffinity(uint64_t pid, uint64_t len, uint64_t user_mask_ptr);
long sys_sched_getaffinity(uint64_t pid, uint64_t len, uint64_t user_mask_ptr);
long sys_getcpu(uint64_t cpup, uint64_t nodep, uint64_t unused);

/* kernel/sys_time.c */
long sys_clock_gettime(uint64_t clock, uint64_t tp);
long sys_clock_getres(uint64_t clock, uint64_t tp);
long sys_clock_settime(uint64_t clock, uint64_t tp);
long sys_clock_nanosleep(uint64_t clock, uint64_t flags, uint64_t req, uint64_t rem);
long sys_gettimeofday(uint64_t tv, uint64_t tz);
long sys_time(uint64_t tloc);
long sys_nanosleep(uint64_t req, uint64_t rem);
/* kernel/itimer.c */
long sys_getitimer(uint64_t which, uint64_t uvalue);
long sys_alarm(uint64_t seconds);
long sys_setitimer(uint64_t which, uint64_t unew, uint64_t uold);
long sys_pause(void);

/* kernel/sys.c */
long sys_uname(uint64_t buf);
long sys_sysinfo(uint64_t info);
long sys_prlimit64(uint64_t pid, uint64_t resource, uint64_t new_rlim, uint64_t old_rlim);
long sys_getrlimit(uint64_t resource, uint64_t rlim);
long sys_setrlimit(uint64_t resource, uint64_t rlim);
long sys_times(uint64_t buf);
long sys_getrusage(uint64_t who, uint64_t ru);

/* kernel/cred.c */
long sys_getuid(void);
long sys_geteuid(void);
long sys_getgid(void);
long sys_getegid(void);
long sys_getresuid(uint64_t ruid, uint64_t euid, uint64_t suid);
long sys_getresgid(uint64_t rgid, uint64_t egid, uint64_t sgid);
long sys_setuid(uint64_t uid);
long sys_setgid(uint64_t gid);
long sys_setreuid(uint64_t ruid, uint64_t euid);
long sys_setregid(uint64_t rgid, uint64_t egid);
long sys_setresuid(uint64_t ruid, uint64_t euid, uint64_t suid);
long sys_setresgid(uint64_t rgid, uint64_t egid, uint64_t sgid);
long sys_setfsuid(uint64_t uid);
long sys_setfsgid(uint64_t gid);
long sys_getgroups(uint64_t size, uint64_t list);
long sys_setgroups(uint64_t size, uint64_t list);

/* kernel/random.c */
long sys_getrandom(uint64_t buf, uint64_t count, uint64_t flags);

/* ipc/shm.c, ipc/sem.c: System V shared memory and semaphores */
long sys_shmget(uint64_t key, uint64_t size, uint64_t flag);
long sys_shmat(uint64_t shmid, uint64_t addr, uint64_t flag);
long sys_shmdt(uint64_t addr);
long sys_shmctl(uint64_t shmid, uint64_t cmd, uint64_t buf);
long sys_semget(uint64_t key, uint64_t nsems, uint64_t flag);
long sys_semop(uint64_t semid, uint64_t sops, uint64_t nsops);
long sys_semtimedop(uint64_t semid, uint64_t sops, uint64_t nsops, uint64_t timeout);
long sys_semctl(uint64_t semid, uint64_t semnum, uint64_t cmd, uint64_t arg);

#endif
