#include "kernel/sysctl.h"
#include "fs/writeback.h"
#include "kernel/cmdline.h"
#include "kernel/monitor.h"
#include "kernel/printk.h"
#include "lib/format.h"
#include "lib/string.h"
#include "mce/mce.h"
#include "mm/hugetlb.h"
#include "mm/memory-failure.h"
#include "mm/vmscan.h"
#include "mm/watermark.h"

#define SYSCTL_TEXT_MAX 128 /* the longest value text: kernel.printk's four */

static const int zero, one = 1, four = 4, one_hundred = 100, two_hundred = 200,
		 three_thousand = 3000;

int sysctl_drop_caches;

/* The entries of one directory (vm.*) are together: /proc/sys lists each
 * directory once, where its first entry is. */
const struct ctl_table sysctl_table[] = {
	{ "kernel.printk", console_printk, sizeof(console_printk), 0644, proc_dointvec, NULL, NULL,
	  "console log level, default message level, lowest console level, boot console level" },
	{ "vm.dirty_background_ratio", &dirty_background_ratio, sizeof(int), 0644,
	  proc_dointvec_minmax, &zero, &one_hundred,
	  "% of memory dirty before the flusher starts writing" },
	{ "vm.dirty_expire_centisecs", &dirty_expire_interval, sizeof(int), 0644,
	  proc_dointvec_minmax, &zero, NULL, "how old dirty data is before the flusher writes it" },
	{ "vm.dirty_ratio", &vm_dirty_ratio, sizeof(int), 0644, proc_dointvec_minmax, &zero,
	  &one_hundred, "% of memory dirty before writers write themselves" },
	{ "vm.dirty_writeback_centisecs", &dirty_writeback_interval, sizeof(int), 0644,
	  proc_dointvec_minmax, &zero, NULL, "how often the flusher writes old dirty data (0: never)" },
	{ "vm.drop_caches", &sysctl_drop_caches, sizeof(int), 0200, drop_caches_sysctl_handler, &one,
	  &four, "write 1: drop clean page cache, 2: free slab objects, 3: both" },
	{ "vm.memory_failure_early_kill", &sysctl_memory_failure_early_kill, sizeof(int), 0644,
	  proc_dointvec_minmax, &zero, &one,
	  "1: signal every process mapping a bad page at once; 0: only when it touches it" },
	{ "vm.memory_failure_recovery", &sysctl_memory_failure_recovery, sizeof(int), 0644,
	  proc_dointvec_minmax, &zero, &one,
	  "1: try to recover from memory errors; 0: panic on any" },
	{ "vm.min_free_kbytes", &min_free_kbytes, sizeof(int), 0644, min_free_kbytes_sysctl_handler,
	  &zero, NULL, "KiB kept free: the min watermark (low and high follow)" },
	{ "vm.nr_hugepages", NULL, sizeof(int), 0644, hugetlb_sysctl_handler, &zero, NULL,
	  "huge pages (2 MiB) in the hugetlb pool: writing grows or shrinks it" },
	{ "vm.nr_overcommit_hugepages", NULL, sizeof(int), 0644, hugetlb_overcommit_handler, &zero,
	  NULL, "huge pages the hugetlb pool may add from free memory when short (surplus)" },
	{ "vm.scrub_interval", &sysctl_scrub_interval, sizeof(int), 0644, proc_dointvec_minmax, &zero,
	  NULL, "seconds between the emulated memory controller's patrol scrubs (0: none)" },
	{ "vm.swappiness", &vm_swappiness, sizeof(int), 0644, proc_dointvec_minmax, &zero,
	  &two_hundred, "reclaim's preference for swapping anonymous pages over dropping file pages" },
	{ "vm.watermark_scale_factor", &watermark_scale_factor, sizeof(int), 0644,
	  watermark_scale_factor_sysctl_handler, &one, &three_thousand,
	  "1/10000ths of memory between the watermarks: how early kswapd starts" },
};
const size_t sysctl_table_size = ARRAY_SIZE(sysctl_table);

static const struct ctl_table *find(const char *name)
{
	for (size_t i = 0; i < ARRAY_SIZE(sysctl_table); i++)
		if (!strcmp(sysctl_table[i].procname, name))
			return &sysctl_table[i];
	return NULL;
}

/* Set from text, as a write to its /proc/sys file: true if accepted. */
static bool set(const struct ctl_table *t, const char *text)
{
	char buf[SYSCTL_TEXT_MAX];
	size_t len = strlcpy(buf, text, sizeof(buf));
	int64_t pos = 0;

	return len < sizeof(buf) && t->proc_handler(t, 1, buf, &len, &pos) == 0;
}

/* The value as its /proc/sys file reads, without the newline. */
static const char *get(const struct ctl_table *t, char *buf)
{
	size_t len = SYSCTL_TEXT_MAX - 1;
	int64_t pos = 0;

	t->proc_handler(t, 0, buf, &len, &pos);
	if (len && buf[len - 1] == '\n')
		len--;
	buf[len] = '\0';
	return buf;
}

static bool readable(const struct ctl_table *t)
{
	return t->mode & 0400;
}

/* sysctl.NAME=VALUE on the kernel command line. */
void sysctl_init(void)
{
	char key[80], value[SYSCTL_TEXT_MAX];

	for (size_t i = 0; i < ARRAY_SIZE(sysctl_table); i++) {
		const struct ctl_table *t = &sysctl_table[i];
		snprintf(key, sizeof(key), "sysctl.%s", t->procname);
		const char *text = cmdline_get(key);
		if (!text)
			continue;
		if (!set(t, text))
			pr_err("sysctl: %s=%s on the command line: invalid value (keeping %s)\n",
			       t->procname, text, readable(t) ? get(t, value) : "it");
		else
			pr_notice("sysctl: %s = %s (from the command line)\n", t->procname,
				  readable(t) ? get(t, value) : text);
	}
}

static int sysctl_show(struct seq_file *m)
{
	char value[SYSCTL_TEXT_MAX];

	for (size_t i = 0; i < ARRAY_SIZE(sysctl_table); i++) {
		const struct ctl_table *t = &sysctl_table[i];
		if (readable(t))
			seq_printf(m, "%s = %s\t# %s\n", t->procname, get(t, value), t->help);
		else
			seq_printf(m, "%s (write-only)\t# %s\n", t->procname, t->help);
	}
	return 0;
}

static int show_one(const struct ctl_table *t)
{
	char value[SYSCTL_TEXT_MAX];

	if (!readable(t)) {
		kprintf("sysctl: permission denied on key '%s'\n", t->procname);
		return -1;
	}
	kprintf("%s = %s\n", t->procname, get(t, value));
	return 0;
}

int cmd_sysctl(int argc, char **argv)
{
	if (argc < 2)
		return monitor_show(sysctl_show, NULL);
	char *eq = strchr(argv[1], '=');
	if (eq)
		*eq = '\0';
	const struct ctl_table *t = find(argv[1]);
	if (!t) {
		kprintf("sysctl: no setting named '%s' (type 'sysctl' for the list)\n", argv[1]);
		return -1;
	}
	if (!eq)
		return show_one(t);
	if (!set(t, eq + 1)) {
		kprintf("sysctl: setting key \"%s\": invalid value", t->procname);
		if (t->extra1 && t->extra2)
			kprintf(" (%d to %d)", *t->extra1, *t->extra2);
		kprintf("\n");
		return -1;
	}
	return readable(t) ? show_one(t) : 0;
}
