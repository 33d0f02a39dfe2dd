/* Names and descriptions of error numbers, for console messages (Linux:
 * lib/errname.c gives the names). */
#ifndef LIB_ERRNAME_H
#define LIB_ERRNAME_H

/* "ENOENT" for 2 or -2; NULL for a number without a name here. */
const char *errname(int err);
/* "No such file or directory", as the C library's strerror says it;
 * "Unknown error" for others. */
const char *errdesc(int err);

#endif
