/*
 * What kernel code expects from the rest of the kernel, provided on the
 * host (tests/unit/host_kernel.c): a synthetic physical memory of
 * HOST_PAGES frames, machine-check registers, and a panic() that a test
 * can catch.
 */
#ifndef TESTS_UNIT_HOST_KERNEL_H
#define TESTS_UNIT_HOST_KERNEL_H

#include <setjmp.h>
#include <stdbool.h>

#include "mm/page.h"

#define HOST_PAGES 8192

/* Every frame reserved, then [start, end) ranges handed to the buddy
 * allocator; frames get real backing memory so slabs can use them. */
void host_memory_init(void);
void host_memory_give(unsigned long start_pfn, unsigned long end_pfn);

/* host_memory_init, all frames to the buddy allocator, kmalloc, and mm
 * an empty address space (no page tables). */
struct mm_struct;
void host_mm_init(struct mm_struct *mm);

/* Everything kprintf/printk printed since the last host_console_clear(). */
extern char host_console[65536];
void host_console_clear(void);

/* The model-specific registers mce_rdmsr() reads (the MCA banks are at
 * 0x400 + 4 * bank), all zero until a test sets them. */
#define HOST_MSRS 0x480
extern uint64_t host_msr[HOST_MSRS];

/* What ktime_get_ns() returns (tests move it). */
extern uint64_t host_now_ns;

/* Run fn and report whether it called panic(). */
bool host_panics(void (*fn)(void));
extern char host_last_panic[256];

#endif
