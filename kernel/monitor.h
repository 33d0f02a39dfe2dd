/* The kernel monitor: the commands typed at the console. */
#ifndef KERNEL_MONITOR_H
#define KERNEL_MONITOR_H

#include "lib/types.h"

#define MONITOR_MAX_ARGS 16

/* Run one command line (modified in place). */
void monitor_execute(char *line);

/* For commands: parse argv[i] as a number, printing a clear error if it
 * is not one. */
bool monitor_number(const char *cmd, const char *arg, uint64_t *out);

#endif
