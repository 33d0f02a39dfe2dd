/*
 * Taking pages out of the page cache (Linux: mm/truncate.c): truncate
 * and hole punching drop every page in a range, dirty or not; dropping
 * caches and memory_failure take out single pages.
 *
 * A page leaves in three steps, under its lock: its mappings are zapped
 * (a process touching the address again faults, and finds either the
 * new page or the end of the file), a dirty page's data is discarded
 * (cancel_dirty_page), and it is deleted from the index. Whoever still
 * holds a reference keeps the frame until put_page.
 */
#include "fs/fs.h"
#include "fs/stat.h"
#include "kernel/errno.h"
#include "kernel/x86.h"
#include "lib/string.h"
#include "mm/buddy.h"
#include "mm/mmap.h"
#include "mm/filemap.h"
#include "mm/huge_mm.h"
#include "mm/paging.h"
#include "mm/pagemap.h"
#include "mm/pgtable.h"
#include "mm/rmap.h"
#include "mm/vmscan.h"

/* Take one mapping of a page-cache page away (Linux: try_to_unmap_one for
 * a file page): the page is going, so what was written through the PTE
 * goes with it. */
static void unmap_one(struct vm_area_struct *vma, unsigned long addr, uint64_t *pte, void *arg)
{
	struct page *page = arg;

	if (PageTransHuge(page)) { /* a file's huge page: pte is its PMD */
		zap_huge_pmd(vma->vm_mm, pte, addr);
		return;
	}
	*pte = 0;
	flush_tlb_page(vma->vm_mm, addr);
	page->mapcount--;
	vma->vm_mm->rss--;
	put_page(page);
}

void unmap_mapping_page(struct page *page)
{
	struct rmap_walk_control rwc = { .rmap_one = unmap_one, .arg = page };

	if (page_mapcount(page) > 0)
		rmap_walk(page, &rwc);
}

/* The locked page leaves its mapping, whatever it held (Linux:
 * truncate_inode_folio): 0, or -EIO if it was no longer there. */
static int truncate_inode_page(struct address_space *mapping, struct page *page)
{
	if (page->mapping != mapping)
		return -EIO;
	unmap_mapping_page(compound_head(page)); /* a huge page goes whole */
	if (mapping->a_ops->invalidatepage)
		mapping->a_ops->invalidatepage(page, 0, PAGE_SIZE);
	cancel_dirty_page(page);
	delete_from_page_cache(page);
	return 0;
}

/* Zero bytes from..to of the page at index, if it is cached: the part of
 * a page that a truncation cuts off but whose page stays. */
static void zero_partial_page(struct address_space *mapping, unsigned long index,
			      unsigned int from, unsigned int to)
{
	struct page *page = find_lock_page(mapping, index);

	if (!page)
		return;
	wait_on_page_writeback(page);
	memset((char *)page_address(page) + from, 0, to - from);
	unlock_page(page);
	put_page(page);
}

void truncate_inode_pages_range(struct address_space *mapping, loff_t lstart, loff_t lend)
{
	/* Whole pages [start, end): from the first that starts at or after
	 * lstart to the last that ends at or before lend. */
	unsigned long start = (unsigned long)((lstart + PAGE_SIZE - 1) >> PAGE_SHIFT);
	unsigned long end = lend == -1 ? ~0UL : (unsigned long)((lend + 1) >> PAGE_SHIFT);
	unsigned int partial_start = (unsigned int)(lstart & (PAGE_SIZE - 1));
	unsigned int partial_end = lend == -1 ? 0 : (unsigned int)((lend + 1) & (PAGE_SIZE - 1));
	unsigned long index = start;
	struct page *page;

	if (mapping->nrpages == 0)
		return;
	while (start < end && (page = pagecache_next_page(mapping, &index, end - 1, XA_PRESENT))) {
		lock_page(page);
		wait_on_page_writeback(page);
		truncate_inode_page(mapping, page);
		unlock_page(page);
		put_page(page);
	}
	if (partial_start) {
		unsigned int top = PAGE_SIZE;

		if (start > end) { /* the range is inside one page */
			top = partial_end;
			partial_end = 0;
		}
		zero_partial_page(mapping, start - 1, partial_start, top);
	}
	if (partial_end)
		zero_partial_page(mapping, end, 0, partial_end);
}

void truncate_inode_pages(struct address_space *mapping, loff_t lstart)
{
	truncate_inode_pages_range(mapping, lstart, -1);
}

void truncate_inode_pages_final(struct address_space *mapping)
{
	truncate_inode_pages(mapping, 0);
}

/* The file pages first..last of one area that maps them, as addresses. */
static void unmap_vma_range(struct vm_area_struct *vma, unsigned long first, unsigned long last)
{
	unsigned long pages = (vma->vm_end - vma->vm_start) >> PAGE_SHIFT;
	unsigned long from = first > vma->vm_pgoff ? first - vma->vm_pgoff : 0;

	if (last < vma->vm_pgoff || from >= pages)
		return;
	unsigned long to = last - vma->vm_pgoff >= pages ? pages : last - vma->vm_pgoff + 1;
	unmap_range(vma->vm_mm, vma->vm_start + (from << PAGE_SHIFT),
		    vma->vm_start + (to << PAGE_SHIFT));
}

/*
 * Zap every PTE that maps the file's pages from byte holebegin on, in
 * every area of i_mmap (Linux: unmap_mapping_range with even_cows): the
 * page-cache pages, a private area's copies of them, and the hwpoison
 * entries left where memory_failure took a page away - whose page is no
 * longer in the cache, so only the areas can tell where they are. An
 * access beyond the new end then faults and gets SIGBUS.
 */
static void unmap_mapping_range(struct address_space *mapping, loff_t holebegin)
{
	unsigned long first = (unsigned long)((holebegin + PAGE_SIZE - 1) >> PAGE_SHIFT);

	for (struct list_head *l = mapping->i_mmap.next; l != &mapping->i_mmap; l = l->next)
		unmap_vma_range(list_entry(l, struct vm_area_struct, shared), first, ~0UL);
}

void truncate_pagecache(struct inode *inode, loff_t newsize)
{
	unmap_mapping_range(inode->i_mapping, newsize);
	truncate_inode_pages(inode->i_mapping, newsize);
}

void truncate_setsize(struct inode *inode, loff_t newsize)
{
	i_size_write(inode, newsize);
	truncate_pagecache(inode, newsize);
}

/* Anyone else holding the page (a file system using a metadata block,
 * a mapping) may still read it: remove_mapping (mm/vmscan.c) leaves it. */
int invalidate_inode_page(struct page *page)
{
	return page->mapping && remove_mapping(page->mapping, page);
}

unsigned long invalidate_mapping_pages(struct address_space *mapping, unsigned long start,
				       unsigned long end)
{
	unsigned long index = start, count = 0;
	struct page *page;

	while ((page = pagecache_next_page(mapping, &index, end, XA_PRESENT))) {
		if (trylock_page(page)) {
			count += page->mapping == mapping && invalidate_inode_page(page);
			unlock_page(page);
		}
		put_page(page);
		if (index == 0)
			break; /* wrapped past ~0UL */
	}
	return count;
}

int generic_error_remove_page(struct address_space *mapping, struct page *page)
{
	if (!mapping)
		return -EINVAL;
	/* Linux: "Only punch for normal data pages for now." */
	if ((mapping->host->i_mode & S_IFMT) != S_IFREG)
		return -EIO;
	return truncate_inode_page(mapping, page);
}
