/* System V semaphores (ipc/sem.c): what the rest of the kernel calls. */
#ifndef IPC_SEM_H
#define IPC_SEM_H

struct signal_struct;

/* A thread group's last thread exits: take back its SEM_UNDO
 * adjustments, and wake whoever that lets go on (Linux: exit_sem). */
void exit_sem(struct signal_struct *sig);

#endif
