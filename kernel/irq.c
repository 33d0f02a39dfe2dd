#include "kernel/irq.h"
#include "kernel/printk.h"

static irq_handler_t handlers[NR_IRQS];

void irq_register(int irq, irq_handler_t handler)
{
	handlers[irq] = handler;
	pic_unmask(irq);
}

/* Acknowledge first: the handler may take long, and it runs with
 * interrupts off, so nothing nests. */
void irq_dispatch(int irq)
{
	if (pic_spurious(irq))
		return;
	pic_eoi(irq);
	if (handlers[irq])
		handlers[irq]();
	else
		pr_warn("irq %d: no handler\n", irq);
}
