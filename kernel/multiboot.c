/*
 * The multiboot2 information is a list of tags, each starting with a type
 * and a size and padded to 8 bytes. We copy out the few we need: the
 * command line, the memory map, boot modules and the ELF section headers
 * (which lead us to the symbol table used for backtraces).
 */
#include "kernel/multiboot.h"
#include "kernel/panic.h"
#include "lib/string.h"

#define MB2_BOOTLOADER_MAGIC 0x36d76289
#define TAG_END 0
#define TAG_CMDLINE 1
#define TAG_MODULE 3
#define TAG_MMAP 6
#define TAG_ELF_SECTIONS 9

#define SHT_SYMTAB 2

struct boot_info boot_info;

struct tag {
	uint32_t type, size;
};

struct tag_mmap {
	struct tag tag;
	uint32_t entry_size, entry_version;
	struct {
		uint64_t base, length;
		uint32_t type, reserved;
	} entries[];
};

struct tag_module {
	struct tag tag;
	uint32_t start, end;
	char name[];
};

struct tag_elf_sections {
	struct tag tag;
	uint32_t num, entsize, shndx;
	char sections[];
};

struct elf64_shdr {
	uint32_t sh_name, sh_type;
	uint64_t sh_flags, sh_addr, sh_offset, sh_size;
	uint32_t sh_link, sh_info;
	uint64_t sh_addralign, sh_entsize;
};

static void parse_mmap(const struct tag_mmap *t)
{
	const char *p = (const char *)t->entries;
	const char *end = (const char *)t + t->tag.size;

	for (; p + t->entry_size <= end; p += t->entry_size) {
		if (boot_info.nr_ranges == MAX_MEMORY_RANGES)
			return; /* more ranges than we keep: the rest stay unused */
		const struct memory_range src = {
			.base = ((const uint64_t *)p)[0],
			.length = ((const uint64_t *)p)[1],
			.type = ((const uint32_t *)p)[4],
		};
		boot_info.ranges[boot_info.nr_ranges++] = src;
	}
}

static void parse_module(const struct tag_module *t)
{
	if (boot_info.nr_modules == MAX_MODULES)
		return;
	struct boot_module *m = &boot_info.modules[boot_info.nr_modules++];
	m->start = t->start;
	m->end = t->end;
	strlcpy(m->name, t->name, sizeof(m->name));
}

/* GRUB loads the non-allocated sections (.symtab, .strtab) for us and
 * stores their physical addresses in the section headers. */
static void parse_elf_sections(const struct tag_elf_sections *t)
{
	const struct elf64_shdr *sh = (const struct elf64_shdr *)t->sections;

	if (t->entsize != sizeof(struct elf64_shdr))
		return;
	for (uint32_t i = 0; i < t->num; i++) {
		if (sh[i].sh_type != SHT_SYMTAB || sh[i].sh_link >= t->num)
			continue;
		boot_info.symtab = sh[i].sh_addr;
		boot_info.symtab_size = sh[i].sh_size;
		boot_info.strtab = sh[sh[i].sh_link].sh_addr;
		boot_info.strtab_size = sh[sh[i].sh_link].sh_size;
	}
}

void multiboot_parse(uint32_t magic, phys_addr_t mbi)
{
	if (magic != MB2_BOOTLOADER_MAGIC)
		panic("not booted by a multiboot2 loader (magic %#x)", magic);

	/* The first 8 bytes are total size and a reserved word. */
	for (const char *p = (const char *)mbi + 8;; ) {
		const struct tag *t = (const struct tag *)p;
		switch (t->type) {
		case TAG_END:
			return;
		case TAG_CMDLINE:
			strlcpy(boot_info.cmdline, p + sizeof(*t), sizeof(boot_info.cmdline));
			break;
		case TAG_MODULE:
			parse_module((const struct tag_module *)t);
			break;
		case TAG_MMAP:
			parse_mmap((const struct tag_mmap *)t);
			break;
		case TAG_ELF_SECTIONS:
			parse_elf_sections((const struct tag_elf_sections *)t);
			break;
		}
		p += ALIGN_UP(t->size, 8);
	}
}

const char *memory_type_name(uint32_t type)
{
	static const char *const names[] = {
		[MEMORY_USABLE] = "usable",
		[MEMORY_RESERVED] = "reserved",
		[MEMORY_ACPI] = "ACPI data",
		[MEMORY_NVS] = "ACPI NVS",
		[MEMORY_BADRAM] = "defective RAM",
	};

	if (type < ARRAY_SIZE(names))
		return names[type];
	return NULL;
}
