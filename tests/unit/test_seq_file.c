/*
 * fs/seq_file.c: a report's text lands in one buffer, however long it
 * is, and show() is simply run again with a larger buffer when it does
 * not fit.
 */
#include <stdio.h>
#include <string.h>

#include "fs/seq_file.h"
#include "kernel/errno.h"
#include "mm/slab.h"
#include "tests/unit/host_kernel.h"
#include "tests/unit/test.h"

static int runs;

static int show_short(struct seq_file *m)
{
	runs++;
	seq_printf(m, "MemTotal: %8d kB\n", *(int *)m->private);
	seq_puts(m, "end");
	seq_putc(m, '\n');
	return 0;
}

static void test_short_report(void)
{
	struct seq_file m;
	int total = 126112;

	runs = 0;
	CHECK(seq_show(&m, show_short, &total) == 0);
	CHECK(runs == 1);
	CHECK(m.count == strlen("MemTotal:   126112 kB\nend\n"));
	CHECK(memcmp(m.buf, "MemTotal:   126112 kB\nend\n", m.count) == 0);
	seq_release(&m);
}

static int show_lines(struct seq_file *m)
{
	runs++;
	for (int i = 0; i < *(int *)m->private; i++)
		seq_printf(m, "line %d\n", i);
	return 0;
}

static void test_long_report_grows_the_buffer(void)
{
	struct seq_file m;
	int lines = 20000; /* about 200 kB: 4 kB doubled six times */
	static char want[300000];
	size_t n = 0;

	for (int i = 0; i < lines; i++)
		n += (size_t)snprintf(want + n, sizeof(want) - n, "line %d\n", i);
	runs = 0;
	CHECK(seq_show(&m, show_lines, &lines) == 0);
	CHECK(runs == 7);
	CHECK(m.count == n && memcmp(m.buf, want, n) == 0);
	CHECK(!seq_has_overflowed(&m));
	seq_release(&m);
}

static void test_report_too_long_is_cut_on_a_line(void)
{
	struct seq_file m;
	int lines = 500000; /* about 6 MB */
	const char *note = "(output cut: more than 4 MiB)\n";

	CHECK(seq_show(&m, show_lines, &lines) == 0);
	CHECK(m.count <= SEQ_MAX_SIZE);
	CHECK(m.count > strlen(note) && memcmp(m.buf + m.count - strlen(note), note, strlen(note)) == 0);
	CHECK(m.buf[m.count - strlen(note) - 1] == '\n'); /* the text before ends on a line */
	CHECK(memcmp(m.buf, "line 0\nline 1\n", 14) == 0);
	seq_release(&m);
}

static int show_refuses(struct seq_file *m)
{
	seq_puts(m, "half a report");
	return -EINVAL;
}

static void test_show_error_is_returned_and_nothing_kept(void)
{
	struct seq_file m;

	CHECK(seq_show(&m, show_refuses, NULL) == -EINVAL);
	CHECK(m.buf == NULL && m.count == 0);
}

static int show_exactly(struct seq_file *m)
{
	/* One byte of room is the NUL vsnprintf needs: size-1 bytes fit. */
	for (size_t i = 0; i + 1 < m->size; i++)
		seq_putc(m, 'x');
	runs++;
	return 0;
}

static void test_exact_fit(void)
{
	struct seq_file m;

	runs = 0;
	CHECK(seq_show(&m, show_exactly, NULL) == 0);
	CHECK(runs == 1 && m.count == m.size - 1 && !seq_has_overflowed(&m));
	seq_release(&m);
}

int main(void)
{
	host_memory_init();
	host_memory_give(1, HOST_PAGES);
	kmalloc_init();
	RUN(test_short_report);
	RUN(test_long_report_grows_the_buffer);
	RUN(test_report_too_long_is_cut_on_a_line);
	RUN(test_show_error_is_returned_and_nothing_kept);
	RUN(test_exact_fit);
	return finish("seq_file");
}
