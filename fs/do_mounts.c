/*
 * The kernel's own file systems, mounted on the root file system's
 * directories once the root is mounted (fs/init.c: prepare_namespace):
 * /dev as Linux's CONFIG_DEVTMPFS_MOUNT does, and /proc, /sys and
 * /sys/kernel/debug, which Debian's init mounts next. Their types are
 * registered earlier, in kmain.
 */
#include "fs/init.h"
#include "kernel/printk.h"

void mount_kernel_filesystems(void)
{
	static const struct {
		const char *type, *dir;
	} mounts[] = {
		{ "devtmpfs", "/dev" },
		{ "proc", "/proc" },
		{ "sysfs", "/sys" },
		{ "debugfs", "/sys/kernel/debug" }, /* a directory of sysfs */
	};

	for (size_t i = 0; i < ARRAY_SIZE(mounts); i++) {
		int err = init_mount(mounts[i].type, mounts[i].dir, mounts[i].type, 0, NULL);
		if (err)
			pr_err("%s: cannot mount %s (error %d)\n", mounts[i].type, mounts[i].dir, err);
	}
}
