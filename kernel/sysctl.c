#include "kernel/sysctl.h"
#include "fs/writeback.h"
#include "kernel/cmdline.h"
#include "kernel/monitor.h"
#include "kernel/printk.h"
#include "lib/format.h"
#include "lib/parse.h"
#include "lib/string.h"
#include "mm/memory-failure.h"

static const struct sysctl {
	const char *name;
	int *value;
	int min, max;
	const char *help;
} sysctls[] = {
	{ "vm.memory_failure_early_kill", &sysctl_memory_failure_early_kill, 0, 1,
	  "1: signal every process mapping a bad page at once; 0: only when it touches it" },
	{ "vm.memory_failure_recovery", &sysctl_memory_failure_recovery, 0, 1,
	  "1: try to recover from memory errors; 0: panic on any" },
	{ "vm.dirty_background_ratio", &dirty_background_ratio, 0, 100,
	  "% of memory dirty before the flusher starts writing" },
	{ "vm.dirty_ratio", &vm_dirty_ratio, 0, 100,
	  "% of memory dirty before writers write themselves" },
	{ "vm.dirty_writeback_centisecs", &dirty_writeback_interval, 0, INT32_MAX,
	  "how often the flusher writes old dirty data (0: never)" },
	{ "vm.dirty_expire_centisecs", &dirty_expire_interval, 0, INT32_MAX,
	  "how old dirty data is before the flusher writes it" },
};

static const struct sysctl *find(const char *name)
{
	for (size_t i = 0; i < ARRAY_SIZE(sysctls); i++)
		if (!strcmp(sysctls[i].name, name))
			return &sysctls[i];
	return NULL;
}

/* Set from text; returns an error message, or NULL when done. */
static const char *set(const struct sysctl *s, const char *text)
{
	uint64_t v;

	if (!parse_u64(text, &v) || v < (uint64_t)s->min || v > (uint64_t)s->max)
		return "invalid value";
	*s->value = (int)v;
	return NULL;
}

/* sysctl.NAME=VALUE on the kernel command line. */
void sysctl_init(void)
{
	char key[80];

	for (size_t i = 0; i < ARRAY_SIZE(sysctls); i++) {
		snprintf(key, sizeof(key), "sysctl.%s", sysctls[i].name);
		const char *text = cmdline_get(key);
		if (!text)
			continue;
		const char *err = set(&sysctls[i], text);
		if (err)
			pr_err("sysctl: %s=%s on the command line: %s (keeping %d)\n",
			       sysctls[i].name, text, err, *sysctls[i].value);
		else
			pr_notice("sysctl: %s = %d (from the command line)\n", sysctls[i].name,
				  *sysctls[i].value);
	}
}

static int sysctl_show(struct seq_file *m)
{
	for (size_t i = 0; i < ARRAY_SIZE(sysctls); i++)
		seq_printf(m, "%s = %d\t# %s\n", sysctls[i].name, *sysctls[i].value, sysctls[i].help);
	return 0;
}

int cmd_sysctl(int argc, char **argv)
{
	if (argc < 2)
		return monitor_show(sysctl_show, NULL);
	char *eq = strchr(argv[1], '=');
	if (eq)
		*eq = '\0';
	const struct sysctl *s = find(argv[1]);
	if (!s) {
		kprintf("sysctl: no setting named '%s' (type 'sysctl' for the list)\n", argv[1]);
		return -1;
	}
	if (eq) {
		const char *err = set(s, eq + 1);
		if (err) {
			kprintf("sysctl: setting key \"%s\": %s (%d to %d)\n", s->name, err,
				s->min, s->max);
			return -1;
		}
	}
	kprintf("%s = %d\n", s->name, *s->value);
	return 0;
}
