/*
 * tmpfs's mount options (Linux: mm/shmem.c's shmem_parse_one): size=,
 * nr_blocks=, nr_inodes=, mode=, uid=, gid=, with memparse's k/m/g/t
 * suffixes and size=N% of RAM, for mount and for remount.
 */
#include "mm/shmem.h"
#include "fs/stat.h"
#include "kernel/errno.h"
#include "kernel/printk.h"
#include "lib/string.h"
#include "mm/buddy.h"
#include "mm/pagemap.h"
/* Parse a number (base 8 or 10) filling s..s+len, with Linux's memparse
 * suffixes k, m, g, t (for sizes) when suffix allows: false if bad. */
static bool parse_number(const char *s, size_t len, unsigned int base, bool suffix,
			 uint64_t *out)
{
	uint64_t v = 0;
	size_t i = 0;

	for (; i < len && s[i] >= '0' && s[i] < '0' + (int)base; i++) {
		if (v > (UINT64_MAX - (uint64_t)(s[i] - '0')) / base)
			return false;
		v = v * base + (uint64_t)(s[i] - '0');
	}
	if (i == 0)
		return false;
	if (suffix && i + 1 == len) {
		static const char units[] = "kmgt";
		const char *u = strchr(units, s[i] | 0x20);
		if (!u || !*u)
			return false;
		unsigned int shift = 10 * (unsigned int)(u - units + 1);
		if (v > UINT64_MAX >> shift)
			return false;
		v <<= shift;
		i++;
	}
	*out = v;
	return i == len;
}

/* Pages for size=: bytes rounded up, or N% of RAM. */
static bool parse_size(const char *s, size_t len, unsigned long *pages)
{
	uint64_t v;

	if (len > 1 && s[len - 1] == '%') {
		if (!parse_number(s, len - 1, 10, false, &v) || v > 1000000)
			return false;
		*pages = (unsigned long)(zone.managed_pages * v / 100);
		return true;
	}
	if (!parse_number(s, len, 10, true, &v) || v > UINT64_MAX - PAGE_SIZE)
		return false;
	*pages = (unsigned long)((v + PAGE_SIZE - 1) >> PAGE_SHIFT);
	return true;
}

/* One "key=value" of the comma-separated options: 0 or -EINVAL, with
 * Linux's message. */
static int shmem_parse_one(const char *opt, size_t len, struct shmem_sb_info *sbi)
{
	size_t klen = 0;

	while (klen < len && opt[klen] != '=')
		klen++;
	const char *eq = klen < len ? opt + klen : NULL;
	const char *val = eq ? eq + 1 : opt + len;
	size_t vlen = len - klen - (eq ? 1 : 0);
	uint64_t v = 0;
	bool ok;

	if (klen == 4 && !memcmp(opt, "size", 4)) {
		ok = parse_size(val, vlen, &sbi->max_blocks);
	} else if (klen == 9 && !memcmp(opt, "nr_blocks", 9)) {
		ok = parse_number(val, vlen, 10, true, &v);
		sbi->max_blocks = (unsigned long)v;
	} else if (klen == 9 && !memcmp(opt, "nr_inodes", 9)) {
		ok = parse_number(val, vlen, 10, true, &v);
		sbi->max_inodes = (unsigned long)v;
	} else if (klen == 4 && !memcmp(opt, "mode", 4)) {
		ok = parse_number(val, vlen, 8, false, &v) && v <= S_IALLUGO;
		sbi->mode = (umode_t)v;
	} else if ((klen == 3 && !memcmp(opt, "uid", 3)) || (klen == 3 && !memcmp(opt, "gid", 3))) {
		ok = parse_number(val, vlen, 10, false, &v) && v <= UINT32_MAX;
		*(opt[0] == 'u' ? &sbi->uid : &sbi->gid) = (uint32_t)v;
	} else {
		pr_err("tmpfs: Unknown parameter '%.*s'\n", (int)klen, opt);
		return -EINVAL;
	}
	if (!ok || !eq) {
		pr_err("tmpfs: Bad value for '%.*s'\n", (int)klen, opt);
		return -EINVAL;
	}
	return 0;
}

int shmem_parse_options(const char *data, struct shmem_sb_info *sbi)
{
	while (data && *data) {
		const char *end = strchr(data, ',');
		size_t len = end ? (size_t)(end - data) : strlen(data);
		int err = len ? shmem_parse_one(data, len, sbi) : 0;
		if (err)
			return err;
		data = end ? end + 1 : NULL;
	}
	return 0;
}
