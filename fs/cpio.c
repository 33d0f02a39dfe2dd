/*
 * The newc cpio parser (see fs/cpio.h). The archive comes from outside the
 * kernel (a class hands out its own), so every length is checked against
 * what is left before it is used.
 */
#include "fs/cpio.h"
#include "kernel/errno.h"
#include "lib/string.h"

#define MAGIC "070701" /* newc; "070702" (with checksums) is not accepted */
#define MAGIC_LEN 6
#define FIELD_LEN 8
#define HEADER_LEN 110 /* the magic and 13 fields */
#define TRAILER "TRAILER!!!"

/* Field numbers in the header, after the magic. The others (inode, owner,
 * times, devices, checksum) mean nothing to us, but must still be hex. */
enum { F_INO, F_MODE, F_UID, F_GID, F_NLINK, F_MTIME, F_FILESIZE, F_DEVMAJOR,
       F_DEVMINOR, F_RDEVMAJOR, F_RDEVMINOR, F_NAMESIZE, F_CHECK, NR_FIELDS };

/* Exactly 8 hexadecimal digits, no prefix and no sign. */
static bool parse_hex_field(const char *p, uint32_t *out)
{
	uint32_t v = 0;

	for (int i = 0; i < FIELD_LEN; i++) {
		char c = p[i];
		uint32_t digit;

		if (c >= '0' && c <= '9')
			digit = c - '0';
		else if (c >= 'a' && c <= 'f')
			digit = c - 'a' + 10;
		else if (c >= 'A' && c <= 'F')
			digit = c - 'A' + 10;
		else
			return false;
		v = v << 4 | digit;
	}
	*out = v;
	return true;
}

static bool parse_header(const char *h, uint32_t fields[NR_FIELDS])
{
	if (memcmp(h, MAGIC, MAGIC_LEN) != 0)
		return false;
	for (int i = 0; i < NR_FIELDS; i++) {
		if (!parse_hex_field(h + MAGIC_LEN + i * FIELD_LEN, &fields[i]))
			return false;
	}
	return true;
}

int cpio_for_each(const void *archive, size_t size,
		  int (*fn)(const struct cpio_entry *e, void *arg), void *arg)
{
	const char *base = archive;
	size_t off = 0;

	/* off may pass size by up to 3 bytes of padding: test before subtracting. */
	while (off <= size && size - off >= HEADER_LEN) {
		uint32_t fields[NR_FIELDS];
		struct cpio_entry e;

		if (!parse_header(base + off, fields))
			return -EINVAL;
		size_t name_off = off + HEADER_LEN;
		size_t namesize = fields[F_NAMESIZE]; /* counts the NUL */
		if (namesize < 2 || namesize > size - name_off)
			return -EINVAL;
		e.name = base + name_off;
		e.name_len = namesize - 1;
		/* One NUL, at the end: a name is one C string, not two. */
		if (e.name[e.name_len] != '\0' || strlen(e.name) != e.name_len)
			return -EINVAL;

		size_t data_off = ALIGN_UP(name_off + namesize, 4);
		e.size = fields[F_FILESIZE];
		if (data_off > size || e.size > size - data_off)
			return -EINVAL;
		if (e.name_len == strlen(TRAILER) && memcmp(e.name, TRAILER, e.name_len) == 0)
			return 0;
		e.data = base + data_off;
		e.mode = fields[F_MODE];
		int ret = fn(&e, arg);
		if (ret)
			return ret;
		off = ALIGN_UP(data_off + e.size, 4);
	}
	return -EINVAL; /* ended without a trailer */
}
