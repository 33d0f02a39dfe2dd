/* Console commands that show the state of physical memory. */
#ifndef MM_SHOW_MEM_H
#define MM_SHOW_MEM_H

int cmd_meminfo(int argc, char **argv);
int cmd_buddyinfo(int argc, char **argv);
int cmd_page(int argc, char **argv);
int cmd_memmap(int argc, char **argv);
int cmd_vm(int argc, char **argv);

#endif
