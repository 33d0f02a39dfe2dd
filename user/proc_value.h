/* One number from a /proc file of "NAME value" or "NAME: value kB" lines
 * (/proc/vmstat, /proc/meminfo). */
#ifndef USER_PROC_VALUE_H
#define USER_PROC_VALUE_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The value, or -1 if the file has no such line. */
static long proc_value(const char *file, const char *name)
{
	char line[256];
	size_t len = strlen(name);
	long v = -1;
	FILE *f = fopen(file, "r");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, name, len) && (line[len] == ' ' || line[len] == ':'))
			v = strtol(line + len + 1, NULL, 10);
	fclose(f);
	return v;
}

#endif
