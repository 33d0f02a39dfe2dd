/* Naming addresses as Linux's %pS and %pB do (kernel/kallsyms.c). */
#include <string.h>

#include "kernel/kallsyms.h"
#include "tests/unit/test.h"

#define STT_FUNC 2
#define SHN_ABS 0xfff1

/* A text from 0x1000 to 0x1100: f (0x12 bytes, padded to 0x20), g right
 * behind it with no padding up to the label h, and h up to the end. */
static const char names[] = "\0f\0g\0h\0_text\0abs\0data";
static const struct elf64_sym syms[] = {
	{ .st_name = 7, .st_info = 0, .st_shndx = 2, .st_value = 0x1000 },          /* _text */
	{ .st_name = 1, .st_info = STT_FUNC, .st_shndx = 2, .st_value = 0x1000, .st_size = 0x12 },
	{ .st_name = 3, .st_info = STT_FUNC, .st_shndx = 2, .st_value = 0x1020, .st_size = 0x30 },
	{ .st_name = 5, .st_info = 0, .st_shndx = 2, .st_value = 0x1050 },          /* a label */
	{ .st_name = 13, .st_info = 0, .st_shndx = SHN_ABS, .st_value = 0x1080 },   /* not code */
	{ .st_name = 17, .st_info = 1, .st_shndx = 3, .st_value = 0x1090 },         /* an object */
};
static const struct ksymtab table = { syms, sizeof(syms) / sizeof(syms[0]), names, sizeof(names),
				      0x1000, 0x1100 };

static const char *pS(uint64_t addr)
{
	static char buf[KSYM_SYMBOL_LEN];

	sprint_symbol(buf, sizeof(buf), &table, addr);
	return buf;
}

static const char *pB(uint64_t addr)
{
	static char buf[KSYM_SYMBOL_LEN];

	sprint_backtrace(buf, sizeof(buf), &table, addr);
	return buf;
}

static void test_sizes_reach_the_next_symbol(void)
{
	CHECK(strcmp(pS(0x1000), "f+0x0/0x20") == 0); /* a function, not _text */
	CHECK(strcmp(pS(0x1011), "f+0x11/0x20") == 0);
	CHECK(strcmp(pS(0x1018), "f+0x18/0x20") == 0); /* padding belongs to f */
	CHECK(strcmp(pS(0x1020), "g+0x0/0x30") == 0);
	CHECK(strcmp(pS(0x1055), "h+0x5/0xb0") == 0); /* labels count; ABS and objects do not */
	CHECK(strcmp(pS(0x10ff), "h+0xaf/0xb0") == 0);
}

static void test_return_addresses_name_the_caller(void)
{
	/* A call that was f's last instruction returns to f+0x12, inside
	 * f's padding: f, with a size that is not the offset. */
	CHECK(strcmp(pB(0x1012), "f+0x12/0x20") == 0);
	/* g's last call returns to h's first byte: still g, as Linux
	 * prints "rest_init+0x130/0x130" - never "h+0x0". */
	CHECK(strcmp(pB(0x1050), "g+0x30/0x30") == 0);
	CHECK(strcmp(pB(0x1030), "g+0x10/0x30") == 0);
}

static void test_outside_the_text_is_a_bare_address(void)
{
	uint64_t size = 7, offset = 7;

	CHECK(strcmp(pS(0xfff), "0x0000000000000fff") == 0);
	CHECK(strcmp(pS(0x1100), "0x0000000000001100") == 0);
	CHECK(strcmp(pB(0x1000), "0x0000000000001000") == 0); /* the byte before is outside */
	CHECK(ksym_lookup(&table, 0x2000, &size, &offset) == NULL && size == 7 && offset == 7);
}

static void test_an_empty_table_names_nothing(void)
{
	static const struct ksymtab none = { 0 };
	char buf[KSYM_SYMBOL_LEN];

	sprint_backtrace(buf, sizeof(buf), &none, 0xffffffff80100000UL);
	CHECK(strcmp(buf, "0xffffffff80100000") == 0);
}

int main(void)
{
	RUN(test_sizes_reach_the_next_symbol);
	RUN(test_return_addresses_name_the_caller);
	RUN(test_outside_the_text_is_a_bare_address);
	RUN(test_an_empty_table_names_nothing);
	return finish("unit kallsyms");
}
