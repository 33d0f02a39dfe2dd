/* The 16550 UART on COM1: the kernel's console line. */
#ifndef KERNEL_SERIAL_H
#define KERNEL_SERIAL_H

#include "kernel/waitqueue.h"
#include "lib/types.h"

/* Woken whenever characters arrive. */
extern struct wait_queue_head serial_input;

void serial_init(void);
void serial_putc(char c);
void serial_write(const char *s, size_t n);
/* Take one received character; false if none is waiting. */
bool serial_getc(char *c);
/* Turn on the receive interrupt (after the IDT and PIC are ready). */
void serial_enable_rx_irq(void);

#endif
