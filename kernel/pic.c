/*
 * The two cascaded 8259 interrupt controllers. At power-on they deliver
 * IRQ 0-7 on vectors 8-15, which collide with CPU exceptions, so we move
 * them to vectors 32-47 and mask every line until a driver asks for it.
 */
#include "kernel/irq.h"
#include "kernel/trap.h"
#include "kernel/x86.h"

#define PIC1_CMD 0x20
#define PIC1_DATA 0x21
#define PIC2_CMD 0xa0
#define PIC2_DATA 0xa1
#define ICW1_INIT_ICW4 0x11
#define ICW4_8086 0x01
#define OCW3_READ_ISR 0x0b
#define PIC_EOI 0x20
#define CASCADE_IRQ 2

static uint16_t mask = 0xffff; /* bit set = line masked */

static void write_mask(void)
{
	outb(PIC1_DATA, mask & 0xff);
	outb(PIC2_DATA, mask >> 8);
}

void pic_init(void)
{
	outb(PIC1_CMD, ICW1_INIT_ICW4);
	outb(PIC2_CMD, ICW1_INIT_ICW4);
	outb(PIC1_DATA, T_IRQ0);     /* ICW2: vector base */
	outb(PIC2_DATA, T_IRQ0 + 8);
	outb(PIC1_DATA, 1 << CASCADE_IRQ); /* ICW3: slave on IRQ 2 */
	outb(PIC2_DATA, CASCADE_IRQ);
	outb(PIC1_DATA, ICW4_8086);
	outb(PIC2_DATA, ICW4_8086);
	mask = 0xffff; /* pic_unmask() opens lines as drivers register */
	write_mask();
}

void pic_unmask(int irq)
{
	mask &= (uint16_t)~(1 << irq);
	if (irq >= 8)
		mask &= (uint16_t)~(1 << CASCADE_IRQ);
	write_mask();
}

void pic_eoi(int irq)
{
	if (irq >= 8)
		outb(PIC2_CMD, PIC_EOI);
	outb(PIC1_CMD, PIC_EOI);
}

void pic_mask_and_ack(int irq)
{
	mask |= (uint16_t)(1 << irq);
	if (irq >= 8)
		outb(PIC2_DATA, mask >> 8);
	else
		outb(PIC1_DATA, mask & 0xff);
	pic_eoi(irq);
}

/* IRQ 7 and 15 also fire when a request vanishes before it is served;
 * the in-service register tells a real one from such a ghost. */
bool pic_spurious(int irq)
{
	if (irq != 7 && irq != 15)
		return false;
	uint16_t port = irq == 7 ? PIC1_CMD : PIC2_CMD;
	outb(port, OCW3_READ_ISR);
	if (inb(port) & 0x80)
		return false;
	if (irq == 15)
		outb(PIC1_CMD, PIC_EOI); /* the master did see the cascade */
	return true;
}
