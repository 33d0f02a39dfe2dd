/* Handling of hardware memory errors (hwpoison). The machine-check work
 * (issue 3) brings memory_failure(); the counter already exists so that
 * meminfo reports it. */
#ifndef MM_MEMORY_FAILURE_H
#define MM_MEMORY_FAILURE_H

/* Frames the kernel has marked PG_hwpoison after a memory error
 * (meminfo's HardwareCorrupted). Defective RAM reported by the firmware at
 * boot is not counted: it was never in use. */
extern unsigned long num_poisoned_pages;

#endif
