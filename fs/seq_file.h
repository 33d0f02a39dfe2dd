/*
 * Reports as text in a buffer (Linux: fs/seq_file.c). A report - meminfo,
 * buddyinfo, a process's areas - is one function, show(m), that prints
 * into m with seq_printf. The console writes the buffer to the serial
 * line; /proc hands the same buffer to read(). So a report is written
 * once, whoever reads it.
 *
 * show() does not need to know how long its text will be: if the buffer
 * fills up, seq_show() throws the text away and runs show() again with a
 * buffer twice as large, as Linux's seq_read does.
 */
#ifndef FS_SEQ_FILE_H
#define FS_SEQ_FILE_H

#include "lib/types.h"

#define SEQ_MAX_SIZE (4UL << 20) /* the largest buffer a report may need */

struct seq_file {
	char *buf;     /* the text so far (not NUL-terminated) */
	size_t size;   /* room in buf */
	size_t count;  /* bytes of text */
	bool overflow; /* some text did not fit (and was dropped) */
	void *private; /* show()'s own argument */
};

typedef int (*seq_show_fn)(struct seq_file *m);

__attribute__((format(printf, 2, 3))) void seq_printf(struct seq_file *m, const char *fmt, ...);
void seq_puts(struct seq_file *m, const char *s);
void seq_putc(struct seq_file *m, char c);
bool seq_has_overflowed(const struct seq_file *m);

/*
 * Run show(m) with m->private = private until its text fits. Returns
 * show()'s result (0, or a negative errno it chose) or -ENOMEM; on
 * success m->buf holds m->count bytes, to be freed with seq_release().
 * Text that does not fit even SEQ_MAX_SIZE is cut, and ends with a line
 * saying so.
 */
int seq_show(struct seq_file *m, seq_show_fn show, void *private);
void seq_release(struct seq_file *m);

#endif
