/* The kernel monitor: the commands typed at the console. */
#ifndef KERNEL_MONITOR_H
#define KERNEL_MONITOR_H

#include "fs/seq_file.h"
#include "lib/types.h"

#define MONITOR_MAX_ARGS 16

/* Run one command line (modified in place). */
void monitor_execute(char *line);

/* Print a report: run show(m) with m->private = private into a buffer,
 * then write the buffer to the console. 0, or -1 after an error line. */
int monitor_show(seq_show_fn show, void *private);

/* For commands: parse argv[i] as a number, printing a clear error if it
 * is not one. */
bool monitor_number(const char *cmd, const char *arg, uint64_t *out);

#endif
