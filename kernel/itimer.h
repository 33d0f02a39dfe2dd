/* Interval timers (kernel/itimer.c): alarm, setitimer, getitimer. */
#ifndef KERNEL_ITIMER_H
#define KERNEL_ITIMER_H

struct signal_struct;

/* The process's last thread exits: its ITIMER_REAL stops. */
void exit_itimers(struct signal_struct *sig);

#endif
