/*
 * Memory reports, in the formats of Linux's /proc files where one exists
 * (meminfo, buddyinfo), so that what students learn here reads the same
 * on a Linux machine. Each report is a seq_file show function
 * (fs/seq_file.h); the console commands below parse their arguments and
 * print what the report shows.
 */
#include "mm/show_mem.h"
#include "fs/fs.h"
#include "fs/stat.h"
#include "kernel/monitor.h"
#include "kernel/printk.h"
#include "mm/buddy.h"
#include "mm/huge_mm.h"
#include "mm/memory-failure.h"
#include "mm/pagewalk.h"
#include "mm/paging.h"
#include "mm/pgtable.h"
#include "mm/rmap.h"
#include "mm/slab.h"
#include "mm/swap.h"
#include "mm/vmstat.h"
#include "kernel/proc.h"
#include "mm/mmap.h"
#include "mm/mmap_lock.h"

#define PAGE_MAX_COUNT 256  /* frames one `page` command may list */
#define MEMMAP_COLUMNS 64
#define MEMMAP_MAX_ROWS 32

int buddyinfo_show(struct seq_file *m)
{
	seq_printf(m, "Node 0, zone %8s ", "Normal");
	for (int order = 0; order < MAX_ORDER; order++)
		seq_printf(m, "%6lu ", zone.free_area[order].nr_free);
	seq_putc(m, '\n');
	return 0;
}

/* Whose page-cache page it is, as Linux's dump_page names it: a block
 * device's block (metadata: the index is the block number), or a
 * file's page - its inode on its device, and its page in the file. */
static void describe_mapping(struct seq_file *m, const struct page *page)
{
	const struct address_space *mapping = page_mapping(page);
	const struct inode *host = mapping ? mapping->host : NULL;

	if (!host || PageTail(page) || page_test(page, PG_buddy))
		return;
	if (S_ISBLK(host->i_mode))
		seq_printf(m, " mapping bdev %u:%u index %#lx", MAJOR(host->i_rdev),
			   MINOR(host->i_rdev), page->index);
	else
		seq_printf(m, " mapping ino %lu dev %u:%u index %#lx", (unsigned long)host->i_ino,
			   MAJOR(host->i_sb->s_dev), MINOR(host->i_sb->s_dev), page->index);
}

static void describe_page(struct seq_file *m, unsigned long pfn)
{
	struct page *page = pfn_to_page(pfn);
	struct page *block = buddy_free_block_of(page);
	char flags[160];

	seq_printf(m, "pfn 0x%05lx flags 0x%04lx (%s) refcount %d mapcount %d",
		pfn, page->flags, format_page_flags(flags, sizeof(flags), page->flags),
		page->refcount, page->mapcount);
	if (page_test(page, PG_buddy))
		seq_printf(m, " order %lu", page->private);
	if (page_test(page, PG_head))
		seq_printf(m, " compound order %u", compound_order(page));
	if (PageTail(page))
		seq_printf(m, " tail of pfn %#lx", page_to_pfn(compound_head(page)));
	if (block && block != page)
		seq_printf(m, " free: in the order-%lu block at pfn %#lx",
			   block->private, page_to_pfn(block));
	describe_mapping(m, page);
	seq_putc(m, '\n');
}

/* The frames [first, first + count) of one `page` command. */
struct page_range {
	unsigned long first, count;
};

static int page_show(struct seq_file *m)
{
	const struct page_range *r = m->private;

	for (unsigned long pfn = r->first; pfn < r->first + r->count && pfn < max_pfn; pfn++)
		describe_page(m, pfn);
	return 0;
}

int cmd_page(int argc, char **argv)
{
	uint64_t pfn, count = 1;

	if (!monitor_number("page", argv[1], &pfn))
		return -1;
	if (argc > 2 && !monitor_number("page", argv[2], &count))
		return -1;
	if (pfn >= max_pfn) {
		kprintf("page: pfn %#lx is out of range (memory has pfns 0-%#lx)\n",
			(unsigned long)pfn, max_pfn - 1);
		return -1;
	}
	if (count < 1 || count > PAGE_MAX_COUNT) {
		kprintf("page: COUNT must be 1 to %d\n", PAGE_MAX_COUNT);
		return -1;
	}
	struct page_range r = { pfn, count };
	return monitor_show(page_show, &r);
}

/* What one frame is, as a memmap character; a larger rank wins when a
 * character stands for several frames. */
enum frame_kind { FREE, RESERVED, KERNEL, SLAB, USER, POISONED, NR_KINDS };
static const char kind_chars[NR_KINDS] = { '.', 'R', 'K', 'S', 'U', 'X' };

static enum frame_kind kind_of(const struct page *page, bool in_free_block)
{
	if (page_test(page, PG_hwpoison))
		return POISONED;
	if (in_free_block)
		return FREE;
	if (page_test(page, PG_anon) || page_test(page, PG_lru))
		return USER;
	if (page_test(page, PG_slab))
		return SLAB;
	if (page_test(page, PG_reserved))
		return RESERVED;
	return KERNEL;
}

static unsigned long frames_per_char(void)
{
	unsigned long per = 1;

	while (max_pfn > per * MEMMAP_COLUMNS * MEMMAP_MAX_ROWS)
		per *= 2;
	return per;
}

static int show_pte(uint64_t *pte, unsigned long va, unsigned long next, struct mm_walk *walk)
{
	struct seq_file *m = walk->private;
	char flags[160];

	(void)next;
	if (pte_none(*pte))
		return 0;
	unsigned long pfn = pte_pfn(*pte);
	if (is_hwpoison_entry(*pte)) {
		seq_printf(m, "  0x%012lx pfn 0x%05lx hwpoison entry: touching it means SIGBUS\n",
			   va, pfn);
		return 0;
	}
	const struct page *page = pfn_to_page(pfn);
	const char *rights = pte_protnone(*pte) ? "none" : *pte & PTE_WRITE ? "rw" : "ro";
	seq_printf(m, "  0x%012lx pfn 0x%05lx %s (%s) mapcount %d\n", va, pfn, rights,
		   format_page_flags(flags, sizeof(flags), page->flags), page->mapcount);
	return 0;
}

/* The frames of the kernel allocation that holds addr (a compound page,
 * or a single frame), so that tests and students can find them. */
static void show_kernel_block(struct seq_file *m, const char *what, const void *addr)
{
	const struct page *head = compound_head(virt_to_page(addr));
	unsigned long pfn = page_to_pfn(head);

	seq_printf(m, "%s: pfn %#lx-%#lx\n", what, pfn, pfn + (1UL << compound_order(head)) - 1);
}

/* A huge page, on one line: looking must not split it. */
static int show_pmd(uint64_t *pmd, unsigned long va, unsigned long next, struct mm_walk *walk)
{
	struct seq_file *m = walk->private;
	char flags[160];

	(void)next;
	if (!pmd_trans_huge(*pmd))
		return 0;
	const struct page *head = pfn_to_page(pmd_pfn(*pmd));
	seq_printf(m, "  0x%012lx pfn 0x%05lx-0x%05lx huge %s (%s) mapcount %d\n", va,
		   page_to_pfn(head), page_to_pfn(head) + HPAGE_PMD_NR - 1,
		   *pmd & PTE_WRITE ? "rw" : "ro", format_page_flags(flags, sizeof(flags), head->flags),
		   compound_mapcount(head));
	return 0;
}

static const struct mm_walk_ops show_ops = { .pmd_entry = show_pmd, .pte_entry = show_pte };

/* A process's memory: its kernel allocations, then each area and its
 * resident pages (m->private is the process). */
int vm_show(struct seq_file *m)
{
	struct proc *p = m->private;
	struct mm_struct *mm = p->mm;

	mmap_read_lock(mm);
	seq_printf(m, "%s (pid %d): %lu resident pages, brk 0x%lx\n", p->comm, p->pid, mm->rss,
		   mm->brk);
	show_kernel_block(m, "struct proc", p);
	show_kernel_block(m, "kernel stack", p->kstack);
	show_kernel_block(m, "page table root", mm->pgd);
	for (struct vm_area_struct *vma = find_vma(mm, 0); vma; vma = vma_next(mm, vma)) {
		seq_printf(m, "0x%012lx-0x%012lx %c%c%c%c\n", vma->vm_start, vma->vm_end,
			   vma->vm_flags & VM_READ ? 'r' : '-', vma->vm_flags & VM_WRITE ? 'w' : '-',
			   vma->vm_flags & VM_EXEC ? 'x' : '-', vma->vm_flags & VM_SHARED ? 's' : 'p');
		walk_page_range(mm, vma->vm_start, vma->vm_end, &show_ops, m);
	}
	mmap_read_unlock(mm);
	return 0;
}

int cmd_vm(int argc, char **argv)
{
	uint64_t pid;

	(void)argc;
	if (!monitor_number("vm", argv[1], &pid))
		return -1;
	struct proc *p = find_task_by_pid((int)MIN(pid, (uint64_t)PID_MAX));
	if (!p || !p->mm) {
		kprintf("vm: no user process %lu\n", (unsigned long)pid);
		return -1;
	}
	return monitor_show(vm_show, p);
}

int memmap_show(struct seq_file *m)
{
	unsigned long per = frames_per_char();
	unsigned long free_left = 0; /* frames left in the free block we are in */
	enum frame_kind kind = FREE;

	seq_printf(m, "%lu frames, %lu per character. Legend: . free  K kernel  S slab  "
		   "U user  R reserved  X poisoned/defective\n", max_pfn, per);
	for (unsigned long pfn = 0; pfn < max_pfn; pfn++) {
		const struct page *page = pfn_to_page(pfn);
		if (page_test(page, PG_buddy))
			free_left = 1UL << page->private;
		enum frame_kind k = kind_of(page, free_left > 0);
		if (free_left)
			free_left--;
		if (pfn % per == 0)
			kind = k;
		kind = MAX(kind, k);
		if (pfn % (per * MEMMAP_COLUMNS) == 0)
			seq_printf(m, "0x%05lx ", pfn);
		if (pfn % per == per - 1 || pfn == max_pfn - 1)
			seq_putc(m, kind_chars[kind]);
		if (pfn % (per * MEMMAP_COLUMNS) == per * MEMMAP_COLUMNS - 1 || pfn == max_pfn - 1)
			seq_putc(m, '\n');
	}
	return 0;
}
