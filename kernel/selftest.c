/*
 * In-kernel self tests, run from the console. Each prints what it checked
 * (and why, if something was wrong) and ends with "selftest NAME: PASS" or
 * "selftest NAME: FAIL", which is what the system tests look for. Two of them end the machine on
 * purpose, to show (and test) what a panic and an oops look like.
 */
#include "kernel/selftest.h"
#include "block/blk-selftest.h"
#include "fs/buffer_selftest.h"
#include "kernel/lock_selftest.h"
#include "kernel/panic.h"
#include "kernel/printk.h"
#include "lib/string.h"
#include "mm/mm_selftest.h"

static int deliberate_panic(void)
{
	panic("selftest: deliberate panic");
}

static int deliberate_fault(void)
{
	volatile int *null = NULL;

	return *null; /* page 0 is not mapped: a page fault in the kernel */
}

static const struct selftest {
	const char *name;
	const char *what;
	int (*run)(void); /* 0 = pass */
} selftests[] = {
	{ "buddy", "allocate all free memory in random orders, free it, check the free lists", selftest_buddy },
	{ "offline", "take free frames off the buddy lists and check they are never handed out", selftest_take_off_buddy },
	{ "slab", "kmalloc/kfree objects of every size and check nothing leaks", selftest_slab },
	{ "locks", "kernel threads contend for a mutex, a page lock and a rwsem", selftest_locks },
	{ "blk", "read vda with 64 bios at once, more than the ring holds; compare", selftest_blk },
	{ "bcache", "vda's page cache: reads, sync, injected I/O errors, the flusher", selftest_bcache },
	{ "panic", "panic on purpose (QEMU exits with status 35)", deliberate_panic },
	{ "fault", "dereference NULL in the kernel: an oops, then a panic", deliberate_fault },
};

int cmd_selftest(int argc, char **argv)
{
	if (argc < 2) {
		for (size_t i = 0; i < ARRAY_SIZE(selftests); i++)
			kprintf("  %-8s %s\n", selftests[i].name, selftests[i].what);
		return 0;
	}
	for (size_t i = 0; i < ARRAY_SIZE(selftests); i++) {
		if (strcmp(argv[1], selftests[i].name) != 0)
			continue;
		int err = selftests[i].run();
		kprintf("selftest %s: %s\n", selftests[i].name, err ? "FAIL" : "PASS");
		return err ? -1 : 0;
	}
	kprintf("selftest: no test named '%s' (type 'selftest' for the list)\n", argv[1]);
	return -1;
}
