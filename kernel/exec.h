#ifndef KERNEL_EXEC_H
#define KERNEL_EXEC_H

#include "kernel/trap.h"

struct mm_struct;

#define MAX_ARG_STRINGS 64
#define MAX_ARG_LEN 256

/*
 * Load the static ELF executable `name` from the initramfs into the empty
 * address space mm, with its stack holding argc/argv/envp/auxv the way
 * Linux lays them out, and set tf's rip and rsp to start it. 0, or
 * -ENOENT, -ENOEXEC, -E2BIG, -ENOMEM.
 */
long exec_program(struct mm_struct *mm, const char *name, int argc, char *const argv[],
		  int envc, char *const envp[], struct trapframe *tf);

/* The same with the console's default environment. */
long exec_default_env(struct mm_struct *mm, const char *name, int argc, char *const argv[],
		      struct trapframe *tf);

#endif
