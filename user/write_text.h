/* Write a setting: text into a sysfs, debugfs or /proc/sys file. */
#ifndef USER_WRITE_TEXT_H
#define USER_WRITE_TEXT_H

#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static void write_text(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY);

	if (fd < 0 || write(fd, text, strlen(text)) < 0)
		printf("cannot write %s\n", path);
	if (fd >= 0)
		close(fd);
}

#endif
