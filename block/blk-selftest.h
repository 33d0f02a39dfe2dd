#ifndef BLOCK_BLK_SELFTEST_H
#define BLOCK_BLK_SELFTEST_H

/* `selftest blk`: many bios at once on vda, more than its ring holds. */
int selftest_blk(void);

#endif
