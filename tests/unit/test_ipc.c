/* The System V IPC tables (ipc/util.c) and the credential rules they and
 * the id system calls use (kernel/cred.c), on the host with a fake
 * current task. */
#include <stdlib.h>
#include <string.h>

#include "ipc/util.h"
#include "kernel/cred.h"
#include "kernel/errno.h"
#include "kernel/proc.h"
#include "kernel/syscall.h"
#include "lib/err.h"
#include "mm/buddy.h"
#include "mm/slab.h"
#include "tests/unit/host_kernel.h"
#include "tests/unit/test.h"

static struct proc task;

static void setup(void)
{
	host_memory_init();
	host_memory_give(1, HOST_PAGES);
	kmalloc_init();
	task.cred = get_cred(&init_cred);
	current = &task;
}

/* Act as this user (real, effective and saved ids, and the group). */
static void become(kuid_t uid, kgid_t gid)
{
	struct cred *new = prepare_creds();

	new->uid = new->euid = new->suid = new->fsuid = uid;
	new->gid = new->egid = new->sgid = new->fsgid = gid;
	commit_creds(new);
}

struct object {
	struct kern_ipc_perm perm;
	unsigned long size;
};

static struct kern_ipc_perm *new_object(struct ipc_ids *ids, key_t key, int flag,
					unsigned long size)
{
	struct object *o = kzalloc(sizeof(*o));
	int id = ipc_addid(ids, &o->perm, key, flag);

	if (id < 0) {
		kfree(o);
		return ERR_PTR(id);
	}
	o->size = size;
	return &o->perm;
}

static int big_enough(struct kern_ipc_perm *perm, unsigned long size)
{
	return ((struct object *)perm)->size < size ? -EINVAL : 0;
}

static const struct ipc_ops ops = { .newary = new_object, .more_checks = big_enough };

static void remove_object(struct ipc_ids *ids, int id)
{
	struct kern_ipc_perm *perm = ipc_obtain_object(ids, id);

	ipc_rmid(ids, perm);
	kfree(perm);
}

static void test_ids_carry_a_sequence_number(void)
{
	struct ipc_ids ids = { 0 };

	setup();
	int a = (int)ipcget(&ids, &ops, IPC_PRIVATE, 0600, 1);
	int b = (int)ipcget(&ids, &ops, IPC_PRIVATE, 0600, 1);
	CHECK(a == (0 << IPCMNI_SEQ_SHIFT | 0) && b == (1 << IPCMNI_SEQ_SHIFT | 1));
	remove_object(&ids, a);
	CHECK(ipc_obtain_object(&ids, a) == NULL);
	int c = (int)ipcget(&ids, &ops, IPC_PRIVATE, 0600, 1);
	/* The lowest free slot again, under a new number: a's id is stale. */
	CHECK(c == (2 << IPCMNI_SEQ_SHIFT | 0) && ipc_obtain_object(&ids, a) == NULL);
	CHECK(ipc_obtain_object(&ids, c)->id == c && ids.in_use == 2);
	CHECK(ipc_obtain_object(&ids, -1) == NULL && ipc_obtain_object(&ids, 5) == NULL);
	remove_object(&ids, b);
	remove_object(&ids, c);
	CHECK(ids.in_use == 0 && xa_empty(&ids.by_index));
}

/* What ipcs walks: the highest slot in use, and each slot's object
 * whatever its sequence number. */
static void test_slots_for_ipcs(void)
{
	struct ipc_ids ids = { 0 };

	setup();
	CHECK(ipc_get_maxidx(&ids) == -1);
	int ids_made[70];
	for (int i = 0; i < 70; i++)
		ids_made[i] = (int)ipcget(&ids, &ops, IPC_PRIVATE, 0600, 1);
	CHECK(ipc_get_maxidx(&ids) == 69); /* the second word of the bitmap */
	remove_object(&ids, ids_made[69]);
	remove_object(&ids, ids_made[68]);
	CHECK(ipc_get_maxidx(&ids) == 67);
	CHECK(ipc_obtain_object_idx(&ids, 67)->id == ids_made[67]);
	CHECK(ipc_obtain_object_idx(&ids, 68) == NULL && ipc_obtain_object_idx(&ids, -1) == NULL &&
	      ipc_obtain_object_idx(&ids, IPCMNI) == NULL);
	for (int i = 0; i < 68; i++)
		remove_object(&ids, ids_made[i]);
	CHECK(ipc_get_maxidx(&ids) == -1 && ids.in_use == 0);
}

static void test_keys(void)
{
	struct ipc_ids ids = { 0 };

	setup();
	CHECK(ipcget(&ids, &ops, 42, 0600, 10) == -ENOENT);
	long id = ipcget(&ids, &ops, 42, IPC_CREAT | 0600, 10);
	CHECK(id >= 0 && ipcget(&ids, &ops, 42, 0, 5) == id);
	CHECK(ipcget(&ids, &ops, 42, IPC_CREAT | IPC_EXCL | 0600, 10) == -EEXIST);
	CHECK(ipcget(&ids, &ops, 42, 0, 11) == -EINVAL);
	CHECK(ipcget(&ids, &ops, 43, IPC_CREAT | 0600, 1) != id);
	struct kern_ipc_perm *perm = ipc_obtain_object(&ids, (int)id);
	ipc_set_key_private(&ids, perm);
	CHECK(ipcget(&ids, &ops, 42, 0, 1) == -ENOENT && ipc_obtain_object(&ids, (int)id) == perm);
	remove_object(&ids, (int)id);
	remove_object(&ids, (int)ipcget(&ids, &ops, 43, 0, 1));
	CHECK(xa_empty(&ids.by_key) && xa_empty(&ids.by_index));
}

static void test_table_full(void)
{
	static struct ipc_ids ids;
	int n = 0;

	setup();
	while (ipcget(&ids, &ops, IPC_PRIVATE, 0600, 1) >= 0)
		n++;
	CHECK(n == IPCMNI && ipcget(&ids, &ops, IPC_PRIVATE, 0600, 1) == -ENOSPC);
	unsigned long index = 0;
	for (struct kern_ipc_perm *perm; (perm = ipc_next(&ids, &index)); index++) {
		ipc_rmid(&ids, perm);
		kfree(perm);
	}
	CHECK(ids.in_use == 0);
}

static void test_permissions(void)
{
	struct ipc_ids ids = { 0 };

	setup();
	become(1000, 1000);
	long mine = ipcget(&ids, &ops, IPC_PRIVATE, 0640, 1);
	struct kern_ipc_perm *perm = ipc_obtain_object(&ids, (int)mine);
	CHECK(perm->uid == 1000 && perm->cuid == 1000 && perm->gid == 1000);
	CHECK(ipcperms(perm, 0600) == 0 && ipc_check_owner(perm) == 0);
	become(2000, 1000); /* the group: read only */
	CHECK(ipcperms(perm, 0400) == 0 && ipcperms(perm, 0200) == -EACCES);
	CHECK(ipc_check_owner(perm) == -EPERM);
	become(2000, 2000); /* the others: nothing */
	CHECK(ipcperms(perm, 0400) == -EACCES);
	become(0, 0);
	CHECK(ipcperms(perm, 0600) == 0 && ipc_check_owner(perm) == 0);
	remove_object(&ids, (int)mine);
}

static void test_id_rules(void)
{
	setup();
	CHECK(sys_setresuid(1000, 1000, 0) == 0 && current_cred()->fsuid == 1000);
	CHECK(sys_setreuid((uint64_t)-1, 0) == 0 && sys_geteuid() == 0); /* the saved id */
	CHECK(sys_setuid(1000) == 0); /* root: all three */
	CHECK(sys_setuid(0) == -EPERM && sys_setresuid((uint64_t)-1, 0, (uint64_t)-1) == -EPERM);
	CHECK(sys_setfsuid(0) == 1000 && current_cred()->fsuid == 1000);
	CHECK(!capable(CAP_SYS_ADMIN) && !capable(CAP_DAC_OVERRIDE));
	CHECK(sys_setgroups(0, 0) == -EPERM);
	become(0, 0);
	CHECK(capable(CAP_SYS_ADMIN) && sys_setfsuid(1000) == 0 && !capable(CAP_DAC_OVERRIDE) &&
	      capable(CAP_SYS_ADMIN)); /* the file capabilities follow fsuid */
}

int main(void)
{
	RUN(test_ids_carry_a_sequence_number);
	RUN(test_slots_for_ipcs);
	RUN(test_keys);
	RUN(test_table_full);
	RUN(test_permissions);
	RUN(test_id_rules);
	return finish("ipc");
}
