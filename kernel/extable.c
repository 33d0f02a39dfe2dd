#include "kernel/extable.h"
#include "kernel/trap.h"

/* One entry per instruction; the assembly files write them into the
 * __ex_table section (linker.ld gathers it). */
struct exception_table_entry {
	uint64_t insn, fixup, type;
};

extern const struct exception_table_entry __start___ex_table[], __stop___ex_table[];

/* A handful of entries: a linear search costs nothing worth an index. */
static const struct exception_table_entry *search_exception_tables(uint64_t rip)
{
	for (const struct exception_table_entry *e = __start___ex_table; e < __stop___ex_table; e++)
		if (e->insn == rip)
			return e;
	return NULL;
}

enum ex_type ex_get_fixup_type(uint64_t rip)
{
	const struct exception_table_entry *e = search_exception_tables(rip);

	return e ? (enum ex_type)e->type : EX_TYPE_NONE;
}

bool fixup_exception(struct trapframe *tf, int trapnr)
{
	const struct exception_table_entry *e = search_exception_tables(tf->rip);

	if (!e)
		return false;
	if (e->type == EX_TYPE_COPY || e->type == EX_TYPE_DEFAULT_MCE_SAFE)
		tf->rax = (uint64_t)trapnr; /* the copy routines' fixups look */
	tf->rip = e->fixup;
	return true;
}
