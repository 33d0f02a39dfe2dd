/*
 * Loading a static ELF64 executable (Linux: fs/binfmt_elf.c). Each
 * PT_LOAD segment becomes areas of the address space: its file part a
 * private mapping of the program file, whose pages come from the page
 * cache on first touch (text stays shared with every other run of the
 * program; data is copied on its first write), and its .bss anonymous
 * zero pages - with the rest of the last file page zeroed, as Linux's
 * padzero does. Then the stack gets
 * the arguments, environment and auxiliary vector a C library's start-up
 * code expects, laid out as Linux does:
 *
 *   high  strings: argv[], envp[], the program name; 16 random bytes
 *         auxv (type, value) pairs, ending with AT_NULL
 *         NULL, envp[envc-1] ... envp[0]
 *         NULL, argv[argc-1] ... argv[0]
 *   rsp-> argc                                   (rsp is 16-byte aligned)
 */
#include "kernel/exec.h"
#include "kernel/cred.h"
#include "kernel/errno.h"
#include "kernel/random.h"
#include "kernel/timer.h"
#include "kernel/uaccess.h"
#include "lib/string.h"
#include "mm/fault.h"
#include "mm/mmap.h"
#include "mm/page.h"
#include "mm/pgtable.h"

#define STACK_TOP TASK_SIZE
#define STACK_SIZE (8UL << 20)
#define ET_DYN_BASE 0x555555554000UL /* where Linux puts a static-PIE */

#define ET_EXEC 2
#define ET_DYN 3
#define EM_X86_64 62
#define PT_LOAD 1
#define PT_INTERP 3
#define PT_PHDR 6
#define PF_X 1
#define PF_W 2
#define PF_R 4

/* Auxiliary vector types, Linux's values. */
enum {
	AT_NULL = 0, AT_PHDR = 3, AT_PHENT = 4, AT_PHNUM = 5, AT_PAGESZ = 6,
	AT_BASE = 7, AT_FLAGS = 8, AT_ENTRY = 9, AT_UID = 11, AT_EUID = 12,
	AT_GID = 13, AT_EGID = 14, AT_CLKTCK = 17, AT_SECURE = 23, AT_RANDOM = 25,
	AT_EXECFN = 31,
};

struct elf64_ehdr {
	unsigned char e_ident[16];
	uint16_t e_type, e_machine;
	uint32_t e_version;
	uint64_t e_entry, e_phoff, e_shoff;
	uint32_t e_flags;
	uint16_t e_ehsize, e_phentsize, e_phnum, e_shentsize, e_shnum, e_shstrndx;
};

struct elf64_phdr {
	uint32_t p_type, p_flags;
	uint64_t p_offset, p_vaddr, p_paddr, p_filesz, p_memsz, p_align;
};

/* What programs started from the console find in their environment. */
static char *const default_envp[] = { "HOME=/", "PATH=/bin", "TERM=vt100" };

/* Write len bytes at user address va of mm (not necessarily the current
 * address space), faulting pages in as needed. */
static int copy_to_mm(struct mm_struct *mm, unsigned long va, const void *src, size_t len)
{
	while (len) {
		struct page *page = get_user_page(mm, va);
		if (!page)
			return -ENOMEM;
		size_t offset = va & ~PAGE_MASK, n = MIN(len, PAGE_SIZE - offset);
		memcpy((char *)page_address(page) + offset, src, n);
		va += n;
		src = (const char *)src + n;
		len -= n;
	}
	return 0;
}

static bool valid_header(const struct elf64_ehdr *eh, size_t size)
{
	return size >= sizeof(*eh) && !memcmp(eh->e_ident, "\177ELF", 4) &&
	       eh->e_ident[4] == 2 /* 64-bit */ && eh->e_ident[5] == 1 /* little endian */ &&
	       eh->e_machine == EM_X86_64 && (eh->e_type == ET_EXEC || eh->e_type == ET_DYN) &&
	       eh->e_phentsize == sizeof(struct elf64_phdr) && eh->e_phnum > 0 &&
	       eh->e_phoff < size && eh->e_phnum * sizeof(struct elf64_phdr) <= size - eh->e_phoff;
}

static unsigned long segment_flags(uint32_t p_flags)
{
	return (p_flags & PF_R ? VM_READ : 0) | (p_flags & PF_W ? VM_WRITE : 0) |
	       (p_flags & PF_X ? VM_EXEC : 0);
}

/* Zero user memory [addr, end) of mm, within one page: the tail of a
 * segment's last file page, which belongs to .bss (Linux: padzero). The
 * write makes the page the process's own copy. */
static long padzero(struct mm_struct *mm, unsigned long addr, unsigned long end)
{
	int si_code;

	if (addr >= end)
		return 0;
	if (handle_mm_fault(mm, addr, PF_WRITE | PF_USER, &si_code))
		return -ENOEXEC; /* .bss in a segment that is not writable */
	struct page *page = get_user_page(mm, addr);
	if (!page)
		return -ENOMEM;
	memset((char *)page_address(page) + (addr & ~PAGE_MASK), 0, end - addr);
	return 0;
}

static long load_segment(struct mm_struct *mm, const struct exec_image *image,
			 const struct elf64_phdr *ph, unsigned long bias)
{
	unsigned long vaddr = ph->p_vaddr + bias;
	unsigned long start = vaddr & PAGE_MASK;
	unsigned long file_end = ALIGN_UP(vaddr + ph->p_filesz, PAGE_SIZE);
	unsigned long end = ALIGN_UP(vaddr + ph->p_memsz, PAGE_SIZE);
	unsigned long flags = segment_flags(ph->p_flags);

	if (ph->p_filesz > ph->p_memsz || ph->p_offset > image->size ||
	    ph->p_filesz > image->size - ph->p_offset || !access_ok(start, end - start) ||
	    ((ph->p_vaddr ^ ph->p_offset) & ~PAGE_MASK))
		return -ENOEXEC;
	/* Segments may share a page at their ends: the later one's mapping
	 * replaces the earlier's there, as MAP_FIXED does in Linux. */
	do_munmap(mm, start, end - start);
	if (ph->p_filesz) {
		long err = mmap_region(mm, image->file, start, file_end - start, flags,
				       ph->p_offset & PAGE_MASK);
		if (!err)
			err = padzero(mm, vaddr + ph->p_filesz, MIN(file_end, vaddr + ph->p_memsz));
		if (err)
			return err;
	} else {
		file_end = start;
	}
	if (end > file_end && insert_vma(mm, file_end, end, flags))
		return -ENOMEM;
	return 0;
}

/* Where the program headers are in the new address space. */
static unsigned long phdr_address(const struct elf64_ehdr *eh, const struct elf64_phdr *ph,
				  unsigned long bias)
{
	for (int i = 0; i < eh->e_phnum; i++)
		if (ph[i].p_type == PT_PHDR)
			return ph[i].p_vaddr + bias;
	for (int i = 0; i < eh->e_phnum; i++)
		if (ph[i].p_type == PT_LOAD && ph[i].p_offset <= eh->e_phoff &&
		    eh->e_phoff < ph[i].p_offset + ph[i].p_filesz)
			return eh->e_phoff - ph[i].p_offset + ph[i].p_vaddr + bias;
	return 0;
}

/* Push a string onto the stack being built; returns its address. */
static unsigned long push_string(struct mm_struct *mm, unsigned long *sp, const char *s)
{
	size_t len = strlen(s) + 1;

	*sp -= len;
	return copy_to_mm(mm, *sp, s, len) ? 0 : *sp;
}

/* Push n strings as one block, in order from low to high addresses, as
 * Linux lays out the arguments and the environment (so that
 * /proc/PID/cmdline is the bytes from arg_start to arg_end). Their
 * addresses go to addr[]; returns the block's start, or 0. */
static unsigned long push_strings(struct mm_struct *mm, unsigned long *sp, int n,
				  char *const strs[], uint64_t *addr)
{
	size_t total = 0;

	for (int i = 0; i < n; i++)
		total += strlen(strs[i]) + 1;
	*sp -= total;
	unsigned long p = *sp;
	for (int i = 0; i < n; i++) {
		size_t len = strlen(strs[i]) + 1;
		if (copy_to_mm(mm, p, strs[i], len))
			return 0;
		addr[i] = p;
		p += len;
	}
	return *sp;
}

static long build_stack(struct mm_struct *mm, int argc, char *const argv[], int envc,
			char *const envp[], const char *name, const uint64_t *aux, int naux,
			struct trapframe *tf)
{
	uint64_t vec[1 + MAX_ARG_STRINGS + 1 + MAX_ARG_STRINGS + 1 + 2 * 20];
	unsigned long sp = STACK_TOP, execfn, random;
	int n = 0;

	if (insert_vma(mm, STACK_TOP - STACK_SIZE, STACK_TOP, VM_READ | VM_WRITE | VM_GROWSDOWN))
		return -ENOMEM;
	mm->start_stack = STACK_TOP;
	execfn = push_string(mm, &sp, name);
	mm->env_end = sp;
	mm->env_start = push_strings(mm, &sp, envc, envp, &vec[1 + argc + 1]);
	mm->arg_end = sp;
	mm->arg_start = push_strings(mm, &sp, argc, argv, &vec[1]);
	if (!execfn || !mm->env_start || !mm->arg_start)
		return -ENOMEM;
	vec[n++] = (uint64_t)argc;
	n += argc;
	vec[n++] = 0;
	n += envc;
	vec[n++] = 0;
	uint64_t seed[2];

	get_random_bytes(seed, sizeof(seed));
	sp = (sp - sizeof(seed)) & ~15UL;
	random = sp;
	if (copy_to_mm(mm, random, seed, sizeof(seed)))
		return -ENOMEM;
	for (int i = 0; i < naux; i += 2) {
		vec[n++] = aux[i];
		vec[n++] = aux[i] == AT_RANDOM ? random : aux[i] == AT_EXECFN ? execfn : aux[i + 1];
	}
	sp = (sp - n * sizeof(uint64_t)) & ~15UL;
	if (copy_to_mm(mm, sp, vec, n * sizeof(uint64_t)))
		return -ENOMEM;
	tf->rsp = sp;
	return 0;
}

long exec_default_env(struct mm_struct *mm, const struct exec_image *image, int argc,
		      char *const argv[], struct trapframe *tf)
{
	return exec_program(mm, image, argc, argv, ARRAY_SIZE(default_envp), default_envp, tf);
}

long exec_program(struct mm_struct *mm, const struct exec_image *image, int argc,
		  char *const argv[], int envc, char *const envp[], struct trapframe *tf)
{
	unsigned long bias = 0, end = 0;
	const char *name = image->name;
	const struct cred *cred = current_cred(); /* the new program's (a child inherits ours) */
	long err;

	if (argc > MAX_ARG_STRINGS || envc > MAX_ARG_STRINGS)
		return -E2BIG;
	const struct elf64_ehdr *eh = image->header;
	if (!valid_header(eh, image->header_size))
		return -ENOEXEC; /* not ELF, or program headers beyond the first page */
	const struct elf64_phdr *ph = (const void *)((const char *)image->header + eh->e_phoff);
	if (eh->e_type == ET_DYN)
		bias = ET_DYN_BASE;
	for (int i = 0; i < eh->e_phnum; i++)
		if (ph[i].p_type == PT_INTERP)
			return -ENOEXEC; /* needs a dynamic linker: not supported */
	for (int i = 0; i < eh->e_phnum; i++) {
		if (ph[i].p_type != PT_LOAD)
			continue;
		err = load_segment(mm, image, &ph[i], bias);
		if (err)
			return err;
		end = MAX(end, ALIGN_UP(ph[i].p_vaddr + bias + ph[i].p_memsz, PAGE_SIZE));
	}
	mm->start_brk = mm->brk = end;
	mm->mmap_base = STACK_TOP - 2 * STACK_SIZE;

	const uint64_t aux[] = {
		AT_PHDR, phdr_address(eh, ph, bias), AT_PHENT, sizeof(struct elf64_phdr),
		AT_PHNUM, eh->e_phnum, AT_PAGESZ, PAGE_SIZE, AT_BASE, 0, AT_FLAGS, 0,
		AT_ENTRY, eh->e_entry + bias, AT_UID, cred->uid, AT_EUID, cred->euid,
		AT_GID, cred->gid, AT_EGID, cred->egid,
		AT_SECURE, 0, AT_CLKTCK, HZ, AT_RANDOM, 0, AT_EXECFN, 0, AT_NULL, 0,
	};
	err = build_stack(mm, argc, argv, envc, envp, name, aux, ARRAY_SIZE(aux), tf);
	if (err)
		return err;
	tf->rip = eh->e_entry + bias;
	return 0;
}
