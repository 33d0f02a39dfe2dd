#include "kernel/gdt.h"

#define IST_STACK_SIZE 8192

struct tss {
	uint32_t reserved0;
	uint64_t rsp[3];   /* stack for entering ring 0..2 from a lower ring */
	uint64_t reserved1;
	uint64_t ist[7];   /* IST1..IST7 */
	uint64_t reserved2;
	uint16_t reserved3;
	uint16_t iomap_base;
} __attribute__((packed));

static struct tss tss;
static uint8_t ist_stacks[2][IST_STACK_SIZE] __attribute__((aligned(16)));
/* The #MC stack is in kernel/trapentry.asm, whose vector18 reads it. */
extern uint8_t machine_check_stack_top[];

/* Descriptors as the CPU reads them: flags/access bits, base and limit
 * ignored for code and data in long mode. The TSS takes two slots. */
static uint64_t gdt[7] = {
	0,                     /* null */
	0x00af9a000000ffff,    /* 0x08 kernel code, 64-bit */
	0x00cf92000000ffff,    /* 0x10 kernel data */
	0x00cff2000000ffff,    /* 0x18 user data (ring 3) */
	0x00affa000000ffff,    /* 0x20 user code, 64-bit (ring 3) */
	0, 0,                  /* 0x28 TSS, filled in below */
};

static void set_tss_descriptor(void)
{
	uint64_t base = (uint64_t)&tss;
	uint64_t limit = sizeof(tss) - 1;

	gdt[5] = (limit & 0xffff) | ((base & 0xffffff) << 16) |
		 (0x89ULL << 40) /* present, 64-bit available TSS */ |
		 (((limit >> 16) & 0xf) << 48) | (((base >> 24) & 0xff) << 56);
	gdt[6] = base >> 32;
}

/* Where the CPU switches to when an interrupt or system call comes from
 * user mode: the top of the running process's kernel stack. */
uint64_t syscall_kernel_rsp; /* read by syscall_entry (kernel/trapentry.asm) */

void set_kernel_stack(uint64_t top)
{
	tss.rsp[0] = top;
	syscall_kernel_rsp = top;
}

void gdt_init(void)
{
	struct {
		uint16_t limit;
		uint64_t base;
	} __attribute__((packed)) ptr = { sizeof(gdt) - 1, (uint64_t)gdt };

	tss.ist[IST_DOUBLE_FAULT - 1] = (uint64_t)ist_stacks[0] + IST_STACK_SIZE;
	tss.ist[IST_NMI - 1] = (uint64_t)ist_stacks[1] + IST_STACK_SIZE;
	tss.ist[IST_MACHINE_CHECK - 1] = (uint64_t)machine_check_stack_top;
	tss.iomap_base = sizeof(tss); /* no I/O permission bitmap */
	set_tss_descriptor();

	__asm__ volatile(
		"lgdt %0\n"
		"mov %1, %%ds\n mov %1, %%es\n mov %1, %%ss\n"
		"pushq %2\n"          /* reload CS with a far return */
		"leaq 1f(%%rip), %%rax\n pushq %%rax\n lretq\n"
		"1: ltr %w3\n"
		: : "m"(ptr), "r"(KERNEL_DS), "i"(KERNEL_CS), "r"(TSS_SEL) : "rax", "memory");
}
