/*
 * The x87/SSE register state of user programs. The kernel itself is built
 * without SSE (-mno-sse), so it never disturbs these registers: they only
 * need saving and restoring when the CPU switches between processes.
 */
#ifndef KERNEL_FPU_H
#define KERNEL_FPU_H

#include "lib/types.h"

struct fpu_state {
	uint8_t fxsave[512];
} __attribute__((aligned(16)));

void fpu_init(void);
void fpu_init_state(struct fpu_state *s); /* a fresh process's registers */
void fpu_save(struct fpu_state *s);
void fpu_restore(const struct fpu_state *s);

#endif
