/* Random bytes for the kernel and for getrandom (kernel/random.c). */
#ifndef KERNEL_RANDOM_H
#define KERNEL_RANDOM_H

#include "lib/types.h"

void get_random_bytes(void *buf, size_t n);

#endif
