/*
 * mce-inject FILE... (or standard input): inject the machine checks the
 * files describe, in the text format of Linux's mce-inject tool
 * (user/mce_parse.h), through /sys/kernel/debug/mce-inject: each record's
 * registers are written to their files, then its bank to `bank`, which
 * injects it. Stops at the first error, saying where; exits 1.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "mce_parse.h"

#define DIR "/sys/kernel/debug/mce-inject/"

static int write_value(const char *file, uint64_t value)
{
	char path[128], text[32];
	int fd;

	snprintf(path, sizeof(path), DIR "%s", file);
	int len = snprintf(text, sizeof(text), "%#llx\n", (unsigned long long)value);
	if ((fd = open(path, O_WRONLY)) < 0 || write(fd, text, (size_t)len) != len) {
		fprintf(stderr, "mce-inject: %s: %s\n", path, strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	close(fd);
	return 0;
}

static int submit(const struct mce_record *m, void *arg)
{
	(void)arg;
	if (write_value("cpu", m->cpu) || write_value("status", m->status) ||
	    write_value("addr", m->addr) || write_value("misc", m->misc) ||
	    write_value("synd", m->synd))
		return -1;
	if (m->have_mcgstatus && write_value("mcgstatus", m->mcgstatus))
		return -1;
	return write_value("bank", m->bank);
}

static char *read_all(int fd)
{
	static char text[65536];
	size_t len = 0;
	ssize_t n;

	while (len < sizeof(text) - 1 && (n = read(fd, text + len, sizeof(text) - 1 - len)) > 0)
		len += (size_t)n;
	text[len] = '\0';
	return text;
}

static int inject_file(const char *name, int fd)
{
	struct mce_lexer lx;

	if (mce_parse(read_all(fd), &lx, submit, NULL) < 0) {
		if (lx.error[0])
			fprintf(stderr, "%s:%s\n", name, lx.error);
		return 1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	if (argc < 2)
		return inject_file("<stdin>", 0);
	for (int i = 1; i < argc; i++) {
		int fd = open(argv[i], O_RDONLY);
		if (fd < 0) {
			fprintf(stderr, "mce-inject: %s: %s\n", argv[i], strerror(errno));
			return 1;
		}
		int err = inject_file(argv[i], fd);
		close(fd);
		if (err)
			return err;
	}
	return 0;
}
