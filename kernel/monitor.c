/*
 * The command table. Each command is a function taking argc/argv like a
 * C program's main; it returns 0 on success or -1 after printing an error.
 * The table is the single place that says which commands exist, what they
 * take and what they do: `help` prints it.
 */
#include "kernel/monitor.h"
#include "block/blkdev.h"
#include "fs/internal.h"
#include "fs/ls.h"
#include "fs/proc/proc_fs.h"
#include "kernel/errno.h"
#include "kernel/printk.h"
#include "kernel/serial.h"
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

/* A command runs (argc/argv), or - a report without arguments - shows:
 * its text comes from a seq_file show function (fs/seq_file.h), the
 * same that /proc uses for the same report. */
struct command {
	const char *name;
	const char *args;
	const char *help;
	int (*run)(int argc, char **argv);
	int min_args, max_args; /* not counting the command's name */
	seq_show_fn show;
};

static int cmd_help(int argc, char **argv);

static const struct command commands[] = {
	{ .name = "help", .help = "list the commands", .run = cmd_help },
	{ .name = "meminfo", .help = "memory usage, like /proc/meminfo", .show = meminfo_show },
	{ .name = "buddyinfo",
	  .help = "free blocks of each order, like /proc/buddyinfo",
	  .show = buddyinfo_show },
	{ .name = "slabinfo", .help = "slab caches, like /proc/slabinfo", .show = slabinfo_show },
	{ .name = "page", .args = "PFN [COUNT]",
	  .help = "describe page frames: flags, refcount, order",
	  .run = cmd_page, .min_args = 1, .max_args = 2 },
	{ .name = "memmap",
	  .help = "a picture of physical memory, one character per group of frames",
	  .show = memmap_show },
	{ .name = "log", .help = "print the kernel log", .show = log_show },
	{ .name = "loglevel", .args = "[N]",
	  .help = "show or set the console log level: levels below N are printed (1-8)",
	  .run = cmd_loglevel, .max_args = 1 },
	{ .name = "mcelog", .help = "the machine checks logged, decoded", .show = mcelog_show },
	{ .name = "mce-inject", .args = "bank=N status=HEX [addr=HEX] [misc=HEX] [mcgstatus=HEX] [raise|poll] [ctx=user:PID]",
	  .help = "make bank N hold an error, then raise #MC or leave it for the poller",
	  .run = cmd_mce_inject, .max_args = 7 },
	{ .name = "inject", .args = "srao|srar|ucna|ce|latent PFN [user:PID], or pcc",
	  .help = "inject a well-formed machine check of one kind",
	  .run = cmd_inject, .max_args = 3 },
	{ .name = "hwpoison", .args = "corrupt-pfn PFN | unpoison-pfn PFN | list",
	  .help = "poison a page frame by software, undo it, or list poisoned frames",
	  .run = cmd_hwpoison, .min_args = 1, .max_args = 2 },
	{ .name = "sysctl", .args = "[NAME[=VALUE]]",
	  .help = "show or set kernel settings",
	  .run = cmd_sysctl, .max_args = 1 },
	{ .name = "cache",
	  .help = "the page cache of each file system: inodes, cached, dirty and write-back pages",
	  .show = cache_show },
	{ .name = "sync", .help = "write every file system's dirty data to its disk",
	  .run = cmd_sync },
	{ .name = "ls", .args = "[PATH]",
	  .help = "list a directory (default /): names and sizes in bytes",
	  .run = cmd_ls, .max_args = 1 },
	{ .name = "run", .args = "PROGRAM [ARGUMENTS] [&]",
	  .help = "start a program on the terminal (Ctrl-] then a line: one console command meanwhile); & runs it in the background",
	  .run = cmd_run, .min_args = 1, .max_args = MONITOR_MAX_ARGS - 1 },
	{ .name = "ps",
	  .help = "list processes: pid, parent, state, memory-error kill mode, resident pages, name",
	  .show = ps_show },
	{ .name = "kill", .args = "PID [SIGNAL]",
	  .help = "send a process a signal (default 15, SIGTERM)",
	  .run = cmd_kill, .min_args = 1, .max_args = 2 },
	{ .name = "fg", .args = "PID",
	  .help = "continue a job of the console in the foreground: it gets the terminal again",
	  .run = cmd_fg, .min_args = 1, .max_args = 1 },
	{ .name = "sh", .help = "busybox's shell (/bin/sh) on the terminal; its exit comes back here",
	  .run = cmd_sh },
	{ .name = "vm", .args = "PID",
	  .help = "a process's memory: its areas, then each resident page and its frame",
	  .run = cmd_vm, .min_args = 1, .max_args = 1 },
	{ .name = "blk", .args = "[read|write|flush|fail|heal DEV ...]",
	  .help = "list the disks; read or write sectors, flush, make sectors fail (blk help)",
	  .run = cmd_blk, .max_args = 6 },
	{ .name = "selftest", .args = "[NAME]",
	  .help = "run an in-kernel self test (no NAME: list them)",
	  .run = cmd_selftest, .max_args = 1 },
	{ .name = "poweroff", .help = "turn the machine off", .run = cmd_poweroff },
};

static const char *args_of(const struct command *c)
{
	return c->args ? c->args : "";
}

static int cmd_help(int argc, char **argv)
{
	(void)argc, (void)argv;
	for (size_t i = 0; i < ARRAY_SIZE(commands); i++) {
		const struct command *c = &commands[i];
		kprintf("  %s %s\n        %s\n", c->name, args_of(c), c->help);
	}
	return 0;
}

/*
 * Split line into words in place, as a shell does before its expansions:
 * blanks separate words, and '...' or "..." keep blanks inside one (in
 * double quotes, \" and \\ stand for " and \). The words are argv[0..];
 * their number, or -1 for too many, -2 for a quote left open.
 */
static int split_words(char *line, char **argv)
{
	int argc = 0;
	char *in = line;

	for (;;) {
		while (*in == ' ' || *in == '\t')
			in++;
		if (!*in)
			return argc;
		if (argc == MONITOR_MAX_ARGS)
			return -1;
		char *out = in; /* never passes in: the word shrinks in place */
		char quote = 0;  /* the open quote's character, or 0 */
		argv[argc++] = out;
		while (*in && (quote || (*in != ' ' && *in != '\t'))) {
			char c = *in++;
			if (c == quote || (!quote && (c == '\'' || c == '"'))) {
				quote = quote ? 0 : c;
				continue;
			}
			if (quote == '"' && c == '\\' && (*in == '"' || *in == '\\'))
				c = *in++;
			*out++ = c;
		}
		if (quote)
			return -2;
		if (*in)
			in++; /* the blank that ended the word */
		*out = '\0';
	}
}

void monitor_execute(char *line)
{
	char *argv[MONITOR_MAX_ARGS + 1];
	int argc = split_words(line, argv);

	if (argc == -1) {
		kprintf("error: too many words (at most %d)\n", MONITOR_MAX_ARGS);
		return;
	}
	if (argc == -2) {
		kprintf("error: a quote is not closed\n");
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
			kprintf("usage: %s %s\n", c->name, args_of(c));
			return;
		}
		if (c->show)
			monitor_show(c->show, NULL);
		else
			c->run(argc, argv);
		return;
	}
	kprintf("error: unknown command '%s' (type 'help' for the list)\n", argv[0]);
}

int monitor_show(seq_show_fn show, void *private)
{
	struct seq_file m;
	int err = seq_show(&m, show, private);

	if (err == -ENOMEM)
		kprintf("error: no memory for the report\n");
	if (err)
		return -1;
	serial_write(m.buf, m.count);
	seq_release(&m);
	return 0;
}

bool monitor_number(const char *cmd, const char *arg, uint64_t *out)
{
	if (parse_u64(arg, out))
		return true;
	kprintf("%s: '%s' is not a number (use decimal or 0x-prefixed hex)\n", cmd, arg);
	return false;
}
