#ifndef KERNEL_CONSOLE_H
#define KERNEL_CONSOLE_H

#define CONSOLE_PROMPT "antidote> "
#define CONSOLE_LINE_MAX 160 /* characters in one command line */

/* The console kernel thread: read command lines from the serial console
 * and run them, forever. */
__attribute__((noreturn)) void console_run(void *unused);

#endif
