/* Linux's madvise advice numbers that musl's <sys/mman.h> may not have
 * (they are the system call's ABI: include/uapi/asm-generic/mman-common.h). */
#ifndef USER_MADV_H
#define USER_MADV_H

#include <sys/mman.h>

#ifndef MADV_PAGEOUT
#define MADV_PAGEOUT 21
#endif
#ifndef MADV_POPULATE_READ
#define MADV_POPULATE_READ 22
#endif
#ifndef MADV_COLLAPSE
#define MADV_COLLAPSE 25
#endif

#endif
