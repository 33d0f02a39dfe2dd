#ifndef FS_BUFFER_SELFTEST_H
#define FS_BUFFER_SELFTEST_H

/* `selftest bcache`: vda's page cache - reads, write-back, I/O errors,
 * the flusher. */
int selftest_bcache(void);

#endif
