/*
 * COM1, a 16550 UART. Output is polled: printk must work everywhere, even
 * in a panic with interrupts off. Input arrives by interrupt (IRQ 4) into a
 * ring buffer, so no typed character is lost while the kernel is busy; the
 * console takes characters from the ring.
 */
#include "kernel/serial.h"
#include "kernel/irq.h"
#include "kernel/printk.h"
#include "kernel/x86.h"

#define COM1 0x3f8
#define REG_DATA 0        /* receive / transmit holding register */
#define REG_IER 1         /* interrupt enable */
#define REG_FCR 2         /* FIFO control */
#define REG_LCR 3         /* line control */
#define REG_MCR 4         /* modem control */
#define REG_LSR 5         /* line status */
#define LSR_DATA_READY 0x01
#define LSR_THR_EMPTY 0x20
#define IER_RX_AVAILABLE 0x01
#define MCR_DTR_RTS_OUT2 0x0b /* OUT2 gates the UART's interrupt line */
#define SERIAL_IRQ 4

#define RX_RING_SIZE 1024 /* a power of two */

struct wait_queue_head serial_input = WAIT_QUEUE_INIT(serial_input);

static struct {
	char buf[RX_RING_SIZE];
	unsigned head, tail; /* free-running; head - tail = characters held */
	bool overflowing;    /* dropping input: said so once already */
} rx;

void serial_init(void)
{
	outb(COM1 + REG_IER, 0);
	outb(COM1 + REG_LCR, 0x80); /* divisor latch on */
	outb(COM1 + 0, 1);          /* divisor 1: 115200 baud */
	outb(COM1 + 1, 0);
	outb(COM1 + REG_LCR, 0x03); /* 8 data bits, no parity, one stop bit */
	outb(COM1 + REG_FCR, 0x07); /* FIFOs on and cleared */
	outb(COM1 + REG_MCR, MCR_DTR_RTS_OUT2);
}

void serial_putc(char c)
{
	while (!(inb(COM1 + REG_LSR) & LSR_THR_EMPTY))
		;
	outb(COM1 + REG_DATA, (uint8_t)c);
}

void serial_write(const char *s, size_t n)
{
	while (n--) {
		if (*s == '\n')
			serial_putc('\r');
		serial_putc(*s++);
	}
}

/* IRQ 4: drain the UART's FIFO into the ring. */
static void serial_interrupt(void)
{
	while (inb(COM1 + REG_LSR) & LSR_DATA_READY) {
		char c = (char)inb(COM1 + REG_DATA);
		if (rx.head - rx.tail == RX_RING_SIZE) {
			if (!rx.overflowing)
				pr_warn("serial: input buffer full, typed characters lost\n");
			rx.overflowing = true;
			continue;
		}
		rx.overflowing = false;
		rx.buf[rx.head++ % RX_RING_SIZE] = c;
	}
	wake_up(&serial_input);
}

bool serial_getc(char *c)
{
	bool was_on = irq_save();
	bool got = rx.head != rx.tail;

	if (got)
		*c = rx.buf[rx.tail++ % RX_RING_SIZE];
	irq_restore(was_on);
	return got;
}

void serial_enable_rx_irq(void)
{
	irq_register(SERIAL_IRQ, serial_interrupt);
	outb(COM1 + REG_IER, IER_RX_AVAILABLE);
	serial_interrupt(); /* anything typed before now */
}
