/* Hardware interrupts from the legacy 8259 PICs (IRQ 0-15). */
#ifndef KERNEL_IRQ_H
#define KERNEL_IRQ_H

#include "lib/types.h"

#define NR_IRQS 16

/* dev_id is what the driver passed to irq_register: which of its devices
 * this handler is for. */
typedef void (*irq_handler_t)(void *dev_id);

void pic_init(void);
void pic_unmask(int irq);
void pic_eoi(int irq);
/* Mask the line, then acknowledge it (Linux: mask_and_ack_8259A); the
 * dispatcher unmasks it once the handlers are done. */
void pic_mask_and_ack(int irq);
bool pic_spurious(int irq);

/*
 * Add handler to IRQ irq's handlers and unmask the line. PCI devices
 * share lines (Linux's IRQF_SHARED): on an interrupt every handler of the
 * line runs, and each asks its own device whether it was the one.
 */
void irq_register(int irq, irq_handler_t handler, void *dev_id);
struct trapframe;
/* Run IRQ irq's handlers for the interrupt that saved regs. */
void irq_dispatch(int irq, struct trapframe *regs);
/* In a handler: the registers the interrupt saved, to tell whether it
 * came from user mode (Linux: get_irq_regs). */
struct trapframe *get_irq_regs(void);
/* Interrupts of IRQ irq since boot (/proc/stat's intr). */
unsigned long kstat_irqs(int irq);

#endif
