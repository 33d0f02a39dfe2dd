/*
 * The time-stamp counter: a 64-bit count of CPU cycles since reset, read
 * with one instruction (rdtsc) and never lost, whatever interrupts are
 * missed. Its rate is written nowhere we can read it (no CPUID leaf 0x15
 * on QEMU's CPU models), so we measure it at boot against a clock whose
 * rate every PC has: channel 2 of the PIT, the PC speaker's channel,
 * which the kernel can start and poll without an interrupt (Linux:
 * pit_calibrate_tsc in arch/x86/kernel/tsc.c).
 *
 * Under QEMU's TCG the guest's TSC is the host's, at the host's rate, and
 * the emulated PIT counts host time too: calibration measures the rate
 * the guest really sees, and the clock keeps host time when QEMU is too
 * busy to deliver every timer tick (the PIT's jiffies then fall behind).
 */
#include "kernel/tsc.h"
#include "kernel/printk.h"
#include "kernel/timer.h"
#include "kernel/x86.h"

#define PIT_CH2 0x42
#define PIT_COMMAND 0x43
#define PIT_CH2_ONESHOT 0xb0   /* channel 2, lobyte/hibyte, mode 0: out goes high at 0 */
#define PORT_B 0x61            /* system control port B */
#define PORT_B_GATE2 0x01      /* channel 2 counts while this is set */
#define PORT_B_SPEAKER 0x02    /* channel 2's output drives the speaker */
#define PORT_B_OUT2 0x20       /* channel 2's output, read back */
#define CALIBRATE_MS 50
#define CALIBRATE_LATCH (PIT_FREQUENCY / (1000 / CALIBRATE_MS))
#define CYC2NS_SHIFT 32

uint64_t tsc_khz;
static uint64_t cyc2ns_mul; /* ns = cycles * cyc2ns_mul >> CYC2NS_SHIFT */
static uint64_t tsc_boot;   /* the TSC when the clock read 0 */

/*
 * Count TSC cycles while the PIT counts CALIBRATE_LATCH of its ticks.
 * The TSC is read inside the polling loop, before each look at the
 * output, so the last value read is at most one loop iteration early,
 * and no code runs for the first time between the event and its reading
 * (under TCG that would add the time to translate it).
 */
static uint64_t pit_calibrate_cycles(void)
{
	uint64_t start, now;

	outb(PORT_B, (inb(PORT_B) & ~PORT_B_SPEAKER) | PORT_B_GATE2);
	outb(PIT_COMMAND, PIT_CH2_ONESHOT);
	outb(PIT_CH2, CALIBRATE_LATCH & 0xff);
	start = rdtsc();
	outb(PIT_CH2, CALIBRATE_LATCH >> 8); /* counting starts with the high byte */
	do
		now = rdtsc();
	while (!(inb(PORT_B) & PORT_B_OUT2));
	return now - start;
}

void tsc_init(void)
{
	uint64_t cycles = pit_calibrate_cycles();
	uint64_t hz = cycles * PIT_FREQUENCY / CALIBRATE_LATCH;

	tsc_khz = hz / 1000;
	cyc2ns_mul = (NSEC_PER_SEC << CYC2NS_SHIFT) / hz;
	tsc_boot = rdtsc();
	pr_info("tsc: Detected %lu.%03lu MHz processor\n", tsc_khz / 1000, tsc_khz % 1000);
}

/* Linux's cycles_2_ns: a 64x64-bit multiply into 128 bits cannot
 * overflow for any cycle count a machine reaches. */
static uint64_t cycles_2_ns(uint64_t cycles)
{
	return (uint64_t)(((unsigned __int128)cycles * cyc2ns_mul) >> CYC2NS_SHIFT);
}

uint64_t tsc_read_ns(void)
{
	return cycles_2_ns(rdtsc() - tsc_boot);
}
