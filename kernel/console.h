#ifndef KERNEL_CONSOLE_H
#define KERNEL_CONSOLE_H

#include "lib/types.h"

#define CONSOLE_PROMPT "antidote> "
#define CONSOLE_LINE_MAX 160 /* characters in one command line */

/* The console kernel thread: read command lines from the serial console
 * and run them, forever. */
__attribute__((noreturn)) void console_run(void *unused);
/* The escape key was typed while a job owns the terminal (kernel/run.c
 * waits for it): read and run one command, then give the job its input
 * back. */
bool console_escape_pending(void);
void console_escape_command(void);

#endif
