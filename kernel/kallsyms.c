/* Address to symbol (Linux: kernel/kallsyms.c). A linear scan is fine:
 * this only runs when something has already gone wrong. */
#include "kernel/kallsyms.h"
#include "lib/format.h"

#define STT_NOTYPE 0 /* assembly labels, e.g. trapret */
#define STT_FUNC 2
#define SHN_UNDEF 0
#define SHN_ABS 0xfff1

/* A symbol that names code: a function or an assembly label in the text. */
static bool is_text_symbol(const struct ksymtab *t, const struct elf64_sym *s)
{
	int type = s->st_info & 0xf;

	return (type == STT_FUNC || type == STT_NOTYPE) && s->st_shndx != SHN_UNDEF &&
	       s->st_shndx != SHN_ABS && s->st_name && s->st_name < t->names_size &&
	       s->st_value >= t->text_start && s->st_value < t->text_end;
}

/* Of two symbols at one address, a function beats a label (_text). */
static bool better(const struct elf64_sym *s, const struct elf64_sym *best)
{
	if (!best || s->st_value > best->st_value)
		return true;
	return s->st_value == best->st_value && (s->st_info & 0xf) == STT_FUNC &&
	       (best->st_info & 0xf) != STT_FUNC;
}

const char *ksym_lookup(const struct ksymtab *t, uint64_t addr, uint64_t *size, uint64_t *offset)
{
	const struct elf64_sym *best = NULL;
	uint64_t next = t->text_end;

	if (addr < t->text_start || addr >= t->text_end)
		return NULL;
	for (size_t i = 0; i < t->nr_syms; i++) {
		const struct elf64_sym *s = &t->syms[i];
		if (is_text_symbol(t, s) && s->st_value <= addr && better(s, best))
			best = s;
	}
	if (!best)
		return NULL;
	for (size_t i = 0; i < t->nr_syms; i++) {
		const struct elf64_sym *s = &t->syms[i];
		if (is_text_symbol(t, s) && s->st_value > best->st_value && s->st_value < next)
			next = s->st_value;
	}
	*size = next - best->st_value;
	*offset = addr - best->st_value;
	return t->names + best->st_name;
}

/* Linux's __sprint_symbol: look up addr + symbol_offset, print addr's
 * own offset. */
static int sprint(char *buf, size_t n, const struct ksymtab *t, uint64_t addr, int symbol_offset)
{
	uint64_t size, offset;
	const char *name = ksym_lookup(t, addr + symbol_offset, &size, &offset);

	if (!name)
		return snprintf(buf, n, "0x%016lx", addr);
	return snprintf(buf, n, "%s+0x%lx/0x%lx", name, offset - symbol_offset, size);
}

int sprint_symbol(char *buf, size_t n, const struct ksymtab *t, uint64_t addr)
{
	return sprint(buf, n, t, addr, 0);
}

int sprint_backtrace(char *buf, size_t n, const struct ksymtab *t, uint64_t addr)
{
	return sprint(buf, n, t, addr, -1);
}
