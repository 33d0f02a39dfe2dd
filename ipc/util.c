/*
 * The System V IPC tables (Linux: ipc/util.c). An id is the object's
 * index in its table with a sequence number above it, so that an id
 * kept after IPC_RMID does not name the next object to take the slot.
 * Keys are found through an index of their own, not a scan.
 */
#include "ipc/util.h"
#include "kernel/errno.h"
#include "kernel/proc.h"
#include "lib/err.h"

#define S_IRWXUGO 0777

static int lowest_free_index(const struct ipc_ids *ids)
{
	for (int w = 0; w < IPCMNI / 64; w++)
		if (ids->used[w] != ~0ULL)
			return w * 64 + __builtin_ctzll(~ids->used[w]);
	return -1;
}

int ipc_addid(struct ipc_ids *ids, struct kern_ipc_perm *perm, key_t key, int mode)
{
	const struct cred *cred = current_cred();
	int idx = lowest_free_index(ids);

	if (idx < 0)
		return -ENOSPC;
	perm->key = key;
	perm->mode = (unsigned int)mode & S_IRWXUGO;
	perm->uid = perm->cuid = cred->euid;
	perm->gid = perm->cgid = cred->egid;
	perm->deleted = false;
	perm->seq = ids->seq;
	ids->seq = (unsigned short)((ids->seq + 1) % IPCMNI_SEQ_MAX);
	perm->id = (perm->seq << IPCMNI_SEQ_SHIFT) | idx;
	if (xa_store(&ids->by_index, (unsigned long)idx, perm))
		return -ENOMEM;
	if (key != IPC_PRIVATE && xa_store(&ids->by_key, (uint32_t)key, perm)) {
		xa_erase(&ids->by_index, (unsigned long)idx);
		return -ENOMEM;
	}
	ids->used[idx / 64] |= 1ULL << (idx % 64);
	ids->in_use++;
	return perm->id;
}

struct kern_ipc_perm *ipc_obtain_object(struct ipc_ids *ids, int id)
{
	if (id < 0)
		return NULL;
	struct kern_ipc_perm *perm = xa_load(&ids->by_index, (unsigned long)(id & (IPCMNI - 1)));
	if (!perm || perm->id != id)
		return NULL; /* also an index beyond IPCMNI in the id's low bits */
	return perm;
}

void ipc_set_key_private(struct ipc_ids *ids, struct kern_ipc_perm *perm)
{
	if (perm->key != IPC_PRIVATE)
		xa_erase(&ids->by_key, (uint32_t)perm->key);
	perm->key = IPC_PRIVATE;
}

void ipc_rmid(struct ipc_ids *ids, struct kern_ipc_perm *perm)
{
	int idx = perm->id & (IPCMNI - 1);

	ipc_set_key_private(ids, perm);
	xa_erase(&ids->by_index, (unsigned long)idx);
	ids->used[idx / 64] &= ~(1ULL << (idx % 64));
	ids->in_use--;
	perm->deleted = true;
}

/* The owner's bits if we are the owner or the creator, else the group's
 * if we are in either group, else the others' (Linux: ipcperms). */
int ipcperms(const struct kern_ipc_perm *perm, int flag)
{
	const struct cred *cred = current_cred();
	unsigned int granted = perm->mode;
	/* Any of the owner's, group's or others' bits in flag asks for it. */
	unsigned int requested = ((unsigned int)flag >> 6) | ((unsigned int)flag >> 3) | (unsigned int)flag;

	if (cred->euid == perm->cuid || cred->euid == perm->uid)
		granted >>= 6;
	else if (in_group_p(perm->cgid) || in_group_p(perm->gid))
		granted >>= 3;
	if ((requested & ~granted & 7) && !capable(CAP_IPC_OWNER))
		return -EACCES;
	return 0;
}

int ipc_check_owner(const struct kern_ipc_perm *perm)
{
	kuid_t euid = current_cred()->euid;

	if (euid == perm->cuid || euid == perm->uid || capable(CAP_SYS_ADMIN))
		return 0;
	return -EPERM;
}

void kernel_to_ipc64_perm(const struct kern_ipc_perm *in, struct ipc64_perm *out)
{
	*out = (struct ipc64_perm){ .key = in->key, .uid = in->uid, .gid = in->gid,
				    .cuid = in->cuid, .cgid = in->cgid, .mode = in->mode,
				    .seq = in->seq };
}

void ipc_update_perm(const struct ipc64_perm *in, struct kern_ipc_perm *out)
{
	out->uid = in->uid;
	out->gid = in->gid;
	out->mode = (out->mode & ~S_IRWXUGO) | (in->mode & S_IRWXUGO);
}

struct kern_ipc_perm *ipc_next(struct ipc_ids *ids, unsigned long *index)
{
	return xa_find(&ids->by_index, index, IPCMNI - 1, XA_PRESENT);
}

struct kern_ipc_perm *ipc_obtain_object_idx(struct ipc_ids *ids, int idx)
{
	if (idx < 0 || idx >= IPCMNI)
		return NULL;
	return xa_load(&ids->by_index, (unsigned long)idx);
}

int ipc_get_maxidx(const struct ipc_ids *ids)
{
	for (int w = IPCMNI / 64 - 1; w >= 0; w--)
		if (ids->used[w])
			return w * 64 + 63 - __builtin_clzll(ids->used[w]);
	return -1;
}

long ipcget(struct ipc_ids *ids, const struct ipc_ops *ops, key_t key, int flag, unsigned long p)
{
	struct kern_ipc_perm *perm = key == IPC_PRIVATE ? NULL :
				     xa_load(&ids->by_key, (uint32_t)key);

	if (!perm) {
		if (key != IPC_PRIVATE && !(flag & IPC_CREAT))
			return -ENOENT;
		perm = ops->newary(ids, key, flag, p);
		return IS_ERR(perm) ? PTR_ERR(perm) : perm->id;
	}
	if ((flag & IPC_CREAT) && (flag & IPC_EXCL))
		return -EEXIST;
	int err = ops->more_checks ? ops->more_checks(perm, p) : 0;
	if (!err)
		err = ipcperms(perm, flag);
	return err ? err : perm->id;
}
