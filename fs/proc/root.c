/*
 * The "proc" file system (Linux: fs/proc/root.c, fs/proc/self.c and the
 * small reports of fs/proc): one super block for every mount, a root
 * directory that is a table of fixed entries followed by one directory
 * per process, found by pid when a path names it (fs/proc/base.c).
 */
#include "fs/proc/internal.h"
#include "fs/internal.h"
#include "fs/locks.h"
#include "fs/stat.h"
#include "ipc/ipc.h"
#include "kernel/errno.h"
#include "kernel/printk.h"
#include "kernel/proc.h"
#include "kernel/timekeeping.h"
#include "lib/err.h"
#include "lib/format.h"
#include "lib/string.h"
#include "mm/show_mem.h"
#include "mm/swapfile.h"

#define FIRST_PROCESS_ENTRY 256 /* readdir offsets of processes: this + pid */

/* /proc/uptime: seconds since boot and seconds the CPU was idle. */
static int uptime_show(struct seq_file *m)
{
	uint64_t up = ktime_get_boottime_ns() / 10000000, idle = sched_idle_ns() / 10000000;

	seq_printf(m, "%lu.%02lu %lu.%02lu\n", (unsigned long)(up / 100), (unsigned long)(up % 100),
		   (unsigned long)(idle / 100), (unsigned long)(idle % 100));
	return 0;
}

/* /proc/version: Linux's "%s version %s (%s@%s) (%s) %s" banner. */
static int version_show(struct seq_file *m)
{
	seq_puts(m, "Antidote version 0.1 (root@antidote) (gcc version " __VERSION__ ") #1\n");
	return 0;
}

/* /proc/self: a symbolic link to the reader's own /proc/PID. */
static int proc_self_get_link(struct inode *inode, char *buf, int buflen)
{
	char pid[16];
	int n = snprintf(pid, sizeof(pid), "%d", current->tgid);

	(void)inode;
	if (n > buflen)
		return -ENAMETOOLONG;
	memcpy(buf, pid, (size_t)n);
	return n;
}

static const struct inode_operations proc_self_inode_operations = {
	.get_link = proc_self_get_link,
};

#define REPORT(name, show) { name, S_IFREG | 0444, &proc_single_fops, NULL, show }

/* /proc/sysvipc: the System V IPC objects (Linux's msg queues are not
 * kept, so there is no "msg"). */
static const struct proc_entry sysvipc_entries[] = {
	REPORT("sem", sysvipc_sem_show),
	REPORT("shm", sysvipc_shm_show),
};

static struct dentry *sysvipc_lookup(struct inode *dir, struct dentry *dentry, unsigned int flags)
{
	(void)flags;
	return proc_table_lookup(dir, dentry, sysvipc_entries, ARRAY_SIZE(sysvipc_entries), 0);
}

static int sysvipc_readdir(struct file *f, struct dir_context *ctx)
{
	proc_table_readdir(f, ctx, sysvipc_entries, ARRAY_SIZE(sysvipc_entries));
	return 0;
}

static const struct inode_operations proc_sysvipc_inode_operations = {
	.lookup = sysvipc_lookup,
};

static const struct file_operations proc_sysvipc_operations = {
	.iterate_shared = sysvipc_readdir,
	.llseek = no_end_llseek,
};

static const struct proc_entry proc_root_entries[] = {
	REPORT("buddyinfo", buddyinfo_show),
	REPORT("filesystems", filesystems_show),
	{ "kpagecount", S_IFREG | 0400, &proc_kpagecount_operations, NULL, NULL },
	{ "kpageflags", S_IFREG | 0400, &proc_kpageflags_operations, NULL, NULL },
	REPORT("loadavg", loadavg_show),
	REPORT("locks", locks_show),
	REPORT("meminfo", meminfo_show),
	REPORT("mounts", mounts_show),
	{ "self", S_IFLNK | 0777, NULL, &proc_self_inode_operations, NULL },
	REPORT("stat", stat_show),
	REPORT("swaps", swaps_show),
	{ "sys", S_IFDIR | 0555, &proc_sys_dir_operations, &proc_sys_dir_inode_operations, NULL },
	{ "sysvipc", S_IFDIR | 0555, &proc_sysvipc_operations, &proc_sysvipc_inode_operations, NULL },
	REPORT("uptime", uptime_show),
	REPORT("version", version_show),
	REPORT("vmstat", vmstat_show),
};

int proc_name_to_pid(const struct qstr *name)
{
	int pid = 0;

	if (!name->len || name->len > 5 || name->name[0] == '0')
		return -1;
	for (unsigned int i = 0; i < name->len; i++) {
		if (name->name[i] < '0' || name->name[i] > '9')
			return -1;
		pid = pid * 10 + (name->name[i] - '0');
	}
	return pid < PID_MAX ? pid : -1;
}

static const struct proc_entry proc_pid_dir = {
	"", S_IFDIR | 0555, &proc_tgid_base_operations, &proc_tgid_base_inode_operations, NULL,
};

/* A process's directory exists while the process does. A thread's tid
 * names a directory too, as in Linux, though readdir lists only
 * processes. Nothing negative is cached: a pid missing now may be used
 * later. */
static struct dentry *proc_root_lookup(struct inode *dir, struct dentry *dentry, unsigned int flags)
{
	(void)flags;
	int pid = proc_name_to_pid(&dentry->d_name);
	if (pid < 0)
		return proc_table_lookup(dir, dentry, proc_root_entries, ARRAY_SIZE(proc_root_entries), 0);
	struct proc *p = find_task_by_pid(pid);
	if (!p || p->state == EMBRYO)
		return ERR_PTR(-ENOENT);
	struct inode *inode = proc_get_inode(dir->i_sb, &proc_pid_dir, pid);
	if (!inode)
		return ERR_PTR(-ENOMEM);
	d_add(dentry, inode);
	return NULL;
}

/* The fixed entries, then every process in pid order. */
static int proc_root_readdir(struct file *f, struct dir_context *ctx)
{
	char name[16];

	if (ctx->pos < FIRST_PROCESS_ENTRY) {
		if (!proc_table_readdir(f, ctx, proc_root_entries, ARRAY_SIZE(proc_root_entries)))
			return 0;
		ctx->pos = FIRST_PROCESS_ENTRY;
	}
	for (struct proc *p = next_tgid((int)(ctx->pos - FIRST_PROCESS_ENTRY));
	     p; p = next_tgid(p->tgid + 1)) {
		int n = snprintf(name, sizeof(name), "%d", p->tgid);
		loff_t next = FIRST_PROCESS_ENTRY + p->tgid + 1;
		if (!ctx->actor(ctx, name, n, next, 1, DT_DIR))
			return 0;
		ctx->pos = next;
	}
	return 0;
}

static const struct inode_operations proc_root_inode_operations = {
	.lookup = proc_root_lookup,
};

static const struct file_operations proc_root_operations = {
	.iterate_shared = proc_root_readdir,
	.llseek = no_end_llseek,
};

static struct super_block *proc_sb;

static int proc_fill_super(struct super_block *sb, void *data, int silent)
{
	(void)data, (void)silent;
	sb->s_magic = PROC_SUPER_MAGIC;
	sb->s_op = &proc_sops;
	struct inode *root = proc_get_inode(sb, NULL, 0);
	if (!root)
		return -ENOMEM;
	root->i_mode = S_IFDIR | 0555;
	root->i_op = &proc_root_inode_operations;
	root->i_fop = &proc_root_operations;
	set_nlink(root, 2);
	sb->s_root = d_make_root(root);
	if (!sb->s_root)
		return -ENOMEM;
	proc_sb = sb;
	return 0;
}

static struct dentry *proc_mount(struct file_system_type *type, unsigned int flags,
				 const char *dev_name, void *data)
{
	(void)dev_name;
	return mount_single(type, flags, data, proc_fill_super);
}

static void proc_kill_sb(struct super_block *sb)
{
	proc_sb = NULL;
	kill_anon_super(sb);
}

static struct file_system_type proc_fs_type = {
	.name = "proc",
	.mount = proc_mount,
	.kill_sb = proc_kill_sb,
};

/* Unhash d so that its last reference frees it. */
static void drop_dentry(struct dentry *d)
{
	dget(d);
	d_drop(d);
	dput(d);
}

static struct dentry *lookup_pid(struct dentry *dir, int pid)
{
	char name[16];
	struct qstr q = { name, (unsigned int)snprintf(name, sizeof(name), "%d", pid), 0 };

	return d_lookup(dir, &q);
}

/* dir's entry for pid goes, and the files looked up in it; the ones
 * still open go at their last close. */
static void flush_pid_entry(struct dentry *dir, int pid)
{
	struct dentry *d = lookup_pid(dir, pid);

	if (!d)
		return;
	for (struct list_head *e = d->d_subdirs.next; e != &d->d_subdirs;) {
		struct dentry *child = list_entry(e, struct dentry, d_child);
		e = e->next;
		drop_dentry(child);
	}
	d_drop(d);
	dput(d);
}

/* dir's task/ forgets pid's directory. */
static void flush_task_entry(struct dentry *dir, int pid)
{
	static const struct qstr task = { "task", 4, 0 };
	struct dentry *task_dir = dir ? d_lookup(dir, &task) : NULL;

	if (task_dir) {
		flush_pid_entry(task_dir, pid);
		dput(task_dir);
	}
	if (dir)
		dput(dir);
}

/* The thread's directory in task/ first - of its process, and of each
 * thread's own /proc/TID, where a path may have named it too - then
 * /proc/PID (a process goes after all of its threads). */
void proc_flush_pid(const struct proc *p)
{
	if (!proc_sb)
		return;
	for (const struct proc *t = p->signal ? first_thread(p) : NULL; t; t = next_thread(t))
		flush_task_entry(lookup_pid(proc_sb->s_root, t->pid), p->pid);
	flush_pid_entry(proc_sb->s_root, p->pid);
}

void proc_root_init(void)
{
	if (register_filesystem(&proc_fs_type))
		pr_err("proc: cannot register the file system\n");
}
