/*
 * A process's memory as Linux shows it (fs/proc/task_mmu.c):
 *
 * /proc/PID/maps, one line per area:
 *     start-end perms offset major:minor inode   name
 * with the name (a file's path, [heap], [stack]) starting at column 73.
 *
 * /proc/PID/smaps, each maps line followed by what the area holds, from
 * a walk of its page tables: resident, shared and private, dirty, on
 * swap, in huge pages; smaps_rollup, the same added up over all areas.
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
#include "lib/string.h"
#include "mm/huge_mm.h"
#include "mm/mmap.h"
#include "mm/mmap_lock.h"
#include "mm/pagewalk.h"
#include "mm/pgtable.h"
#include "mm/rmap.h"
#include "mm/shmem_swap.h"
#include "mm/slab.h"
#include "mm/swapfile.h"

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

/* A maps line up to the name (Linux: show_vma_header_prefix). */
static void show_vma_header_prefix(struct seq_file *m, unsigned long start, unsigned long end,
				   unsigned long flags, uint64_t pgoff, dev_t dev, unsigned long ino)
{
	seq_printf(m, "%08lx-%08lx %c%c%c%c %08llx %02x:%02x %lu ", start, end,
		   flags & VM_READ ? 'r' : '-', flags & VM_WRITE ? 'w' : '-',
		   flags & VM_EXEC ? 'x' : '-', flags & VM_SHARED ? 's' : 'p',
		   (unsigned long long)pgoff, MAJOR(dev), MINOR(dev), ino);
}

static void show_map_vma(struct seq_file *m, struct vm_area_struct *vma)
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
	show_vma_header_prefix(m, vma->vm_start, vma->vm_end, vma->vm_flags, pgoff, dev, ino);
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

/* show() of each area, in order, under the mmap lock (maps, smaps). */
static int show_each_vma(struct seq_file *m,
			 void (*show)(struct seq_file *m, struct vm_area_struct *vma))
{
	struct mm_struct *mm = m->private;

	mmap_read_lock(mm);
	for (struct vm_area_struct *vma = find_vma(mm, 0); vma; vma = vma_next(mm, vma))
		show(m, vma);
	mmap_read_unlock(mm);
	return 0;
}

int proc_pid_maps_show(struct seq_file *m)
{
	return show_each_vma(m, show_map_vma);
}

/* ---- smaps -------------------------------------------------------- */

/*
 * Proportional set size (Pss): each page divided among the page-table
 * entries that map it, so that a page two processes share counts half in
 * each. Kept in bytes << PSS_SHIFT, as Linux does, so that the divisions
 * lose little.
 */
#define PSS_SHIFT 12

/* What an area holds, in bytes (Linux: struct mem_size_stats). */
struct mem_size_stats {
	unsigned long resident;
	unsigned long shared_clean, shared_dirty;
	unsigned long private_clean, private_dirty;
	unsigned long referenced;
	unsigned long anonymous;
	unsigned long lazyfree;
	unsigned long anonymous_thp;
	unsigned long file_thp;   /* a file's huge pages (mm/khugepaged.c:collapse_file) */
	unsigned long swap;
	unsigned long shared_hugetlb, private_hugetlb;
	uint64_t pss, pss_anon, pss_file, pss_shmem, pss_dirty, pss_locked;
	uint64_t swap_pss;
};

/* size bytes of the page headed by head, mapped here, pss of them ours:
 * sorted by kind, and by clean or dirty, private or shared. */
static void smaps_page_accumulate(struct mem_size_stats *mss, const struct page *head,
				  unsigned long size, uint64_t pss, bool dirty, bool locked,
				  bool private)
{
	mss->pss += pss;
	if (page_test(head, PG_anon))
		mss->pss_anon += pss;
	else if (page_test(head, PG_swapbacked))
		mss->pss_shmem += pss;
	else
		mss->pss_file += pss;
	if (locked)
		mss->pss_locked += pss;
	if (dirty || page_test(head, PG_dirty)) {
		mss->pss_dirty += pss;
		if (private)
			mss->private_dirty += size;
		else
			mss->shared_dirty += size;
	} else {
		if (private)
			mss->private_clean += size;
		else
			mss->shared_clean += size;
	}
}

/* A present page (a whole huge page if compound), young and dirty as its
 * entry says (Linux: smaps_account). A page is shared when more than one
 * page-table entry maps it. */
static void smaps_account(struct mem_size_stats *mss, struct page *page, bool compound,
			  bool young, bool dirty, bool locked)
{
	const struct page *head = compound_head(page);
	unsigned long nr = compound ? compound_nr(head) : 1;
	unsigned long size = nr * PAGE_SIZE;

	if (page_test(head, PG_anon)) {
		mss->anonymous += size;
		if (!page_test(head, PG_swapbacked) && !dirty && !page_test(head, PG_dirty))
			mss->lazyfree += size;
	}
	mss->resident += size;
	if (young || page_test(head, PG_referenced))
		mss->referenced += size;
	/* One reference, so one mapping: this one. */
	if (head->refcount == 1) {
		smaps_page_accumulate(mss, head, size, (uint64_t)size << PSS_SHIFT, dirty, locked,
				      true);
		return;
	}
	for (unsigned long i = 0; i < nr; i++) {
		int mapcount = page_mapcount(page + i);
		uint64_t pss = (uint64_t)PAGE_SIZE << PSS_SHIFT;

		if (mapcount >= 2)
			pss /= (uint64_t)mapcount;
		smaps_page_accumulate(mss, head, PAGE_SIZE, pss, dirty, locked, mapcount < 2);
	}
}

/* A shmem area's pages on swap are not in its page tables: the file
 * keeps their swap entries. An empty PTE or a missing table counts the
 * file's pages there that are on swap (Linux: smaps_pte_hole); a
 * private copy of one is an anonymous page, with a PTE of its own. */
static int smaps_pte_hole(unsigned long addr, unsigned long next, int depth,
			  struct mm_walk *walk)
{
	struct vm_area_struct *vma = walk->vma;
	struct mem_size_stats *mss = walk->private;

	(void)depth;
	if (vma->vm_file && shmem_inode(vma->vm_file->f_inode))
		mss->swap += shmem_partial_swap_usage(vma->vm_file->f_inode,
						      linear_page_index(vma, addr),
						      linear_page_index(vma, next));
	return 0;
}

/* A PTE: a page, or a page on swap - whose Pss is divided among the
 * entries that hold its slot. Other entries (hwpoison) count nothing,
 * as in Linux 6.1. */
static int smaps_pte_entry(uint64_t *pte, unsigned long addr, unsigned long next,
			   struct mm_walk *walk)
{
	struct mem_size_stats *mss = walk->private;
	uint64_t ptent = *pte;

	(void)addr, (void)next;
	if (pte_present(ptent)) {
		smaps_account(mss, pfn_to_page(pte_pfn(ptent)), false, pte_young(ptent),
			      pte_dirty(ptent), walk->vma->vm_flags & VM_LOCKED);
	} else if (is_swap_pte(ptent) && is_swap_entry_type(pte_to_swp_entry(ptent))) {
		int mapcount = __swap_count(pte_to_swp_entry(ptent));

		mss->swap += PAGE_SIZE;
		mss->swap_pss += ((uint64_t)PAGE_SIZE << PSS_SHIFT) / (uint64_t)MAX(mapcount, 1);
	} else if (pte_none(ptent)) {
		smaps_pte_hole(addr, next, 0, walk);
	}
	return 0;
}

/* A huge page mapped by the PMD: anonymous memory's, or a file's. */
static int smaps_pmd_entry(uint64_t *pmd, unsigned long addr, unsigned long next,
			   struct mm_walk *walk)
{
	struct mem_size_stats *mss = walk->private;

	(void)addr, (void)next;
	if (!pmd_trans_huge(*pmd))
		return 0; /* a page table: the walk goes on to its PTEs */
	struct page *head = pfn_to_page(pmd_pfn(*pmd));
	if (page_test(head, PG_anon))
		mss->anonymous_thp += HPAGE_PMD_SIZE;
	else
		mss->file_thp += HPAGE_PMD_SIZE;
	smaps_account(mss, head, true, *pmd & PTE_ACCESSED,
		      *pmd & PTE_DIRTY, walk->vma->vm_flags & VM_LOCKED);
	return 0;
}

/* A hugetlb page counts only here, not in Rss (Linux's rule). */
static int smaps_hugetlb_range(uint64_t *pte, unsigned long hmask, unsigned long addr,
			       unsigned long next, struct mm_walk *walk)
{
	struct mem_size_stats *mss = walk->private;

	(void)hmask, (void)addr, (void)next;
	if (!pte_present(*pte))
		return 0; /* a hwpoison entry: the page is gone */
	if (page_mapcount(pfn_to_page(pte_pfn(*pte))) >= 2)
		mss->shared_hugetlb += HPAGE_SIZE;
	else
		mss->private_hugetlb += HPAGE_SIZE;
	return 0;
}

static const struct mm_walk_ops smaps_walk_ops = {
	.pmd_entry = smaps_pmd_entry,
	.pte_entry = smaps_pte_entry,
	.pte_hole = smaps_pte_hole,
	.hugetlb_entry = smaps_hugetlb_range,
};

static void smap_gather_stats(struct vm_area_struct *vma, struct mem_size_stats *mss)
{
	walk_page_range(vma->vm_mm, vma->vm_start, vma->vm_end, &smaps_walk_ops, mss);
}

/* "Name:", the value in kB ending at column 24, " kB" (Linux's
 * SEQ_PUT_DEC: the name padded to 16 columns, the value in 8; a name of
 * 16 gets one space and 7, as "Private_Hugetlb: " does). */
static void seq_put_kb(struct seq_file *m, const char *name, uint64_t bytes)
{
	int len = (int)strlen(name);
	int pad = len < 16 ? 16 - len : 1;

	seq_printf(m, "%s%*s%*llu kB\n", name, pad, "", 24 - len - pad,
		   (unsigned long long)(bytes >> 10));
}

/* The lines smaps and smaps_rollup share (Linux: __show_smap). */
static void __show_smap(struct seq_file *m, const struct mem_size_stats *mss, bool rollup)
{
	seq_put_kb(m, "Rss:", mss->resident);
	seq_put_kb(m, "Pss:", mss->pss >> PSS_SHIFT);
	seq_put_kb(m, "Pss_Dirty:", mss->pss_dirty >> PSS_SHIFT);
	if (rollup) { /* (for one area two of them are 0 and the third is Pss) */
		seq_put_kb(m, "Pss_Anon:", mss->pss_anon >> PSS_SHIFT);
		seq_put_kb(m, "Pss_File:", mss->pss_file >> PSS_SHIFT);
		seq_put_kb(m, "Pss_Shmem:", mss->pss_shmem >> PSS_SHIFT);
	}
	seq_put_kb(m, "Shared_Clean:", mss->shared_clean);
	seq_put_kb(m, "Shared_Dirty:", mss->shared_dirty);
	seq_put_kb(m, "Private_Clean:", mss->private_clean);
	seq_put_kb(m, "Private_Dirty:", mss->private_dirty);
	seq_put_kb(m, "Referenced:", mss->referenced);
	seq_put_kb(m, "Anonymous:", mss->anonymous);
	seq_put_kb(m, "LazyFree:", mss->lazyfree);
	seq_put_kb(m, "AnonHugePages:", mss->anonymous_thp);
	seq_put_kb(m, "ShmemPmdMapped:", 0); /* no huge pages in tmpfs here */
	seq_put_kb(m, "FilePmdMapped:", mss->file_thp);
	seq_put_kb(m, "Shared_Hugetlb:", mss->shared_hugetlb);
	seq_put_kb(m, "Private_Hugetlb:", mss->private_hugetlb);
	seq_put_kb(m, "Swap:", mss->swap);
	seq_put_kb(m, "SwapPss:", mss->swap_pss >> PSS_SHIFT);
	seq_put_kb(m, "Locked:", mss->pss_locked >> PSS_SHIFT);
}

/* Linux's two letters for each vm_flags bit, those Antidote has. */
static const char vm_flag_mnemonics[64][3] = {
	[0] = "rd",  /* VM_READ */
	[1] = "wr",  /* VM_WRITE */
	[2] = "ex",  /* VM_EXEC */
	[3] = "sh",  /* VM_SHARED */
	[8] = "gd",  /* VM_GROWSDOWN */
	[13] = "lo", /* VM_LOCKED */
	[17] = "dc", /* VM_DONTCOPY */
	[22] = "ht", /* VM_HUGETLB */
	[25] = "wf", /* VM_WIPEONFORK */
	[29] = "hg", /* VM_HUGEPAGE */
	[30] = "nh", /* VM_NOHUGEPAGE */
};

static void show_smap_vma_flags(struct seq_file *m, const struct vm_area_struct *vma)
{
	seq_puts(m, "VmFlags: ");
	for (unsigned i = 0; i < ARRAY_SIZE(vm_flag_mnemonics); i++)
		if (vm_flag_mnemonics[i][0] && (vma->vm_flags & (1UL << i)))
			seq_printf(m, "%s ", vm_flag_mnemonics[i]);
	seq_putc(m, '\n');
}

static void show_smap(struct seq_file *m, struct vm_area_struct *vma)
{
	struct mem_size_stats mss = { 0 };
	unsigned long pagesize = is_vm_hugetlb_page(vma) ? HPAGE_SIZE : PAGE_SIZE;

	smap_gather_stats(vma, &mss);
	show_map_vma(m, vma);
	seq_put_kb(m, "Size:", vma->vm_end - vma->vm_start);
	seq_put_kb(m, "KernelPageSize:", pagesize);
	seq_put_kb(m, "MMUPageSize:", pagesize);
	__show_smap(m, &mss, false);
	/* Could a huge page be here: in the area's last 2 MiB, as Linux asks. */
	seq_printf(m, "THPeligible:    %d\n",
		   transhuge_vma_suitable(vma, vma->vm_end - HPAGE_PMD_SIZE));
	show_smap_vma_flags(m, vma);
}

int proc_pid_smaps_show(struct seq_file *m)
{
	return show_each_vma(m, show_smap);
}

/* All the areas added up, under one line for the whole range. */
int proc_pid_smaps_rollup_show(struct seq_file *m)
{
	struct mm_struct *mm = m->private;
	struct mem_size_stats mss = { 0 };
	size_t line_start = m->count;

	mmap_read_lock(mm);
	struct vm_area_struct *vma = find_vma(mm, 0);
	unsigned long start = vma ? vma->vm_start : 0, end = 0;
	for (; vma; vma = vma_next(mm, vma)) {
		smap_gather_stats(vma, &mss);
		end = vma->vm_end;
	}
	mmap_read_unlock(mm);
	show_vma_header_prefix(m, start, end, 0, 0, 0, 0);
	pad_to_name(m, line_start);
	seq_puts(m, "[rollup]\n");
	__show_smap(m, &mss, true);
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

/* A hugetlb page: the same, each 4 KiB of it with its own frame (Linux:
 * pagemap_hugetlb_range). A private one is anonymous, a shared one a
 * file's; the hwpoison entry that replaced a poisoned one shows only
 * soft-dirty, as in Linux 6.1. */
static int pagemap_hugetlb(uint64_t *pte, unsigned long hmask, unsigned long addr,
			   unsigned long next, struct mm_walk *walk)
{
	uint64_t flags = PM_SOFT_DIRTY, frame = 0;

	if (pte_present(*pte)) {
		const struct page *head = pfn_to_page(pmd_pfn(*pte));
		flags |= PM_PRESENT | (page_test(head, PG_anon) ? 0 : PM_FILE) |
			 (page_mapcount(head) == 1 ? PM_MMAP_EXCLUSIVE : 0);
		frame = pmd_pfn(*pte) + ((addr & ~hmask) >> PAGE_SHIFT);
	}
	for (; addr < next; addr += PAGE_SIZE, frame += (flags & PM_PRESENT) != 0)
		*entry_of(walk, addr) = (frame & PM_PFRAME_MASK) | flags;
	return 0;
}

static const struct mm_walk_ops pagemap_ops = {
	.pmd_entry = pagemap_pmd,
	.pte_entry = pagemap_pte,
	.pte_hole = pagemap_hole,
	.hugetlb_entry = pagemap_hugetlb,
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
