/* Hardware interrupts from the legacy 8259 PICs (IRQ 0-15). */
#ifndef KERNEL_IRQ_H
#define KERNEL_IRQ_H

#include "lib/types.h"

#define NR_IRQS 16

typedef void (*irq_handler_t)(void);

void pic_init(void);
void pic_unmask(int irq);
void pic_eoi(int irq);
bool pic_spurious(int irq);

/* Route IRQ irq to handler and unmask it. */
void irq_register(int irq, irq_handler_t handler);
void irq_dispatch(int irq);

#endif
