/*
 * A process's memory as Linux shows it (fs/proc/task_mmu.c):
 *
 * /proc/PID/maps, one line per area:
 *     start-end perms offset major:minor inode   name
 * with the name (a file's path, [heap], [stack]) starting at column 73.
 *
 * /proc/PID/pagemap, one 64-bit word per virtual page (offset: the page
 * number times 8):
 *     bit 63     present: bits 0-54 are the frame number
 *     bit 62     swapped (or a hwpoison or migration entry): bits 0-4 are
 *                the entry's type, bits 5-54 its offset (for hwpoison, the
 *                frame that was lost)
 *     bit 61     a file page or shared anonymous (Linux: shmem) page
 *     bit 56     mapped by this entry alone
 *     bit 55     soft-dirty
 * Readers are always root here, so the frame numbers are shown. Antidote
 * has no clear_refs, so every area counts as soft-dirty, as every new
 * area does on Linux.
 */
#include "fs/proc/internal.h"
#include "fs/namei.h"
#include "fs/iov_iter.h"
#include "kernel/errno.h"
#include "kernel/uaccess.h"
#include "lib/err.h"
#include "mm/huge_mm.h"
#include "mm/mmap.h"
#include "mm/mmap_lock.h"
#include "mm/pagewalk.h"
#include "mm/pgtable.h"
#include "mm/slab.h"

#define MAPS_NAME_COLUMN (25 + 8 * 6 - 1) /* Linux's seq_setwidth for maps */

#define PM_ENTRY_BYTES sizeof(uint64_t)
#define PM_PFRAME_MASK ((1ULL << 55) - 1)
#define PM_SOFT_DIRTY (1ULL << 55)
#define PM_MMAP_EXCLUSIVE (1ULL << 56)
#define PM_FILE (1ULL << 61)
#define PM_SWAP (1ULL << 62)
#define PM_PRESENT (1ULL << 63)
#define MAX_SWAPFILES_SHIFT 5
#define PAGEMAP_WALK_PAGES 512 /* entries gathered per walk, then copied out */

static bool is_stack(const struct vm_area_struct *vma)
{
	return vma->vm_start <= vma->vm_mm->start_stack && vma->vm_end >= vma->vm_mm->start_stack;
}

/* Pad the line to the name column, then one space (Linux: seq_pad). */
static void pad_to_name(struct seq_file *m, size_t line_start)
{
	size_t len = m->count - line_start;

	if (len < MAPS_NAME_COLUMN)
		seq_printf(m, "%*s", (int)(MAPS_NAME_COLUMN - len), "");
	seq_putc(m, ' ');
}

static void show_file_name(struct seq_file *m, struct file *file)
{
	char *buf = kmalloc(PATH_MAX);

	if (!buf)
		return;
	char *name = d_path(&file->f_path, buf, PATH_MAX);
	if (!IS_ERR(name))
		seq_puts(m, name);
	kfree(buf);
}

static void show_map_vma(struct seq_file *m, const struct vm_area_struct *vma)
{
	const struct mm_struct *mm = vma->vm_mm;
	struct file *file = vma->vm_file;
	unsigned long ino = 0;
	uint64_t pgoff = 0;
	dev_t dev = 0;
	size_t line_start = m->count;

	if (file) {
		dev = file->f_inode->i_sb->s_dev;
		ino = file->f_inode->i_ino;
		pgoff = (uint64_t)vma->vm_pgoff << PAGE_SHIFT;
	}
	seq_printf(m, "%08lx-%08lx %c%c%c%c %08llx %02x:%02x %lu ", vma->vm_start, vma->vm_end,
		   vma->vm_flags & VM_READ ? 'r' : '-', vma->vm_flags & VM_WRITE ? 'w' : '-',
		   vma->vm_flags & VM_EXEC ? 'x' : '-', vma->vm_flags & VM_SHARED ? 's' : 'p',
		   (unsigned long long)pgoff, MAJOR(dev), MINOR(dev), ino);
	if (file) {
		pad_to_name(m, line_start);
		show_file_name(m, file);
	} else if (vma->vm_start <= mm->brk && vma->vm_end >= mm->start_brk) {
		pad_to_name(m, line_start);
		seq_puts(m, "[heap]");
	} else if (is_stack(vma)) {
		pad_to_name(m, line_start);
		seq_puts(m, "[stack]");
	}
	seq_putc(m, '\n');
}

int proc_pid_maps_show(struct seq_file *m)
{
	struct mm_struct *mm = m->private;

	mmap_read_lock(mm);
	for (struct vm_area_struct *vma = find_vma(mm, 0); vma; vma = vma_next(mm, vma))
		show_map_vma(m, vma);
	mmap_read_unlock(mm);
	return 0;
}

/* ---- pagemap ------------------------------------------------------ */

struct pagemapread {
	unsigned long start;  /* the virtual address of buffer[0] */
	uint64_t *buffer;     /* PAGEMAP_WALK_PAGES entries */
};

static uint64_t *entry_of(struct mm_walk *walk, unsigned long addr)
{
	struct pagemapread *pm = walk->private;

	return &pm->buffer[(addr - pm->start) >> PAGE_SHIFT];
}

/* A PTE of vma as a pagemap word (Linux: pte_to_pagemap_entry). Shared
 * anonymous memory is shmem on Linux, so its pages count as file pages. */
static uint64_t pte_to_pagemap_entry(const struct vm_area_struct *vma, uint64_t pte)
{
	const struct page *page = NULL;
	uint64_t frame = 0, flags = PM_SOFT_DIRTY;

	if (pte_present(pte)) {
		frame = pte_pfn(pte);
		flags |= PM_PRESENT;
		page = pfn_to_page(frame);
	} else if (is_swap_pte(pte)) {
		swp_entry_t entry = pte_to_swp_entry(pte);
		frame = swp_type(entry) | ((uint64_t)swp_offset(entry) << MAX_SWAPFILES_SHIFT);
		flags |= PM_SWAP;
		/* A hwpoison entry's offset is the frame it lost. */
		if (swp_type(entry) == SWP_HWPOISON && pfn_valid(swp_offset(entry)))
			page = pfn_to_page(swp_offset(entry));
	} else {
		return PM_SOFT_DIRTY;
	}
	if (page && (!page_test(compound_head(page), PG_anon) || (vma->vm_flags & VM_SHARED)))
		flags |= PM_FILE;
	if (page && page_mapcount(page) == 1)
		flags |= PM_MMAP_EXCLUSIVE;
	return (frame & PM_PFRAME_MASK) | flags;
}

static int pagemap_pte(uint64_t *pte, unsigned long addr, unsigned long next, struct mm_walk *walk)
{
	(void)next;
	*entry_of(walk, addr) = pte_to_pagemap_entry(walk->vma, *pte);
	return 0;
}

/* Inside an area, a page not in memory yet is only soft-dirty; between
 * areas there is nothing at all. */
static int pagemap_hole(unsigned long addr, unsigned long next, int depth, struct mm_walk *walk)
{
	for (; addr < next; addr += PAGE_SIZE)
		*entry_of(walk, addr) = depth < 0 ? 0 : PM_SOFT_DIRTY;
	return 0;
}

/* A huge page: each 4 KiB of it reports its own frame (Linux:
 * pagemap_pmd_range). */
static int pagemap_pmd(uint64_t *pmd, unsigned long addr, unsigned long next,
		       struct mm_walk *walk)
{
	if (!pmd_trans_huge(*pmd))
		return 0;
	const struct page *head = pfn_to_page(pmd_pfn(*pmd));
	uint64_t flags = PM_PRESENT | PM_SOFT_DIRTY |
			 (compound_mapcount(head) == 1 ? PM_MMAP_EXCLUSIVE : 0) |
			 (page_test(head, PG_anon) ? 0 : PM_FILE); /* a file's (collapse_file) */
	for (; addr < next; addr += PAGE_SIZE)
		*entry_of(walk, addr) = (page_to_pfn(follow_trans_huge_pmd(*pmd, addr)) &
					 PM_PFRAME_MASK) | flags;
	return 0;
}

static const struct mm_walk_ops pagemap_ops = {
	.pmd_entry = pagemap_pmd,
	.pte_entry = pagemap_pte,
	.pte_hole = pagemap_hole,
};

/* f->private_data is the process's mm (a reference, from open). */
long proc_pagemap_read(struct file *f, struct iov_iter *to, loff_t *pos)
{
	struct mm_struct *mm = f->private_data;
	size_t count = iov_iter_count(to);
	struct pagemapread pm;
	long done = 0;

	if (!mm)
		return 0;
	if ((*pos % PM_ENTRY_BYTES) || (count % PM_ENTRY_BYTES))
		return -EINVAL;
	pm.buffer = kmalloc(PAGEMAP_WALK_PAGES * PM_ENTRY_BYTES);
	if (!pm.buffer)
		return -ENOMEM;
	uint64_t vpn = (uint64_t)*pos / PM_ENTRY_BYTES;
	unsigned long addr = vpn < (TASK_SIZE >> PAGE_SHIFT) ? (unsigned long)vpn << PAGE_SHIFT : TASK_SIZE;
	while (count && addr < TASK_SIZE) {
		size_t pages = MIN(count / PM_ENTRY_BYTES, (size_t)PAGEMAP_WALK_PAGES);
		unsigned long end = MIN(addr + (pages << PAGE_SHIFT), TASK_SIZE);
		pages = (end - addr) >> PAGE_SHIFT;
		pm.start = addr;
		for (size_t i = 0; i < pages; i++)
			pm.buffer[i] = 0;
		mmap_read_lock(mm);
		walk_page_range(mm, addr, end, &pagemap_ops, &pm);
		mmap_read_unlock(mm);
		size_t bytes = pages * PM_ENTRY_BYTES;
		size_t copied = copy_to_iter(pm.buffer, bytes, to);
		done += (long)copied;
		if (copied < bytes) {
			if (!done)
				done = -EFAULT;
			break;
		}
		count -= bytes;
		addr = end;
	}
	kfree(pm.buffer);
	if (done > 0)
		*pos += done;
	return done;
}
