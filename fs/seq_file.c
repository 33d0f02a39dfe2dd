#include "fs/seq_file.h"
#include "kernel/errno.h"
#include "lib/format.h"
#include "lib/string.h"
#include "mm/buddy.h"

#define SEQ_FIRST_SIZE PAGE_SIZE
#define CUT_NOTE "\n(output cut: more than 4 MiB)\n"

bool seq_has_overflowed(const struct seq_file *m)
{
	return m->overflow;
}

void seq_printf(struct seq_file *m, const char *fmt, ...)
{
	va_list ap;

	if (seq_has_overflowed(m))
		return;
	va_start(ap, fmt);
	int n = vsnprintf(m->buf + m->count, m->size - m->count, fmt, ap);
	va_end(ap);
	/* vsnprintf needs room for its NUL too: exactly full counts as full. */
	if (n < 0 || (size_t)n >= m->size - m->count)
		m->overflow = true;
	else
		m->count += (size_t)n;
}

void seq_puts(struct seq_file *m, const char *s)
{
	size_t n = strlen(s);

	if (seq_has_overflowed(m) || n >= m->size - m->count) {
		m->overflow = true;
		return;
	}
	memcpy(m->buf + m->count, s, n);
	m->count += n;
}

void seq_putc(struct seq_file *m, char c)
{
	if (seq_has_overflowed(m) || m->count + 1 >= m->size) {
		m->overflow = true;
		return;
	}
	m->buf[m->count++] = c;
}

/* The largest buffer was not enough: keep what fits, and say so. */
static void cut(struct seq_file *m)
{
	size_t keep = MIN(m->count, m->size - sizeof(CUT_NOTE));

	while (keep > 0 && m->buf[keep - 1] != '\n')
		keep--; /* end on a whole line */
	memcpy(m->buf + keep, CUT_NOTE + 1, sizeof(CUT_NOTE) - 2);
	m->count = keep + sizeof(CUT_NOTE) - 2;
}

/*
 * The buffer is whole pages from the buddy allocator, not a kmalloc
 * slab: a report about slab pages (slabinfo, page, memmap) would
 * otherwise see a slab page that exists only while the report runs.
 */
static char *seq_buf_alloc(size_t size)
{
	struct page *page = alloc_pages(GFP_KERNEL | __GFP_COMP, get_order(size));

	return page ? page_address(page) : NULL;
}

int seq_show(struct seq_file *m, seq_show_fn show, void *private)
{
	for (size_t size = SEQ_FIRST_SIZE;; size *= 2) {
		*m = (struct seq_file){ .buf = seq_buf_alloc(size), .size = size, .private = private };
		if (!m->buf)
			return -ENOMEM;
		int err = show(m);
		if (err) {
			seq_release(m);
			return err;
		}
		if (!seq_has_overflowed(m))
			return 0;
		if (size == SEQ_MAX_SIZE) {
			cut(m);
			return 0;
		}
		seq_release(m);
	}
}

void seq_release(struct seq_file *m)
{
	if (m->buf)
		free_pages(virt_to_page(m->buf), get_order(m->size));
	m->buf = NULL;
	m->count = m->size = 0;
}
