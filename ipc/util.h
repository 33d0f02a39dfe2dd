/*
 * What System V IPC objects share (Linux: ipc/util.h): an ipc_perm with
 * the key, the owner and the mode, and a table of the objects of one
 * kind (shared memory segments, semaphore sets) in which an id finds
 * its object and a key finds its id, each through an index.
 */
#ifndef IPC_UTIL_H
#define IPC_UTIL_H

#include "kernel/cred.h"
#include "lib/xarray.h"

typedef int32_t key_t;

#define IPC_PRIVATE ((key_t)0)
/* The flags of shmget/semget, above the 9 mode bits. */
#define IPC_CREAT 00001000
#define IPC_EXCL 00002000
#define IPC_NOWAIT 00004000
/* The commands every *ctl has. */
#define IPC_RMID 0
#define IPC_SET 1
#define IPC_STAT 2
#define IPC_INFO 3 /* the limits (shminfo64, seminfo) */
/* A C library's "new layout" flag on the command: x86-64 has only that
 * layout, so it is ignored. */
#define IPC_64 0x0100

#define IPCMNI 4096         /* objects of one kind at most (Linux: 32768) */
#define IPCMNI_SEQ_SHIFT 15 /* id = seq << 15 | index, as Linux's */
#define IPCMNI_SEQ_MAX (1 << (31 - IPCMNI_SEQ_SHIFT))

/* The permission and ownership of one object (Linux: struct
 * kern_ipc_perm). Set at creation; IPC_SET changes uid, gid and mode. */
struct kern_ipc_perm {
	int id;          /* what *get returns: seq << 15 | index */
	key_t key;       /* IPC_PRIVATE (0) after IPC_RMID or for a private one */
	kuid_t uid, cuid; /* owner, creator */
	kgid_t gid, cgid;
	unsigned int mode; /* the 9 permission bits (and, for shm, SHM_DEST...) */
	unsigned short seq;
	bool deleted;    /* IPC_RMID came: it is gone from the table */
};

/* Linux's x86-64 struct ipc64_perm: what IPC_STAT writes and IPC_SET reads. */
struct ipc64_perm {
	int32_t key;
	uint32_t uid, gid, cuid, cgid;
	uint32_t mode;
	uint16_t seq, pad2;
	uint64_t unused1, unused2;
};

/* The objects of one kind. */
struct ipc_ids {
	int in_use;
	unsigned short seq;          /* the next object's sequence number */
	struct xarray by_index;      /* index -> kern_ipc_perm */
	struct xarray by_key;        /* key (not IPC_PRIVATE) -> kern_ipc_perm */
	uint64_t used[IPCMNI / 64];  /* which indexes are taken, for the lowest free one */
};

/* What ipcget needs to know about a kind. */
struct ipc_ops {
	/* Make a new object (its perm is at the start of what it returns):
	 * the object, or an ERR_PTR. params: the *get arguments. */
	struct kern_ipc_perm *(*newary)(struct ipc_ids *ids, key_t key, int flag, unsigned long p);
	/* An existing object's own check of the *get arguments (size, nsems). */
	int (*more_checks)(struct kern_ipc_perm *perm, unsigned long p);
};

/* shmget/semget (Linux: ipcget): the id of the object with this key -
 * made if IPC_CREAT and there is none (EEXIST with IPC_EXCL if there
 * is; ENOENT without IPC_CREAT if there is not); a new one every time
 * for IPC_PRIVATE. EACCES if the caller may not use it as flag's mode
 * bits ask. */
long ipcget(struct ipc_ids *ids, const struct ipc_ops *ops, key_t key, int flag, unsigned long p);
/* Put a new object's perm in the table (owner = creator = current):
 * its id, or -ENOSPC. */
int ipc_addid(struct ipc_ids *ids, struct kern_ipc_perm *perm, key_t key, int mode);
/* The object with this id, or NULL (a stale id whose slot was reused
 * has the wrong seq). */
struct kern_ipc_perm *ipc_obtain_object(struct ipc_ids *ids, int id);
/* Out of the table: the key and the id find it no more (IPC_RMID). */
void ipc_rmid(struct ipc_ids *ids, struct kern_ipc_perm *perm);
/* Only the key finds it no more: a removed segment still attached,
 * which IPC_STAT and shmat by id still find (Linux, SHM_DEST). */
void ipc_set_key_private(struct ipc_ids *ids, struct kern_ipc_perm *perm);
/* May current access the object as flag (S_IRUGO/S_IWUGO bits) asks?
 * 0 or -EACCES (Linux: ipcperms; root passes). */
int ipcperms(const struct kern_ipc_perm *perm, int flag);
/* IPC_RMID and IPC_SET are for the owner, the creator or root
 * (Linux: ipcctl_obtain_check): 0 or -EPERM. */
int ipc_check_owner(const struct kern_ipc_perm *perm);
/* IPC_STAT's and IPC_SET's ipc64_perm. */
void kernel_to_ipc64_perm(const struct kern_ipc_perm *in, struct ipc64_perm *out);
void ipc_update_perm(const struct ipc64_perm *in, struct kern_ipc_perm *out);
/* The first object at index >= *index (for /proc/sysvipc), or NULL. */
struct kern_ipc_perm *ipc_next(struct ipc_ids *ids, unsigned long *index);
/* The object in slot idx, whatever its sequence number (SHM_STAT,
 * SEM_STAT: ipcs walks the slots), or NULL. */
struct kern_ipc_perm *ipc_obtain_object_idx(struct ipc_ids *ids, int idx);
/* The highest slot in use, or -1 if none (what IPC_INFO and *_INFO
 * return, so that ipcs knows how far to walk). */
int ipc_get_maxidx(const struct ipc_ids *ids);

#endif
