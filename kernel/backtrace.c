#include "kernel/backtrace.h"
#include "kernel/kallsyms.h"
#include "kernel/multiboot.h"
#include "kernel/printk.h"
#include "mm/layout.h"

#define MAX_FRAMES 16

bool oops_in_progress;
static struct ksymtab ksyms;
extern char _text[], _etext[]; /* linker.ld */

void ksyms_init(void)
{
	if (!boot_info.symtab)
		return;
	ksyms = (struct ksymtab){
		.syms = __va(boot_info.symtab),
		.nr_syms = boot_info.symtab_size / sizeof(struct elf64_sym),
		.names = __va(boot_info.strtab),
		.names_size = boot_info.strtab_size,
		.text_start = (uint64_t)_text,
		.text_end = (uint64_t)_etext,
	};
}

void print_symbol(uint64_t addr)
{
	char buf[KSYM_SYMBOL_LEN];

	sprint_symbol(buf, sizeof(buf), &ksyms, addr);
	pr_cont("%s", buf);
}

/*
 * A return address, as Linux's %pB names it (see kernel/kallsyms.h).
 * Except in a process's first frame (its saved frame pointer is 0): that
 * return address was pushed by alloc_proc, not by a call, so it is the
 * exact address it names (trapret).
 */
static void print_return_address(uint64_t addr, bool first_frame)
{
	char buf[KSYM_SYMBOL_LEN];

	if (first_frame)
		sprint_symbol(buf, sizeof(buf), &ksyms, addr);
	else
		sprint_backtrace(buf, sizeof(buf), &ksyms, addr);
	pr_emerg(" %s\n", buf);
}

/* A frame pointer we may follow: 8-byte aligned, inside the kernel. */
static bool frame_ok(uint64_t rbp)
{
	return rbp && !(rbp & 7) && rbp >= PAGE_OFFSET_BASE_MIN;
}

/* The return addresses on the chain of frames that starts at rbp. */
static void show_frames(uint64_t rbp)
{
	for (int i = 0; i < MAX_FRAMES && frame_ok(rbp); i++) {
		const uint64_t *frame = (const uint64_t *)rbp;
		if (!frame[1])
			break;
		print_return_address(frame[1], !frame[0]);
		rbp = frame[0];
	}
}

void show_trace(uint64_t rip, uint64_t rbp)
{
	pr_emerg("Call Trace:\n");
	pr_emerg(" ");
	print_symbol(rip); /* where the fault happened: the address itself */
	pr_cont("\n");
	show_frames(rbp);
}

void dump_stack(void)
{
	if (oops_in_progress)
		return;
	pr_emerg("Call Trace:\n");
	show_frames((uint64_t)__builtin_frame_address(0));
}
