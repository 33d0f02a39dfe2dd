/* System V IPC for the rest of the kernel: the /proc/sysvipc reports
 * (ipc/shm.c, ipc/sem.c). */
#ifndef IPC_IPC_H
#define IPC_IPC_H

struct seq_file;

int sysvipc_shm_show(struct seq_file *m);
int sysvipc_sem_show(struct seq_file *m);

#endif
