#include "kernel/backtrace.h"
#include "kernel/multiboot.h"
#include "kernel/printk.h"
#include "mm/layout.h"

#define STT_FUNC 2
#define MAX_FRAMES 16

struct elf64_sym {
	uint32_t st_name;
	uint8_t st_info, st_other;
	uint16_t st_shndx;
	uint64_t st_value, st_size;
};

bool oops_in_progress;
static const struct elf64_sym *symbols;
static size_t nr_symbols;
static const char *names;
static size_t names_size;

void ksyms_init(void)
{
	if (!boot_info.symtab)
		return;
	symbols = __va(boot_info.symtab);
	nr_symbols = boot_info.symtab_size / sizeof(struct elf64_sym);
	names = __va(boot_info.strtab);
	names_size = boot_info.strtab_size;
}

/* The function containing addr, or NULL. A linear scan is fine: this
 * only runs when something has already gone wrong. */
static const struct elf64_sym *find_function(uint64_t addr)
{
	for (size_t i = 0; i < nr_symbols; i++) {
		const struct elf64_sym *s = &symbols[i];
		if ((s->st_info & 0xf) == STT_FUNC && addr >= s->st_value &&
		    addr < s->st_value + s->st_size && s->st_name < names_size)
			return s;
	}
	return NULL;
}

/* lookup_addr differs from addr for return addresses: the call may be the
 * last instruction of a function, so its return address lies just past it;
 * the byte before it is still inside. */
static void print_address(uint64_t addr, uint64_t lookup_addr)
{
	const struct elf64_sym *s = find_function(lookup_addr);

	if (s)
		pr_cont("%s+0x%lx/0x%lx", names + s->st_name,
			addr - s->st_value, s->st_size);
	else
		pr_cont("0x%016lx", addr);
}

void print_symbol(uint64_t addr)
{
	print_address(addr, addr);
}

/* A frame pointer we may follow: 8-byte aligned, inside the kernel. */
static bool frame_ok(uint64_t rbp)
{
	return rbp && !(rbp & 7) && rbp >= PAGE_OFFSET_BASE_MIN;
}

void show_trace(uint64_t rip, uint64_t rbp)
{
	pr_emerg("Call Trace:\n");
	pr_emerg(" ");
	print_symbol(rip);
	pr_cont("\n");
	for (int i = 0; i < MAX_FRAMES && frame_ok(rbp); i++) {
		const uint64_t *frame = (const uint64_t *)rbp;
		if (!frame[1])
			break;
		pr_emerg(" ");
		print_address(frame[1], frame[1] - 1);
		pr_cont("\n");
		rbp = frame[0];
	}
}

void dump_stack(void)
{
	if (oops_in_progress)
		return;
	/* Our own frame: [0] is the caller's frame pointer, [1] our return
	 * address, i.e. where the caller is. */
	const uint64_t *frame = __builtin_frame_address(0);

	show_trace(frame[1], frame[0]);
}
