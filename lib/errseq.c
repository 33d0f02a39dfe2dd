/*
 * errseq_t (lib/errseq.h), as Linux's lib/errseq.c.
 *
 * The value is errno | SEEN | counter. Recording an error replaces the
 * errno, and bumps the counter only if the old value had been seen:
 * errors that pile up before anyone looks are reported once, as the
 * last of them, but a new error after a report is always a change
 * that every watcher notices.
 *
 * An error is recorded from the disk's completion interrupt while a
 * process may be checking the same value, so every change is one
 * compare-and-exchange, retried if the value moved under it.
 */
#include "lib/errseq.h"
#include "lib/err.h"

#define ERRSEQ_SHIFT 12 /* ilog2(MAX_ERRNO + 1) */
#define ERRSEQ_SEEN (1u << ERRSEQ_SHIFT)
#define ERRSEQ_CTR_INC (1u << (ERRSEQ_SHIFT + 1))

static errseq_t cmpxchg(errseq_t *eseq, errseq_t old, errseq_t new)
{
	return __sync_val_compare_and_swap(eseq, old, new);
}

errseq_t errseq_set(errseq_t *eseq, int err)
{
	errseq_t old = __atomic_load_n(eseq, __ATOMIC_RELAXED);

	/* Linux warns here: not an errno is a caller's bug. */
	if (err == 0 || (unsigned int)-err > MAX_ERRNO)
		return old;
	for (;;) {
		errseq_t new = (old & ~(MAX_ERRNO | ERRSEQ_SEEN)) | (errseq_t)-err;
		errseq_t cur;

		if (old & ERRSEQ_SEEN)
			new += ERRSEQ_CTR_INC;
		if (new == old)
			return new;
		cur = cmpxchg(eseq, old, new);
		if (cur == old || cur == new)
			return new;
		old = cur;
	}
}

errseq_t errseq_sample(errseq_t *eseq)
{
	errseq_t old = __atomic_load_n(eseq, __ATOMIC_RELAXED);

	/* Nobody has seen this error yet: we can be the first. */
	if (!(old & ERRSEQ_SEEN))
		old = 0;
	return old;
}

int errseq_check(errseq_t *eseq, errseq_t since)
{
	errseq_t cur = __atomic_load_n(eseq, __ATOMIC_RELAXED);

	if (cur == since)
		return 0;
	return -(int)(cur & MAX_ERRNO);
}

int errseq_check_and_advance(errseq_t *eseq, errseq_t *since)
{
	/* LAB 6: BEGIN */
	errseq_t old = __atomic_load_n(eseq, __ATOMIC_RELAXED);
	errseq_t new;

	if (old == *since)
		return 0;
	/* Mark it seen, so that the next error moves the counter. If a new
	 * error came in meanwhile the exchange fails, which is fine: that
	 * one is reported next time. */
	new = old | ERRSEQ_SEEN;
	if (new != old)
		cmpxchg(eseq, old, new);
	*since = new;
	return -(int)(new & MAX_ERRNO);
	/* LAB 6: STUB
	(void)eseq, (void)since;
	return 0; // no write-back error is ever reported
	   LAB 6: END */
}
