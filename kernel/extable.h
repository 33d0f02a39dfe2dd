/*
 * The exception table (Linux: arch/x86/mm/extable.c): for each kernel
 * instruction that may fault on purpose, where to go instead of dying.
 * Its type says what kind of access it is - which matters to the #MC
 * handler, since only some of them may meet corrupt memory and live
 * (mce/severity.c:error_context).
 */
#ifndef KERNEL_EXTABLE_H
#define KERNEL_EXTABLE_H

#include "lib/types.h"

struct trapframe;

enum ex_type {
	EX_TYPE_NONE,             /* not in the table */
	EX_TYPE_DEFAULT,          /* resume at the fixup */
	/* The user-copy routine (kernel/copy_user.asm): resume at the fixup
	 * with the trap number in rax, so that it can tell a machine check
	 * (stop at once) from a page fault (copy what can be copied). */
	EX_TYPE_COPY,
	/* copy_mc (kernel/copy_user.asm): a machine check while it reads is
	 * survivable; it returns what it could not copy. Its fixups get the
	 * trap number in rax too. */
	EX_TYPE_DEFAULT_MCE_SAFE,
};

/* The entry's type for the instruction at rip (EX_TYPE_NONE if none). */
enum ex_type ex_get_fixup_type(uint64_t rip);
/* If the instruction that trapped (trapnr) at tf->rip has an entry, make
 * the trap return to its fixup and say true; else false. */
bool fixup_exception(struct trapframe *tf, int trapnr);

#endif
