/* What fcntl() asks of a pipe (fs/pipe.c). */
#ifndef FS_PIPE_H
#define FS_PIPE_H

#include "lib/types.h"

struct file;

#define F_SETPIPE_SZ 1031
#define F_GETPIPE_SZ 1032

/* F_GETPIPE_SZ or F_SETPIPE_SZ: the ring's size in bytes, or -EBADF if
 * f is not a pipe, or F_SETPIPE_SZ's errors (see fs/pipe.c). */
long pipe_fcntl(struct file *f, unsigned int cmd, uint64_t arg);
/* f is a pipe's end (Linux: get_pipe_info). */
bool is_pipe(const struct file *f);
/* The bytes pipe end f can take now without waiting. */
size_t pipe_room_for(const struct file *f);

#endif
