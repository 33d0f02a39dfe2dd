/*
 * Descriptor tables (fs/fdtable.c) and file reference counts
 * (fs/file.c): lowest free first, sharing on dup and fork, close-on-exec,
 * and every file released exactly once - counted by a test file kind
 * whose release records the call.
 */
#include <string.h>

#include "fs/fdtable.h"
#include "fs/file.h"
#include "kernel/errno.h"
#include "mm/buddy.h"
#include "mm/slab.h"
#include "tests/unit/host_kernel.h"
#include "tests/unit/test.h"

static int released;

static void count_release(struct inode *inode, struct file *f)
{
	(void)inode, (void)f;
	released++;
}

static const struct file_operations test_fops = { .release = count_release };

static unsigned long free_before;

static void setup(void)
{
	host_memory_init();
	host_memory_give(1, HOST_PAGES);
	kmalloc_init();
	free_before = nr_free_pages();
	released = 0;
}

/* Every table and file was freed: a slab whose objects are all free
 * goes back to the buddy allocator at once, so all pages are back. */
static bool all_freed(void)
{
	return nr_free_pages() == free_before;
}

static struct file *new_file(void)
{
	return alloc_file(&test_fops, O_RDONLY, NULL);
}

static void test_console_table(void)
{
	setup();
	struct files_struct *files = files_alloc_console();
	CHECK(files);
	struct file *f = files_lookup_fd(files, 0);
	CHECK(f && files_lookup_fd(files, 1) == f && files_lookup_fd(files, 2) == f);
	CHECK(f->f_count == 3);
	CHECK(f->f_mode == (FMODE_READ | FMODE_WRITE));
	CHECK(!files_lookup_fd(files, 3));
	put_files_struct(files);
	CHECK(all_freed());
}

static void test_lowest_free_first(void)
{
	setup();
	struct files_struct *files = files_alloc_console();
	for (int fd = 3; fd < 10; fd++)
		CHECK(fd_install(files, new_file(), 0) == fd);
	CHECK(close_fd(files, 7) == 0 && close_fd(files, 4) == 0 && close_fd(files, 0) == 0);
	CHECK(released == 2); /* fd 0's file is still 1's and 2's */
	CHECK(fd_install(files, new_file(), 0) == 0);
	CHECK(fd_install(files, new_file(), 0) == 4);
	CHECK(fd_install(files, new_file(), 0) == 7);
	CHECK(fd_install(files, new_file(), 0) == 10);
	put_files_struct(files);
	CHECK(released == 11); /* every test file (the host console counts nothing) */
	CHECK(all_freed());
}

static void test_full_table(void)
{
	setup();
	struct files_struct *files = files_alloc_console();
	struct file *f = new_file();
	for (int fd = 3; fd < NR_OPEN; fd++) {
		get_file(f);
		CHECK(fd_install(files, f, 0) == fd);
	}
	CHECK(fd_install(files, f, 0) == -EMFILE);
	CHECK(f->f_count == NR_OPEN - 3 + 1);
	fput(f); /* the reference fd_install did not take */
	CHECK(close_fd(files, NR_OPEN - 1) == 0 && fd_install(files, new_file(), 0) == NR_OPEN - 1);
	put_files_struct(files);
	CHECK(released == 2);
	CHECK(all_freed());
}

static void test_bad_descriptors(void)
{
	setup();
	struct files_struct *files = files_alloc_console();
	CHECK(close_fd(files, 3) == -EBADF);
	CHECK(close_fd(files, NR_OPEN) == -EBADF);
	CHECK(close_fd(files, 0xffffffffu) == -EBADF);
	CHECK(!files_lookup_fd(files, NR_OPEN) && !files_lookup_fd(files, 0xffffffffu));
	CHECK(close_fd(files, 2) == 0 && close_fd(files, 2) == -EBADF);
	put_files_struct(files);
	CHECK(all_freed());
}

static void test_replace_fd(void)
{
	setup();
	struct files_struct *files = files_alloc_console();
	struct file *a = new_file(), *b = new_file();
	int fa = fd_install(files, a, 0), fb = fd_install(files, b, 0);

	replace_fd(files, (unsigned int)fb, a, 0); /* dup2(fa, fb) */
	CHECK(released == 1 && files_lookup_fd(files, (unsigned int)fb) == a && a->f_count == 2);
	replace_fd(files, 200, a, 0); /* onto a free descriptor */
	CHECK(files_lookup_fd(files, 200) == a && a->f_count == 3);
	CHECK(close_fd(files, (unsigned int)fa) == 0 && close_fd(files, (unsigned int)fb) == 0);
	CHECK(released == 1 && a->f_count == 1);
	put_files_struct(files);
	CHECK(released == 2);
	CHECK(all_freed());
}

static void test_fork_shares_files(void)
{
	setup();
	struct files_struct *parent = files_alloc_console();
	struct file *f = new_file();
	int fd = fd_install(parent, f, O_CLOEXEC);
	struct files_struct *child = files_dup(parent);

	CHECK(child && child != parent);
	CHECK(files_lookup_fd(child, (unsigned int)fd) == f && f->f_count == 2);
	CHECK(files_lookup_fd(child, 0)->f_count == 6);
	f->f_pos = 42; /* one file: one offset */
	CHECK(files_lookup_fd(child, (unsigned int)fd)->f_pos == 42);
	CHECK(close_fd(child, (unsigned int)fd) == 0 && released == 0);
	CHECK(fd_install(child, new_file(), 0) == fd); /* tables are separate */
	CHECK(files_lookup_fd(parent, (unsigned int)fd) == f);
	put_files_struct(parent);
	CHECK(released == 1);
	put_files_struct(child);
	CHECK(released == 2);
	CHECK(all_freed());
}

static void test_close_on_exec(void)
{
	setup();
	struct files_struct *files = files_alloc_console();
	int keep = fd_install(files, new_file(), 0);
	int gone = fd_install(files, new_file(), O_CLOEXEC);
	int dup3 = 100;

	replace_fd(files, (unsigned int)dup3, files_lookup_fd(files, (unsigned int)keep), O_CLOEXEC);
	replace_fd(files, 1, files_lookup_fd(files, 0), 0);
	files_close_on_exec(files);
	CHECK(files_lookup_fd(files, (unsigned int)keep));
	CHECK(!files_lookup_fd(files, (unsigned int)gone) && !files_lookup_fd(files, (unsigned int)dup3));
	CHECK(files_lookup_fd(files, 0) && files_lookup_fd(files, 1) && files_lookup_fd(files, 2));
	CHECK(released == 1);
	/* The flag goes with the descriptor: a new file there starts without it. */
	CHECK(fd_install(files, new_file(), 0) == gone);
	files_close_on_exec(files);
	CHECK(files_lookup_fd(files, (unsigned int)gone));
	put_files_struct(files);
	put_files_struct(NULL);
	CHECK(all_freed());
}

static void test_open_modes(void)
{
	setup();
	static const unsigned int flags[] = { O_RDONLY, O_WRONLY, O_RDWR, O_RDONLY | O_CLOEXEC };
	static const unsigned int modes[] = { FMODE_READ, FMODE_WRITE, FMODE_READ | FMODE_WRITE,
					      FMODE_READ };
	for (int i = 0; i < 4; i++) {
		struct file *f = alloc_file(&test_fops, flags[i] | O_NONBLOCK, NULL);
		CHECK(f->f_mode == modes[i] && f->f_flags == ((flags[i] & ~O_CLOEXEC) | O_NONBLOCK));
		fput(f);
	}
	CHECK(released == 4 && all_freed());
}

static void test_fixed_size_llseek(void)
{
	setup();
	struct file *f = new_file();

	CHECK(fixed_size_llseek(f, 10, SEEK_SET, 100) == 10 && f->f_pos == 10);
	CHECK(fixed_size_llseek(f, 5, SEEK_CUR, 100) == 15);
	CHECK(fixed_size_llseek(f, -1, SEEK_END, 100) == 99);
	CHECK(fixed_size_llseek(f, 50, SEEK_END, 100) == 150); /* past the end is fine */
	CHECK(fixed_size_llseek(f, -151, SEEK_CUR, 100) == -EINVAL && f->f_pos == 150);
	CHECK(fixed_size_llseek(f, INT64_MAX, SEEK_CUR, 100) == -EINVAL && f->f_pos == 150);
	CHECK(fixed_size_llseek(f, INT64_MAX, SEEK_SET, 100) == INT64_MAX);
	CHECK(fixed_size_llseek(f, 0, 5, 100) == -EINVAL);
	CHECK(fixed_size_llseek(f, 30, SEEK_DATA, 100) == 30);
	CHECK(fixed_size_llseek(f, 30, SEEK_HOLE, 100) == 100);
	CHECK(fixed_size_llseek(f, 100, SEEK_DATA, 100) == -ENXIO);
	CHECK(fixed_size_llseek(f, -1, SEEK_HOLE, 100) == -ENXIO && f->f_pos == 100);
	fput(f);
	CHECK(all_freed());
}

int main(void)
{
	RUN(test_console_table);
	RUN(test_lowest_free_first);
	RUN(test_full_table);
	RUN(test_bad_descriptors);
	RUN(test_replace_fd);
	RUN(test_fork_shares_files);
	RUN(test_close_on_exec);
	RUN(test_open_modes);
	RUN(test_fixed_size_llseek);
	return finish("unit fdtable");
}
