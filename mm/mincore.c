/*
 * mincore(2): which pages of a range are in memory (Linux: mm/mincore.c).
 * One byte a page, bit 0 set if resident. A page is resident when a PTE
 * maps it, or - with no PTE yet - when its file's page cache, or the
 * swap cache for a page on swap, holds it: a touch would not wait for
 * the disk. Migration, hwpoison and swap-in error entries count as
 * resident, as in Linux ("always uptodate"): there is nothing to read.
 */
#include "fs/file.h"
#include "fs/fs.h"
#include "fs/namei.h"
#include "kernel/cred.h"
#include "kernel/errno.h"
#include "kernel/proc.h"
#include "kernel/syscall.h"
#include "kernel/uaccess.h"
#include "mm/buddy.h"
#include "mm/huge_mm.h"
#include "mm/hugetlb.h"
#include "mm/mmap.h"
#include "mm/mmap_lock.h"
#include "mm/pagemap.h"
#include "mm/pagewalk.h"
#include "mm/pgtable.h"
#include "mm/rmap.h"
#include "mm/shmem.h"
#include "mm/shmem_swap.h"
#include "mm/slab.h"
#include "mm/swap_state.h"

/* The bytes of one walk: vec[0] is the page at start. */
struct mincore_walk {
	unsigned long start;
	unsigned char *vec;
};

static unsigned char *vec_of(struct mm_walk *walk, unsigned long addr)
{
	struct mincore_walk *mw = walk->private;

	return &mw->vec[(addr - mw->start) >> PAGE_SHIFT];
}

/* Is entry's page in the swap cache? */
static unsigned char in_swap_cache(swp_entry_t entry)
{
	struct page *page = lookup_swap_cache(entry);

	if (!page)
		return 0;
	put_page(page); /* the cache holds its own */
	return 1;
}

/* Is index of mapping in memory (Linux: mincore_page)? A tmpfs page on
 * swap may still be in the swap cache. */
static unsigned char mincore_page(struct address_space *mapping, unsigned long index)
{
	if (xa_load(&mapping->i_pages, index))
		return 1;
	if (!shmem_inode(mapping->host))
		return 0;
	swp_entry_t entry = shmem_swap_entry(mapping->host, index);
	return entry.val && swp_type(entry) < MAX_SWAPFILES ? in_swap_cache(entry) : 0;
}

/* No PTE: an anonymous page was never touched; a file's may be cached
 * (not a hugetlb file's: Linux looks only at the area's entries). */
static int mincore_unmapped_range(unsigned long addr, unsigned long end, int depth,
				  struct mm_walk *walk)
{
	struct vm_area_struct *vma = walk->vma;
	bool cached = vma->vm_file && !is_vm_hugetlb_page(vma);

	(void)depth;
	for (; addr < end; addr += PAGE_SIZE)
		*vec_of(walk, addr) =
			cached ? mincore_page(vma->vm_file->f_mapping, linear_page_index(vma, addr)) : 0;
	return 0;
}

static int mincore_pte(uint64_t *pte, unsigned long addr, unsigned long next,
		       struct mm_walk *walk)
{
	uint64_t entry = *pte;

	if (pte_none(entry))
		return mincore_unmapped_range(addr, next, 0, walk);
	if (pte_present(entry) || swp_type(pte_to_swp_entry(entry)) >= MAX_SWAPFILES)
		*vec_of(walk, addr) = 1;
	else
		*vec_of(walk, addr) = in_swap_cache(pte_to_swp_entry(entry));
	return 0;
}

/* A huge page, THP or hugetlb: all of it or none. */
static void mincore_huge(unsigned long addr, unsigned long next, struct mm_walk *walk,
			 unsigned char resident)
{
	for (; addr < next; addr += PAGE_SIZE)
		*vec_of(walk, addr) = resident;
}

static int mincore_pmd(uint64_t *pmd, unsigned long addr, unsigned long next,
		       struct mm_walk *walk)
{
	if (pmd_trans_huge(*pmd))
		mincore_huge(addr, next, walk, 1);
	return 0;
}

static int mincore_hugetlb(uint64_t *pte, unsigned long hmask, unsigned long addr,
			   unsigned long next, struct mm_walk *walk)
{
	(void)hmask, (void)pte;
	mincore_huge(addr, next, walk, 1); /* a page, or its hwpoison entry */
	return 0;
}

static const struct mm_walk_ops mincore_ops = {
	.pmd_entry = mincore_pmd,
	.pte_entry = mincore_pte,
	.pte_hole = mincore_unmapped_range,
	.hugetlb_entry = mincore_hugetlb,
};

/* Only who could write a file may learn what of it is cached (Linux:
 * can_do_mincore, against page-cache side channels); others are told
 * everything is. */
static bool can_do_mincore(const struct vm_area_struct *vma)
{
	struct inode *inode;

	if (!vma->vm_file)
		return true;
	inode = vma->vm_file->f_inode;
	return current_cred()->fsuid == inode->i_uid || capable(CAP_FOWNER) ||
	       inode_permission(inode, MAY_WRITE) == 0;
}

/* One chunk from addr, within one area: the pages done, or -ENOMEM at a
 * gap (Linux: do_mincore). */
static long do_mincore(struct mm_struct *mm, unsigned long addr, unsigned long pages,
		       unsigned char *vec)
{
	struct vm_area_struct *vma = find_vma(mm, addr);
	struct mincore_walk mw = { .start = addr, .vec = vec };

	if (!vma || addr < vma->vm_start)
		return -ENOMEM;
	unsigned long end = MIN(vma->vm_end, addr + (pages << PAGE_SHIFT));
	pages = (end - addr) >> PAGE_SHIFT;
	if (!can_do_mincore(vma)) {
		for (unsigned long i = 0; i < pages; i++)
			vec[i] = 1;
		return (long)pages;
	}
	walk_page_range(mm, addr, end, &mincore_ops, &mw);
	return (long)pages;
}

long sys_mincore(uint64_t start, uint64_t len, uint64_t uvec)
{
	struct mm_struct *mm = current->mm;
	unsigned long pages;
	unsigned char *buf;
	long err = 0;

	if (start & ~PAGE_MASK)
		return -EINVAL;
	if (!access_ok(start, len))
		return -ENOMEM;
	pages = (len >> PAGE_SHIFT) + ((len & ~PAGE_MASK) != 0);
	if (!access_ok(uvec, pages))
		return -EFAULT;
	buf = kmalloc(PAGE_SIZE);
	if (!buf)
		return -EAGAIN; /* (Linux's answer to a failed buffer page) */
	while (pages && !err) {
		mmap_read_lock(mm);
		long done = do_mincore(mm, start, MIN(pages, PAGE_SIZE), buf);
		mmap_read_unlock(mm);
		if (done < 0) {
			err = done;
			break;
		}
		if (copy_to_user(uvec, buf, (size_t)done))
			err = -EFAULT;
		pages -= (unsigned long)done;
		uvec += (unsigned long)done;
		start += (unsigned long)done << PAGE_SHIFT;
	}
	kfree(buf);
	return err;
}
