/* The character devices every system has (drivers/char/mem.c). */
#ifndef DRIVERS_CHAR_MEM_H
#define DRIVERS_CHAR_MEM_H

#include "fs/fs.h"

#define MEM_MAJOR 1
#define TTY_MAJOR 4
#define MEM_TTYAUX_MAJOR 5

struct char_device_node {
	const char *name;    /* in /dev */
	umode_t mode;        /* permissions */
	unsigned int major, minor;
	const struct file_operations *fops;
};

extern const struct char_device_node char_device_nodes[];
extern const size_t nr_char_device_nodes;

/* Register their drivers. */
void chr_dev_init(void);

#endif
