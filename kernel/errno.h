/* Error numbers, the same values as Linux's (returned negated). */
#ifndef KERNEL_ERRNO_H
#define KERNEL_ERRNO_H

#define EPERM 1
#define ENOENT 2
#define ESRCH 3
#define EINTR 4
#define EIO 5
#define ENXIO 6
#define E2BIG 7
#define ENOEXEC 8
#define EBADF 9
#define ECHILD 10
#define EAGAIN 11
#define ENOMEM 12
#define EACCES 13
#define EFAULT 14
#define ENOTBLK 15
#define EBUSY 16
#define EEXIST 17
#define EXDEV 18
#define ENODEV 19
#define ENOTDIR 20
#define EISDIR 21
#define EINVAL 22
#define ENFILE 23
#define EMFILE 24
#define ENOTTY 25
#define ETXTBSY 26
#define EFBIG 27
#define ENOSPC 28
#define ESPIPE 29
#define EROFS 30
#define EMLINK 31
#define EPIPE 32
#define ERANGE 34
#define EDEADLK 35
#define ENAMETOOLONG 36
#define ENOSYS 38
#define ENOTEMPTY 39
#define ELOOP 40
#define EIDRM 43
#define ENODATA 61
#define ETIME 62 /* timer expired */
#define EOVERFLOW 75
#define EOPNOTSUPP 95
#define ETIMEDOUT 110
#define EUCLEAN 117
#define EHWPOISON 133 /* memory page has hardware error */

/* Never seen by user space (Linux's value): a sleep was interrupted by a
 * signal and the system call may run again - it is restarted if the
 * signal is ignored or its handler has SA_RESTART, else it fails with
 * EINTR (kernel/signal.c). */
#define ERESTARTSYS 512
/* ...restarted only if no handler runs (a stop and SIGCONT, say): pause. */
#define ERESTARTNOHAND 514
/* A file's ioctl does not know the request: sys_ioctl says ENOTTY. */
#define ENOIOCTLCMD 515
/* ...and then goes on through restart_syscall with what it saved in
 * current->restart_block (nanosleep: the same deadline). */
#define ERESTART_RESTARTBLOCK 516

#endif
