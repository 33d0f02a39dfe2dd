#ifndef KERNEL_CONSOLE_H
#define KERNEL_CONSOLE_H

#define CONSOLE_PROMPT "antidote> "
#define CONSOLE_LINE_MAX 160 /* characters in one command line */

/* Read command lines from the serial console and run them, forever. */
__attribute__((noreturn)) void console_run(void);

#endif
