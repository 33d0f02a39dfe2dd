/*
 * The 8253/8254 programmable interval timer. Channel 0 counts down from a
 * divisor of its 1.193182 MHz input clock and raises IRQ 0 each time it
 * reaches zero, giving HZ ticks a second: the scheduler's time slices and
 * timer_list timeouts. Each tick also moves the coarse clocks on, charges
 * the tick to the task it interrupted (kernel/cputime.c) and runs any
 * hrtimer the local APIC has not yet run.
 */
#include "kernel/timer.h"
#include "kernel/cputime.h"
#include "kernel/hrtimer.h"
#include "kernel/irq.h"
#include "kernel/printk.h"
#include "kernel/serial.h"
#include "kernel/timekeeping.h"
#include "kernel/trap.h"
#include "kernel/x86.h"

#define PIT_CHANNEL0 0x40
#define PIT_COMMAND 0x43
#define PIT_CH0_RATE_GENERATOR 0x34 /* channel 0, lobyte/hibyte, mode 2 */
#define TIMER_IRQ 0

volatile uint64_t jiffies;
static struct list_head timers = { &timers, &timers }; /* soonest first */

/* Keep the list sorted, so each tick looks only at its head. */
void mod_timer(struct timer_list *timer, uint64_t expires)
{
	bool was_on = irq_save();
	struct list_head *pos;

	if (timer->entry.next)
		list_del(&timer->entry);
	timer->expires = expires;
	for (pos = timers.next; pos != &timers; pos = pos->next)
		if (list_entry(pos, struct timer_list, entry)->expires > expires)
			break;
	list_add_tail(&timer->entry, pos); /* i.e. just before pos */
	irq_restore(was_on);
}

static void run_timers(void)
{
	while (!list_empty(&timers)) {
		struct timer_list *t = list_first_entry(&timers, struct timer_list, entry);
		if (t->expires > jiffies)
			return;
		list_del(&t->entry);
		t->function(t);
	}
}

static void timer_interrupt(void *unused)
{
	(void)unused;
	jiffies++;
	timekeeping_tick();
	update_process_times(from_user(get_irq_regs()));
	run_timers();
	hrtimer_interrupt();
	serial_kick(); /* a busy CPU's output goes out at least every tick */
}

void timer_init(void)
{
	uint16_t divisor = PIT_FREQUENCY / HZ;

	outb(PIT_COMMAND, PIT_CH0_RATE_GENERATOR);
	outb(PIT_CHANNEL0, divisor & 0xff);
	outb(PIT_CHANNEL0, divisor >> 8);
	irq_register(TIMER_IRQ, timer_interrupt, NULL);
	pr_info("timer: PIT at %d Hz\n", HZ);
}
