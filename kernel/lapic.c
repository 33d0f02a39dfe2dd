/*
 * The local APIC: each x86 CPU's own interrupt controller, with a timer
 * that counts down from a programmed value and interrupts once at zero
 * (one-shot mode). hrtimers (kernel/hrtimer.c) program it for the
 * soonest pending timer. The 8259 PICs still deliver the device
 * interrupts and the periodic tick (through the APIC's LINT0, as the
 * firmware set it up); we only add the timer.
 *
 * The timer counts at the APIC's bus clock - 1 GHz on QEMU, anything on
 * real machines - so we measure its rate against the TSC clock at boot.
 * Its registers are memory-mapped at 0xfee00000 (mm/paging.c maps them
 * uncached into the direct map). QEMU's qemu64 CPU has no x2APIC (MSR
 * access) and, under TCG, no TSC-deadline mode, so we use neither.
 */
#include "kernel/lapic.h"
#include "kernel/hrtimer.h"
#include "kernel/printk.h"
#include "kernel/timekeeping.h"
#include "kernel/timer.h"
#include "kernel/x86.h"
#include "mm/layout.h"
#include "mm/paging.h"

#define MSR_IA32_APICBASE 0x1b
#define APICBASE_ENABLE (1UL << 11)
#define APICBASE_ADDR_MASK 0xffffff000UL
#define CPUID_1_EDX_APIC (1U << 9)

/* Register offsets (Intel SDM vol. 3, table 11-1) and their bits. */
#define APIC_TASKPRI 0x80
#define APIC_EOI 0xb0
#define APIC_SPIV 0xf0
#define APIC_SPIV_ENABLE (1U << 8)
#define APIC_LVTT 0x320
#define APIC_LVT_MASKED (1U << 16)
#define APIC_TMICT 0x380 /* initial count: writing it starts the timer */
#define APIC_TMCCT 0x390 /* current count */
#define APIC_TDCR 0x3e0
#define APIC_TDR_DIV_1 0xb

#define CALIBRATE_NS 20000000ULL /* 20 ms */
#define MULT_SHIFT 32
#define READ_MAX_NS 2000 /* 1/10000 of CALIBRATE_NS: 100 ppm */
#define READ_TRIES 100

static volatile uint32_t *lapic; /* NULL: no local APIC */
static uint64_t counts_per_ns;   /* timer counts per ns << MULT_SHIFT */

static uint32_t apic_read(uint32_t reg)
{
	return lapic[reg / 4];
}

static void apic_write(uint32_t reg, uint32_t v)
{
	lapic[reg / 4] = v;
}

static bool lapic_present(void)
{
	uint32_t a, b, c, d;

	cpuid(1, &a, &b, &c, &d);
	if (!(d & CPUID_1_EDX_APIC))
		return false;
	uint64_t base = rdmsr(MSR_IA32_APICBASE);
	return (base & APICBASE_ENABLE) && (base & APICBASE_ADDR_MASK) == APIC_DEFAULT_PHYS_BASE;
}

/* The timer's count and, as closely as we can tell, when it had it: the
 * middle of the clock readings around the register read (an exit to
 * QEMU's device model, or a bus cycle). A read that took long - QEMU's
 * thread lost the host CPU - is tried again, a few times. */
static uint32_t read_count_at(uint64_t *ns)
{
	uint64_t before, after;
	uint32_t count;

	for (int i = 0; i < READ_TRIES; i++) {
		before = ktime_get_ns();
		count = apic_read(APIC_TMCCT);
		after = ktime_get_ns();
		if (after - before < READ_MAX_NS)
			break;
	}
	*ns = before + (after - before) / 2;
	return count;
}

/* Let the timer count down from its maximum for CALIBRATE_NS on the TSC
 * clock; what it counted in that time is its rate. */
static void lapic_calibrate(void)
{
	uint64_t start, now;
	uint32_t start_count, count;

	apic_write(APIC_LVTT, APIC_LVT_MASKED | LOCAL_TIMER_VECTOR);
	apic_write(APIC_TDCR, APIC_TDR_DIV_1);
	apic_write(APIC_TMICT, UINT32_MAX);
	start_count = read_count_at(&start);
	do
		count = read_count_at(&now);
	while (now - start < CALIBRATE_NS);
	apic_write(APIC_TMICT, 0);
	counts_per_ns = ((uint64_t)(start_count - count) << MULT_SHIFT) / (now - start);
}

void lapic_init(void)
{
	if (!lapic_present()) {
		pr_info("lapic: none; hrtimers run from the %d Hz tick\n", HZ);
		return;
	}
	lapic = __va(APIC_DEFAULT_PHYS_BASE);
	apic_write(APIC_TASKPRI, 0); /* accept every interrupt */
	apic_write(APIC_SPIV, APIC_SPIV_ENABLE | SPURIOUS_APIC_VECTOR);
	lapic_calibrate();
	apic_write(APIC_LVTT, LOCAL_TIMER_VECTOR); /* one-shot, unmasked */
	uint64_t khz = (counts_per_ns * 1000000) >> MULT_SHIFT;
	pr_info("lapic: timer at %lu.%03lu MHz, one-shot, for hrtimers\n", khz / 1000, khz % 1000);
}

bool lapic_timer_present(void)
{
	return lapic != NULL;
}

void lapic_timer_set_ns(int64_t delta_ns)
{
	if (!lapic)
		return;
	uint64_t counts = (uint64_t)(((unsigned __int128)(uint64_t)delta_ns * counts_per_ns) >>
				     MULT_SHIFT);
	apic_write(APIC_TMICT, (uint32_t)MIN(MAX(counts, 1), UINT32_MAX)); /* 0 would stop it */
}

void lapic_timer_stop(void)
{
	if (lapic)
		apic_write(APIC_TMICT, 0);
}

void lapic_interrupt(uint64_t vector)
{
	if (vector == SPURIOUS_APIC_VECTOR)
		return; /* not a real interrupt: no EOI (SDM 11.9) */
	apic_write(APIC_EOI, 0);
	hrtimer_interrupt();
}
