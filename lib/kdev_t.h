/*
 * Device numbers inside the kernel (Linux: include/linux/kdev_t.h):
 * 12-bit major, 20-bit minor. Shared by the VFS (fs/fs.h) and the block
 * layer (block/blkdev.h), which both name devices.
 */
#ifndef LIB_KDEV_T_H
#define LIB_KDEV_T_H

#include "lib/types.h"

#define MINORBITS 20
#define MINORMASK ((1u << MINORBITS) - 1)
#define MAJOR(dev) ((unsigned int)((dev) >> MINORBITS))
#define MINOR(dev) ((unsigned int)((dev) & MINORMASK))
#define MKDEV(ma, mi) (((uint32_t)(ma) << MINORBITS) | (uint32_t)(mi))

#endif
