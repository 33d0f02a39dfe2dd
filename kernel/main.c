/*
 * kmain: the first C code. boot/entry.asm calls it in 64-bit mode on the
 * boot stack, with interrupts off and the boot page tables in place. Order
 * matters: the serial port first (so everything after can print), GRUB's
 * information before memory setup replaces the identity map it sits in.
 */
#include "fs/init.h"
#include "drivers/pci.h"
#include "drivers/virtio_blk.h"
#include "kernel/backtrace.h"
#include "kernel/fpu.h"
#include "kernel/proc.h"
#include "fs/debugfs/debugfs.h"
#include "fs/devtmpfs.h"
#include "fs/sysfs.h"
#include "mm/khugepaged.h"
#include "mm/vmscan.h"
#include "mm/memory-failure.h"
#include "fs/proc/proc_fs.h"
#include "kernel/syscall.h"
#include "kernel/workqueue.h"
#include "kernel/cmdline.h"
#include "kernel/console.h"
#include "kernel/gdt.h"
#include "kernel/irq.h"
#include "kernel/multiboot.h"
#include "kernel/printk.h"
#include "kernel/serial.h"
#include "kernel/sysctl.h"
#include "kernel/lapic.h"
#include "kernel/timekeeping.h"
#include "kernel/timer.h"
#include "kernel/tsc.h"
#include "kernel/trap.h"
#include "kernel/x86.h"
#include "mce/mce.h"
#include "mm/mm_init.h"
#include "mm/pgtable.h"

void kmain(uint32_t magic, phys_addr_t mbi);

void kmain(uint32_t magic, phys_addr_t mbi)
{
	serial_init();
	pr_notice("Antidote: a teaching kernel that survives memory errors\n");
	gdt_init();
	idt_init();
	multiboot_parse(magic, mbi);
	cmdline_init(boot_info.cmdline);
	console_loglevel_init();
	pr_notice("Command line: %s\n", cmdline_text());
	tsc_init();
	timekeeping_init();

	sysctl_init();
	mm_init();
	ksyms_init();
	pic_init();
	pci_init();
	virtio_blk_init();
	lapic_init();
	timer_init();
	mcheck_init();
	fpu_init();
	syscall_init();
	pgtable_init();
	vfs_init();
	proc_root_init();
	devtmpfs_init();
	sysfs_init();
	debugfs_init();
	hwpoison_inject_init();
	mce_inject_debugfs_init();
	serial_enable_irq();

	start_init();
	workqueue_init();
	kthread_create("console", console_run, NULL);
	kswapd_run();
	khugepaged_init();
	pr_info("Antidote is ready. Type 'help' for the commands.\n");
	scheduler(); /* this boot stack becomes the scheduler's */
}
