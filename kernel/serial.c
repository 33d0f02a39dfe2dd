/*
 * COM1, a 16550 UART. Input arrives by interrupt (IRQ 4) into a ring
 * buffer, so no typed character is lost while the kernel is busy. The
 * terminal (drivers/tty) takes them from the ring at once while a program
 * owns it; otherwise they wait there for the console thread.
 *
 * Output goes into a transmit ring that the same interrupt drains, a
 * FIFO's worth (16 characters) each time the UART says its transmitter
 * is empty (THRE), up to TX_BURST characters per interrupt. So printing
 * costs a writer only the copy into the ring, not the wait for the line.
 * The writer does not start the draining either: an emulated UART is
 * "empty" at once, and its interrupt would take the whole cost of the
 * line back into the writer's system call. The CPU's spare time starts
 * it instead - the idle loop, before it halts - and the timer tick, so
 * that output from a busy CPU waits one tick (10 ms) at most (Linux
 * 6.1 prints in the caller; its threaded console printers, nbcon, do
 * what this does). Everything that prints (printk,
 * kprintf, a program's write to the console, the echo of what is typed)
 * goes through the one ring, so output keeps its order. The output is
 * written synchronously, by polling the UART, when nothing else would
 * drain the ring:
 *   - before the interrupt is set up (early boot),
 *   - in an oops or panic (oops_in_progress), and when the machine stops
 *     (serial_flush, from machine_exit): what is queued goes out first,
 *   - when the ring is full: the oldest queued characters go out first,
 *     so nothing is ever dropped.
 * A machine check or NMI can interrupt a writer (or the interrupt
 * handler) in the middle of the ring's update: its own output then goes
 * straight to the UART, ahead of what is queued, rather than spoil it.
 */
#include "kernel/serial.h"
#include "drivers/tty/tty.h"
#include "kernel/backtrace.h"
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
#define LSR_TEMT 0x40 /* transmitter empty: FIFO and shift register both */
#define IER_RX_AVAILABLE 0x01
#define IER_THR_EMPTY 0x02
#define UART_FIFO_SIZE 16
#define MCR_DTR_RTS_OUT2 0x0b /* OUT2 gates the UART's interrupt line */
#define SERIAL_IRQ 4

#define RX_RING_SIZE 1024  /* a power of two */
#define TX_RING_SIZE 16384 /* a power of two */
#define TX_BURST 256       /* most characters one interrupt sends */

struct wait_queue_head serial_input = WAIT_QUEUE_INIT(serial_input);

static struct {
	char buf[RX_RING_SIZE];
	unsigned head, tail; /* free-running; head - tail = characters held */
	bool overflowing;    /* dropping input: said so once already */
} rx;

static struct {
	char buf[TX_RING_SIZE];
	unsigned head, tail; /* free-running; head - tail = characters queued */
	bool irq_ready;      /* the interrupt handler drains the ring */
	bool thri_on;        /* the THRE interrupt is enabled: it will come */
	bool busy;           /* the ring is being changed (interrupts are off) */
} tx;

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

/* The transmitter is empty: its FIFO takes up to 16 characters now. */
static bool uart_thr_empty(void)
{
	return inb(COM1 + REG_LSR) & LSR_THR_EMPTY;
}

/* Hand the FIFO up to a FIFO's worth of the oldest queued characters. */
static void tx_fill_fifo(void)
{
	for (unsigned i = 0; i < UART_FIFO_SIZE && tx.head != tx.tail; i++)
		outb(COM1 + REG_DATA, (uint8_t)tx.buf[tx.tail++ % TX_RING_SIZE]);
}

static uint8_t ier_bits(void)
{
	return IER_RX_AVAILABLE | (tx.thri_on ? IER_THR_EMPTY : 0);
}

/* Whether the UART should interrupt when its transmitter is empty. */
static void set_thri(bool on)
{
	tx.thri_on = on;
	outb(COM1 + REG_IER, ier_bits());
}

/* Send everything queued, by polling: a FIFO's worth each time the
 * transmitter is empty. */
static void tx_drain(void)
{
	while (tx.head != tx.tail) {
		while (!uart_thr_empty())
			;
		tx_fill_fifo();
	}
}

static void tx_queue(char c)
{
	if (tx.head - tx.tail == TX_RING_SIZE) { /* full: make room */
		while (!uart_thr_empty())
			;
		tx_fill_fifo();
	}
	tx.buf[tx.head++ % TX_RING_SIZE] = c;
}

/* A machine check or NMI came in while the ring was being changed. */
static void uart_put(char c)
{
	while (!uart_thr_empty())
		;
	outb(COM1 + REG_DATA, (uint8_t)c);
}

static void write_direct(const char *s, size_t n, bool crlf)
{
	for (; n--; s++) {
		if (*s == '\n' && crlf)
			uart_put('\r');
		uart_put(*s);
	}
}

/* crlf: "\n" goes out as "\r\n" (the kernel's own messages; the
 * terminal's output was processed as its termios say already). */
static void serial_output(const char *s, size_t n, bool crlf)
{
	bool was_on = irq_save();

	if (tx.busy) {
		write_direct(s, n, crlf);
		irq_restore(was_on);
		return;
	}
	tx.busy = true;
	for (; n--; s++) {
		if (*s == '\n' && crlf)
			tx_queue('\r');
		tx_queue(*s);
	}
	if (!tx.irq_ready || oops_in_progress)
		tx_drain();
	tx.busy = false;
	irq_restore(was_on);
}

void serial_write(const char *s, size_t n)
{
	serial_output(s, n, true);
}

void serial_write_raw(const char *s, size_t n)
{
	serial_output(s, n, false);
}

void serial_putc(char c)
{
	serial_write(&c, 1);
}

/* Everything queued goes out, and has left the UART too: the machine may
 * stop right after (machine_exit), and what the UART still held would be
 * lost - the end of a panic message, say. */
void serial_flush(void)
{
	bool was_on = irq_save();

	tx_drain();
	while (!(inb(COM1 + REG_LSR) & LSR_TEMT))
		;
	irq_restore(was_on);
}

/* The transmitter is empty: refill its FIFO from the ring, again while
 * it stays empty (an emulated UART sends at once), up to TX_BURST
 * characters; with nothing left to send, stop the interrupt. */
static void serial_tx_interrupt(void)
{
	if (tx.busy)
		return;
	tx.busy = true;
	for (unsigned sent = 0; sent < TX_BURST && tx.head != tx.tail && uart_thr_empty();
	     sent += UART_FIFO_SIZE)
		tx_fill_fifo();
	if (tx.head == tx.tail)
		tx.thri_on = false; /* serial_interrupt writes IER last */
	tx.busy = false;
}

void serial_rx_deliver(void)
{
	bool was_on = irq_save();

	while (rx.head != rx.tail && tty_receive_char(&ttyS0, rx.buf[rx.tail % RX_RING_SIZE]))
		rx.tail++;
	irq_restore(was_on);
}

/* IRQ 4, receive side: drain the UART's FIFO into the ring; the terminal
 * takes what is its, the console thread is woken for the rest. */
static void serial_rx_interrupt(void)
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
	serial_rx_deliver();
	if (rx.head != rx.tail)
		wake_up(&serial_input);
}

/*
 * The 8259 PIC sees IRQ 4 by its rising edge, and the UART's line is high
 * while any of its causes (data received, transmitter empty) holds. One
 * that comes while we serve the other would leave the line high with no
 * new edge, and IRQ 4 would never come again. So the handler turns the
 * UART's interrupts off first and on again last: the line drops, and
 * rises once more if something is still pending. (Off, the UART also
 * does not raise the line anew for each character we hand it.)
 */
static void serial_interrupt(void *unused)
{
	(void)unused;
	outb(COM1 + REG_IER, 0);
	serial_rx_interrupt();
	serial_tx_interrupt();
	outb(COM1 + REG_IER, ier_bits());
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

void serial_kick(void)
{
	bool was_on = irq_save();

	if (tx.irq_ready && !tx.busy && !tx.thri_on && tx.head != tx.tail)
		set_thri(true); /* the UART interrupts at once if it is idle */
	irq_restore(was_on);
}

void serial_enable_irq(void)
{
	bool was_on = irq_save();

	irq_register(SERIAL_IRQ, serial_interrupt, NULL);
	set_thri(false);
	tx.irq_ready = true;
	irq_restore(was_on);
	serial_rx_interrupt(); /* anything typed before now */
}
