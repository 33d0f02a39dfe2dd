/*
 * The page cache (mm/filemap.c, mm/page-writeback.c, mm/truncate.c,
 * fs/simple_aops.c) over a fake file system whose "disk" is an array:
 * readpage copies from it, writepage into it, and either can be told to
 * fail. User buffers are host memory (tests/unit/host_kernel.c).
 */
#include <stdlib.h>
#include <string.h>

#include "fs/file.h"
#include "fs/iov_iter.h"
#include "fs/stat.h"
#include "kernel/errno.h"
#include "lib/err.h"
#include "mm/buddy.h"
#include "mm/fault.h"
#include "mm/filemap.h"
#include "mm/mmap.h"
#include "mm/pagemap.h"
#include "mm/rmap.h"
#include "mm/slab.h"
#include "mm/swap.h"
#include "mm/vmstat.h"
#include "tests/unit/fake_inode.h"
#include "tests/unit/fake_pgtable.h"
#include "tests/unit/host_kernel.h"
#include "tests/unit/test.h"

#define DISK_PAGES 32

static unsigned char disk[DISK_PAGES][PAGE_SIZE];
static long fail_read_index = -1;  /* readpage of this index fails */
static int writepage_error;         /* the next writes complete with this */
static int pages_read, pages_written;

static int fake_readpage(struct file *file, struct page *page)
{
	(void)file;
	pages_read++;
	if ((long)page->index != fail_read_index && page->index < DISK_PAGES) {
		memcpy(page_address(page), disk[page->index], PAGE_SIZE);
		page_set(page, PG_uptodate);
	}
	unlock_page(page); /* "the disk is done": at once, on the host */
	return 0;
}

/* As a disk driver's completion does: the error arrives after the
 * write was started, through mapping_set_error. */
static int fake_writepage(struct page *page, struct writeback_control *wbc)
{
	(void)wbc;
	set_page_writeback(page);
	unlock_page(page);
	pages_written++;
	if (writepage_error)
		mapping_set_error(page->mapping, writepage_error);
	else
		memcpy(disk[page->index], page_address(page), PAGE_SIZE);
	end_page_writeback(page);
	return 0;
}

/* A write that does not cover the whole page reads it first. */
static int fake_write_begin(struct file *file, struct address_space *mapping, loff_t pos,
			    unsigned int len, struct page **pagep)
{
	struct page *page = find_or_create_page(mapping, (unsigned long)(pos >> PAGE_SHIFT));

	(void)file;
	if (!page)
		return -ENOMEM;
	if (!page_test(page, PG_uptodate) && len != PAGE_SIZE && page->index < DISK_PAGES) {
		memcpy(page_address(page), disk[page->index], PAGE_SIZE);
		page_set(page, PG_uptodate);
	}
	*pagep = page;
	return 0;
}

static const struct address_space_operations fake_aops = {
	.readpage = fake_readpage,
	.writepage = fake_writepage,
	.write_begin = fake_write_begin,
	.write_end = simple_write_end,
};

static const struct super_operations fake_sops;
static struct super_block sb = { .s_maxbytes = (int64_t)DISK_PAGES * PAGE_SIZE,
				 .s_op = &fake_sops, FAKE_SB_LISTS(sb) };
static struct inode inode;
static unsigned long free_at_start;

static void setup_with(const struct address_space_operations *a_ops)
{
	host_memory_init();
	host_memory_give(1, HOST_PAGES);
	kmalloc_init();
	memset(vm_node_stat, 0, sizeof(vm_node_stat));
	free_at_start = nr_free_pages();
	fake_inode_init(&inode, &sb, S_IFREG | 0644, a_ops);
	for (int i = 0; i < DISK_PAGES; i++)
		memset(disk[i], 'a' + i, PAGE_SIZE);
	fail_read_index = -1;
	writepage_error = 0;
	pages_read = pages_written = 0;
}

static void setup(void)
{
	setup_with(&fake_aops);
}

/* The test's files live on its stack and stay open: areas take and
 * drop references (get_file, fput), never the last one. */
static const struct file_operations test_fops;

static struct file open_file(void)
{
	return (struct file){ .f_op = &test_fops, .f_count = 1,
			      .f_mode = FMODE_READ | FMODE_WRITE, .f_inode = &inode,
			      .f_mapping = &inode.i_data,
			      .f_wb_err = errseq_sample(&inode.i_data.wb_err) };
}

static long do_write(struct file *f, const void *buf, size_t len, loff_t pos)
{
	struct iovec v = { (uint64_t)(uintptr_t)buf, len };
	struct iov_iter it;

	iov_iter_init(&it, &v, len);
	return generic_file_write_iter(f, &it, &pos);
}

static long do_read(struct file *f, void *buf, size_t len, loff_t pos)
{
	struct iovec v = { (uint64_t)(uintptr_t)buf, len };
	struct iov_iter it;

	iov_iter_init(&it, &v, len);
	return generic_file_read_iter(f, &it, &pos);
}

/* Every page went back to the allocator once the cache let go. */
static bool cache_emptied(void)
{
	truncate_inode_pages_final(&inode.i_data);
	return inode.i_data.nrpages == 0 && xa_empty(&inode.i_data.i_pages) &&
	       global_node_page_state(NR_FILE_PAGES) == 0 &&
	       global_node_page_state(NR_FILE_DIRTY) == 0 && slab_pages() == 0 &&
	       nr_free_pages() == free_at_start;
}

static char buf[6 * PAGE_SIZE], back[6 * PAGE_SIZE];

static void test_read_through_the_cache(void)
{
	struct file f;

	setup();
	f = open_file();
	inode.i_size = 10 * PAGE_SIZE - 10;
	CHECK(do_read(&f, back, 100, PAGE_SIZE + 5) == 100);
	CHECK(memcmp(back, disk[1], 100) == 0);
	/* The miss read the next pages ahead, in one go: here the rest of
	 * the file, which is shorter than READAHEAD_PAGES. */
	CHECK(inode.i_data.nrpages == 9 && pages_read == 9);
	CHECK(do_read(&f, back, 2 * PAGE_SIZE, 2 * PAGE_SIZE - 1) == 2 * PAGE_SIZE);
	CHECK(back[0] == 'b' && back[1] == 'c' && back[PAGE_SIZE + 1] == 'd');
	CHECK(pages_read == 9); /* all from the cache */
	/* Up to i_size, then nothing. */
	CHECK(do_read(&f, back, 3 * PAGE_SIZE, 9 * PAGE_SIZE) == PAGE_SIZE - 10);
	CHECK(do_read(&f, back, 10, 10 * PAGE_SIZE) == 0);
	CHECK(global_node_page_state(NR_FILE_PAGES) == inode.i_data.nrpages);
	CHECK(lruvec.nr_pages[LRU_INACTIVE_FILE] == inode.i_data.nrpages);
	CHECK(cache_emptied());
}

static void test_read_error(void)
{
	struct file f;
	struct page *page;

	setup();
	f = open_file();
	inode.i_size = 8 * PAGE_SIZE;
	fail_read_index = 2;
	/* The bytes before the bad page come back; then -EIO. */
	CHECK(do_read(&f, back, 3 * PAGE_SIZE, PAGE_SIZE) == PAGE_SIZE);
	CHECK(do_read(&f, back, 10, 2 * PAGE_SIZE) == -EIO);
	page = read_mapping_page(&inode.i_data, 2, NULL);
	CHECK(page == ERR_PTR(-EIO));
	fail_read_index = -1;
	page = read_mapping_page(&inode.i_data, 2, NULL);
	CHECK(!IS_ERR(page) && page_test(page, PG_uptodate) && !page_test(page, PG_locked));
	put_page(page);
	CHECK(cache_emptied());
}

static void test_write_and_fsync(void)
{
	struct file f;

	setup();
	f = open_file();
	inode.i_size = PAGE_SIZE;
	memset(buf, 'X', sizeof(buf));
	/* Pages 0 (partly: the rest read from the disk), 1, 2 (partly). */
	CHECK(do_write(&f, buf, 2 * PAGE_SIZE, 100) == 2 * PAGE_SIZE);
	CHECK(inode.i_size == 2 * PAGE_SIZE + 100);
	CHECK(inode.i_data.nrpages == 3 && global_node_page_state(NR_FILE_DIRTY) == 3);
	CHECK(xa_marked(&inode.i_data.i_pages, PAGECACHE_TAG_DIRTY));
	CHECK(inode.i_state & I_DIRTY_PAGES);
	CHECK(disk[0][100] == 'a'); /* not written yet */
	CHECK(do_read(&f, back, 3 * PAGE_SIZE, 0) == 2 * PAGE_SIZE + 100);
	CHECK(back[99] == 'a' && back[100] == 'X' && back[2 * PAGE_SIZE + 99] == 'X');

	CHECK(file_write_and_wait_range(&f, 0, INT64_MAX) == 0);
	CHECK(pages_written == 3);
	CHECK(disk[0][99] == 'a' && disk[0][100] == 'X' && disk[2][99] == 'X' && disk[2][100] == 'c');
	CHECK(global_node_page_state(NR_FILE_DIRTY) == 0);
	CHECK(global_node_page_state(NR_WRITEBACK) == 0);
	CHECK(!xa_marked(&inode.i_data.i_pages, PAGECACHE_TAG_DIRTY));
	CHECK(!xa_marked(&inode.i_data.i_pages, PAGECACHE_TAG_WRITEBACK));
	/* Nothing left to write. */
	CHECK(file_write_and_wait_range(&f, 0, INT64_MAX) == 0 && pages_written == 3);
	CHECK(cache_emptied());
}

static void test_o_append_and_size_limit(void)
{
	struct file f;

	setup();
	f = open_file();
	f.f_flags = O_APPEND;
	inode.i_size = 10;
	CHECK(do_write(&f, "xyz", 3, 0) == 3);
	CHECK(inode.i_size == 13);
	f.f_flags = 0;
	CHECK(do_write(&f, "x", 1, sb.s_maxbytes) == -EFBIG);
	CHECK(do_write(&f, "xyz", 3, sb.s_maxbytes - 1) == 1); /* cut at the limit */
	CHECK(cache_emptied());
}

static void test_bad_user_buffer(void)
{
	struct file f;

	setup();
	f = open_file();
	inode.i_size = PAGE_SIZE;
	CHECK(do_write(&f, (void *)16, 10, 0) == -EFAULT);
	CHECK(do_read(&f, (void *)16, 10, 0) == -EFAULT);
	CHECK(inode.i_size == PAGE_SIZE);
	CHECK(cache_emptied());
}

/* Linux's errseq reporting, through the page cache: each open file
 * learns of a failed write-back once. */
static void test_writeback_error_reported_once_per_file(void)
{
	struct file a, b, late;

	setup();
	a = open_file();
	b = open_file();
	CHECK(do_write(&a, "data", 4, 0) == 4);
	writepage_error = -EIO;
	CHECK(file_write_and_wait_range(&a, 0, INT64_MAX) == -EIO);
	CHECK(file_write_and_wait_range(&a, 0, INT64_MAX) == 0);
	late = open_file(); /* after the error, which a saw */
	CHECK(file_write_and_wait_range(&late, 0, INT64_MAX) == 0);
	CHECK(file_write_and_wait_range(&b, 0, INT64_MAX) == -EIO);
	CHECK(file_write_and_wait_range(&b, 0, INT64_MAX) == 0);
	/* The data of the failed write is lost, as in Linux: not dirty. */
	CHECK(global_node_page_state(NR_FILE_DIRTY) == 0);
	CHECK(cache_emptied());
}

static void test_writeback_range(void)
{
	struct file f;

	setup();
	f = open_file();
	memset(buf, 'Y', sizeof(buf));
	CHECK(do_write(&f, buf, 6 * PAGE_SIZE, 0) == 6 * PAGE_SIZE);
	CHECK(filemap_write_and_wait_range(&inode.i_data, 2 * PAGE_SIZE, 3 * PAGE_SIZE + 1) == 0);
	CHECK(pages_written == 2 && disk[2][0] == 'Y' && disk[3][0] == 'Y' && disk[4][0] == 'e');
	CHECK(global_node_page_state(NR_FILE_DIRTY) == 4);
	CHECK(filemap_write_and_wait(&inode.i_data) == 0 && pages_written == 6);
	CHECK(cache_emptied());
}

static void test_truncate(void)
{
	struct file f;
	struct page *page;

	setup();
	f = open_file();
	memset(buf, 'Z', sizeof(buf));
	CHECK(do_write(&f, buf, 5 * PAGE_SIZE, 0) == 5 * PAGE_SIZE);
	truncate_setsize(&inode, 2 * PAGE_SIZE + 100);
	CHECK(inode.i_size == 2 * PAGE_SIZE + 100);
	CHECK(inode.i_data.nrpages == 3);
	CHECK(global_node_page_state(NR_FILE_DIRTY) == 3);
	page = find_get_page(&inode.i_data, 2);
	CHECK(page && ((char *)page_address(page))[99] == 'Z' &&
	      ((char *)page_address(page))[100] == 0 && ((char *)page_address(page))[4095] == 0);
	put_page(page);
	/* A hole in the middle: whole pages go, the partial ones are zeroed. */
	truncate_inode_pages_range(&inode.i_data, 10, PAGE_SIZE * 2 + 9);
	CHECK(inode.i_data.nrpages == 2 && !find_get_page(&inode.i_data, 1));
	page = find_get_page(&inode.i_data, 0);
	CHECK(((char *)page_address(page))[9] == 'Z' && ((char *)page_address(page))[10] == 0);
	put_page(page);
	page = find_get_page(&inode.i_data, 2);
	CHECK(((char *)page_address(page))[9] == 0 && ((char *)page_address(page))[10] == 'Z');
	put_page(page);
	CHECK(cache_emptied());
}

static void test_invalidate_keeps_dirty(void)
{
	struct file f;
	struct page *page;

	setup();
	f = open_file();
	inode.i_size = 4 * PAGE_SIZE;
	CHECK(do_read(&f, back, 4 * PAGE_SIZE, 0) == 4 * PAGE_SIZE);
	CHECK(do_write(&f, "q", 1, PAGE_SIZE) == 1);
	CHECK(invalidate_mapping_pages(&inode.i_data, 0, ~0UL) == 3);
	page = find_get_page(&inode.i_data, 1);
	CHECK(inode.i_data.nrpages == 1 && page != NULL);
	put_page(page);
	CHECK(cache_emptied());
}

/* A page of a shared file mapping: mapped read-only at the fault, dirtied
 * by the first write (page_mkwrite), cleaned and write-protected again
 * when written back. */
static void test_shared_mapping(void)
{
	struct fake_mm fm;
	struct vm_area_struct vma;
	struct file f;
	uint64_t *pte;
	struct page *page;

	setup();
	f = open_file();
	inode.i_size = 2 * PAGE_SIZE;
	fake_mm_init(&fm);
	fake_vma_init(&vma, &fm, FAKE_BASE, FAKE_BASE + 4 * PAGE_SIZE);
	vma.vm_flags |= VM_SHARED;
	vma.vm_pgoff = 0;
	vma.vm_file = &f;
	CHECK(generic_file_mmap(&f, &vma) == 0);
	list_add_tail(&vma.shared, &inode.i_data.i_mmap);

	CHECK(vma.vm_ops->fault(&vma, FAKE_BASE + PAGE_SIZE + 8) == 0);
	pte = walk_pte(fm.mm.pgd, FAKE_BASE + PAGE_SIZE, false);
	CHECK(pte_present(*pte) && !(*pte & PTE_WRITE));
	page = pfn_to_page(pte_pfn(*pte));
	CHECK(page->mapping == &inode.i_data && page->index == 1 && page->mapcount == 1);
	CHECK(((char *)page_address(page))[0] == 'b');
	/* Beyond the end of the file: SIGBUS. */
	CHECK(vma.vm_ops->fault(&vma, FAKE_BASE + 2 * PAGE_SIZE) == -EIO);

	CHECK(vma.vm_ops->page_mkwrite(&vma, page) == 0);
	*pte |= PTE_WRITE | PTE_DIRTY; /* what mm/fault.c does next */
	((char *)page_address(page))[0] = 'M';
	CHECK(page_test(page, PG_dirty) && global_node_page_state(NR_FILE_DIRTY) == 1);
	CHECK(filemap_write_and_wait(&inode.i_data) == 0);
	CHECK(disk[1][0] == 'M');
	CHECK(!(*pte & PTE_WRITE) && !pte_dirty(*pte));

	/* Truncation takes the page out of the mapping too. */
	truncate_setsize(&inode, 0);
	CHECK(*pte == 0 && fm.mm.rss == 0);
	CHECK(cache_emptied());
}

/* A file area of fm at [start, start + pages), mapping the file from 0. */
static struct vm_area_struct *file_area(struct fake_mm *fm, struct file *f, unsigned long start,
					unsigned long pages, unsigned long vm_flags)
{
	struct vm_area_struct *vma;

	if (insert_vma(&fm->mm, start, start + pages * PAGE_SIZE, vm_flags))
		return NULL;
	vma = find_vma(&fm->mm, start);
	get_file(f);
	vma->vm_file = f;
	vma->vm_pgoff = 0;
	CHECK(generic_file_mmap(f, vma) == 0);
	list_add_tail(&vma->shared, &inode.i_data.i_mmap);
	return vma;
}

static struct page *page_at(struct fake_mm *fm, unsigned long addr, uint64_t **pte)
{
	*pte = walk_pte(fm->mm.pgd, addr, false);
	return pte_present(**pte) ? pfn_to_page(pte_pfn(**pte)) : NULL;
}

/* The faults as mm/fault.c takes them (handle_mm_fault): a write to a
 * shared file page dirties it, write-back write-protects it, the next
 * write dirties it again; a private area reads the cache page and
 * writes its own copy. */
static void test_file_faults(void)
{
	unsigned long shared_at = FAKE_BASE, private_at = FAKE_BASE + 8 * PAGE_SIZE;
	struct vm_area_struct *shared, *private;
	struct page *page, *copy;
	uint64_t *pte, *ppte;
	struct fake_mm fm;
	struct file f;
	int si_code;

	setup();
	f = open_file();
	inode.i_size = PAGE_SIZE + 10;
	fake_mm_init(&fm);
	fm.mm.mm_rb = RB_ROOT;
	shared = file_area(&fm, &f, shared_at, 3, VM_READ | VM_WRITE | VM_SHARED);
	private = file_area(&fm, &f, private_at, 3, VM_READ | VM_WRITE);
	CHECK(shared && private);

	/* One write fault maps the page and dirties it. */
	CHECK(handle_mm_fault(&fm.mm, shared_at + 8, PF_USER | PF_WRITE, &si_code) == 0);
	page = page_at(&fm, shared_at, &pte);
	CHECK(page && page->mapping == &inode.i_data && page->index == 0);
	CHECK((*pte & PTE_WRITE) && page_test(page, PG_dirty));
	CHECK(global_node_page_state(NR_FILE_DIRTY) == 1);
	CHECK(filemap_write_and_wait(&inode.i_data) == 0);
	CHECK(!(*pte & PTE_WRITE) && !page_test(page, PG_dirty));
	CHECK(handle_mm_fault(&fm.mm, shared_at, PF_USER | PF_WRITE | PF_PROT, &si_code) == 0);
	CHECK((*pte & PTE_WRITE) && page_test(page, PG_dirty));

	/* Private: the cache page itself, read-only; a write copies it. */
	CHECK(handle_mm_fault(&fm.mm, private_at, PF_USER, &si_code) == 0);
	CHECK(page_at(&fm, private_at, &ppte) == page && !(*ppte & PTE_WRITE));
	CHECK(page->mapcount == 2);
	((char *)page_address(page))[0] = 'P';
	CHECK(handle_mm_fault(&fm.mm, private_at, PF_USER | PF_WRITE | PF_PROT, &si_code) == 0);
	copy = page_at(&fm, private_at, &ppte);
	CHECK(copy && copy != page && page_test(copy, PG_anon) && (*ppte & PTE_WRITE));
	CHECK(((char *)page_address(copy))[0] == 'P' && page->mapcount == 1);

	/* Past the end of the file (page 2 of 1 and a bit): SIGBUS. */
	CHECK(handle_mm_fault(&fm.mm, shared_at + 2 * PAGE_SIZE, PF_USER, &si_code) == -EIO);

	/* Truncation unmaps the shared page, and the private copy of a page
	 * now beyond the end too (Linux: unmap_mapping_range, even_cows):
	 * both areas get SIGBUS there. */
	truncate_setsize(&inode, 0);
	CHECK(*pte == 0 && *ppte == 0 && fm.mm.rss == 0);
	list_del(&shared->shared);
	list_del(&private->shared);
	shared->vm_file = private->vm_file = NULL; /* the test's file holds no references */
	remove_vma(&fm.mm, shared);
	remove_vma(&fm.mm, private);
	CHECK(cache_emptied());
}

/* Memory files: dirty forever, never written, not counted as Dirty. */
static void test_simple_aops(void)
{
	struct file f;

	setup_with(&simple_aops);
	f = open_file();
	memset(buf, 'R', sizeof(buf));
	CHECK(do_write(&f, buf, 10, PAGE_SIZE + 5) == 10);
	CHECK(inode.i_size == PAGE_SIZE + 15);
	CHECK(do_read(&f, back, 100, 0) == 100 && back[0] == 0); /* a hole reads zeros */
	CHECK(do_read(&f, back, 100, PAGE_SIZE) == 15 && back[5] == 'R' && back[4] == 0);
	CHECK(global_node_page_state(NR_FILE_DIRTY) == 0);
	CHECK(!xa_marked(&inode.i_data.i_pages, PAGECACHE_TAG_DIRTY));
	CHECK(!(inode.i_state & I_DIRTY_PAGES)); /* nothing to write it to */
	CHECK(file_write_and_wait_range(&f, 0, INT64_MAX) == 0);
	CHECK(cache_emptied());
}

static void test_error_remove_page(void)
{
	struct file f;
	struct page *page;

	setup();
	f = open_file();
	CHECK(do_write(&f, "dirty", 5, 0) == 5);
	page = find_lock_page(&inode.i_data, 0);
	CHECK(generic_error_remove_page(&inode.i_data, page) == 0);
	CHECK(page->mapping == NULL && inode.i_data.nrpages == 0);
	CHECK(global_node_page_state(NR_FILE_DIRTY) == 0);
	CHECK(generic_error_remove_page(&inode.i_data, page) == -EIO); /* not there any more */
	unlock_page(page);
	put_page(page);
	CHECK(cache_emptied());
}

/* A poisoned page kept in a cache (shmem keeps them; memory_failure may
 * fail to drop one) is never handed to read(): EIO at its offset, the
 * pages before it still read (Linux: filemap_read). */
static void test_poisoned_page_reads_eio(void)
{
	struct file f;
	struct page *page;

	setup();
	f = open_file();
	inode.i_size = 2 * PAGE_SIZE;
	CHECK(do_read(&f, back, 10, PAGE_SIZE) == 10);
	page = find_get_page(&inode.i_data, 1);
	page_set(page, PG_hwpoison);
	CHECK(do_read(&f, back, 10, PAGE_SIZE) == -EIO);
	CHECK(do_read(&f, back, PAGE_SIZE + 10, 0) == PAGE_SIZE); /* up to the bad page */
	page_clear(page, PG_hwpoison);
	put_page(page);
	CHECK(cache_emptied());
}

int main(void)
{
	RUN(test_read_through_the_cache);
	RUN(test_read_error);
	RUN(test_write_and_fsync);
	RUN(test_o_append_and_size_limit);
	RUN(test_bad_user_buffer);
	RUN(test_writeback_error_reported_once_per_file);
	RUN(test_writeback_range);
	RUN(test_truncate);
	RUN(test_invalidate_keeps_dirty);
	RUN(test_shared_mapping);
	RUN(test_file_faults);
	RUN(test_simple_aops);
	RUN(test_error_remove_page);
	RUN(test_poisoned_page_reads_eio);
	return finish("filemap");
}
