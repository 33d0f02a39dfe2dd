/*
 * /sys/kernel/debug/mce-inject (Linux: the debugfs half of
 * arch/x86/kernel/cpu/mce/inject.c): write a record's registers one file
 * at a time - status, addr, misc, synd, mcgstatus, cpu - then its bank
 * number to `bank`, which injects it through the console's software
 * injector (mce/inject.c) and starts the next record from zeros, as
 * Linux does. Linux's mce-inject tool (user/mce-inject.c here) writes
 * these files.
 *
 * An uncorrected record (status bit 61) raises #MC, a corrected one is
 * left for the poller; `flags` takes Linux's "sw" and "hw", which both
 * mean that here. Unless mcgstatus was written, the #MC gets Linux's:
 * MCIP and EIPV, and RIPV unless the context is corrupt (PCC).
 */
#include "fs/debugfs/debugfs.h"
#include "fs/file.h"
#include "fs/iov_iter.h"
#include "kernel/errno.h"
#include "kernel/printk.h"
#include "lib/format.h"
#include "lib/string.h"
#include "mce/mce.h"

static struct {
	uint64_t status, addr, misc, synd, mcgstatus, cpu;
	bool have_mcgstatus;
} i_mce;

static const char *const flags_options[] = { "sw", "hw" };
static unsigned int inj_type;

static void setup_inj_struct(void)
{
	memset(&i_mce, 0, sizeof(i_mce));
}

static int get_u64(void *data, uint64_t *val)
{
	*val = *(uint64_t *)data;
	return 0;
}

static int set_u64(void *data, uint64_t val)
{
	*(uint64_t *)data = val;
	return 0;
}

static int set_mcgstatus(void *data, uint64_t val)
{
	i_mce.have_mcgstatus = true;
	return set_u64(data, val);
}

static int inj_extcpu_set(void *data, uint64_t val)
{
	(void)data;
	if (val != 0) {
		pr_err("inj_extcpu_set: Invalid CPU: %llu\n", (unsigned long long)val);
		return -EINVAL;
	}
	i_mce.cpu = val;
	return 0;
}

static int inj_bank_set(void *data, uint64_t val)
{
	(void)data;
	if (val >= (uint64_t)mce_nr_banks()) {
		pr_err("MCA bank %llu non-existent on CPU%llu\n", (unsigned long long)val,
		       (unsigned long long)i_mce.cpu);
		return -EINVAL;
	}
	uint64_t mcg = MCG_STATUS_MCIP | MCG_STATUS_EIPV;
	if (!(i_mce.status & MCI_STATUS_PCC))
		mcg |= MCG_STATUS_RIPV;
	struct mce_injection inj = {
		.bank = (int)val, .status = i_mce.status, .addr = i_mce.addr, .misc = i_mce.misc,
		.mcgstatus = i_mce.have_mcgstatus ? i_mce.mcgstatus : mcg,
		.raise = i_mce.status & MCI_STATUS_UC,
	};
	int err = mce_inject_request(&inj);
	setup_inj_struct();
	return err;
}

static int inj_bank_get(void *data, uint64_t *val)
{
	(void)data;
	*val = 0;
	return 0;
}

static const struct debugfs_attr hex_fops = { get_u64, set_u64, "%llx\n" };
static const struct debugfs_attr mcgstatus_fops = { get_u64, set_mcgstatus, "%llx\n" };
static const struct debugfs_attr extcpu_fops = { get_u64, inj_extcpu_set, "%llu\n" };
static const struct debugfs_attr bank_fops = { inj_bank_get, inj_bank_set, "%llu\n" };

static long flags_read(struct file *f, struct iov_iter *to, loff_t *pos)
{
	char buf[8];
	size_t len = (size_t)snprintf(buf, sizeof(buf), "%s\n", flags_options[inj_type]);

	(void)f;
	return simple_read_from_buffer(to, pos, buf, len);
}

static long flags_write(struct file *f, struct iov_iter *from, loff_t *pos)
{
	char buf[8] = "";
	size_t len = iov_iter_count(from);

	(void)f, (void)pos;
	if (len > 4) /* Linux's MAX_FLAG_OPT_SIZE */
		return -EINVAL;
	if (copy_from_iter(buf, len, from) != len)
		return -EFAULT;
	if (len && buf[len - 1] == '\n')
		buf[len - 1] = '\0';
	for (unsigned int i = 0; i < ARRAY_SIZE(flags_options); i++) {
		if (!strcmp(buf, flags_options[i])) {
			inj_type = i;
			return (long)len;
		}
	}
	pr_err("flags_write: Invalid flags value: %s\n", buf);
	return -EINVAL;
}

static const struct file_operations flags_fops = {
	.read = flags_read,
	.write = flags_write,
	.llseek = generic_file_llseek,
};

void mce_inject_debugfs_init(void)
{
	static const struct {
		const char *name;
		uint64_t *value;
		const struct debugfs_attr *attr;
	} files[] = {
		{ "status", &i_mce.status, &hex_fops },
		{ "misc", &i_mce.misc, &hex_fops },
		{ "addr", &i_mce.addr, &hex_fops },
		{ "synd", &i_mce.synd, &hex_fops },
		{ "mcgstatus", &i_mce.mcgstatus, &mcgstatus_fops },
		{ "bank", NULL, &bank_fops },
		{ "cpu", &i_mce.cpu, &extcpu_fops },
	};
	struct dentry *dir = debugfs_create_dir("mce-inject", NULL);

	if (!dir) {
		pr_err("mce-inject: cannot make /sys/kernel/debug/mce-inject\n");
		return;
	}
	for (size_t i = 0; i < ARRAY_SIZE(files); i++)
		debugfs_create_attr(files[i].name, 0600, dir, files[i].value, files[i].attr);
	debugfs_create_file("flags", 0600, dir, NULL, &flags_fops);
}
