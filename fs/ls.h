/* The console's ls command (fs/ls.c). */
#ifndef FS_LS_H
#define FS_LS_H

int cmd_ls(int argc, char **argv);

#endif
