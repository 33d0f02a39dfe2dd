#include "kernel/irq.h"
#include "kernel/panic.h"
#include "kernel/printk.h"

/* Linux's struct irqaction: one handler on one line. Handlers are
 * registered at boot and never removed, so a fixed pool will do. */
struct irqaction {
	irq_handler_t handler;
	void *dev_id;
	struct irqaction *next; /* the next handler of the same line */
};

#define NR_IRQ_ACTIONS 32

static struct irqaction actions[NR_IRQ_ACTIONS];
static int nr_actions;
static struct irqaction *irq_actions[NR_IRQS]; /* each line's handlers */
static struct trapframe *irq_regs;             /* while they run: what they interrupted */

static unsigned long irq_counts[NR_IRQS];     /* interrupts of each line */

struct trapframe *get_irq_regs(void)
{
	return irq_regs;
}

unsigned long kstat_irqs(int irq)
{
	return irq_counts[irq];
}

void irq_register(int irq, irq_handler_t handler, void *dev_id)
{
	if (nr_actions == NR_IRQ_ACTIONS)
		panic("irq_register: more than %d interrupt handlers", NR_IRQ_ACTIONS);
	struct irqaction *action = &actions[nr_actions++];
	struct irqaction **tail = &irq_actions[irq];

	action->handler = handler;
	action->dev_id = dev_id;
	while (*tail)
		tail = &(*tail)->next;
	*tail = action; /* in registration order */
	pic_unmask(irq);
}

/*
 * Masked and acknowledged first, unmasked when the handlers are done, as
 * Linux's 8259 code does. The handlers run with interrupts off, so
 * nothing nests. A PCI line is level-triggered and may be shared (both
 * disks are on IRQ 11), but the slave 8259 asks the master by an edge on
 * IRQ 2: a line that one device still held high while another's handler
 * ran made no new edge, and that device's interrupt was lost for good
 * (the swap tests stalled with finished requests in vdb's ring). Masking
 * drops the slave's request; unmasking raises it again if the line is
 * still high: a new edge, a new interrupt.
 */
void irq_dispatch(int irq, struct trapframe *regs)
{
	if (pic_spurious(irq))
		return;
	pic_mask_and_ack(irq);
	irq_counts[irq]++;
	if (!irq_actions[irq])
		pr_warn("irq %d: no handler\n", irq);
	irq_regs = regs;
	for (struct irqaction *a = irq_actions[irq]; a; a = a->next)
		a->handler(a->dev_id);
	irq_regs = NULL;
	pic_unmask(irq);
}
