/* /proc for the rest of the kernel (Linux: include/linux/proc_fs.h). */
#ifndef FS_PROC_PROC_FS_H
#define FS_PROC_PROC_FS_H

#include "fs/seq_file.h"

/* /proc/meminfo's report, which the console's meminfo prints too. */
int meminfo_show(struct seq_file *m);
/* /proc/vmstat's (fs/proc/vmstat.c). */
int vmstat_show(struct seq_file *m);
/* /proc/zoneinfo's: the zone's free pages and watermarks. */
int zoneinfo_show(struct seq_file *m);

/* Register the "proc" file system type (fs/do_mounts.c mounts it). */
void proc_root_init(void);
struct proc;
/* Task p is gone: forget its cached /proc/PID and /proc/TGID/task/PID
 * (Linux: proc_flush_pid). */
void proc_flush_pid(const struct proc *p);

#endif
