/* Backtraces: follow the chain of saved frame pointers (the kernel is
 * built with -fno-omit-frame-pointer) and name each return address from
 * the kernel's own ELF symbol table, which GRUB loads for us. */
#ifndef KERNEL_BACKTRACE_H
#define KERNEL_BACKTRACE_H

#include "lib/types.h"

extern bool oops_in_progress; /* an oops already printed the trace */

void ksyms_init(void);
/* Print "name+0xoff/0xsize" (or the bare address) without a newline. */
void print_symbol(uint64_t addr);
void show_trace(uint64_t rip, uint64_t rbp);
void dump_stack(void);

#endif
