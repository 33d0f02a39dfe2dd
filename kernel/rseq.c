/*
 * Restartable sequences, as Linux 6.1's kernel/rseq.c.
 *
 * A thread registers one struct rseq (sys_rseq). Each time it goes back
 * to user mode after being switched away from or before a signal
 * handler runs, rseq_handle_notify_resume:
 *  1. looks at rseq->rseq_cs, the critical section the thread says it is
 *     in (0: none), and checks it (rseq_get_rseq_cs): the section and its
 *     abort address lie in user space, the abort address is outside the
 *     section, and the 4 bytes before it are the signature the thread
 *     registered - so a forged descriptor cannot send the thread to an
 *     arbitrary address;
 *  2. if the thread's ip is inside the section and it was preempted or
 *     signalled since the last look, moves the ip to the abort address
 *     (rseq_ip_fixup); either way clears rseq_cs, which is only good for
 *     one pass through the section;
 *  3. writes the CPU the thread runs on into cpu_id_start and cpu_id
 *     (Antidote has one CPU: 0).
 * Anything wrong in the thread's rseq memory is its own fault: a SIGSEGV.
 */
#include "kernel/errno.h"
#include "kernel/printk.h"
#include "kernel/proc.h"
#include "kernel/rseq.h"
#include "kernel/signal.h"
#include "kernel/syscall.h"
#include "kernel/uaccess.h"
#include "lib/ratelimit.h"
#include "lib/string.h"

#define RSEQ_FLAG_UNREGISTER 1
#define RSEQ_CPU_ID_UNINITIALIZED ((uint32_t)-1)
#define RSEQ_SIG_SIZE 4
/* The flags a section could once set to say "do not restart me on
 * preemption, signal or migration": deprecated, refused since 6.0. */
#define RSEQ_CS_NO_RESTART_FLAGS 7

/* The ABI (Linux's uapi/linux/rseq.h): the thread's area... */
struct rseq {
	uint32_t cpu_id_start; /* always a valid CPU number */
	uint32_t cpu_id;       /* the same, or RSEQ_CPU_ID_UNINITIALIZED */
	uint64_t rseq_cs;      /* the thread: its current critical section, or 0 */
	uint32_t flags;        /* deprecated: must be 0 */
} __attribute__((aligned(32)));

/* ...and a critical section's descriptor. */
struct rseq_cs {
	uint32_t version; /* 0 */
	uint32_t flags;   /* deprecated: must be 0 */
	uint64_t start_ip;
	uint64_t post_commit_offset; /* the section is [start_ip, start_ip + this) */
	uint64_t abort_ip;           /* preceded by the registered signature */
};

_Static_assert(sizeof(struct rseq) == 32, "struct rseq is 32 bytes, as Linux's");

static uint64_t rseq_field(const struct proc *t, size_t offset)
{
	return t->rseq + offset;
}

/* cpu_id_start is always a CPU (ours: 0); cpu_id is that CPU, or
 * RSEQ_CPU_ID_UNINITIALIZED once unregistered (Linux:
 * rseq_update_cpu_id, rseq_reset_rseq_cpu_id). */
static int rseq_put_cpu_id(struct proc *t, uint32_t cpu_id)
{
	uint32_t cpu[2] = { 0, cpu_id }; /* cpu_id_start, cpu_id */

	return copy_to_user(rseq_field(t, offsetof(struct rseq, cpu_id_start)), cpu,
			    sizeof(cpu));
}

static int clear_rseq_cs(struct proc *t)
{
	uint64_t zero = 0;

	return copy_to_user(rseq_field(t, offsetof(struct rseq, rseq_cs)), &zero, sizeof(zero));
}

/* The descriptor rseq->rseq_cs points to, checked (all zero if none). */
static int rseq_get_rseq_cs(struct proc *t, struct rseq_cs *cs)
{
	static struct ratelimit_state rs =
		RATELIMIT_STATE_INIT(DEFAULT_RATELIMIT_INTERVAL, DEFAULT_RATELIMIT_BURST);
	uint64_t ptr;
	uint32_t sig;

	if (copy_from_user(&ptr, rseq_field(t, offsetof(struct rseq, rseq_cs)), sizeof(ptr)))
		return -EFAULT;
	memset(cs, 0, sizeof(*cs));
	if (!ptr)
		return 0;
	if (ptr >= TASK_SIZE)
		return -EINVAL;
	if (copy_from_user(cs, ptr, sizeof(*cs)))
		return -EFAULT;
	if (cs->start_ip >= TASK_SIZE || cs->start_ip + cs->post_commit_offset >= TASK_SIZE ||
	    cs->abort_ip >= TASK_SIZE || cs->version > 0)
		return -EINVAL;
	if (cs->start_ip + cs->post_commit_offset < cs->start_ip)
		return -EINVAL; /* it wraps around */
	if (cs->abort_ip - cs->start_ip < cs->post_commit_offset)
		return -EINVAL; /* the abort address is inside the section */
	if (copy_from_user(&sig, cs->abort_ip - RSEQ_SIG_SIZE, sizeof(sig)))
		return -EFAULT;
	if (sig != t->rseq_sig) {
		if (__ratelimit(&rs))
			pr_warn("Possible attack attempt. Unexpected rseq signature 0x%x, expecting 0x%x (pid=%d, addr=%p).\n",
				sig, t->rseq_sig, t->pid, (void *)(cs->abort_ip - RSEQ_SIG_SIZE));
		return -EINVAL;
	}
	return 0;
}

/* Flags in either structure are refused; say which once. */
static bool rseq_warn_flags(const char *str, uint32_t flags)
{
	static bool warned_deprecated, warned_unknown;

	if (!flags)
		return false;
	if ((flags & RSEQ_CS_NO_RESTART_FLAGS) && !warned_deprecated) {
		warned_deprecated = true;
		pr_warn("Deprecated flags (%u) in %s ABI structure",
			flags & RSEQ_CS_NO_RESTART_FLAGS, str);
	}
	if ((flags & ~RSEQ_CS_NO_RESTART_FLAGS) && !warned_unknown) {
		warned_unknown = true;
		pr_warn("Unknown flags (%u) in %s ABI structure",
			flags & ~RSEQ_CS_NO_RESTART_FLAGS, str);
	}
	return true;
}

/* 1 if the thread was preempted or signalled since the last fixup (and
 * forget it), 0 if not, or an error. */
static int rseq_need_restart(struct proc *t, uint32_t cs_flags)
{
	uint32_t flags;
	unsigned long event_mask;

	if (rseq_warn_flags("rseq_cs", cs_flags))
		return -EINVAL;
	if (copy_from_user(&flags, rseq_field(t, offsetof(struct rseq, flags)), sizeof(flags)))
		return -EFAULT;
	if (rseq_warn_flags("rseq", flags))
		return -EINVAL;
	event_mask = t->rseq_event_mask; /* the task's own: only it clears it */
	t->rseq_event_mask = 0;
	return event_mask != 0;
}

/* Unsigned: true when start_ip <= ip < start_ip + post_commit_offset. */
static bool in_rseq_cs(uint64_t ip, const struct rseq_cs *cs)
{
	return ip - cs->start_ip < cs->post_commit_offset;
}

static int rseq_ip_fixup(struct proc *t, struct trapframe *tf)
{
	struct rseq_cs cs;
	int ret = rseq_get_rseq_cs(t, &cs);

	if (ret)
		return ret;
	if (!in_rseq_cs(tf->rip, &cs))
		return clear_rseq_cs(t); /* restarting is pointless: forget the section */
	ret = rseq_need_restart(t, cs.flags);
	if (ret <= 0)
		return ret;
	ret = clear_rseq_cs(t);
	if (ret)
		return ret;
	tf->rip = cs.abort_ip;
	return 0;
}

/* Fix up the ip and update the CPU number: 0, or the error that makes
 * the thread's rseq area unusable. */
static int __rseq_handle_notify_resume(struct proc *t, struct trapframe *tf)
{
	int ret;

	t->rseq_notify = false;
	if (!t->rseq || (t->flags & PF_EXITING))
		return 0;
	ret = rseq_ip_fixup(t, tf);
	if (ret)
		return ret;
	return rseq_put_cpu_id(t, 0);
}

void rseq_preempt(struct proc *p)
{
	if (!p->rseq)
		return;
	p->rseq_event_mask |= RSEQ_EVENT_PREEMPT;
	p->rseq_notify = true;
}

bool rseq_signal_deliver(struct trapframe *tf)
{
	if (!current->rseq)
		return true;
	current->rseq_event_mask |= RSEQ_EVENT_SIGNAL;
	return __rseq_handle_notify_resume(current, tf) == 0;
}

void rseq_handle_notify_resume(struct trapframe *tf)
{
	if (__rseq_handle_notify_resume(current, tf))
		force_sigsegv(0);
}

void rseq_execve(struct proc *p)
{
	p->rseq = 0;
	p->rseq_sig = 0;
	p->rseq_event_mask = 0;
}

void rseq_fork(struct proc *p, bool shares_mm)
{
	struct proc *parent = current;

	if (shares_mm) {
		rseq_execve(p); /* its area would be ours: none, as after exec */
		return;
	}
	p->rseq = parent->rseq;
	p->rseq_sig = parent->rseq_sig;
	p->rseq_event_mask = parent->rseq_event_mask;
}

/* A registered area is always a struct rseq: Linux 6.1 keeps no length. */
static long rseq_unregister(uint64_t rseq, uint64_t rseq_len, uint64_t sig)
{
	struct proc *t = current;

	if (!t->rseq || t->rseq != rseq || rseq_len != sizeof(struct rseq))
		return -EINVAL;
	if (sig != t->rseq_sig)
		return -EPERM;
	if (rseq_put_cpu_id(t, RSEQ_CPU_ID_UNINITIALIZED))
		return -EFAULT;
	rseq_execve(t);
	return 0;
}

long sys_rseq(uint64_t rseq, uint64_t rseq_len, uint64_t flags, uint64_t sig)
{
	struct proc *t = current;

	/* Linux's arguments are u32 and int: only their low halves count. */
	rseq_len = (uint32_t)rseq_len;
	flags = (uint32_t)flags;
	sig = (uint32_t)sig;
	if (flags & RSEQ_FLAG_UNREGISTER) {
		if (flags & ~(uint64_t)RSEQ_FLAG_UNREGISTER)
			return -EINVAL;
		return rseq_unregister(rseq, rseq_len, sig);
	}
	if (flags)
		return -EINVAL;
	if (t->rseq) {
		if (t->rseq != rseq || rseq_len != sizeof(struct rseq))
			return -EINVAL;
		if (sig != t->rseq_sig)
			return -EPERM;
		return -EBUSY; /* already registered */
	}
	if (rseq % _Alignof(struct rseq) || rseq_len != sizeof(struct rseq))
		return -EINVAL;
	if (!access_ok(rseq, rseq_len))
		return -EFAULT;
	t->rseq = rseq;
	t->rseq_sig = (uint32_t)sig;
	t->rseq_notify = true; /* cpu_id is set before the thread goes on */
	return 0;
}
