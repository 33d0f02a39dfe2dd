/*
 * Credentials (Linux: include/linux/cred.h): who a task acts as. A task's
 * cred is shared and never changed in place: a change makes a new one
 * (prepare_creds), edits it, and swaps it in (commit_creds), so a reader
 * holding a pointer sees a consistent set. Root is uid 0.
 */
#ifndef KERNEL_CRED_H
#define KERNEL_CRED_H

#include "lib/types.h"

typedef uint32_t kuid_t;
typedef uint32_t kgid_t;

#define GLOBAL_ROOT_UID 0
#define NGROUPS_MAX 32 /* Linux allows 65536; Antidote keeps them inline */

struct cred {
	int usage;                  /* references: tasks and holders; the last put frees it */
	kuid_t uid, euid, suid;     /* real, effective (permissions), saved (to switch back) */
	kuid_t fsuid;               /* file accesses: follows euid unless setfsuid */
	kgid_t gid, egid, sgid, fsgid;
	int ngroups;                /* supplementary groups, sorted (setgroups) */
	kgid_t groups[NGROUPS_MAX];
};

/* The capabilities Antidote asks about (Linux's numbers). Root has them
 * all: the file ones (kernel/cred.c: CAP_FS_MASK) follow fsuid, the
 * others euid, as Linux's capability rules make them for uid 0. */
#define CAP_CHOWN 0
#define CAP_DAC_OVERRIDE 1
#define CAP_DAC_READ_SEARCH 2
#define CAP_FOWNER 3
#define CAP_FSETID 4
#define CAP_KILL 5
#define CAP_SETGID 6
#define CAP_SETUID 7
#define CAP_IPC_OWNER 15
#define CAP_SYS_PTRACE 19
#define CAP_SYS_ADMIN 21
#define CAP_SYS_NICE 23
#define CAP_SYS_RESOURCE 24

extern struct cred init_cred; /* root's: the kernel threads' and the first processes' */

struct proc;
const struct cred *current_cred(void);
bool capable(int cap);
const struct cred *get_cred(const struct cred *cred);
void put_cred(const struct cred *cred);
/* A copy of current's cred to change, or NULL (no memory)... */
struct cred *prepare_creds(void);
/* ...which becomes current's (and the reference passes to it). */
void commit_creds(struct cred *new);
/* For a while, act as new (access() checks with the real ids); the
 * reference passes to it. revert_creds puts the old cred back. */
const struct cred *override_creds(struct cred *new);
void revert_creds(const struct cred *old);
/* May current read task's memory and memory map (/proc/PID/pagemap)?
 * Its own, or a task whose ids are all current's file ids, or root
 * (Linux: ptrace_may_access with PTRACE_MODE_READ_FSCREDS). */
bool ptrace_may_access(const struct proc *task);
/* May current send task a signal: one of its real or effective ids is
 * task's real or saved id, or root (Linux: kill_ok_by_cred; EPERM)? */
bool kill_ok_by_cred(const struct proc *task);
/* The file's group is one of ours (fsgid or a supplementary group). */
bool in_group_p(kgid_t gid);

#endif
