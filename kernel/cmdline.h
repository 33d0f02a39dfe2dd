/* The kernel command line: space-separated words, each "key=value" or a
 * bare "flag". Any subsystem may ask for its keys. */
#ifndef KERNEL_CMDLINE_H
#define KERNEL_CMDLINE_H

#include "lib/types.h"

void cmdline_init(const char *line);
/* The value of key= (a pointer into a private copy, valid forever), "" for
 * a bare flag, or NULL when the key is absent. The last occurrence wins. */
const char *cmdline_get(const char *key);
/* Where the last key or key= word is among the words (0 for the first),
 * or -1: for flags where the later of two wins, as quiet and loglevel=. */
int cmdline_position(const char *key);
const char *cmdline_text(void);
/* What follows a "--" word (arguments for init), or NULL. */
const char *cmdline_after_dashes(void);

#endif
