/* wait4 and waitid options, Linux's values (Linux: uapi/linux/wait.h). */
#ifndef KERNEL_WAIT_H
#define KERNEL_WAIT_H

#define WNOHANG 0x00000001
#define WUNTRACED 0x00000002 /* wait4's name for WSTOPPED */
#define WSTOPPED 0x00000002
#define WEXITED 0x00000004
#define WCONTINUED 0x00000008
#define WNOWAIT 0x01000000
/* Which children: only the caller's own, not its process's other
 * threads' (__WNOTHREAD); clone children and others alike (__WALL); only
 * clone children - those whose exit signal is not SIGCHLD (__WCLONE). */
#define __WNOTHREAD 0x20000000
#define __WALL 0x40000000
#define __WCLONE ((int)0x80000000U)
#define WAIT_THREAD_FLAGS (__WNOTHREAD | __WALL | __WCLONE)

#endif
