/*
 * printk: kernel messages with a level and a timestamp. Every message goes
 * into the kernel log ring (console command `log`); messages more urgent
 * than the console log level (a lower number) also go to the serial console.
 *
 * As in Linux, a level is a two-byte prefix glued to the format string:
 * printk(KERN_ERR "disk on fire\n"), or the shorter pr_err("disk on fire\n").
 */
#ifndef KERNEL_PRINTK_H
#define KERNEL_PRINTK_H

#include "lib/types.h"

#define KERN_SOH "\001"
#define KERN_EMERG KERN_SOH "0"   /* system is unusable */
#define KERN_ALERT KERN_SOH "1"
#define KERN_CRIT KERN_SOH "2"
#define KERN_ERR KERN_SOH "3"
#define KERN_WARNING KERN_SOH "4"
#define KERN_NOTICE KERN_SOH "5"
#define KERN_INFO KERN_SOH "6"
#define KERN_DEBUG KERN_SOH "7"
#define KERN_CONT KERN_SOH "c"    /* continue the previous line */

void printk(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void vprintk(const char *fmt, va_list ap);

#define pr_emerg(fmt, ...) printk(KERN_EMERG fmt, ##__VA_ARGS__)
#define pr_crit(fmt, ...) printk(KERN_CRIT fmt, ##__VA_ARGS__)
#define pr_err(fmt, ...) printk(KERN_ERR fmt, ##__VA_ARGS__)
#define pr_warn(fmt, ...) printk(KERN_WARNING fmt, ##__VA_ARGS__)
#define pr_notice(fmt, ...) printk(KERN_NOTICE fmt, ##__VA_ARGS__)
#define pr_info(fmt, ...) printk(KERN_INFO fmt, ##__VA_ARGS__)
#define pr_debug(fmt, ...) printk(KERN_DEBUG fmt, ##__VA_ARGS__)
#define pr_cont(fmt, ...) printk(KERN_CONT fmt, ##__VA_ARGS__)

/* One record of the given facility and level holding text[0..len) as it
 * is, newlines too (what a write to /dev/kmsg logs); also on the console
 * if the level is below the console log level. */
void printk_emit(int facility, int level, const char *text, size_t len);

/* /dev/kmsg (kernel/kmsg.c). */
extern const struct file_operations kmsg_fops;

/* Console output that is not a log message (command results): no
 * timestamp, not kept in the log ring. */
void kprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Console command `log`: print the kernel log ring. */
struct seq_file;
struct file_operations;
/* The log ring, oldest whole line first (the console's `log`). */
int log_show(struct seq_file *m);

/* Linux's four printk numbers, in the order /proc/sys/kernel/printk shows
 * them. A message reaches the console when its level is below
 * console_loglevel. */
extern int console_printk[4];
#define console_loglevel (console_printk[0])
#define default_message_loglevel (console_printk[1]) /* for a message with no KERN_ level */
#define minimum_console_loglevel (console_printk[2]) /* the lowest `loglevel N` sets */
#define default_console_loglevel (console_printk[3]) /* the level at boot */

/* Linux's printk_ratelimit(): one limit shared by the messages a process
 * can cause at will (a fault per loop iteration), 10 every 5 seconds.
 * 1: print; 0: suppressed (lib/ratelimit.h counts them). */
int __printk_ratelimit(const char *func);
#define printk_ratelimit() __printk_ratelimit(__func__)

/* Read `quiet`, `debug` and `loglevel=N` from the kernel command line. */
void console_loglevel_init(void);
/* Console command `loglevel [N]`: show or set the console log level. */
int cmd_loglevel(int argc, char **argv);

#endif
