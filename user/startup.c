/*
 * What a program finds when it starts: arguments, environment and the
 * auxiliary vector, laid out by kernel/exec.c the way Linux does.
 * Prints ok/FAIL per check and "startup: N failed".
 */
#include <elf.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>

#include "check.h"

extern char **environ;
extern char _start[];

int main(int argc, char **argv)
{
	int local;
	const Elf64_Phdr *phdr = (const Elf64_Phdr *)getauxval(AT_PHDR);
	const unsigned char *random = (const unsigned char *)getauxval(AT_RANDOM);
	const char *execfn = (const char *)getauxval(AT_EXECFN);

	check(argc == 3 && !strcmp(argv[1], "one") && !strcmp(argv[2], "two"),
	      "argc and argv as given");
	check(argv[argc] == NULL, "argv ends with NULL");
	check(getenv("HOME") && !strcmp(getenv("HOME"), "/"), "the environment: HOME=/");
	check(environ == argv + argc + 1, "envp follows argv's NULL on the stack");
	check(getauxval(AT_PAGESZ) == 4096, "AT_PAGESZ 4096");
	check(getauxval(AT_ENTRY) == (unsigned long)_start, "AT_ENTRY is _start");
	check(getauxval(AT_PHENT) == sizeof(Elf64_Phdr), "AT_PHENT is the program header size");
	check(phdr && getauxval(AT_PHNUM) > 0 && (phdr[0].p_type == PT_PHDR || phdr[0].p_type == PT_LOAD),
	      "AT_PHDR points at the program headers");
	check(random && (random[0] | random[1] | random[15]) != 0, "AT_RANDOM: 16 readable bytes");
	check(getauxval(AT_UID) == 0 && getauxval(AT_EUID) == 0 && getauxval(AT_GID) == 0 &&
	      getauxval(AT_EGID) == 0 && getauxval(AT_SECURE) == 0, "AT_UID/EUID/GID/EGID and AT_SECURE 0");
	check(execfn && strstr(execfn, "startup"), "AT_EXECFN names the program");
	check(((uintptr_t)argv & 7) == 0 && ((uintptr_t)&local & 0xf) != 1, "a sane stack");
	printf("startup: %d failed\n", failures);
	return failures ? 1 : 0;
}
