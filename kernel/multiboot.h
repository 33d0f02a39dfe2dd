/*
 * What GRUB tells us at boot (the multiboot2 information), copied into a
 * plain structure so that the rest of the kernel never walks GRUB's tags.
 */
#ifndef KERNEL_MULTIBOOT_H
#define KERNEL_MULTIBOOT_H

#include "lib/types.h"

/* Memory map entry types, as in the BIOS e820 map. */
enum {
	MEMORY_USABLE = 1,
	MEMORY_RESERVED = 2,
	MEMORY_ACPI = 3,
	MEMORY_NVS = 4,
	MEMORY_BADRAM = 5, /* RAM the firmware knows to be defective */
};

#define MAX_MEMORY_RANGES 64
#define MAX_MODULES 16

struct memory_range {
	phys_addr_t base;
	uint64_t length;
	uint32_t type;
};

struct boot_module {
	phys_addr_t start, end; /* [start, end) */
	char name[64];
};

struct boot_info {
	char cmdline[512];
	struct memory_range ranges[MAX_MEMORY_RANGES];
	int nr_ranges;
	struct boot_module modules[MAX_MODULES];
	int nr_modules;
	/* The kernel's ELF symbol table, loaded by GRUB (0 if absent). */
	phys_addr_t symtab, strtab;
	uint64_t symtab_size, strtab_size;
};

extern struct boot_info boot_info;

/* Decode GRUB's information at physical address mbi (still identity mapped). */
void multiboot_parse(uint32_t magic, phys_addr_t mbi);

/* "usable", "reserved", ...; NULL for a type we have no name for. */
const char *memory_type_name(uint32_t type);

#endif
