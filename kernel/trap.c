/*
 * Where every exception and interrupt lands. Interrupts go to their
 * driver through kernel/irq.c, machine checks to mce/core.c, page faults
 * to mm/fault.c, system calls to kernel/syscall.c. A fault in a user
 * process becomes a signal for it; any other exception in the kernel is
 * fatal: we
 * print what the CPU told us - registers, the faulting address for a page
 * fault, a backtrace - and panic.
 */
#include "kernel/trap.h"
#include "kernel/backtrace.h"
#include "kernel/extable.h"
#include "kernel/gdt.h"
#include "kernel/irq.h"
#include "kernel/lapic.h"
#include "kernel/panic.h"
#include "kernel/printk.h"
#include "kernel/proc.h"
#include "kernel/rseq.h"
#include "kernel/signal.h"
#include "kernel/syscall.h"
#include "kernel/uaccess.h"
#include "kernel/errno.h"
#include "kernel/x86.h"
#include "mce/mce.h"
#include "mm/layout.h"
#include "mm/fault.h"
#include "mm/hugetlb.h"
#include "mm/mmap.h"
#include "mm/mmap_lock.h"
#include "mm/oom.h"



#define NR_VECTORS 256 /* every vector has an entry stub */
#define GATE_INTERRUPT 0x8e /* present, ring 0, interrupts off on entry */

struct idt_gate {
	uint16_t offset_low;
	uint16_t selector;
	uint8_t ist;
	uint8_t type;
	uint16_t offset_mid;
	uint32_t offset_high;
	uint32_t reserved;
} __attribute__((packed));

static struct idt_gate idt[256];
extern const uint64_t trap_vectors[NR_VECTORS]; /* kernel/trapentry.asm */

static const char *const exception_names[32] = {
	[T_DIVIDE] = "divide error",
	[T_DEBUG] = "debug",
	[T_NMI] = "non-maskable interrupt",
	[T_BREAKPOINT] = "breakpoint",
	[T_OVERFLOW] = "overflow",
	[T_BOUND] = "bound range exceeded",
	[T_INVALID_OPCODE] = "invalid opcode",
	[T_DEVICE_NA] = "device not available",
	[T_DOUBLE_FAULT] = "double fault",
	[9] = "coprocessor segment overrun",
	[T_INVALID_TSS] = "invalid TSS",
	[T_SEGMENT_NP] = "segment not present",
	[T_STACK] = "stack segment fault",
	[T_GP] = "general protection fault",
	[T_PAGE_FAULT] = "page fault",
	[15] = "reserved (15)",
	[T_X87] = "x87 floating point error",
	[T_ALIGNMENT] = "alignment check",
	[T_MACHINE_CHECK] = "machine check",
	[T_SIMD] = "SIMD floating point error",
	[T_VIRTUALIZATION] = "virtualization exception",
	[T_CONTROL_PROTECTION] = "control protection",
	[22] = "reserved (22)", [23] = "reserved (23)", [24] = "reserved (24)",
	[25] = "reserved (25)", [26] = "reserved (26)", [27] = "reserved (27)",
	[28] = "hypervisor injection", [29] = "VMM communication",
	[30] = "security exception", [31] = "reserved (31)",
};

const char *trap_name(uint64_t trapno)
{
	if (trapno < ARRAY_SIZE(exception_names))
		return exception_names[trapno];
	return "interrupt";
}

static void set_gate(int vector, uint64_t handler, uint8_t ist)
{
	idt[vector] = (struct idt_gate){
		.offset_low = handler & 0xffff,
		.selector = KERNEL_CS,
		.ist = ist,
		.type = GATE_INTERRUPT,
		.offset_mid = (handler >> 16) & 0xffff,
		.offset_high = handler >> 32,
	};
}

void idt_init(void)
{
	struct {
		uint16_t limit;
		uint64_t base;
	} __attribute__((packed)) ptr = { sizeof(idt) - 1, (uint64_t)idt };

	for (int v = 0; v < NR_VECTORS; v++)
		set_gate(v, trap_vectors[v], 0);
	set_gate(T_DOUBLE_FAULT, trap_vectors[T_DOUBLE_FAULT], IST_DOUBLE_FAULT);
	set_gate(T_NMI, trap_vectors[T_NMI], IST_NMI);
	set_gate(T_MACHINE_CHECK, trap_vectors[T_MACHINE_CHECK], IST_MACHINE_CHECK);
	__asm__ volatile("lidt %0" : : "m"(ptr));
}

/* Explain a page fault's error code the way Linux does. */
static void show_page_fault(const struct trapframe *tf)
{
	uint64_t e = tf->error;

	pr_emerg("BUG: unable to handle page fault for address: %016lx\n", read_cr2());
	pr_emerg("#PF: %s %s access in %s mode\n",
		 e & 4 ? "user" : "supervisor",
		 e & 16 ? "instruction fetch" : e & 2 ? "write" : "read",
		 e & 4 ? "user" : "kernel");
	pr_emerg("#PF: error_code(0x%04lx) - %s\n", e,
		 e & 1 ? "permissions violation" : "not-present page");
}

static void show_registers(const struct trapframe *tf)
{
	pr_emerg("RIP: %04lx:", tf->cs);
	print_symbol(tf->rip);
	pr_cont("\n");
	pr_emerg("RSP: %04lx:%016lx EFLAGS: %08lx\n", tf->ss, tf->rsp, tf->rflags);
	pr_emerg("RAX: %016lx RBX: %016lx RCX: %016lx\n", tf->rax, tf->rbx, tf->rcx);
	pr_emerg("RDX: %016lx RSI: %016lx RDI: %016lx\n", tf->rdx, tf->rsi, tf->rdi);
	pr_emerg("RBP: %016lx R08: %016lx R09: %016lx\n", tf->rbp, tf->r8, tf->r9);
	pr_emerg("R10: %016lx R11: %016lx R12: %016lx\n", tf->r10, tf->r11, tf->r12);
	pr_emerg("R13: %016lx R14: %016lx R15: %016lx\n", tf->r13, tf->r14, tf->r15);
	pr_emerg("CR0: %016lx CR2: %016lx CR3: %016lx\n", read_cr0(), read_cr2(), read_cr3());
	pr_emerg("CR4: %016lx\n", read_cr4());
}

/* An exception nobody handles: report it and stop (Linux's "oops"). */
static void die(struct trapframe *tf)
{
	if (tf->trapno == T_PAGE_FAULT)
		show_page_fault(tf);
	pr_emerg("Oops: %s (vector %lu), error code %#lx [#1]\n",
		 trap_name(tf->trapno), tf->trapno, tf->error);
	show_registers(tf);
	show_trace(tf->rip, tf->rbp);
	oops_in_progress = true;
	panic("Fatal exception: %s", trap_name(tf->trapno));
}

/* As Linux: a fault is logged only when no handler will see its signal
 * (init's always), and within printk_ratelimit(). */
static bool unhandled_signal(int sig)
{
	uint64_t handler = current->sighand->action[sig].handler;

	return current->pid == 1 || handler == SIG_DFL || handler == SIG_IGN;
}

/* "hello[12]: segfault at 0 ip 401000 sp 7ffffffeef0 error 4", as Linux's
 * show_signal_msg logs it (init's at KERN_EMERG). */
static void show_signal_msg(struct trapframe *tf, int sig, const char *what, uint64_t addr)
{
	if (!unhandled_signal(sig) || !printk_ratelimit())
		return;
	printk("%s%s[%d]: %s at %lx ip %lx sp %lx error %lx\n",
	       current->pid > 1 ? KERN_INFO : KERN_EMERG, current->comm, current->pid,
	       what, addr, tf->rip, tf->rsp, tf->error);
}

/* Log the fault, then the signal, which a handler may catch. */
static void user_fault(struct trapframe *tf, int sig, int code, const char *what, uint64_t addr)
{
	show_signal_msg(tf, sig, what, addr);
	force_sig_fault(sig, code, addr, 0);
}

static void user_exception(struct trapframe *tf)
{
	if (tf->trapno == T_DIVIDE)
		user_fault(tf, SIGFPE, FPE_INTDIV, "divide error", tf->rip);
	else if (tf->trapno == T_INVALID_OPCODE)
		user_fault(tf, SIGILL, ILL_ILLOPN, "invalid opcode", tf->rip);
	else
		user_fault(tf, SIGSEGV, SI_KERNEL, trap_name(tf->trapno), 0);
}

/* A fault on a user address: resolved under the address space's read
 * lock, and - if the faulting code ran with interrupts on (user mode, or
 * a system call copying user memory) - with interrupts on, since finding
 * a page may take a while (and, with disks, sleep). For a page taken away
 * as corrupt, *lsb says how much went: a hugetlb page's whole 2 MiB
 * (Linux: VM_FAULT_HWPOISON_LARGE and its hstate's shift). */
static int user_address_fault(struct trapframe *tf, uint64_t addr, int *si_code, int *lsb)
{
	struct mm_struct *mm = current->mm;
	bool irqs = tf->rflags & RFLAGS_IF;

	if (irqs)
		sti();
	if (!mmap_read_trylock(mm)) /* as Linux: the uncontended case costs no call */
		mmap_read_lock(mm);
	int err = handle_mm_fault(mm, addr, (unsigned)tf->error, si_code);
	if (err == -EHWPOISON) {
		struct vm_area_struct *vma = find_vma(mm, addr);
		*lsb = vma && is_vm_hugetlb_page(vma) ? HPAGE_SHIFT : PAGE_SHIFT;
	}
	mmap_read_unlock(mm);
	if (irqs)
		cli();
	return err;
}

static void page_fault(struct trapframe *tf)
{
	uint64_t addr = read_cr2(); /* before interrupts are on: another fault would change it */
	int si_code = SEGV_MAPERR, lsb = PAGE_SHIFT;
	int err = -EFAULT;

	if (current && current->mm && addr < TASK_SIZE)
		err = user_address_fault(tf, addr, &si_code, &lsb);
	else if (!from_user(tf) && latent_kernel_access(tf, addr))
		return; /* the emulated memory controller's #MC: recovered, or it panicked */
	if (err == FAULT_LATENT && latent_user_access(tf, addr))
		return; /* as above; a user process is told on its way back */
	if (err == 0 || err == FAULT_LATENT)
		return; /* demand paging: the access can be retried */
	if (err == -EHWPOISON && from_user(tf)) {
		/* LAB 5: BEGIN */
		pr_err("MCE: Killing %s:%d due to hardware memory corruption fault at %lx\n",
		       current->comm, current->pid, addr);
		force_sig_fault(SIGBUS, BUS_MCEERR_AR, addr, lsb);
		/* LAB 5: STUB
		(void)lsb;
		force_sig_fault(SIGBUS, BUS_ADRERR, addr, 0); // a SIGBUS, but not the one Linux sends
		   LAB 5: END */
		return;
	}
	if (err == -EIO && from_user(tf)) { /* a file mapping beyond its end, or unreadable */
		force_sig_fault(SIGBUS, BUS_ADRERR, addr, 0);
		return;
	}
	if (err == -ENOMEM && from_user(tf)) { /* Linux's VM_FAULT_OOM */
		pagefault_out_of_memory();
		return;
	}
	if (from_user(tf)) {
		user_fault(tf, SIGSEGV, si_code, "segfault", addr);
		return;
	}
	if (fixup_exception(tf, T_PAGE_FAULT)) /* copy_to_user and friends: fail with -EFAULT */
		return;
	die(tf);
}

void trap(struct trapframe *tf)
{
	if (tf->trapno >= T_IRQ0 && tf->trapno < T_IRQ0 + NR_IRQS) {
		irq_dispatch((int)(tf->trapno - T_IRQ0), tf);
		/* An interrupt arrives only with interrupts on, so it never
		 * cuts into an irq_save() section: a safe point for what the
		 * #MC handler left (Linux: irq_work at the end of an IRQ).
		 * From user mode, the way back below does both. */
		if (!from_user(tf)) {
			mce_inject_check(tf);
			mce_irq_work_run();
		}
		sched_tick(tf);
	} else if (tf->trapno == LOCAL_TIMER_VECTOR || tf->trapno == SPURIOUS_APIC_VECTOR) {
		lapic_interrupt(tf->trapno);
	} else if (tf->trapno == T_SYSCALL) {
		sti(); /* system calls run with interrupts on */
		do_syscall(tf);
		cli();
	} else if (tf->trapno == T_MACHINE_CHECK) {
		exc_machine_check(tf);
	} else if (tf->trapno == T_PAGE_FAULT) {
		page_fault(tf);
	} else if (from_user(tf)) {
		user_exception(tf);
	} else {
		die(tf);
	}
	if (!current || !from_user(tf))
		return;
	mce_inject_check(tf); /* a user:PID injection fires as its process goes back */
	mce_irq_work_run();   /* on the way to user mode the kernel holds nothing */
	if (current->mce_work)
		mce_task_work();
	/* Before signals, so that a SIGSEGV for a bad rseq area is taken now
	 * (Linux loops back to its signal work instead). */
	if (current->rseq_notify)
		rseq_handle_notify_resume(tf);
	do_signal(tf);
}
