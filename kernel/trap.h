/* Exceptions and interrupts: how they arrive (kernel/trapentry.asm) and
 * where they go (kernel/trap.c). */
#ifndef KERNEL_TRAP_H
#define KERNEL_TRAP_H

#include "lib/types.h"

/* Exception vectors (Intel SDM vol. 3, table 6-1). */
enum {
	T_DIVIDE = 0, T_DEBUG = 1, T_NMI = 2, T_BREAKPOINT = 3, T_OVERFLOW = 4,
	T_BOUND = 5, T_INVALID_OPCODE = 6, T_DEVICE_NA = 7, T_DOUBLE_FAULT = 8,
	T_INVALID_TSS = 10, T_SEGMENT_NP = 11, T_STACK = 12, T_GP = 13,
	T_PAGE_FAULT = 14, T_X87 = 16, T_ALIGNMENT = 17, T_MACHINE_CHECK = 18,
	T_SIMD = 19, T_VIRTUALIZATION = 20, T_CONTROL_PROTECTION = 21,
	T_IRQ0 = 32, /* the 16 PIC interrupts follow */
	T_SYSCALL = 256, /* not a vector: kernel/trapentry.asm marks system calls so */
};

/* The registers saved on entry, in the order trapentry.asm pushes them
 * (the last five words are pushed by the CPU itself). */
struct trapframe {
	uint64_t r15, r14, r13, r12, r11, r10, r9, r8;
	uint64_t rbp, rdi, rsi, rdx, rcx, rbx, rax;
	uint64_t trapno, error;
	uint64_t rip, cs, rflags, rsp, ss;
};

/* The interrupt or exception came from user mode (Linux: user_mode). */
static inline bool from_user(const struct trapframe *tf)
{
	return (tf->cs & 3) == 3;
}

void idt_init(void);
void trap(struct trapframe *tf);
const char *trap_name(uint64_t trapno);

#endif
