#include "tests/unit/host_kernel.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "block/blkdev.h"
#include "fs/file.h"
#include "fs/locks.h"
#include "fs/writeback.h"
#include "kernel/copy_mc.h"
#include "kernel/errno.h"
#include "kernel/mutex.h"
#include "kernel/panic.h"
#include "kernel/printk.h"
#include "kernel/timer.h"
#include "kernel/waitqueue.h"
#include "mce/mce.h"
#include "kernel/proc.h"
#include "mm/buddy.h"
#include "mm/memblock.h"
#include "mm/oom.h"
#include "mm/fault.h"
#include "mm/huge_mm.h"
#include "mm/hugetlb.h"
#include "mm/rmap.h"
#include "mm/slab.h"
#include "mm/swap.h"
#include "mm/vmscan.h"

uintptr_t page_offset_base;
struct page *mem_map;
unsigned long max_pfn;
char host_last_panic[256];
struct proc *current; /* no process: reports say "swapper" */
volatile uint64_t jiffies; /* kernel/timer.c's tick count: tests set it */

static jmp_buf *panic_catcher;
static void *arena;

void host_memory_init(void)
{
	free(mem_map);
	free(arena);
	mem_map = calloc(HOST_PAGES, sizeof(struct page));
	arena = aligned_alloc(PAGE_SIZE, (size_t)HOST_PAGES * PAGE_SIZE);
	page_offset_base = (uintptr_t)arena; /* pfn 0 is the arena's start */
	max_pfn = HOST_PAGES;
	for (unsigned long pfn = 0; pfn < HOST_PAGES; pfn++) {
		page_set(&mem_map[pfn], PG_reserved);
		INIT_LIST_HEAD(&mem_map[pfn].lru);
	}
	buddy_init();
	lruvec_init();
}

void host_memory_give(unsigned long start_pfn, unsigned long end_pfn)
{
	for (unsigned long pfn = start_pfn; pfn < end_pfn; pfn++)
		page_clear(&mem_map[pfn], PG_reserved);
	buddy_free_range(start_pfn, end_pfn);
}

bool host_panics(void (*fn)(void))
{
	jmp_buf here;

	host_last_panic[0] = '\0';
	panic_catcher = &here;
	if (setjmp(here)) {
		panic_catcher = NULL;
		return true;
	}
	fn();
	panic_catcher = NULL;
	return false;
}

void panic(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(host_last_panic, sizeof(host_last_panic), fmt, ap);
	va_end(ap);
	if (panic_catcher)
		longjmp(*panic_catcher, 1);
	fprintf(stderr, "unexpected panic: %s\n", host_last_panic);
	abort();
}

char host_console[65536];
uint64_t host_msr[HOST_MSRS];

uint64_t mce_rdmsr(uint32_t msr)
{
	return msr < HOST_MSRS ? host_msr[msr] : 0;
}

void host_console_clear(void)
{
	host_console[0] = '\0';
}

static void host_print(const char *fmt, va_list ap)
{
	size_t len = strlen(host_console);

	vsnprintf(host_console + len, sizeof(host_console) - len, fmt, ap);
}

/* Wait queues (kernel/sched.c): a host test is one thread, so nothing
 * ever has to wait - a sleep would be a test's own deadlock. */
void sleep_on(struct wait_queue_head *wq)
{
	(void)wq;
	fprintf(stderr, "sleep_on in a host test: nobody could wake it\n");
	abort();
}

void wake_up(struct wait_queue_head *wq)
{
	(void)wq;
}

void init_waitqueue_head(struct wait_queue_head *wq)
{
	INIT_LIST_HEAD(&wq->sleepers);
	INIT_LIST_HEAD(&wq->entries);
}

void kprintf(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	host_print(fmt, ap);
	va_end(ap);
}

void printk(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	host_print(fmt, ap);
	va_end(ap);
}

/* The console (kernel/tty.c) for files_alloc_console: on the host, an
 * open file of a kind that can do nothing. */
static const struct file_operations host_console_fops;

struct file *console_open(void)
{
	return alloc_file(&host_console_fops, O_RDWR, NULL);
}

/* memory_failure asks whether a mapping is tmpfs's (mm/shmem.c, not
 * linked into the host tests): none is. */
__attribute__((weak)) bool shmem_inode(const struct inode *inode)
{
	(void)inode;
	return false;
}

/* Files opened on the host have no path (no VFS is linked). */
void path_put(const struct path *path)
{
	(void)path;
}

/* No file locks are taken on the host (fs/locks.c is not linked). */
void locks_remove_posix(struct file *f, struct files_struct *owner)
{
	(void)f;
	(void)owner;
}

void locks_remove_file(struct file *f)
{
	(void)f;
}

/* The areas (mm/vma.c) link their reverse map and name their fault
 * handler; the host tests of areas and page walks need neither. Weak:
 * test_filemap links the real one (mm/fault.c). */
__attribute__((weak)) const struct vm_operations_struct anon_vm_ops = { .name = "anon" };

/* Weak: tests that link the real mm/rmap.c (test_rmap, test_memory_failure)
 * get its versions instead. */
__attribute__((weak)) void anon_vma_link(struct vm_area_struct *copy, struct vm_area_struct *vma)
{
	copy->anon_vma = vma->anon_vma;
}

__attribute__((weak)) void anon_vma_unlink(struct vm_area_struct *vma)
{
	vma->anon_vma = NULL;
}

/* Huge pages (mm/huge_memory.c) need page tables: in the host tests
 * without them nothing is ever huge. Weak: test_huge_memory links the
 * real ones. */
__attribute__((weak)) void split_huge_pmd(struct vm_area_struct *vma, uint64_t *pmd, unsigned long addr)
{
	(void)vma, (void)pmd, (void)addr;
}

__attribute__((weak)) void vma_adjust_trans_huge(struct vm_area_struct *vma, unsigned long addr)
{
	(void)vma, (void)addr;
}

__attribute__((weak)) int split_huge_page_to_list(struct page *page, struct list_head *list)
{
	(void)page, (void)list;
	return -EBUSY;
}

__attribute__((weak)) int do_set_pmd(struct vm_area_struct *vma, unsigned long addr, struct page *page)
{
	(void)vma, (void)addr, (void)page;
	return VM_FAULT_FALLBACK;
}

__attribute__((weak)) void zap_huge_pmd(struct mm_struct *mm, uint64_t *pmd, unsigned long addr)
{
	(void)mm, (void)pmd, (void)addr;
}

__attribute__((weak)) int huge_pmd_fault(struct vm_area_struct *vma, unsigned long addr, uint64_t *pmd, bool write)
{
	(void)vma, (void)addr, (void)pmd, (void)write;
	return VM_FAULT_FALLBACK;
}

__attribute__((weak)) struct page *follow_trans_huge_pmd(uint64_t pmd, unsigned long addr)
{
	(void)pmd, (void)addr;
	return NULL;
}

/* Sleeping locks: a host test is one thread, so nobody ever waits. */
void init_rwsem(struct rw_semaphore *sem)
{
	(void)sem;
}

void down_read(struct rw_semaphore *sem)
{
	(void)sem;
}

void up_read(struct rw_semaphore *sem)
{
	(void)sem;
}

void down_write(struct rw_semaphore *sem)
{
	(void)sem;
}

void up_write(struct rw_semaphore *sem)
{
	(void)sem;
}

/* User memory is the host's; the first page stands for a bad address. */
int copy_to_user(uint64_t dst, const void *src, size_t n)
{
	if (dst < PAGE_SIZE)
		return -EFAULT;
	memcpy((void *)dst, src, n);
	return 0;
}

int copy_from_user(void *dst, uint64_t src, size_t n)
{
	if (src < PAGE_SIZE)
		return -EFAULT;
	memcpy(dst, (const void *)src, n);
	return 0;
}

/* Host memory never goes bad: copy_mc fails only as a user copy would. */
size_t copy_mc_to_kernel(void *dst, const void *src, size_t n)
{
	memcpy(dst, src, n);
	return 0;
}

size_t copy_mc_to_user(uint64_t dst, const void *src, size_t n)
{
	return copy_to_user(dst, src, n) ? n : 0;
}

uint64_t host_now_ns;

/* The VFS's side of the page cache (fs/inode.c, fs/fs-writeback.c):
 * no inode lists and no flusher on the host. */
void __mark_inode_dirty(struct inode *inode, unsigned int flags)
{
	inode->i_state |= flags;
}

/* The host's memory is all RAM (mm/memblock.c). */
bool memblock_is_memory(phys_addr_t addr)
{
	return addr < (phys_addr_t)HOST_PAGES << PAGE_SHIFT;
}

/* Task references (kernel/proc.c). */
void get_task_struct(struct proc *t)
{
	t->usage++;
}

void put_task_struct(struct proc *t)
{
	t->usage--;
}

/* Direct reclaim (mm/vmscan.c), for the tests that do not link it:
 * nothing to reclaim. */
__attribute__((weak)) unsigned long try_to_free_pages(gfp_t gfp_mask, unsigned int order)
{
	(void)gfp_mask;
	(void)order;
	return 0;
}

/* kswapd and the OOM killer: the host tests have no threads and no
 * processes to kill. Without a current task nothing may reclaim. */
__attribute__((weak)) void wakeup_kswapd(unsigned int order)
{
	(void)order;
}

__attribute__((weak)) bool may_direct_reclaim(gfp_t gfp_mask)
{
	return (gfp_mask & __GFP_DIRECT_RECLAIM) && current;
}

bool out_of_memory(struct oom_control *oc)
{
	(void)oc;
	return false;
}

bool fatal_signal_pending(const struct proc *p)
{
	(void)p;
	return false;
}

void schedule_timeout_uninterruptible(uint64_t ticks)
{
	(void)ticks;
	fprintf(stderr, "schedule_timeout_uninterruptible in a host test\n");
	abort();
}

struct proc *kthread_create(const char *name, void (*fn)(void *arg), void *arg)
{
	(void)name, (void)fn, (void)arg;
	return NULL;
}

void mod_timer(struct timer_list *timer, uint64_t expires)
{
	(void)timer, (void)expires;
}

__attribute__((weak)) void cond_resched(void)
{
}

__attribute__((weak)) unsigned long zone_reclaimable_pages(void)
{
	return 0;
}

void wakeup_flusher_threads(void)
{
}

struct timespec64 current_time(const struct inode *inode)
{
	(void)inode;
	return (struct timespec64){ (int64_t)(host_now_ns / 1000000000u),
				    (long)(host_now_ns % 1000000000u) };
}

uint64_t ktime_get_ns(void)
{
	return host_now_ns;
}

void host_mm_init(struct mm_struct *mm)
{
	host_memory_init();
	host_memory_give(1, HOST_PAGES);
	kmalloc_init();
	memset(mm, 0, sizeof(*mm));
	mm->mm_rb = RB_ROOT;
	INIT_LIST_HEAD(&mm->mmap);
}

/* The block layer's bio pool (fs/block_dev.c), for swap-page I/O
 * (mm/page_io.c) in the tests that link it; block/blk-core.c is linked
 * with them, but no test starts swap I/O. */
struct bio *bio_alloc(void)
{
	return calloc(1, sizeof(struct bio));
}

void bio_put(struct bio *bio)
{
	free(bio);
}

void yield(void)
{
}

/* mce/latent.c: no frame is ever armed on the host. */
void latent_page_freed(struct page *page)
{
	(void)page;
}

/* mm/hugetlb_fault.c maps huge pages with real page tables: the host
 * tests have no hugetlb areas, so mm/fault.c's branches never come here. */
int hugetlb_fault(struct mm_struct *mm, struct vm_area_struct *vma, unsigned long addr,
		  unsigned error)
{
	(void)mm, (void)vma, (void)addr, (void)error;
	abort();
}

struct page *hugetlb_get_user_page(struct vm_area_struct *vma, unsigned long addr)
{
	(void)vma, (void)addr;
	abort();
}
