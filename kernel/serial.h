/* The 16550 UART on COM1: the kernel's console line. */
#ifndef KERNEL_SERIAL_H
#define KERNEL_SERIAL_H

#include "kernel/waitqueue.h"
#include "lib/types.h"

/* Woken whenever characters arrive. */
extern struct wait_queue_head serial_input;

void serial_init(void);
/* Queue output ("\n" becomes "\r\n"); the transmit interrupt sends it. */
void serial_putc(char c);
void serial_write(const char *s, size_t n);
/* Send everything queued now, by polling: before the machine stops. */
void serial_flush(void);
/* Take one received character; false if none is waiting. */
bool serial_getc(char *c);
/* Turn on the receive and transmit interrupts (after the IDT and PIC
 * are ready); until then output is written synchronously. */
void serial_enable_irq(void);

#endif
