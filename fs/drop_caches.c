/*
 * vm.drop_caches (Linux: fs/drop_caches.c): writing 1 drops the clean
 * page cache, 2 the free slab objects, 3 both; 4 silences the log line
 * each write leaves.
 */
#include "kernel/printk.h"
#include "kernel/proc.h"
#include "kernel/sysctl.h"

int drop_caches_sysctl_handler(const struct ctl_table *table, int write, char *buffer,
			       size_t *lenp, int64_t *ppos)
{
	static int stfu;
	int err = proc_dointvec_minmax(table, write, buffer, lenp, ppos);

	if (err || !write)
		return err;
	/* TODO(page cache): sysctl_drop_caches & 1 drops each super
	 * block's clean pages (invalidate_mapping_pages), once the page
	 * cache exists; the slab allocator keeps no free objects to drop
	 * (its empty slabs go back at once), so 2 has nothing to do. */
	if (!stfu)
		pr_info("%s (%d): drop_caches: %d\n", current->comm, current->pid, sysctl_drop_caches);
	stfu |= sysctl_drop_caches & 4;
	return 0;
}
