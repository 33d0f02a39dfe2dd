#ifndef KERNEL_PANIC_H
#define KERNEL_PANIC_H

/* Stop the machine: print why and a backtrace, then leave QEMU with the
 * panic status (see kernel/reboot.c). Never returns. */
__attribute__((noreturn, format(printf, 1, 2))) void panic(const char *fmt, ...);

#endif
