/*
 * Tunable kernel settings, by Linux's names (vm.memory_failure_recovery,
 * ...). Set them at the console with `sysctl NAME=VALUE`, or at boot with
 * sysctl.NAME=VALUE on the kernel command line, as Linux allows.
 */
#ifndef KERNEL_SYSCTL_H
#define KERNEL_SYSCTL_H

void sysctl_init(void);
int cmd_sysctl(int argc, char **argv);

#endif
