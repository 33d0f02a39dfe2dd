/* A process's address space (Linux: struct mm_struct) and its areas. */
#ifndef MM_MM_TYPES_H
#define MM_MM_TYPES_H

#include "kernel/mutex.h"
#include "lib/list.h"
#include "lib/rbtree.h"
#include "lib/types.h"

/* vm_flags, Linux's values. */
#define VM_READ 0x1UL
#define VM_WRITE 0x2UL
#define VM_EXEC 0x4UL
#define VM_SHARED 0x8UL
#define VM_GROWSDOWN 0x100UL /* the stack */
#define VM_LOCKED 0x2000UL   /* mlock(): kept in memory */
#define VM_DONTCOPY 0x20000UL /* madvise(MADV_DONTFORK): a child has no such area */
#define VM_WIPEONFORK 0x2000000UL /* MADV_WIPEONFORK: a child's area starts empty */
#define VM_HUGEPAGE 0x20000000UL   /* MADV_HUGEPAGE: huge pages wanted (mm/huge_memory.c) */
#define VM_NOHUGEPAGE 0x40000000UL /* MADV_NOHUGEPAGE: never huge pages */

/* One contiguous range of user addresses with the same rights. */
struct anon_vma;
struct file;
struct page;
struct proc;
struct vm_area_struct;

/*
 * What kind of memory an area holds, as a table of operations (Linux's
 * vm_operations_struct): the fault handler brings in the page behind a
 * missing PTE. File and shmem areas (mm/filemap.c, mm/shmem.c) map the
 * page of their page cache; anonymous areas (anon_vm_ops) have no ->fault:
 * mm/fault.c gives them a zeroed page itself.
 */
struct vm_operations_struct {
	const char *name; /* for reports: "anon", "file", "shmem" */
	/* Bring in the page at addr and map it: 0 (the access is retried),
	 * -ENOMEM, -EIO (SIGBUS: beyond the end of a file, or unreadable). */
	int (*fault)(struct vm_area_struct *vma, unsigned long addr);
	/* A shared area's first write to a present, read-only page: dirty
	 * it (0), after which the PTE becomes writable. NULL: not needed. */
	int (*page_mkwrite)(struct vm_area_struct *vma, struct page *page);
	/* A copy of the area was made (a split, fork) / the area goes away
	 * (munmap, exit, exec). NULL: nothing to count. SysV shm counts its
	 * attaches with them (ipc/shm.c), as in Linux. */
	void (*open)(struct vm_area_struct *vma);
	void (*close)(struct vm_area_struct *vma);
};

struct vm_area_struct {
	unsigned long vm_start, vm_end; /* [vm_start, vm_end), page aligned */
	unsigned long vm_flags;
	/* The area's first page is page vm_pgoff of what it maps: of the file
	 * (vm_file), or for anonymous memory of the address space itself
	 * (vm_start >> PAGE_SHIFT when created, kept by splits, so a page's
	 * index names the same page in every area that shares it). */
	unsigned long vm_pgoff;
	struct file *vm_file;           /* the mapped file; NULL for anonymous memory */
	const struct vm_operations_struct *vm_ops;
	struct rb_node vm_rb;           /* in mm->mm_rb, keyed by address (mm/vma.c) */
	/* The largest free gap below any area in this one's subtree of
	 * mm->mm_rb (mm/vma.c keeps it, for get_unmapped_area). */
	unsigned long rb_subtree_gap;
	struct list_head list;          /* in mm->mmap, sorted by address */
	struct mm_struct *vm_mm;
	struct anon_vma *anon_vma;      /* reverse map of its pages (mm/rmap.c) */
	struct list_head anon_vma_node; /* on anon_vma->vmas */
	struct list_head shared;        /* on vm_file's mapping->i_mmap (mm/rmap.h) */
	void *vm_private_data;          /* the mapping's own: a private hugetlb
					 * area's reservation (mm/hugetlb_fault.c) */
};

struct mm_struct {
	uint64_t *pgd;                  /* the top-level page table (PML4) */
	struct rb_root mm_rb;           /* the areas, to find one by address */
	struct list_head mmap;          /* the same areas, lowest address first */
	unsigned long start_brk, brk;   /* the heap: [start_brk, brk) */
	unsigned long mmap_base;        /* mmap() hands out addresses below this */
	unsigned long start_stack;
	unsigned long def_flags;        /* VM_LOCKED after mlockall(MCL_FUTURE): every new
					 * area gets it (insert_vma), and is populated */
	/* execve's argument and environment strings, each a block of
	 * NUL-terminated strings in user memory (/proc/PID/cmdline). */
	unsigned long arg_start, arg_end, env_start, env_end;
	unsigned long rss;              /* pages mapped */
	unsigned long hugetlb_usage;    /* 4 KiB pages mapped by hugetlb areas, not in rss
					 * (/proc/PID/status HugetlbPages; mm/hugetlb_fault.c) */
	struct list_head task_list;     /* the tasks using it, through task->mm_node:
					 * memory-failure finds a page's processes here.
					 * Changed at fork, exec and exit (kernel/proc.c),
					 * read by memory_failure: all in process context,
					 * never from an interrupt */
	int mm_users;                   /* tasks using it: 1, more while a vfork child
					 * borrows it (kernel/proc.c: mmget, mmput) */
	/* On swap_mmlist once a PTE of it held a swap entry, for swapoff
	 * (mm/swap_state.c; Linux: mmlist): reclaim and fork add it,
	 * mm_release takes it off. */
	struct list_head mmlist;
	/* On khugepaged's scan list once an area of it may have huge pages
	 * (mm/khugepaged.c): the fault and madvise add it, mm_release takes
	 * it off. */
	struct list_head khugepaged_node;
	struct rw_semaphore mmap_lock;  /* the areas and page tables (mm/mmap_lock.h):
					 * faults read, calls that change the areas write */
};

#endif
