#ifndef KERNEL_SELFTEST_H
#define KERNEL_SELFTEST_H

/* Console command `selftest [NAME]`. */
int cmd_selftest(int argc, char **argv);

#endif
