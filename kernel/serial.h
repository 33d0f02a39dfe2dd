/* The 16550 UART on COM1: the kernel's console line. */
#ifndef KERNEL_SERIAL_H
#define KERNEL_SERIAL_H

#include "kernel/waitqueue.h"
#include "lib/types.h"

/* Woken whenever characters arrive. */
extern struct wait_queue_head serial_input;

void serial_init(void);
/* Queue output ("\n" becomes "\r\n"); the transmit interrupt sends it
 * once serial_kick starts it. */
void serial_putc(char c);
void serial_write(const char *s, size_t n);
/* The same, each byte as it is (the terminal's output processing,
 * drivers/tty/n_tty.c, did the rest). */
void serial_write_raw(const char *s, size_t n);
/* Send everything queued now, by polling: before the machine stops. */
void serial_flush(void);
/* Take one received character; false if none is waiting. */
bool serial_getc(char *c);
/* Offer what waits in the ring to the terminal again: it takes what is
 * its (tty_receive_char), now that the console gave the line back. */
void serial_rx_deliver(void);
/* Start sending what is queued (its interrupt drains the ring): from
 * the idle loop and the timer tick, never from the writer. */
void serial_kick(void);
/* Turn on the receive and transmit interrupts (after the IDT and PIC
 * are ready); until then output is written synchronously. */
void serial_enable_irq(void);

#endif
