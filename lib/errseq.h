/*
 * errseq_t: an error that each observer sees once (Linux: lib/errseq.c).
 *
 * A file's write-back can fail long after write() returned. Linux keeps
 * one errseq_t per address_space: the last error and a counter that
 * moves when a new error is recorded after someone saw the old one. Each
 * open file description remembers the value it last saw (file->f_wb_err);
 * fsync() reports -EIO if the mapping's value moved since, then catches
 * up - so every open file learns of each error once, and a file opened
 * after the error does not hear of it.
 *
 * Layout of the 32 bits: errno in the low 12, a "seen" flag, then the
 * counter in the rest.
 */
#ifndef LIB_ERRSEQ_H
#define LIB_ERRSEQ_H

#include "lib/types.h"

typedef uint32_t errseq_t;

/* Record err (a negative errno) in *eseq; returns the new value. */
errseq_t errseq_set(errseq_t *eseq, int err);
/* The value to start watching from: 0 if an error is recorded that
 * nobody has seen yet (so the next check reports it), else the current
 * value. */
errseq_t errseq_sample(errseq_t *eseq);
/* The error recorded since since, or 0. */
int errseq_check(errseq_t *eseq, errseq_t since);
/* As errseq_check, and move *since up to the current value, marking it
 * seen: the error is reported to this observer once. */
int errseq_check_and_advance(errseq_t *eseq, errseq_t *since);

#endif
