#include "kernel/panic.h"
#include "kernel/backtrace.h"
#include "kernel/printk.h"
#include "kernel/reboot.h"
#include "kernel/x86.h"
#include "lib/format.h"

void panic(const char *fmt, ...)
{
	static bool in_panic;
	char why[256];
	va_list ap;

	cli();
	if (in_panic) /* a panic while panicking: just stop */
		machine_exit(EXIT_PANIC);
	in_panic = true;

	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	pr_emerg("Kernel panic - not syncing: %s\n", why);
	dump_stack();
	pr_emerg("---[ end Kernel panic - not syncing: %s ]---\n", why);
	machine_exit(EXIT_PANIC);
}
