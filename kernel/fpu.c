#include "kernel/fpu.h"
#include "kernel/x86.h"
#include "lib/string.h"

#define CR0_MP (1UL << 1)
#define CR0_EM (1UL << 2)
#define CR0_TS (1UL << 3)
#define CR4_OSFXSR (1UL << 9)
#define CR4_OSXMMEXCPT (1UL << 10)
#define MXCSR_DEFAULT 0x1f80 /* all SSE exceptions masked, round to nearest */
#define FCW_DEFAULT 0x037f   /* all x87 exceptions masked, 64-bit precision */

static inline void write_cr0(unsigned long v)
{
	__asm__ volatile("mov %0, %%cr0" : : "r"(v) : "memory");
}

/* Let user code use SSE: no emulation, fxsave/fxrstor and SSE exceptions on. */
void fpu_init(void)
{
	write_cr0((read_cr0() & ~(CR0_EM | CR0_TS)) | CR0_MP);
	write_cr4(read_cr4() | CR4_OSFXSR | CR4_OSXMMEXCPT);
	__asm__ volatile("fninit");
}

void fpu_init_state(struct fpu_state *s)
{
	memset(s, 0, sizeof(*s));
	*(uint16_t *)&s->fxsave[0] = FCW_DEFAULT;
	*(uint32_t *)&s->fxsave[24] = MXCSR_DEFAULT;
}

void fpu_save(struct fpu_state *s)
{
	__asm__ volatile("fxsave64 (%0)" : : "r"(s->fxsave) : "memory");
}

void fpu_restore(const struct fpu_state *s)
{
	__asm__ volatile("fxrstor64 (%0)" : : "r"(s->fxsave) : "memory");
}
