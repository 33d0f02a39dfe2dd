/* errseq_t (lib/errseq.c): the write-back error reports that fsync
 * gives each open file description, as Linux 6.1 does. A "file" here
 * is the errseq_t an open file description keeps (f_wb_err): sampled at
 * open, checked and advanced by fsync. */
#include "kernel/errno.h"
#include "lib/errseq.h"
#include "tests/unit/test.h"

static errseq_t mapping; /* the address_space's wb_err */

static errseq_t open_file(void)
{
	return errseq_sample(&mapping);
}

static int fsync(errseq_t *file)
{
	return errseq_check_and_advance(&mapping, file);
}

static void test_no_error_no_report(void)
{
	errseq_t a;

	mapping = 0;
	a = open_file();
	CHECK(fsync(&a) == 0);
	CHECK(errseq_check(&mapping, a) == 0);
}

static void test_each_open_file_reports_once(void)
{
	errseq_t a, b;

	mapping = 0;
	a = open_file();
	b = open_file();
	errseq_set(&mapping, -EIO);
	CHECK(fsync(&a) == -EIO);
	CHECK(fsync(&a) == 0);
	CHECK(fsync(&b) == -EIO);
	CHECK(fsync(&b) == 0);
}

/* dup()'d descriptors share one description, so one f_wb_err. */
static void test_dup_shares_the_report(void)
{
	errseq_t a;
	errseq_t *fd1 = &a, *fd2 = &a;

	mapping = 0;
	a = open_file();
	errseq_set(&mapping, -EIO);
	CHECK(fsync(fd1) == -EIO);
	CHECK(fsync(fd2) == 0);
}

static void test_opened_after_error_before_anyone_saw(void)
{
	errseq_t late;

	mapping = 0;
	errseq_set(&mapping, -EIO);
	late = open_file();
	CHECK(errseq_check(&mapping, late) == -EIO);
	CHECK(fsync(&late) == -EIO);
	CHECK(fsync(&late) == 0);
}

static void test_opened_after_the_error_was_seen(void)
{
	errseq_t a, late;

	mapping = 0;
	a = open_file();
	errseq_set(&mapping, -EIO);
	CHECK(fsync(&a) == -EIO);
	late = open_file();
	CHECK(fsync(&late) == 0);
}

/* After a report, a new error (even the same errno) is news to all. */
static void test_new_error_after_a_report(void)
{
	errseq_t a, b;

	mapping = 0;
	a = open_file();
	b = open_file();
	errseq_set(&mapping, -EIO);
	CHECK(fsync(&a) == -EIO);
	errseq_set(&mapping, -EIO);
	CHECK(fsync(&a) == -EIO);
	CHECK(fsync(&b) == -EIO);
	CHECK(fsync(&b) == 0);
	CHECK(fsync(&a) == 0);
}

/* Errors nobody has seen yet fold into one report: the last errno. */
static void test_unseen_errors_report_once_as_the_last(void)
{
	errseq_t a;
	errseq_t before;

	mapping = 0;
	a = open_file();
	errseq_set(&mapping, -EIO);
	before = mapping;
	errseq_set(&mapping, -EIO);
	CHECK(mapping == before); /* nobody saw the first: nothing moved */
	errseq_set(&mapping, -ENOSPC);
	CHECK(fsync(&a) == -ENOSPC);
	CHECK(fsync(&a) == 0);
}

static void test_check_does_not_advance(void)
{
	errseq_t a;

	mapping = 0;
	a = open_file();
	errseq_set(&mapping, -EIO);
	CHECK(errseq_check(&mapping, a) == -EIO);
	CHECK(errseq_check(&mapping, a) == -EIO);
	CHECK(fsync(&a) == -EIO);
	CHECK(errseq_check(&mapping, a) == 0);
}

static void test_not_an_errno_changes_nothing(void)
{
	mapping = 0;
	CHECK(errseq_set(&mapping, 0) == 0);
	CHECK(errseq_set(&mapping, -5000) == 0);
	CHECK(errseq_set(&mapping, 5) == 0);
	CHECK(mapping == 0);
}

int main(void)
{
	RUN(test_no_error_no_report);
	RUN(test_each_open_file_reports_once);
	RUN(test_dup_shares_the_report);
	RUN(test_opened_after_error_before_anyone_saw);
	RUN(test_opened_after_the_error_was_seen);
	RUN(test_new_error_after_a_report);
	RUN(test_unseen_errors_report_once_as_the_last);
	RUN(test_check_does_not_advance);
	RUN(test_not_an_errno_changes_nothing);
	return finish("errseq");
}
