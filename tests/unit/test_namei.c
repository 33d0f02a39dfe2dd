/*
 * Path walk (fs/namei.c) over a made-up initramfs of two files: every
 * spelling of a name, "." and "..", paths through a file, missing
 * names, over-long names - with Linux's answers.
 */
#include <string.h>

#include "fs/namei.h"
#include "kernel/errno.h"
#include "tests/unit/test.h"

static const struct initramfs_file table[] = { { .name = "hello" }, { .name = "exit42" } };
static int lookups;

static const struct initramfs_file *lookup(const char *name)
{
	lookups++;
	for (size_t i = 0; i < sizeof(table) / sizeof(table[0]); i++)
		if (strcmp(table[i].name, name) == 0)
			return &table[i];
	return NULL;
}

/* The walk's result: 1 for hello, 2 for exit42, 0 for "/", or the error. */
static int walk(const char *path)
{
	const struct initramfs_file *f = (void *)1; /* must be overwritten on success */
	int err = path_lookup(path, lookup, &f);

	if (err)
		return err;
	return f ? (int)(f - table) + 1 : 0;
}

static void test_every_spelling_of_a_name(void)
{
	static const char *const paths[] = { "hello", "/hello", "./hello", "//hello", "/./hello",
					     "../hello", "/../../hello", "././hello", "/.//./hello" };

	for (size_t i = 0; i < sizeof(paths) / sizeof(paths[0]); i++)
		CHECK(walk(paths[i]) == 1);
	CHECK(walk("exit42") == 2 && walk("/exit42") == 2);
}

static void test_the_directory(void)
{
	static const char *const paths[] = { "/", ".", "..", "//", "/.", "/..", "./", "../..",
					     "/./../." };

	for (size_t i = 0; i < sizeof(paths) / sizeof(paths[0]); i++)
		CHECK(walk(paths[i]) == 0);
}

static void test_missing_names(void)
{
	CHECK(walk("") == -ENOENT);
	CHECK(walk("nope") == -ENOENT);
	CHECK(walk("/nope/") == -ENOENT);
	CHECK(walk("nope/hello") == -ENOENT);
	CHECK(walk("hell") == -ENOENT && walk("helloo") == -ENOENT);
	CHECK(walk("...") == -ENOENT); /* only "." and ".." are special */
}

static void test_a_file_is_not_a_directory(void)
{
	CHECK(walk("hello/") == -ENOTDIR);
	CHECK(walk("hello/.") == -ENOTDIR);
	CHECK(walk("hello/..") == -ENOTDIR);
	CHECK(walk("hello/exit42") == -ENOTDIR);
	CHECK(walk("/hello//") == -ENOTDIR);
}

static void test_long_names(void)
{
	char path[300];

	memset(path, 'a', 255);
	path[255] = '\0';
	CHECK(walk(path) == -ENOENT); /* longer than any initramfs name, within NAME_MAX */
	memset(path, 'a', 256);
	path[256] = '\0';
	CHECK(walk(path) == -ENAMETOOLONG);
	path[0] = '/';
	CHECK(walk(path) == -ENOENT); /* "/" and 255 characters */
	lookups = 0;
	strcpy(path, "/");
	memset(path + 1, 'x', INITRAMFS_NAME_MAX);
	path[INITRAMFS_NAME_MAX + 1] = '\0';
	CHECK(walk(path) == -ENOENT && lookups == 0); /* cannot exist: not even asked */
}

static void test_the_walk_stops_at_the_first_error(void)
{
	lookups = 0;
	CHECK(walk("nope/hello/x") == -ENOENT);
	CHECK(lookups == 1);
}

int main(void)
{
	RUN(test_every_spelling_of_a_name);
	RUN(test_the_directory);
	RUN(test_missing_names);
	RUN(test_a_file_is_not_a_directory);
	RUN(test_long_names);
	RUN(test_the_walk_stops_at_the_first_error);
	return finish("unit namei");
}
