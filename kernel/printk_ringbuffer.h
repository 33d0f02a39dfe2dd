/*
 * The kernel log ring (Linux: kernel/printk/printk_ringbuffer.c, much
 * simplified: one CPU, interrupts off while it changes). Each line is a
 * record with a sequence number, a timestamp, a facility and a level; its
 * text sits in a ring of characters. When either the records or the text
 * run out of room the oldest records are dropped, so the log always holds
 * the newest lines, and a reader that fell behind can tell: the record it
 * wanted next has a sequence number below log_first_seq().
 */
#ifndef KERNEL_PRINTK_RINGBUFFER_H
#define KERNEL_PRINTK_RINGBUFFER_H

#include "kernel/waitqueue.h"
#include "lib/types.h"

#define LOG_BUF_SIZE (128 * 1024) /* Debian's CONFIG_LOG_BUF_SHIFT=17; a power of two */
#define LOG_LINE_MAX (1024 - 32)  /* the longest record text, as Linux */

/* Facilities (syslog(3)'s, shifted down by 3). */
#define LOG_KERN 0
#define LOG_USER 1

struct printk_info {
	uint64_t seq;      /* 0 for the first line since boot */
	uint64_t ts_nsec;  /* CLOCK_MONOTONIC when the line began */
	uint16_t text_len;
	uint8_t facility;  /* LOG_KERN, or /dev/kmsg's writer's choice */
	uint8_t level;     /* 0 (emergency) to 7 (debug) */
};

/* For printk, with interrupts off: begin a record (returns its
 * timestamp), add text to it (no newlines), and finish it. */
uint64_t log_start_line(int facility, int level);
void log_add_text(const char *s, size_t n);
void log_end_line(void);

/* The oldest record still kept, and the one the next line will get.
 * Records [first, next) can be read; a line being written is not yet. */
uint64_t log_first_seq(void);
uint64_t log_next_seq(void);

/* Record seq: its info and up to size bytes of its text into text; false
 * if it does not exist (yet, or any more). */
bool log_read_record(uint64_t seq, struct printk_info *info, char *text, size_t size);

/* The first record after syslog(2)'s last CLEAR (kernel/syslog.c). */
uint64_t syslog_clear_seq(void);

/* Readers sleep here until a new record is finished. */
extern struct wait_queue_head log_wait;
void log_wake_readers(void);

#endif
