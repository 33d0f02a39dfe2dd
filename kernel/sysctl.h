/*
 * Tunable kernel settings, by Linux's names (vm.memory_failure_recovery,
 * ...), in one table: /proc/sys/vm/memory_failure_recovery, the console's
 * `sysctl NAME=VALUE` and sysctl.NAME=VALUE on the kernel command line
 * all read and write them through the same handler, so they agree on
 * what is allowed (Linux: kernel/sysctl.c, fs/proc/proc_sysctl.c).
 */
#ifndef KERNEL_SYSCTL_H
#define KERNEL_SYSCTL_H

#include "lib/types.h"

struct ctl_table;

/*
 * Read (write == 0: the value as text into buffer, at most *lenp bytes)
 * or write (buffer holds *lenp bytes of text and a NUL) a setting, as
 * Linux's handlers do on kernel buffers: 0 with *lenp set to the bytes
 * produced or consumed and *ppos advanced, or -EINVAL.
 */
typedef int proc_handler(const struct ctl_table *table, int write, char *buffer, size_t *lenp,
			 int64_t *ppos);

struct ctl_table {
	const char *procname; /* "vm.drop_caches": /proc/sys/vm/drop_caches */
	void *data;           /* the setting: int[maxlen / sizeof(int)] */
	int maxlen;
	uint32_t mode;        /* /proc/sys permissions (0644, 0200 ...) */
	proc_handler *proc_handler;
	const int *extra1, *extra2; /* proc_dointvec_minmax's limits (NULL: none) */
	const char *help;     /* for the console's list */
};

/* kernel/sysctl_int.c: integers, separated by white space when there are
 * several, and shown separated by tabs. */
int proc_dointvec(const struct ctl_table *table, int write, char *buffer, size_t *lenp,
		  int64_t *ppos);
/* Each value must lie in [*extra1, *extra2]. */
int proc_dointvec_minmax(const struct ctl_table *table, int write, char *buffer, size_t *lenp,
			 int64_t *ppos);

/* fs/drop_caches.c: vm.drop_caches, proc_dointvec_minmax and then the dropping. */
int drop_caches_sysctl_handler(const struct ctl_table *table, int write, char *buffer,
			       size_t *lenp, int64_t *ppos);

/* Every setting, for /proc/sys (fs/proc/proc_sysctl.c). */
extern const struct ctl_table sysctl_table[];
extern const size_t sysctl_table_size;

/* What the last write to vm.drop_caches asked for. */
extern int sysctl_drop_caches;

void sysctl_init(void);
int cmd_sysctl(int argc, char **argv);

#endif
