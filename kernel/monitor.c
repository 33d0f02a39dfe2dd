/*
 * The command table. Each command is a function taking argc/argv like a
 * C program's main; it returns 0 on success or -1 after printing an error.
 * The table is the single place that says which commands exist, what they
 * take and what they do: `help` prints it.
 */
#include "kernel/monitor.h"
#include "fs/initramfs.h"
#include "kernel/printk.h"
#include "kernel/proc.h"
#include "kernel/reboot.h"
#include "kernel/selftest.h"
#include "lib/parse.h"
#include "lib/string.h"
#include "kernel/sysctl.h"
#include "mce/mce.h"
#include "mm/memory-failure.h"
#include "mm/show_mem.h"
#include "mm/slab.h"

struct command {
	const char *name;
	const char *args;
	const char *help;
	int (*run)(int argc, char **argv);
	int min_args, max_args; /* not counting the command's name */
};

static int cmd_help(int argc, char **argv);

static const struct command commands[] = {
	{ "help", "", "list the commands", cmd_help, 0, 0 },
	{ "meminfo", "", "memory usage, like /proc/meminfo", cmd_meminfo, 0, 0 },
	{ "buddyinfo", "", "free blocks of each order, like /proc/buddyinfo", cmd_buddyinfo, 0, 0 },
	{ "slabinfo", "", "slab caches, like /proc/slabinfo", cmd_slabinfo, 0, 0 },
	{ "page", "PFN [COUNT]", "describe page frames: flags, refcount, order", cmd_page, 1, 2 },
	{ "memmap", "", "a picture of physical memory, one character per group of frames", cmd_memmap, 0, 0 },
	{ "log", "", "print the kernel log", cmd_log, 0, 0 },
	{ "loglevel", "[N]", "show or set the console log level: levels below N are printed (1-8)",
	  cmd_loglevel, 0, 1 },
	{ "mcelog", "", "the machine checks logged, decoded", cmd_mcelog, 0, 0 },
	{ "mce-inject", "bank=N status=HEX [addr=HEX] [misc=HEX] [mcgstatus=HEX] [raise|poll] [ctx=user:PID]",
	  "make bank N hold an error, then raise #MC or leave it for the poller", cmd_mce_inject, 0, 7 },
	{ "inject", "srao|srar|ucna|ce PFN [user:PID], or pcc", "inject a well-formed machine check of one kind",
	  cmd_inject, 0, 3 },
	{ "hwpoison", "corrupt-pfn PFN | unpoison-pfn PFN | list",
	  "poison a page frame by software, undo it, or list poisoned frames", cmd_hwpoison, 1, 2 },
	{ "sysctl", "[NAME[=VALUE]]", "show or set kernel settings", cmd_sysctl, 0, 1 },
	{ "ls", "", "list the programs and files in the initramfs", cmd_ls, 0, 0 },
	{ "run", "PROGRAM [ARGUMENTS] [&]", "start a program; & leaves it running in the background",
	  cmd_run, 1, MONITOR_MAX_ARGS - 1 },
	{ "ps", "", "list processes: pid, parent, state, memory-error kill mode, resident pages, name", cmd_ps, 0, 0 },
	{ "kill", "PID [SIGNAL]", "send a process a signal (default 15, SIGTERM)", cmd_kill, 1, 2 },
	{ "vm", "PID", "a process's memory: its areas, then each resident page and its frame", cmd_vm, 1, 1 },
	{ "selftest", "[NAME]", "run an in-kernel self test (no NAME: list them)", cmd_selftest, 0, 1 },
	{ "poweroff", "", "turn the machine off", cmd_poweroff, 0, 0 },
};

static int cmd_help(int argc, char **argv)
{
	(void)argc, (void)argv;
	for (size_t i = 0; i < ARRAY_SIZE(commands); i++) {
		const struct command *c = &commands[i];
		kprintf("  %s %s\n        %s\n", c->name, c->args, c->help);
	}
	return 0;
}

static int split_words(char *line, char **argv)
{
	int argc = 0;

	for (char *p = line; *p; ) {
		while (*p == ' ' || *p == '\t')
			*p++ = '\0';
		if (!*p)
			break;
		if (argc == MONITOR_MAX_ARGS)
			return -1;
		argv[argc++] = p;
		while (*p && *p != ' ' && *p != '\t')
			p++;
	}
	return argc;
}

void monitor_execute(char *line)
{
	char *argv[MONITOR_MAX_ARGS + 1];
	int argc = split_words(line, argv);

	if (argc < 0) {
		kprintf("error: too many words (at most %d)\n", MONITOR_MAX_ARGS);
		return;
	}
	if (argc == 0)
		return;
	argv[argc] = NULL;
	for (size_t i = 0; i < ARRAY_SIZE(commands); i++) {
		const struct command *c = &commands[i];
		if (strcmp(argv[0], c->name) != 0)
			continue;
		if (argc - 1 < c->min_args || argc - 1 > c->max_args) {
			kprintf("usage: %s %s\n", c->name, c->args);
			return;
		}
		c->run(argc, argv);
		return;
	}
	kprintf("error: unknown command '%s' (type 'help' for the list)\n", argv[0]);
}

bool monitor_number(const char *cmd, const char *arg, uint64_t *out)
{
	if (parse_u64(arg, out))
		return true;
	kprintf("%s: '%s' is not a number (use decimal or 0x-prefixed hex)\n", cmd, arg);
	return false;
}
