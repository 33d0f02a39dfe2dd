/* wait4 and waitid options, Linux's values (Linux: uapi/linux/wait.h). */
#ifndef KERNEL_WAIT_H
#define KERNEL_WAIT_H

#define WNOHANG 0x00000001
#define WUNTRACED 0x00000002 /* wait4's name for WSTOPPED */
#define WSTOPPED 0x00000002
#define WEXITED 0x00000004
#define WCONTINUED 0x00000008
#define WNOWAIT 0x01000000

#endif
