/*
 * The log ring: LOG_DESC_COUNT record descriptors (the info and where the
 * text starts), indexed by seq modulo their number, and LOG_BUF_SIZE
 * characters of text at free-running offsets. A record's text is
 * contiguous in the offsets (not in memory: it may wrap around the end of
 * the buffer). Only the newest record grows (printk's continuation
 * lines), so dropping from the oldest end always frees room.
 */
#include "kernel/printk_ringbuffer.h"
#include "fs/seq_file.h"
#include "kernel/x86.h"
#include "kernel/timekeeping.h"
#include "lib/string.h"

#define LOG_DESC_COUNT (LOG_BUF_SIZE / 32) /* records of 32 characters on average */

struct log_desc {
	uint64_t text_pos; /* free-running offset of its first character */
	struct printk_info info;
};

static struct log_desc descs[LOG_DESC_COUNT];
static char text_buf[LOG_BUF_SIZE];
static uint64_t text_head;        /* offset of the next character */
static uint64_t first_seq, next_seq;
static bool line_open;            /* record next_seq - 1 is still growing */
static bool wake_pending;

struct wait_queue_head log_wait = WAIT_QUEUE_INIT(log_wait);

static struct log_desc *desc_of(uint64_t seq)
{
	return &descs[seq % LOG_DESC_COUNT];
}

uint64_t log_start_line(int facility, int level)
{
	uint64_t ts = ktime_get_ns();

	if (next_seq - first_seq == LOG_DESC_COUNT)
		first_seq++;
	*desc_of(next_seq) = (struct log_desc){
		.text_pos = text_head,
		.info = { .seq = next_seq, .ts_nsec = ts, .facility = (uint8_t)facility,
			  .level = (uint8_t)level },
	};
	next_seq++;
	line_open = true;
	return ts;
}

void log_add_text(const char *s, size_t n)
{
	struct printk_info *info = &desc_of(next_seq - 1)->info;

	if (!line_open)
		return;
	n = MIN(n, (size_t)(LOG_LINE_MAX - info->text_len));
	/* Drop the oldest records whose text the new characters overwrite. */
	while (first_seq < next_seq - 1 && text_head + n > desc_of(first_seq)->text_pos + LOG_BUF_SIZE)
		first_seq++;
	/* In at most two pieces: up to the end of the buffer, then from its start. */
	size_t at = text_head % LOG_BUF_SIZE, first = MIN(n, LOG_BUF_SIZE - at);
	memcpy(text_buf + at, s, first);
	memcpy(text_buf, s + first, n - first);
	text_head += n;
	info->text_len = (uint16_t)(info->text_len + n);
}

void log_end_line(void)
{
	if (line_open)
		wake_pending = true;
	line_open = false;
}

uint64_t log_first_seq(void)
{
	return first_seq;
}

uint64_t log_next_seq(void)
{
	return next_seq - line_open;
}

bool log_read_record(uint64_t seq, struct printk_info *info, char *text, size_t size)
{
	bool was_on = irq_save();
	bool found = seq >= first_seq && seq < log_next_seq();

	if (found) {
		const struct log_desc *d = desc_of(seq);
		*info = d->info;
		for (size_t i = 0; i < MIN(size, (size_t)info->text_len); i++)
			text[i] = text_buf[(d->text_pos + i) % LOG_BUF_SIZE];
	}
	irq_restore(was_on);
	return found;
}

void log_wake_readers(void)
{
	bool was_on = irq_save();
	bool wake = wake_pending;

	wake_pending = false;
	irq_restore(was_on);
	if (wake)
		wake_up(&log_wait);
}

/* The console's `log`: every finished line kept. */
int log_show(struct seq_file *m)
{
	char text[LOG_LINE_MAX];
	struct printk_info info;

	for (uint64_t seq = log_first_seq(); log_read_record(seq, &info, text, sizeof(text)); seq++) {
		uint64_t us = info.ts_nsec / 1000;
		seq_printf(m, "[%5lu.%06lu] %.*s\n", (unsigned long)(us / 1000000),
			   (unsigned long)(us % 1000000), (int)info.text_len, text);
	}
	return 0;
}
