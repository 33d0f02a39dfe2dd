/*
 * The newc cpio parser (fs/cpio.c). Archives are written here, byte by
 * byte, and each walk copies the archive to the very end of a malloc'd
 * buffer of its exact size: AddressSanitizer then stops the test at the
 * first read past the end.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fs/cpio.h"
#include "kernel/errno.h"
#include "tests/unit/test.h"

#define MODE_FILE 0100755
#define MODE_DIR 0040755

/* Header fields as numbered in the format: 0 inode ... 11 namesize, 12 check. */
#define FIELD_MODE 1
#define FIELD_FILESIZE 6
#define FIELD_NAMESIZE 11
#define NR_FIELDS 13
#define HEADER_LEN 110

struct archive {
	char buf[4096];
	size_t len;
};

static void pad4(struct archive *a)
{
	while (a->len % 4)
		a->buf[a->len++] = '\0';
}

/* Append one member; returns the offset of its header. lowercase: write
 * the hex digits in lower case (both are valid). */
static size_t add_member(struct archive *a, const char *name, size_t namesize,
			 const void *data, size_t size, unsigned mode, bool lowercase)
{
	const char *fmt = lowercase ? "%08x" : "%08X";
	unsigned fields[NR_FIELDS] = { 0 };
	size_t start = a->len;

	fields[0] = 1234;	/* inode */
	fields[FIELD_MODE] = mode;
	fields[4] = 1;		/* nlink */
	fields[5] = 0x5f000000;	/* mtime */
	fields[FIELD_FILESIZE] = size;
	fields[FIELD_NAMESIZE] = namesize;
	memcpy(a->buf + a->len, "070701", 6);
	a->len += 6;
	for (int i = 0; i < NR_FIELDS; i++) {
		snprintf(a->buf + a->len, 9, fmt, fields[i]);
		a->len += 8;
	}
	memcpy(a->buf + a->len, name, namesize);
	a->len += namesize;
	pad4(a);
	memcpy(a->buf + a->len, data, size);
	a->len += size;
	pad4(a);
	return start;
}

static size_t add_file(struct archive *a, const char *name, const char *data)
{
	return add_member(a, name, strlen(name) + 1, data, strlen(data), MODE_FILE, false);
}

static void add_trailer(struct archive *a)
{
	add_member(a, "TRAILER!!!", 11, "", 0, 0, false);
}

/* Overwrite header field i of the member at hdr with 8 characters. */
static void set_field(struct archive *a, size_t hdr, int i, const char *text)
{
	memcpy(a->buf + hdr + 6 + i * 8, text, 8);
}

/* What the callback saw. */
#define MAX_SEEN 8
struct seen {
	int n;
	int stop_after; /* return 7 from this call (1-based); 0: never */
	const char *base;
	struct {
		char name[64];
		size_t name_len, offset, size;
		unsigned mode;
		char data[64];
	} e[MAX_SEEN];
};

static int record(const struct cpio_entry *e, void *arg)
{
	struct seen *s = arg;

	if (s->n < MAX_SEEN) {
		snprintf(s->e[s->n].name, sizeof(s->e[s->n].name), "%s", e->name);
		s->e[s->n].name_len = e->name_len;
		s->e[s->n].offset = (const char *)e->data - s->base;
		s->e[s->n].size = e->size;
		s->e[s->n].mode = e->mode;
		memcpy(s->e[s->n].data, e->data, e->size < 64 ? e->size : 64);
	}
	s->n++;
	return s->n == s->stop_after ? 7 : 0;
}

/* Parse the first len bytes of a, placed at the end of a buffer of len bytes. */
static int walk_len(const struct archive *a, size_t len, struct seen *s)
{
	char *copy = malloc(len ? len : 1);
	int ret;

	memcpy(copy, a->buf, len);
	s->base = copy;
	ret = cpio_for_each(copy, len, record, s);
	free(copy);
	return ret;
}

static int walk(const struct archive *a, struct seen *s)
{
	return walk_len(a, a->len, s);
}

static bool seen_file(const struct seen *s, int i, const char *name, const char *data)
{
	return strcmp(s->e[i].name, name) == 0 && s->e[i].name_len == strlen(name) &&
	       s->e[i].size == strlen(data) && memcmp(s->e[i].data, data, strlen(data)) == 0;
}

static void test_files(void)
{
	struct archive a = { .len = 0 };
	struct seen s = { .n = 0 };

	add_file(&a, "hello", "hello, world\n");
	add_file(&a, "empty", "");
	add_member(&a, "lab1", 5, "abc", 3, MODE_FILE, true);
	add_member(&a, "bin", 4, "", 0, MODE_DIR, false);
	add_trailer(&a);
	CHECK(walk(&a, &s) == 0);
	CHECK(s.n == 4);
	CHECK(seen_file(&s, 0, "hello", "hello, world\n"));
	CHECK(seen_file(&s, 1, "empty", ""));
	CHECK(seen_file(&s, 2, "lab1", "abc"));
	CHECK(s.e[0].mode == MODE_FILE && s.e[2].mode == MODE_FILE);
	CHECK((s.e[0].mode & CPIO_MODE_TYPE) == CPIO_MODE_REGULAR);
	CHECK(strcmp(s.e[3].name, "bin") == 0 && s.e[3].mode == MODE_DIR);
	CHECK((s.e[3].mode & CPIO_MODE_TYPE) != CPIO_MODE_REGULAR);
}

/* Header and name together, then the data, each end on a multiple of 4. */
static void test_padding(void)
{
	/* 110 + namesize: 2 -> 112 (no padding), 3 -> 113 (3 bytes), 4 -> 114
	 * (2), 5 -> 115 (1). Data sizes 0-4 likewise leave 0-3 bytes of pad. */
	static const char *names[] = { "a", "ab", "abc", "abcd" };
	static const char *datas[] = { "", "1", "12", "123", "1234", "12345" };

	for (size_t n = 0; n < 4; n++) {
		for (size_t d = 0; d < 6; d++) {
			struct archive a = { .len = 0 };
			struct seen s = { .n = 0 };
			add_file(&a, names[n], datas[d]);
			size_t next = add_file(&a, "next", "x");

			add_trailer(&a);
			CHECK(walk(&a, &s) == 0);
			CHECK(s.n == 2);
			CHECK(seen_file(&s, 0, names[n], datas[d]));
			CHECK(s.e[0].offset == ((110 + strlen(names[n]) + 1 + 3) & ~3UL));
			CHECK(seen_file(&s, 1, "next", "x"));
			CHECK(s.e[1].offset == next + 116); /* 110 + 5 -> 116 */
		}
	}
}

static void test_stops_at_trailer(void)
{
	struct archive a = { .len = 0 };
	struct seen s = { .n = 0 };

	add_file(&a, "first", "1");
	add_trailer(&a);
	add_file(&a, "after", "2");	/* never seen */
	CHECK(walk(&a, &s) == 0);
	CHECK(s.n == 1);

	/* GNU cpio pads its output with zeros to a 512-byte block; and
	 * whatever follows the trailer is not looked at. */
	a.len = 0;
	add_file(&a, "first", "1");
	add_trailer(&a);
	memset(a.buf + a.len, 0, 512 - a.len);
	a.len = 512;
	s.n = 0;
	CHECK(walk(&a, &s) == 0);
	CHECK(s.n == 1);
	memset(a.buf + 300, 'Z', 212);
	s.n = 0;
	CHECK(walk(&a, &s) == 0);
	CHECK(s.n == 1);

	/* Only the trailer: an empty archive. */
	a.len = 0;
	add_trailer(&a);
	s.n = 0;
	CHECK(walk(&a, &s) == 0);
	CHECK(s.n == 0);
}

static void test_callback_stops_walk(void)
{
	struct archive a = { .len = 0 };
	struct seen s = { .n = 0, .stop_after = 2 };

	add_file(&a, "one", "1");
	add_file(&a, "two", "2");
	add_file(&a, "three", "3");
	add_trailer(&a);
	CHECK(walk(&a, &s) == 7);
	CHECK(s.n == 2);
}

/* A valid archive of two files; *hdr2 is the second member's header. */
static void two_files(struct archive *a, size_t *hdr2)
{
	a->len = 0;
	add_file(a, "one", "first file");
	*hdr2 = add_file(a, "two", "second");
	add_trailer(a);
}

static int walk_broken(const struct archive *a)
{
	struct seen s = { .n = 0 };

	return walk(a, &s);
}

static void test_bad_magic(void)
{
	static const char *magics[] = { "070702", "070707", "07070X", "170701", "\0\0\0\0\0\0" };
	struct archive a;
	size_t hdr2;

	for (size_t i = 0; i < sizeof(magics) / sizeof(magics[0]); i++) {
		two_files(&a, &hdr2);
		memcpy(a.buf, magics[i], 6);
		CHECK(walk_broken(&a) == -EINVAL);
		two_files(&a, &hdr2);
		memcpy(a.buf + hdr2, magics[i], 6);
		CHECK(walk_broken(&a) == -EINVAL);
	}
}

static void test_non_hex_fields(void)
{
	static const char bad[] = { 'g', 'G', 'x', ' ', '-', '+', '\0', ':', '/', '@', '`' };
	struct archive a;
	size_t hdr2;

	for (int field = 0; field < NR_FIELDS; field++) {
		for (size_t b = 0; b < sizeof(bad); b++) {
			for (int pos = 0; pos < 8; pos += 7) {
				two_files(&a, &hdr2);
				a.buf[hdr2 + 6 + field * 8 + pos] = bad[b];
				CHECK(walk_broken(&a) == -EINVAL);
			}
		}
		two_files(&a, &hdr2);
		set_field(&a, hdr2, field, "0x000001");
		CHECK(walk_broken(&a) == -EINVAL);
	}
}

static void test_truncated(void)
{
	struct archive a;
	size_t hdr2;

	/* Every proper prefix: a header, a name or data cut short, or the
	 * trailer missing. */
	two_files(&a, &hdr2);
	for (size_t len = 0; len < a.len; len++) {
		struct seen s = { .n = 0 };
		CHECK(walk_len(&a, len, &s) == -EINVAL);
	}

	/* Members but no trailer. */
	a.len = 0;
	add_file(&a, "one", "1");
	CHECK(walk_broken(&a) == -EINVAL);
}

static void test_sizes_past_end(void)
{
	struct archive a;
	size_t hdr2;

	static const char *namesizes[] = { "FFFFFFFF", "80000000", "00001000", "000000A0" };
	for (size_t i = 0; i < sizeof(namesizes) / sizeof(namesizes[0]); i++) {
		two_files(&a, &hdr2);
		set_field(&a, hdr2, FIELD_NAMESIZE, namesizes[i]);
		CHECK(walk_broken(&a) == -EINVAL);
	}

	static const char *filesizes[] = { "FFFFFFFF", "FFFFFFFC", "80000000", "00001000" };
	for (size_t i = 0; i < sizeof(filesizes) / sizeof(filesizes[0]); i++) {
		two_files(&a, &hdr2);
		set_field(&a, hdr2, FIELD_FILESIZE, filesizes[i]);
		CHECK(walk_broken(&a) == -EINVAL);
	}

	/* The last file's data one byte longer than what is left. */
	a.len = 0;
	hdr2 = add_file(&a, "last", "1234");
	set_field(&a, hdr2, FIELD_FILESIZE, "00000005");
	CHECK(walk_broken(&a) == -EINVAL);
}

static void test_bad_names(void)
{
	struct archive a;
	size_t hdr2;

	/* The name's last byte (where the NUL belongs) is not a NUL. */
	two_files(&a, &hdr2);
	a.buf[hdr2 + HEADER_LEN + 3] = 'X';
	CHECK(walk_broken(&a) == -EINVAL);

	/* namesize 0 (no room for the NUL) and 1 (an empty name). */
	two_files(&a, &hdr2);
	set_field(&a, hdr2, FIELD_NAMESIZE, "00000000");
	CHECK(walk_broken(&a) == -EINVAL);
	two_files(&a, &hdr2);
	set_field(&a, hdr2, FIELD_NAMESIZE, "00000001");
	CHECK(walk_broken(&a) == -EINVAL);

	/* An empty name, NUL and all. */
	a.len = 0;
	add_member(&a, "", 1, "x", 1, MODE_FILE, false);
	add_trailer(&a);
	CHECK(walk_broken(&a) == -EINVAL);

	/* A NUL inside the name: "a\0b" with namesize 4. */
	a.len = 0;
	add_member(&a, "a\0b", 4, "", 0, MODE_FILE, false);
	add_trailer(&a);
	CHECK(walk_broken(&a) == -EINVAL);

	/* A trailer name without its NUL ends nothing. */
	a.len = 0;
	add_member(&a, "TRAILER!!!X", 11, "", 0, 0, false);
	CHECK(walk_broken(&a) == -EINVAL);
}

int main(void)
{
	RUN(test_files);
	RUN(test_padding);
	RUN(test_stops_at_trailer);
	RUN(test_callback_stops_walk);
	RUN(test_bad_magic);
	RUN(test_non_hex_fields);
	RUN(test_truncated);
	RUN(test_sizes_past_end);
	RUN(test_bad_names);
	return finish("unit cpio");
}
