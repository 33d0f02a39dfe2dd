#ifndef KERNEL_EXEC_H
#define KERNEL_EXEC_H

#include "kernel/trap.h"

struct mm_struct;

#define MAX_ARG_STRINGS 64
#define MAX_ARG_LEN 256

/* A program file, open, with its first page read (the ELF header and
 * the program headers must be in it). */
struct exec_image {
	const char *name;  /* for AT_EXECFN */
	struct file *file; /* its segments are mapped from here */
	size_t size;       /* the file's */
	void *header;      /* a copy of the first page (kmalloc'ed) */
	size_t header_size; /* bytes of it that are the file's */
};

/* The program at path (resolved as execve does, from the working
 * directory), opened: 0, or -ENOENT, -EACCES (not a regular file or not
 * mappable), -EIO (unreadable), -ENOMEM. */
long find_program(const char *path, struct exec_image *image);
/* Done with what find_program found. */
void put_program(struct exec_image *image);
/* A console command or init=: a name with a '/' is a path; a bare one is
 * looked for in /bin, then in "/". path (size bytes) receives the path
 * found, and image points into it. */
long find_command(const char *name, char *path, size_t size, struct exec_image *image);

/*
 * Load the static ELF executable `image` into the empty address space
 * mm, with its stack holding argc/argv/envp/auxv the way
 * Linux lays them out, and set tf's rip and rsp to start it. 0, or
 * -ENOEXEC, -E2BIG, -ENOMEM.
 */
long exec_program(struct mm_struct *mm, const struct exec_image *image, int argc,
		  char *const argv[], int envc, char *const envp[], struct trapframe *tf);

/* The same with the console's default environment. */
long exec_default_env(struct mm_struct *mm, const struct exec_image *image, int argc,
		      char *const argv[], struct trapframe *tf);

#endif
