/*
 * The page cache (Linux: mm/filemap.c): a file's pages in memory, found
 * by (mapping, index) in mapping->i_pages, read in through the file
 * system's a_ops->readpage, and the generic read(), write() and mmap()
 * of files on top of it. Dirty pages and write-back are in
 * mm/page-writeback.c, taking pages out in mm/truncate.c.
 *
 * Also the page locks and their wait table.
 */
#include "mm/filemap.h"
#include "fs/file.h"
#include "fs/iov_iter.h"
#include "fs/stat.h"
#include "fs/writeback.h"
#include "kernel/errno.h"
#include "kernel/panic.h"
#include "kernel/waitqueue.h"
#include "kernel/x86.h"
#include "lib/err.h"
#include "mm/buddy.h"
#include "mm/huge_mm.h"
#include "mm/pagemap.h"
#include "mm/paging.h"
#include "mm/pgtable.h"
#include "mm/rmap.h"
#include "mm/swap.h"
#include "mm/vmstat.h"

#define PAGE_WAIT_TABLE_BITS 8

static struct wait_queue_head page_wait_table[1 << PAGE_WAIT_TABLE_BITS];

void page_wait_table_init(void)
{
	for (size_t i = 0; i < ARRAY_SIZE(page_wait_table); i++)
		init_waitqueue_head(&page_wait_table[i]);
}

static struct wait_queue_head *page_waitqueue(const struct page *page)
{
	/* Neighbouring pages go to different queues. */
	unsigned long pfn = page_to_pfn(page);

	return &page_wait_table[(pfn * 0x9e3779b9UL >> 16) & ((1 << PAGE_WAIT_TABLE_BITS) - 1)];
}

/* Page locks are taken in process context; the disk's completion
 * interrupt releases those of pages it has read. page_test_and_set is
 * one atomic step, and the sleep has interrupts off (kernel/waitqueue.h)
 * so that the wake-up cannot come between the test and the sleep. */
bool trylock_page(struct page *page)
{
	return !page_test_and_set(compound_head(page), PG_locked);
}

void lock_page(struct page *page)
{
	while (!trylock_page(page))
		wait_on_page_locked(page); /* then look again: someone else may be first */
}

void unlock_page(struct page *page)
{
	page = compound_head(page);
	if (!page_test(page, PG_locked))
		panic("unlock_page: pfn %#lx is not locked", page_to_pfn(page));
	page_clear(page, PG_locked);
	wake_up_page(page);
}

void wait_on_page_bit(struct page *page, enum pageflags bit)
{
	bool was_on = irq_save();

	while (page_test(page, bit))
		sleep_on(page_waitqueue(page));
	irq_restore(was_on);
}

void wait_on_page_locked(struct page *page)
{
	wait_on_page_bit(compound_head(page), PG_locked);
}

void wake_up_page(struct page *page)
{
	wake_up(page_waitqueue(page));
}

/* ---- finding, adding and removing pages ---------------------------- */

void address_space_init_once(struct address_space *mapping)
{
	xa_init(&mapping->i_pages);
	INIT_LIST_HEAD(&mapping->i_mmap);
	mapping->nrpages = 0;
	mapping->flags = 0;
	mapping->wb_err = 0;
}

/* Linux's two touches (folio_mark_accessed): the first sets
 * PG_referenced, the second - the page is used again before reclaim
 * looked at it - moves it to the active list, so that a file read once
 * (a stream) passes through the inactive list and leaves, while one read
 * again stays. A page not on a list yet keeps PG_referenced. */
void mark_page_accessed(struct page *page)
{
	page = compound_head(page); /* a huge page is used as a whole */
	if (!page_test(page, PG_referenced)) {
		page_set(page, PG_referenced);
		return;
	}
	if (page_test(page, PG_active) || !page_test(page, PG_lru))
		return;
	activate_page(page);
	page_clear(page, PG_referenced);
}

/* The page at index with a new reference, or NULL. */
static struct page *find_get_entry(struct address_space *mapping, unsigned long index)
{
	bool was_on = irq_save();
	struct page *page = xa_load(&mapping->i_pages, index);

	if (page)
		get_page(page);
	irq_restore(was_on);
	return page;
}

struct page *pagecache_next_page(struct address_space *mapping, unsigned long *index,
				 unsigned long end, unsigned int filter)
{
	bool was_on = irq_save();
	struct page *page = xa_find(&mapping->i_pages, index, end, filter);

	if (page) {
		get_page(page);
		(*index)++;
	}
	irq_restore(was_on);
	return page;
}

int add_to_page_cache_lru(struct page *page, struct address_space *mapping, unsigned long index)
{
	bool was_on;
	int err;

	/* The index's nodes, allocated while reclaim may still run. */
	if (xa_preload(&mapping->i_pages, index))
		return -ENOMEM;
	page_set(page, PG_locked); /* nobody else can see it yet */
	get_page(page);            /* the cache's reference */
	page->mapping = mapping;
	page->index = index;
	was_on = irq_save();
	err = xa_load(&mapping->i_pages, index) ? -EEXIST : xa_store(&mapping->i_pages, index, page);
	if (!err)
		mapping->nrpages++;
	irq_restore(was_on);
	if (err) {
		page->mapping = NULL;
		page_clear(page, PG_locked);
		put_page(page);
		return err;
	}
	inc_node_page_state(NR_FILE_PAGES);
	lru_cache_add(page);
	return 0;
}

/* A file's huge page leaves whole: its 512 slots and counts. */
static void delete_huge_page_from_cache(struct page *head)
{
	struct address_space *mapping = head->mapping;
	bool was_on = irq_save();

	for (unsigned long i = 0; i < HPAGE_PMD_NR; i++) {
		xa_erase(&mapping->i_pages, head->index + i);
		head[i].mapping = NULL;
	}
	mapping->nrpages -= HPAGE_PMD_NR;
	mapping->nr_thps--;
	irq_restore(was_on);
	mod_node_page_state(NR_FILE_PAGES, -(long)HPAGE_PMD_NR);
	mod_node_page_state(NR_FILE_THPS, -(long)HPAGE_PMD_NR);
	put_page(head); /* the cache's reference */
}

void delete_from_page_cache(struct page *page)
{
	struct address_space *mapping = page->mapping;

	if (PageTransHuge(compound_head(page))) {
		delete_huge_page_from_cache(compound_head(page));
		return;
	}
	bool was_on = irq_save();
	xa_erase(&mapping->i_pages, page->index);
	mapping->nrpages--;
	irq_restore(was_on);
	dec_node_page_state(NR_FILE_PAGES);
	if (page_test(page, PG_swapbacked)) /* a tmpfs page (mm/shmem.c counted it in) */
		dec_node_page_state(NR_SHMEM);
	page->mapping = NULL;
	put_page(page); /* the cache's reference */
}

/* What a page-cache page's state is, which moves with its contents. */
#define PAGECACHE_STATE_FLAGS                                                       \
	(1UL << PG_uptodate | 1UL << PG_dirty | 1UL << PG_error | 1UL << PG_referenced | \
	 1UL << PG_mlocked)

void replace_page_cache_page(struct page *old, struct page *new)
{
	struct address_space *mapping = old->mapping;
	bool was_on;

	new->flags |= old->flags & PAGECACHE_STATE_FLAGS;
	new->mapping = mapping;
	new->index = old->index;
	get_page(new); /* the cache's reference */
	was_on = irq_save();
	xa_store(&mapping->i_pages, old->index, new); /* an existing slot: no memory needed */
	irq_restore(was_on);
	lru_cache_add(new);
	/* The dirty state (and its count and tag) now belongs to new. */
	old->flags &= ~PAGECACHE_STATE_FLAGS;
	old->mapping = NULL;
	if (page_test(old, PG_lru))
		del_page_from_lru_list(old);
	put_page(old); /* the cache's reference */
}

/*
 * How a new page of mapping is allocated (Linux: mapping_gfp_mask). A
 * block device's pages hold file-system metadata, which the file system
 * reads with its own locks held (sb_bread under ext2's truncate_mutex or
 * s_lock): reclaim must not write pages through the file system then,
 * or it would take those locks again (Linux's grow_dev_page clears
 * __GFP_FS the same way).
 */
static struct page *page_cache_alloc(const struct address_space *mapping)
{
	bool metadata = mapping->host && S_ISBLK(mapping->host->i_mode);

	return alloc_pages(metadata ? GFP_NOFS : GFP_HIGHUSER_MOVABLE, 0); /* zeroed */
}

struct page *pagecache_get_page(struct address_space *mapping, unsigned long index,
				unsigned int fgp_flags)
{
	struct page *page;
	int err;

	for (;;) {
		page = find_get_entry(mapping, index);
		if (!page)
			break;
		if (!(fgp_flags & FGP_LOCK))
			goto found;
		lock_page(page);
		if (page->mapping == mapping)
			goto found;
		unlock_page(page); /* truncated while we slept: look again */
		put_page(page);
	}
	if (!(fgp_flags & FGP_CREAT))
		return NULL;
	page = page_cache_alloc(mapping);
	if (!page)
		return NULL;
	err = add_to_page_cache_lru(page, mapping, index);
	if (err) {
		put_page(page);
		if (err == -EEXIST) /* someone else was first */
			return pagecache_get_page(mapping, index, fgp_flags);
		return NULL;
	}
	if (!(fgp_flags & FGP_LOCK))
		unlock_page(page);
found:
	if (fgp_flags & FGP_ACCESSED)
		mark_page_accessed(page);
	return page;
}

/* Read a locked page that is not uptodate, and wait: 0 or -EIO. The
 * page comes back unlocked. */
static int filemap_read_page(struct file *file, struct address_space *mapping,
			     struct page *page)
{
	int err = mapping->a_ops->readpage(file, page);

	if (err)
		return err;
	wait_on_page_locked(page);
	return page_test(page, PG_uptodate) ? 0 : -EIO;
}

/* A referenced page at index, uptodate; ERR_PTR on failure. A read
 * marks it accessed (fgp FGP_ACCESSED); a fault does not - a mapped
 * page's use is its PTE's accessed bit, which reclaim looks at. */
static struct page *get_uptodate_page(struct file *file, struct address_space *mapping,
				      unsigned long index, unsigned int fgp)
{
	struct page *page = pagecache_get_page(mapping, index, FGP_LOCK | FGP_CREAT | fgp);
	int err;

	if (!page)
		return ERR_PTR(-ENOMEM);
	if (page_test(page, PG_uptodate)) {
		unlock_page(page);
		return page;
	}
	err = filemap_read_page(file, mapping, page);
	if (err) {
		put_page(page);
		return ERR_PTR(err);
	}
	return page;
}

struct page *read_mapping_page(struct address_space *mapping, unsigned long index,
			       struct file *file)
{
	return get_uptodate_page(file, mapping, index, FGP_ACCESSED);
}

/* ---- read() -------------------------------------------------------- */

/* Start reading the new locked pages[0..nr), consecutive in the file. */
static void read_pages(struct file *file, struct address_space *mapping, struct page **pages,
		       unsigned int nr)
{
	if (nr && mapping->a_ops->readahead)
		mapping->a_ops->readahead(file, pages, nr);
	else
		for (unsigned int i = 0; i < nr; i++)
			mapping->a_ops->readpage(file, pages[i]); /* unlocks when read */
	for (unsigned int i = 0; i < nr; i++)
		put_page(pages[i]); /* the cache keeps its own reference */
}

/*
 * A read missed the cache at index: start reading it and the next pages
 * that are not cached either, all at once, so that the disk works on
 * them while the reader copies the first (Linux:
 * page_cache_ra_unbounded). Nothing is waited for here.
 */
static void page_cache_readahead(struct file *file, struct address_space *mapping,
				 unsigned long index, unsigned long end_index)
{
	struct page *pages[READAHEAD_PAGES];
	unsigned int nr = 0;

	for (unsigned long i = index; i < index + READAHEAD_PAGES && i <= end_index; i++) {
		struct page *page = find_get_entry(mapping, i);

		if (page) {
			put_page(page);
			if (nr || i > index)
				break; /* the rest was read before */
			continue;
		}
		page = page_cache_alloc(mapping);
		if (!page)
			break;
		if (add_to_page_cache_lru(page, mapping, i)) {
			put_page(page);
			break;
		}
		pages[nr++] = page;
	}
	read_pages(file, mapping, pages, nr);
}

/*
 * The page a read wants at index, uptodate, with a reference. A cached
 * uptodate page - the common case - is taken without its lock, as
 * Linux's filemap_read does: its contents are valid, and a truncation
 * meanwhile only makes the read return what the file held a moment ago.
 * A miss starts the readahead first.
 */
static struct page *find_cached_page(struct file *file, struct address_space *mapping,
				     unsigned long index, loff_t isize)
{
	struct page *page = find_get_entry(mapping, index);

	if (page && page_test(page, PG_uptodate)) {
		mark_page_accessed(page);
		return page;
	}
	if (page)
		put_page(page);
	else
		page_cache_readahead(file, mapping, index, (unsigned long)((isize - 1) >> PAGE_SHIFT));
	return get_uptodate_page(file, mapping, index, FGP_ACCESSED);
}

long generic_file_read_iter(struct file *file, struct iov_iter *to, loff_t *pos)
{
	struct address_space *mapping = file->f_mapping;
	struct inode *inode = mapping->host;
	long copied_total = 0;
	int err = 0;

	while (iov_iter_count(to)) {
		loff_t isize = i_size_read(inode);
		unsigned long index = (unsigned long)(*pos >> PAGE_SHIFT);
		size_t offset = (size_t)(*pos & (PAGE_SIZE - 1));
		struct page *page;
		size_t n, copied;

		if (*pos >= isize)
			break;
		page = find_cached_page(file, mapping, index, isize);
		if (IS_ERR(page)) {
			err = (int)PTR_ERR(page);
			break;
		}
		if (page_test(page, PG_hwpoison)) { /* kept in a cache, its data lost */
			put_page(page);
			err = -EIO;
			break;
		}
		/* The size may have shrunk while the page was read. */
		isize = i_size_read(inode);
		n = MIN(PAGE_SIZE - offset, iov_iter_count(to));
		if (*pos + (loff_t)n > isize)
			n = *pos < isize ? (size_t)(isize - *pos) : 0;
		/* The page may have gone bad: a machine check ends the copy
		 * short, and the #MC handler gives the page to memory_failure,
		 * which drops a clean one - the next read reads the disk. */
		copied = copy_mc_to_iter((char *)page_address(page) + offset, n, to);
		put_page(page);
		*pos += (loff_t)copied;
		copied_total += (long)copied;
		if (copied < n) {
			err = -EFAULT;
			break;
		}
		if (!n)
			break;
	}
	return copied_total ? copied_total : err;
}

/* ---- write() ------------------------------------------------------- */

long generic_perform_write(struct file *file, struct iov_iter *i, loff_t pos)
{
	struct address_space *mapping = file->f_mapping;
	const struct address_space_operations *a_ops = mapping->a_ops;
	long written = 0;
	int status = 0;

	while (iov_iter_count(i)) {
		size_t offset = (size_t)(pos & (PAGE_SIZE - 1));
		unsigned int bytes = (unsigned int)MIN(PAGE_SIZE - offset, iov_iter_count(i));
		struct page *page;
		unsigned int copied;

		/* Before the page is locked: the copy below must not fault
		 * on a mapping of this very page. */
		if (fault_in_iov_iter_readable(i, bytes) == bytes) {
			status = -EFAULT;
			break;
		}
		status = a_ops->write_begin(file, mapping, pos, bytes, &page);
		if (status < 0)
			break;
		/* A bad user address copies less; write_end keeps what came. */
		copied = (unsigned int)copy_from_iter((char *)page_address(page) + offset, bytes, i);
		status = a_ops->write_end(file, mapping, pos, bytes, copied, page);
		if (status < 0)
			break;
		pos += status;
		written += status;
		balance_dirty_pages_ratelimited(mapping);
		if (copied < bytes) {
			status = -EFAULT;
			break;
		}
	}
	return written ? written : status;
}

void file_update_time(struct file *file)
{
	struct inode *inode = file->f_mapping->host;
	struct timespec64 now = current_time(inode);

	if (inode->i_mtime.tv_sec == now.tv_sec && inode->i_mtime.tv_nsec == now.tv_nsec &&
	    inode->i_ctime.tv_sec == now.tv_sec && inode->i_ctime.tv_nsec == now.tv_nsec)
		return;
	inode->i_mtime = inode->i_ctime = now;
	mark_inode_dirty_sync(inode);
}

long generic_file_write_iter(struct file *file, struct iov_iter *from, loff_t *pos)
{
	struct inode *inode = file->f_mapping->host;
	int64_t limit = inode->i_sb->s_maxbytes;
	long written;

	if (!iov_iter_count(from))
		return 0;
	if (IS_SWAPFILE(inode))
		return -ETXTBSY; /* Linux: generic_write_checks */
	inode_lock(inode);
	if (file->f_flags & O_APPEND)
		*pos = i_size_read(inode);
	/* Linux's generic_write_checks: nothing at or past the limit, and a
	 * write that would cross it is cut short. */
	if (*pos >= limit) {
		inode_unlock(inode);
		return -EFBIG;
	}
	if ((int64_t)iov_iter_count(from) > limit - *pos)
		from->count = (size_t)(limit - *pos);
	file_update_time(file);
	written = generic_perform_write(file, from, *pos);
	if (written > 0)
		*pos += written;
	inode_unlock(inode);
	return written;
}

/* ---- mmap() -------------------------------------------------------- */

/*
 * A frame of a file's huge page (mm/khugepaged.c made it), locked and
 * held: the whole page by the PMD where the area can map it so; where
 * it cannot, the huge page becomes 512 small ones and the fault is
 * retried with them (a huge page is only ever mapped whole: mm/huge_mm.h).
 */
static int filemap_map_huge(struct vm_area_struct *vma, unsigned long addr, struct page *page)
{
	struct page *head = compound_head(page);

	if (do_set_pmd(vma, addr, page) == 0) {
		unlock_page(head);
		return 0;
	}
	/* If someone else holds it for a moment (a read() copying from it),
	 * the split fails and the access is simply retried. */
	split_huge_page(page);
	unlock_page(head);
	put_page(page);
	return 0;
}

/*
 * A missing page of a file mapping: the page-cache page itself is mapped
 * - read-only, whatever the area allows, so that the first write to it
 * faults again (mm/fault.c): a shared area then dirties the page
 * (filemap_page_mkwrite), a private one copies it. Beyond the end of
 * the file, or when the read fails: -EIO, which is SIGBUS.
 */
static int filemap_fault(struct vm_area_struct *vma, unsigned long addr)
{
	struct address_space *mapping = vma->vm_file->f_mapping;
	unsigned long index = linear_page_index(vma, addr);
	struct page *page;
	int err;

	if ((loff_t)index >= (i_size_read(mapping->host) + (loff_t)PAGE_SIZE - 1) >> PAGE_SHIFT)
		return -EIO;
	page = get_uptodate_page(vma->vm_file, mapping, index, 0);
	if (IS_ERR(page))
		return page == ERR_PTR(-ENOMEM) ? -ENOMEM : -EIO;
	lock_page(page);
	if (page->mapping != mapping) { /* truncated meanwhile: try again */
		unlock_page(page);
		put_page(page);
		return 0;
	}
	if (page_test(page, PG_hwpoison)) { /* kept in the cache, corrupt: SIGBUS */
		unlock_page(page);
		put_page(page);
		return -EHWPOISON;
	}
	if (PageTransHuge(compound_head(page)))
		return filemap_map_huge(vma, addr, page);
	/* The reference taken by the lookup belongs to the mapping now. */
	err = map_user_page(vma->vm_mm, addr & PAGE_MASK, page, vma->vm_flags & ~VM_WRITE);
	unlock_page(page);
	if (err)
		put_page(page);
	return err == -EEXIST ? 0 : err; /* another thread mapped it: retry the access */
}

/* The first write to a page of a shared file area (mm/fault.c makes the
 * PTE writable after this). */
int filemap_page_mkwrite(struct vm_area_struct *vma, struct page *page)
{
	lock_page(page);
	if (page->mapping != vma->vm_file->f_mapping) {
		unlock_page(page);
		return -EIO; /* truncated: the PTE is going away */
	}
	set_page_dirty(page);
	unlock_page(page);
	file_update_time(vma->vm_file);
	return 0;
}

const struct vm_operations_struct generic_file_vm_ops = {
	.name = "file",
	.fault = filemap_fault,
	.page_mkwrite = filemap_page_mkwrite,
};

int generic_file_mmap(struct file *file, struct vm_area_struct *vma)
{
	if (!file->f_mapping->a_ops->readpage)
		return -ENOEXEC; /* Linux's answer for a mapping that cannot read */
	vma->vm_ops = &generic_file_vm_ops;
	return 0;
}
