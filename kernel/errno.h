/* Error numbers, the same values as Linux's (returned negated). */
#ifndef KERNEL_ERRNO_H
#define KERNEL_ERRNO_H

#define EPERM 1
#define ENOENT 2
#define EIO 5
#define ENXIO 6
#define ENOMEM 12
#define EFAULT 14
#define EBUSY 16
#define EEXIST 17
#define EINVAL 22
#define EOPNOTSUPP 95
#define EHWPOISON 133 /* memory page has hardware error */

#endif
