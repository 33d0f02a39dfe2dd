#ifndef KERNEL_REBOOT_H
#define KERNEL_REBOOT_H

/*
 * Values written to QEMU's isa-debug-exit port; QEMU then exits with status
 * (value << 1) | 1. A reset or triple fault under -no-reboot exits with 0,
 * so 0 never means success.
 */
enum exit_code {
	EXIT_POWEROFF = 0x10, /* QEMU exit status 33 */
	EXIT_PANIC = 0x11,    /* QEMU exit status 35 */
};

__attribute__((noreturn)) void machine_exit(enum exit_code code);
int cmd_poweroff(int argc, char **argv);

#endif
