/*
 * Host builds of the page cache (Makefile: PAGECACHE_UNIT_OBJS) and the
 * line discipline include this first, in place of kernel/x86.h: the page cache switches
 * interrupts off around its index, which user mode cannot do (cli
 * faults) and a host test does not need (it has no interrupts).
 */
#ifndef KERNEL_X86_H
#define KERNEL_X86_H

#include "lib/types.h"

static inline bool irqs_disabled(void)
{
	return false;
}

static inline bool irq_save(void)
{
	return false;
}

static inline void irq_restore(bool was_on)
{
	(void)was_on;
}

static inline void cli(void)
{
}

static inline void sti(void)
{
}

#endif
