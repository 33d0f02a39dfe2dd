/* Segments. Long mode ignores most of segmentation, but the CPU still
 * needs code/data descriptors for each privilege level and a TSS, which
 * holds the stacks used on interrupts (rsp0 and the IST stacks). */
#ifndef KERNEL_GDT_H
#define KERNEL_GDT_H

#include "lib/types.h"

/* Selectors. The user ones follow the order `sysret` expects (later). */
#define KERNEL_CS 0x08
#define KERNEL_DS 0x10
#define USER_DS 0x1b
#define USER_CS 0x23
#define TSS_SEL 0x28

/* Interrupt Stack Table slots: these exceptions always get a fresh, known
 * good stack, even if the kernel stack is what broke. */
enum {
	IST_DOUBLE_FAULT = 1,
	IST_NMI = 2,
	IST_MACHINE_CHECK = 3,
};

void gdt_init(void);
void set_kernel_stack(uint64_t top);

#endif
