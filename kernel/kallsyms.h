/*
 * Naming kernel addresses from the kernel's own ELF symbol table, as
 * Linux's kallsyms does: an address belongs to the closest symbol at or
 * below it, and a symbol's size is the distance to the next one (so
 * alignment padding belongs to the function before it).
 */
#ifndef KERNEL_KALLSYMS_H
#define KERNEL_KALLSYMS_H

#include "lib/types.h"

#define KSYM_SYMBOL_LEN 160 /* room for "name+0xoff/0xsize" */

struct elf64_sym {
	uint32_t st_name;
	uint8_t st_info, st_other;
	uint16_t st_shndx;
	uint64_t st_value, st_size;
};

/* A symbol table and the kernel text it describes, [text_start, text_end). */
struct ksymtab {
	const struct elf64_sym *syms;
	size_t nr_syms;
	const char *names;
	size_t names_size;
	uint64_t text_start, text_end;
};

/* The symbol addr lies in, with addr's *offset into it and its *size;
 * NULL if addr is outside the text or before its first symbol. */
const char *ksym_lookup(const struct ksymtab *t, uint64_t addr, uint64_t *size, uint64_t *offset);
/* Linux's %pS: "name+0xoff/0xsize", or the bare address "0x...". */
int sprint_symbol(char *buf, size_t n, const struct ksymtab *t, uint64_t addr);
/* Linux's %pB, for a return address: named by the byte before it (the
 * call may have been the last instruction of a noreturn function, so
 * addr may already be the next function's first byte), with addr's own
 * offset. A return just past a function prints e.g. "f+0x20/0x20". */
int sprint_backtrace(char *buf, size_t n, const struct ksymtab *t, uint64_t addr);

#endif
