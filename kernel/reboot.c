/* Leaving the machine. Under QEMU the isa-debug-exit device ends the
 * emulator with a status a test can read; elsewhere we simply halt. */
#include "kernel/reboot.h"
#include "fs/internal.h"
#include "kernel/printk.h"
#include "kernel/serial.h"
#include "kernel/x86.h"

#define DEBUG_EXIT_PORT 0xf4

void machine_exit(enum exit_code code)
{
	cli();
	serial_flush(); /* what is still queued for the console */
	outl(DEBUG_EXIT_PORT, code);
	/* Still here: no isa-debug-exit device. */
	kprintf("System halted.\n");
	for (;;)
		hlt();
}

/* What a Linux system's shutdown does before the power goes: every
 * file system written out and left clean (read-only), so nothing written
 * is lost and the disk needs no check. */
int cmd_poweroff(int argc, char **argv)
{
	(void)argc, (void)argv;
	ksys_sync();
	remount_all_readonly();
	pr_info("reboot: Power down\n");
	machine_exit(EXIT_POWEROFF);
}
