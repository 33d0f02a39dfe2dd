/* Self tests of the page and slab allocators (console: selftest NAME). */
#ifndef MM_MM_SELFTEST_H
#define MM_MM_SELFTEST_H

int selftest_buddy(void);
int selftest_take_off_buddy(void);
int selftest_slab(void);

#endif
