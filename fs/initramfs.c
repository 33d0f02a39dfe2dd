/*
 * The initramfs: a cpio archive that GRUB loads next to the kernel
 * (boot/grub.cfg, `module2 /boot/initramfs.cpio initramfs`), unpacked
 * into rootfs at boot (fs/rootfs.c). The Makefile packs the user
 * programs into it, and the files of `make EXTRA=DIR`. File contents stay
 * where GRUB put them (mm_init reserves that memory).
 */
#include "fs/cpio.h"
#include "fs/rootfs.h"
#include "kernel/multiboot.h"
#include "kernel/printk.h"
#include "lib/string.h"
#include "mm/layout.h"

#define MODULE_NAME "initramfs" /* the words after the path in module2 */

struct unpack_count {
	int files;
	size_t bytes;
};

/* First pass: is the whole archive well formed? (All or nothing: files
 * from a damaged archive may be damaged too.) */
static int count_member(const struct cpio_entry *e, void *arg)
{
	struct unpack_count *c = arg;

	if ((e->mode & CPIO_MODE_TYPE) == CPIO_MODE_REGULAR) {
		c->files++;
		c->bytes += e->size;
	}
	return 0;
}

static int add_member(const struct cpio_entry *e, void *arg)
{
	struct rootfs_member m = { e->name, e->mode, e->data, e->size };
	int err = rootfs_add(arg, &m);

	/* One member that cannot be made is left out; the rest still serves. */
	if (err)
		pr_warn("initramfs: skipping %s: error %d\n", e->name, err);
	return 0;
}

static const struct boot_module *find_module(void)
{
	for (int i = 0; i < boot_info.nr_modules; i++) {
		if (strcmp(boot_info.modules[i].name, MODULE_NAME) == 0)
			return &boot_info.modules[i];
	}
	return NULL;
}

int initramfs_unpack(struct super_block *sb)
{
	const struct boot_module *m = find_module();
	struct unpack_count count = { 0, 0 };

	if (!m) {
		pr_warn("initramfs: no module named '%s' (boot/grub.cfg loads it)\n",
			MODULE_NAME);
		return 0;
	}
	const void *archive = __va(m->start);
	size_t size = m->end - m->start;
	int ret = cpio_for_each(archive, size, count_member, &count);
	if (ret < 0) {
		pr_err("initramfs: malformed cpio archive at %#llx-%#llx (error %d), no files\n",
		       (unsigned long long)m->start, (unsigned long long)m->end, ret);
		return 0;
	}
	cpio_for_each(archive, size, add_member, sb);
	pr_info("initramfs: %d files, %zu KiB\n", count.files, (count.bytes + 1023) / 1024);
	return 0;
}
