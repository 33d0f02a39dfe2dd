/* Reports on physical memory and on a process's memory (seq_file show
 * functions), and the console commands that print them. */
#ifndef MM_SHOW_MEM_H
#define MM_SHOW_MEM_H

#include "fs/seq_file.h"

int buddyinfo_show(struct seq_file *m); /* /proc/buddyinfo */
int memmap_show(struct seq_file *m);
int vm_show(struct seq_file *m);        /* m->private: the process */

int cmd_page(int argc, char **argv);
int cmd_vm(int argc, char **argv);

#endif
