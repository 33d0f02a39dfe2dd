/*
 * Credentials and the system calls that read and change them (Linux:
 * kernel/cred.c, the id calls of kernel/sys.c, kernel/groups.c), with
 * Linux's rules: a privileged process (CAP_SETUID/CAP_SETGID, i.e. root)
 * sets any ids; any other may only move among the ids it already has,
 * else EPERM. An id argument of -1 leaves that id as it is.
 */
#include "kernel/cred.h"
#include "kernel/errno.h"
#include "kernel/proc.h"
#include "kernel/syscall.h"
#include "kernel/uaccess.h"
#include "lib/string.h"
#include "mm/slab.h"

struct cred init_cred = { .usage = 1 };

/* The capabilities that Linux drops when fsuid leaves 0 and gives back
 * when it returns (cap_emulate_setxuid, CAP_FS_MASK). */
#define CAP_FS_MASK ((1U << CAP_CHOWN) | (1U << CAP_DAC_OVERRIDE) | \
		     (1U << CAP_DAC_READ_SEARCH) | (1U << CAP_FOWNER) | (1U << CAP_FSETID))
#define NO_CHANGE ((uint32_t)-1)

/* Before the first task (boot), the kernel acts as root. */
const struct cred *current_cred(void)
{
	return current ? current->cred : &init_cred;
}

bool capable(int cap)
{
	const struct cred *cred = current_cred();

	if (CAP_FS_MASK & (1U << cap))
		return cred->fsuid == GLOBAL_ROOT_UID;
	return cred->euid == GLOBAL_ROOT_UID;
}

const struct cred *get_cred(const struct cred *cred)
{
	((struct cred *)cred)->usage++;
	return cred;
}

void put_cred(const struct cred *cred)
{
	struct cred *c = (struct cred *)cred;

	if (c && --c->usage == 0)
		kfree(c);
}

struct cred *prepare_creds(void)
{
	struct cred *new = kmalloc(sizeof(*new));

	if (!new)
		return NULL;
	*new = *current_cred();
	new->usage = 1;
	return new;
}

void commit_creds(struct cred *new)
{
	const struct cred *old = current->cred;

	current->cred = new;
	put_cred(old);
}

const struct cred *override_creds(struct cred *new)
{
	const struct cred *old = current->cred;

	current->cred = new;
	return old;
}

void revert_creds(const struct cred *old)
{
	const struct cred *override = current->cred;

	current->cred = old;
	put_cred(override);
}

bool ptrace_may_access(const struct proc *task)
{
	const struct cred *me = current_cred(), *it = task->cred;

	if (task->tgid == current->tgid || capable(CAP_SYS_PTRACE))
		return true;
	return me->fsuid == it->uid && me->fsuid == it->euid && me->fsuid == it->suid &&
	       me->fsgid == it->gid && me->fsgid == it->egid && me->fsgid == it->sgid;
}

bool kill_ok_by_cred(const struct proc *task)
{
	const struct cred *me = current_cred(), *it = task->cred;

	return me->euid == it->suid || me->euid == it->uid || me->uid == it->suid ||
	       me->uid == it->uid || capable(CAP_KILL);
}

bool in_group_p(kgid_t gid)
{
	const struct cred *cred = current_cred();

	if (gid == cred->fsgid)
		return true;
	for (int i = 0; i < cred->ngroups; i++)
		if (cred->groups[i] == gid)
			return true;
	return false;
}

/* -- reading ---------------------------------------------------------- */

long sys_getuid(void) { return current_cred()->uid; }
long sys_geteuid(void) { return current_cred()->euid; }
long sys_getgid(void) { return current_cred()->gid; }
long sys_getegid(void) { return current_cred()->egid; }

static long put_three(uint64_t a, uint64_t b, uint64_t c, uint32_t x, uint32_t y, uint32_t z)
{
	if (copy_to_user(a, &x, sizeof(x)) || copy_to_user(b, &y, sizeof(y)) ||
	    copy_to_user(c, &z, sizeof(z)))
		return -EFAULT;
	return 0;
}

long sys_getresuid(uint64_t ruid, uint64_t euid, uint64_t suid)
{
	const struct cred *c = current_cred();

	return put_three(ruid, euid, suid, c->uid, c->euid, c->suid);
}

long sys_getresgid(uint64_t rgid, uint64_t egid, uint64_t sgid)
{
	const struct cred *c = current_cred();

	return put_three(rgid, egid, sgid, c->gid, c->egid, c->sgid);
}

/* -- changing: the user and the group ids follow the same rules ------- */

/* The four ids of one kind in a cred: user or group. */
struct ids {
	uint32_t *real, *eff, *saved, *fs;
};

static struct ids user_ids(struct cred *c)
{
	return (struct ids){ &c->uid, &c->euid, &c->suid, &c->fsuid };
}

static struct ids group_ids(struct cred *c)
{
	return (struct ids){ &c->gid, &c->egid, &c->sgid, &c->fsgid };
}

/* Swap in a cred whose ids of this kind are (r, e, s), -1 keeping one;
 * fsuid follows the effective id. The caller checked the rules. */
static long commit_ids(struct ids (*kind)(struct cred *), uint32_t r, uint32_t e, uint32_t s)
{
	struct cred *new = prepare_creds();

	if (!new)
		return -ENOMEM;
	struct ids ids = kind(new);
	if (r != NO_CHANGE)
		*ids.real = r;
	if (e != NO_CHANGE)
		*ids.eff = e;
	if (s != NO_CHANGE)
		*ids.saved = s;
	*ids.fs = *ids.eff;
	commit_creds(new);
	return 0;
}

/* The ids of this kind that current has now (read-only). */
static struct ids current_ids(struct ids (*kind)(struct cred *))
{
	return kind((struct cred *)current_cred());
}

static bool has_id(struct ids now, uint32_t id)
{
	return id == *now.real || id == *now.eff || id == *now.saved;
}

/* setresuid: an unprivileged caller may only pick ids it has now (Linux:
 * __sys_setresuid). */
static long set_res(struct ids (*kind)(struct cred *), int cap, uint32_t r, uint32_t e,
		    uint32_t s)
{
	struct ids now = current_ids(kind);

	if (!capable(cap) && ((r != NO_CHANGE && !has_id(now, r)) ||
			      (e != NO_CHANGE && !has_id(now, e)) ||
			      (s != NO_CHANGE && !has_id(now, s))))
		return -EPERM;
	return commit_ids(kind, r, e, s);
}

long sys_setresuid(uint64_t r, uint64_t e, uint64_t s)
{
	return set_res(user_ids, CAP_SETUID, (uint32_t)r, (uint32_t)e, (uint32_t)s);
}

long sys_setresgid(uint64_t r, uint64_t e, uint64_t s)
{
	return set_res(group_ids, CAP_SETGID, (uint32_t)r, (uint32_t)e, (uint32_t)s);
}

/* setuid: privileged, all three ids; otherwise the effective one only,
 * to the real or the saved id. */
static long set_one(struct ids (*kind)(struct cred *), int cap, uint32_t id)
{
	struct ids now = current_ids(kind);

	if (id == NO_CHANGE)
		return -EINVAL;
	if (capable(cap))
		return commit_ids(kind, id, id, id);
	if (id != *now.real && id != *now.saved)
		return -EPERM;
	return commit_ids(kind, NO_CHANGE, id, NO_CHANGE);
}

long sys_setuid(uint64_t uid)
{
	return set_one(user_ids, CAP_SETUID, (uint32_t)uid);
}

long sys_setgid(uint64_t gid)
{
	return set_one(group_ids, CAP_SETGID, (uint32_t)gid);
}

/* setreuid: the real id may become the effective one; the effective id
 * any of the three; the saved id becomes the new effective one whenever
 * the real id is set or the effective one leaves the real one. */
static long set_re(struct ids (*kind)(struct cred *), int cap, uint32_t r, uint32_t e)
{
	struct ids now = current_ids(kind);
	bool priv = capable(cap);

	if (r != NO_CHANGE && !priv && r != *now.real && r != *now.eff)
		return -EPERM;
	if (e != NO_CHANGE && !priv && !has_id(now, e))
		return -EPERM;
	uint32_t new_eff = e != NO_CHANGE ? e : *now.eff;
	bool saved = r != NO_CHANGE || (e != NO_CHANGE && e != *now.real);
	return commit_ids(kind, r, e, saved ? new_eff : NO_CHANGE);
}

long sys_setreuid(uint64_t r, uint64_t e)
{
	return set_re(user_ids, CAP_SETUID, (uint32_t)r, (uint32_t)e);
}

long sys_setregid(uint64_t r, uint64_t e)
{
	return set_re(group_ids, CAP_SETGID, (uint32_t)r, (uint32_t)e);
}

/* setfsuid returns the old fsuid whether or not it changed it (Linux). */
static long set_fs(struct ids (*kind)(struct cred *), int cap, uint32_t id)
{
	struct ids now = current_ids(kind);
	uint32_t old = *now.fs;

	if (!has_id(now, id) && id != old && !capable(cap))
		return old;
	struct cred *new = prepare_creds();
	if (!new)
		return old;
	*kind(new).fs = id;
	commit_creds(new);
	return old;
}

long sys_setfsuid(uint64_t uid)
{
	return set_fs(user_ids, CAP_SETUID, (uint32_t)uid);
}

long sys_setfsgid(uint64_t gid)
{
	return set_fs(group_ids, CAP_SETGID, (uint32_t)gid);
}

/* -- supplementary groups --------------------------------------------- */

long sys_getgroups(uint64_t size, uint64_t list)
{
	const struct cred *c = current_cred();

	if ((int)size < 0)
		return -EINVAL;
	if (!size)
		return c->ngroups;
	if ((int)size < c->ngroups)
		return -EINVAL;
	if (copy_to_user(list, c->groups, c->ngroups * sizeof(kgid_t)))
		return -EFAULT;
	return c->ngroups;
}

static void sort_groups(kgid_t *g, int n)
{
	for (int i = 1; i < n; i++)
		for (int j = i; j > 0 && g[j - 1] > g[j]; j--) {
			kgid_t t = g[j];
			g[j] = g[j - 1];
			g[j - 1] = t;
		}
}

long sys_setgroups(uint64_t size, uint64_t list)
{
	if (!capable(CAP_SETGID))
		return -EPERM;
	if (size > NGROUPS_MAX)
		return -EINVAL;
	struct cred *new = prepare_creds();
	if (!new)
		return -ENOMEM;
	if (copy_from_user(new->groups, list, size * sizeof(kgid_t))) {
		put_cred(new);
		return -EFAULT;
	}
	new->ngroups = (int)size;
	sort_groups(new->groups, new->ngroups);
	commit_creds(new);
	return 0;
}
