/*
 * The time-stamp counter: a 64-bit count of CPU cycles since reset, read
 * with one instruction (rdtsc) and never lost, whatever interrupts are
 * missed. Its rate is written nowhere we can read it (no CPUID leaf 0x15
 * on QEMU's CPU models), so we measure it at boot against a clock whose
 * rate every PC has: channel 2 of the PIT, the PC speaker's channel,
 * which the kernel can start and read without an interrupt (Linux:
 * quick_pit_calibrate in arch/x86/kernel/tsc.c reads it the same way).
 *
 * Under QEMU's TCG the guest's TSC is the host's, at the host's rate, and
 * the emulated PIT counts host time too: calibration measures the rate
 * the guest really sees, and the clock keeps host time when QEMU is too
 * busy to deliver every timer tick (the PIT's jiffies then fall behind).
 */
#include "kernel/tsc.h"
#include "kernel/panic.h"
#include "kernel/printk.h"
#include "kernel/timer.h"
#include "kernel/x86.h"

#define PIT_CH2 0x42
#define PIT_COMMAND 0x43
#define PIT_CH2_ONESHOT 0xb0   /* channel 2, lobyte/hibyte, mode 0: out goes high at 0 */
#define PIT_CH2_LATCH 0x80     /* channel 2: hold the count for reading */
#define PORT_B 0x61            /* system control port B */
#define PORT_B_GATE2 0x01      /* channel 2 counts while this is set */
#define PORT_B_SPEAKER 0x02    /* channel 2's output drives the speaker */
#define PORT_B_OUT2 0x20       /* channel 2's output, read back */
#define CALIBRATE_TICKS 50000    /* 42 ms; the count lasts 55 */
#define CALIBRATE_PRECISION 10000 /* 100 ppm: 9 s a day */
#define CALIBRATE_TRIES 10
#define SAMPLE_READS 8
#define CYC2NS_SHIFT 32

uint64_t tsc_khz;
static uint64_t cyc2ns_mul; /* ns = cycles * cyc2ns_mul >> CYC2NS_SHIFT */
static uint64_t tsc_boot;   /* the TSC when the clock read 0 */

/* A reading of channel 2's count and when it was taken: the middle of
 * the TSC readings around the latch command, and how far apart they were. */
struct pit_sample {
	uint16_t count;
	uint64_t tsc;
	uint64_t width;
};

static struct pit_sample pit_read_once(void)
{
	uint64_t before = rdtsc();
	outb(PIT_COMMAND, PIT_CH2_LATCH); /* the count is taken here */
	uint64_t after = rdtsc();
	uint16_t lo = inb(PIT_CH2);

	return (struct pit_sample){ (uint16_t)(lo | inb(PIT_CH2) << 8), before + (after - before) / 2,
				    after - before };
}

/* The best of a few readings: one of them may be stretched by QEMU's
 * thread losing the host CPU right there. */
static struct pit_sample pit_read(void)
{
	struct pit_sample best = pit_read_once();

	for (int i = 1; i < SAMPLE_READS; i++) {
		struct pit_sample s = pit_read_once();
		if (s.width < best.width)
			best = s;
	}
	return best;
}

/*
 * One measurement: the TSC's rate, from the cycles that pass while
 * channel 2 counts at least CALIBRATE_TICKS of its ticks, down from
 * 0xffff. Only the two readings at the ends need to be quick; whatever
 * delays the loop between them (a loaded host) does not matter, as long
 * as the count has not run out (then it returns 0). *precise says
 * whether the readings were quick enough to trust to 100 ppm.
 */
static uint64_t pit_measure_hz(bool *precise)
{
	outb(PORT_B, (inb(PORT_B) & ~PORT_B_SPEAKER) | PORT_B_GATE2);
	outb(PIT_COMMAND, PIT_CH2_ONESHOT);
	outb(PIT_CH2, 0xff);
	outb(PIT_CH2, 0xff); /* counting starts now, from 0xffff */
	struct pit_sample start = pit_read(), end;
	do
		end = pit_read();
	while (start.count - end.count < CALIBRATE_TICKS && !(inb(PORT_B) & PORT_B_OUT2));
	uint64_t cycles = end.tsc - start.tsc;
	if ((inb(PORT_B) & PORT_B_OUT2) || end.count >= start.count)
		return 0;
	*precise = start.width + end.width <= cycles / CALIBRATE_PRECISION;
	return cycles * PIT_FREQUENCY / (uint64_t)(start.count - end.count);
}

/* Measure until a measurement is precise; if none is, the last one will
 * do, with a warning. */
static uint64_t pit_calibrate(void)
{
	uint64_t hz = 0;

	for (int i = 0; i < CALIBRATE_TRIES; i++) {
		bool precise;
		uint64_t measured = pit_measure_hz(&precise);
		if (measured && precise)
			return measured;
		hz = measured ? measured : hz;
	}
	if (!hz)
		panic("tsc: PIT channel 2 does not count");
	pr_warn("tsc: calibration disturbed: the clock may be off by more than 100 ppm\n");
	return hz;
}

void tsc_init(void)
{
	uint64_t hz = pit_calibrate();

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
