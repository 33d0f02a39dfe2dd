#ifndef MM_FAULT_H
#define MM_FAULT_H

#include "kernel/signal.h" /* SEGV_MAPERR, SEGV_ACCERR */
#include "mm/mm_types.h"

/* Page-fault error code bits, as the CPU pushes them. */
#define PF_PROT (1 << 0)  /* 0: page not present; 1: protection violation */
#define PF_WRITE (1 << 1)
#define PF_USER (1 << 2)
#define PF_INSTR (1 << 4)

/* Anonymous memory: a missing page is a fresh zeroed one. */
extern const struct vm_operations_struct anon_vm_ops;

/*
 * Resolve a fault at addr in mm: 0 if the access may now be retried, or
 * -EFAULT with *si_code saying why not, -EHWPOISON if the page there was
 * taken away as corrupt, or -ENOMEM; FAULT_LATENT if the page is there
 * but its frame is armed (mce/latent.c): the access is a machine check.
 */
#define FAULT_LATENT 1
int handle_mm_fault(struct mm_struct *mm, unsigned long addr, unsigned error, int *si_code);

/* The page behind addr in mm, faulted in if needed, whatever the area's
 * rights (for the kernel filling a new process, or madvise); NULL if
 * unmapped or hwpoisoned. */
struct page *get_user_page(struct mm_struct *mm, unsigned long addr);

#endif
