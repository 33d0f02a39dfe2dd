#ifndef KERNEL_LOCK_SELFTEST_H
#define KERNEL_LOCK_SELFTEST_H

/* selftest locks: 0 if mutexes, rwsems and page locks kept everyone out
 * who had to stay out. */
int selftest_locks(void);

#endif
