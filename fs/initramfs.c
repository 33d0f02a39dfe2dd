/*
 * The initramfs table (see fs/initramfs.h). Only regular files are kept:
 * the Makefile packs nothing else, and there are no directories to put
 * anything else in yet.
 */
#include "fs/initramfs.h"
#include "fs/cpio.h"
#include "kernel/multiboot.h"
#include "kernel/printk.h"
#include "lib/string.h"
#include "mm/layout.h"

#define MODULE_NAME "initramfs" /* the words after the path in module2 */

static struct initramfs_file files[INITRAMFS_MAX_FILES];
static int nr_files;

static struct initramfs_file *find_file(const char *name)
{
	for (int i = 0; i < nr_files; i++) {
		if (strcmp(files[i].name, name) == 0)
			return &files[i];
	}
	return NULL;
}

const struct initramfs_file *initramfs_lookup(const char *name)
{
	return find_file(name);
}

/* cpio_for_each callback: add one member to the table. A member the table
 * cannot hold is left out with a warning; the rest is still usable. */
static int add_file(const struct cpio_entry *e, void *arg)
{
	(void)arg;
	if ((e->mode & CPIO_MODE_TYPE) != CPIO_MODE_REGULAR)
		return 0;
	if (e->name_len >= INITRAMFS_NAME_MAX) {
		pr_warn("initramfs: skipping %s: name over %d characters\n", e->name,
			INITRAMFS_NAME_MAX - 1);
		return 0;
	}
	/* A name seen twice: the later file wins, as when Linux unpacks. */
	struct initramfs_file *f = find_file(e->name);
	if (!f) {
		if (nr_files == INITRAMFS_MAX_FILES) {
			pr_warn("initramfs: skipping %s: more than %d files\n", e->name,
				INITRAMFS_MAX_FILES);
			return 0;
		}
		f = &files[nr_files++];
		strlcpy(f->name, e->name, sizeof(f->name));
		f->ino = INITRAMFS_ROOT_INO + nr_files;
	}
	f->data = e->data;
	f->size = e->size;
	f->mode = e->mode;
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

void initramfs_init(void)
{
	const struct boot_module *m = find_module();

	if (!m) {
		pr_warn("initramfs: no module named '%s' (boot/grub.cfg loads it)\n",
			MODULE_NAME);
		return;
	}
	int ret = cpio_for_each(__va(m->start), m->end - m->start, add_file, NULL);
	if (ret < 0) {
		/* All or nothing: files from a damaged archive may be damaged too. */
		nr_files = 0;
		pr_err("initramfs: malformed cpio archive at %#llx-%#llx (error %d), no files\n",
		       (unsigned long long)m->start, (unsigned long long)m->end, ret);
		return;
	}
	size_t total = 0;
	for (int i = 0; i < nr_files; i++)
		total += files[i].size;
	pr_info("initramfs: %d files, %zu KiB\n", nr_files, (total + 1023) / 1024);
}

int initramfs_show(struct seq_file *m)
{
	for (int i = 0; i < nr_files; i++)
		seq_printf(m, "%-20s %zu\n", files[i].name, files[i].size);
	return 0;
}
