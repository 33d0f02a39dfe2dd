/*
 * hugetlbfs (Linux: fs/hugetlbfs/inode.c): a memory file system whose
 * files' pages are huge pages from the pool (mm/hugetlb.c), 2 MiB each.
 * `mount -t hugetlbfs none /dev/hugepages`; then files there are made,
 * sized with ftruncate (a multiple of 2 MiB) and mmap()ed. An internal
 * mount holds the unnamed files behind mmap(MAP_HUGETLB) and
 * shmget(SHM_HUGETLB).
 *
 * A file's pages are in its page cache at 4 KiB index 512 * n for huge
 * page n (so that the reverse map finds mappers as for any file), never
 * on the LRU lists: nothing reclaims or writes them. Shared mappings
 * reserve the file's pages when they are made (the inode's resv_map: the
 * huge page numbers promised and not yet allocated); the first fault of a
 * page takes its promise.
 */
#include "fs/fs.h"
#include "fs/file.h"
#include "fs/internal.h"
#include "fs/iov_iter.h"
#include "fs/stat.h"
#include "kernel/errno.h"
#include "kernel/panic.h"
#include "kernel/x86.h"
#include "lib/err.h"
#include "lib/string.h"
#include "mm/buddy.h"
#include "mm/hugetlb.h"
#include "mm/mmap.h"
#include "mm/pagemap.h"
#include "mm/pgtable.h"
#include "mm/slab.h"
#include "kernel/uaccess.h"

#define HUGETLBFS_MAGIC 0x958458f6

struct hugetlbfs_inode_info {
	struct xarray resv_map; /* huge page number -> &resv_mark: reserved, no page yet */
	struct inode vfs_inode;
};

static char resv_mark; /* what resv_map holds: any non-NULL pointer would do */

static struct hugetlbfs_inode_info *HUGETLBFS_I(struct inode *inode)
{
	return container_of(inode, struct hugetlbfs_inode_info, vfs_inode);
}

static const struct super_operations hugetlbfs_ops;
static const struct file_operations hugetlbfs_file_operations;
static const struct inode_operations hugetlbfs_inode_operations;
static const struct inode_operations hugetlbfs_dir_inode_operations;
static const struct address_space_operations hugetlbfs_aops;
static struct vfsmount *hugetlbfs_vfsmount; /* the internal mount */

bool is_file_hugepages(const struct file *file)
{
	return file && file->f_op == &hugetlbfs_file_operations;
}

/* ---- the page cache ---------------------------------------------------- */

struct page *hugetlbfs_find_page(struct address_space *mapping, unsigned long hindex)
{
	struct page *page = xa_load(&mapping->i_pages, hindex << HUGETLB_PAGE_ORDER);

	if (page)
		get_page(page);
	return page;
}

/* The cache holds a reference of its own. Dirty from the start: its data
 * is nowhere else (Linux: hugetlb_add_to_page_cache). */
int hugetlb_add_to_page_cache(struct page *page, struct address_space *mapping,
			      unsigned long hindex)
{
	int err = xa_preload(&mapping->i_pages, hindex << HUGETLB_PAGE_ORDER);
	bool was_on;

	if (err)
		return err;
	was_on = irq_save(); /* the page cache's rule (mm/pagemap.h) */
	err = xa_store(&mapping->i_pages, hindex << HUGETLB_PAGE_ORDER, page);
	if (!err)
		mapping->nrpages++;
	irq_restore(was_on);
	if (err)
		return err;
	get_page(page);
	page->mapping = mapping;
	page->index = hindex << HUGETLB_PAGE_ORDER;
	page_set(page, PG_uptodate);
	page_set(page, PG_dirty);
	return 0;
}

static void hugetlb_delete_from_page_cache(struct page *page)
{
	struct address_space *mapping = page->mapping;
	bool was_on = irq_save();

	xa_erase(&mapping->i_pages, page->index);
	mapping->nrpages--;
	irq_restore(was_on);
	page->mapping = NULL;
	put_page(page);
}

/* ---- reservations of shared mappings ---------------------------------- */

int hugetlbfs_reserve_pages(struct inode *inode, unsigned long from, unsigned long to)
{
	struct hugetlbfs_inode_info *info = HUGETLBFS_I(inode);
	long needed = 0;

	for (unsigned long i = from; i < to; i++)
		if (!xa_load(&info->resv_map, i) &&
		    !xa_load(&inode->i_mapping->i_pages, i << HUGETLB_PAGE_ORDER))
			needed++;
	int err = hugetlb_acct_memory(needed);
	if (err)
		return err;
	for (unsigned long i = from; i < to; i++) {
		if (xa_load(&info->resv_map, i) ||
		    xa_load(&inode->i_mapping->i_pages, i << HUGETLB_PAGE_ORDER))
			continue;
		if (xa_store(&info->resv_map, i, &resv_mark)) {
			hugetlb_acct_memory(-needed); /* out of memory for the map */
			return -ENOMEM;
		}
		needed--;
	}
	return 0;
}

bool hugetlbfs_consume_reserve(struct inode *inode, unsigned long hindex)
{
	return xa_erase(&HUGETLBFS_I(inode)->resv_map, hindex) != NULL;
}

/* Give back the promises for huge pages from `from` on. */
static void hugetlb_unreserve_pages(struct inode *inode, unsigned long from)
{
	struct xarray *resv = &HUGETLBFS_I(inode)->resv_map;
	long freed = 0;

	for (unsigned long i = from; xa_find(resv, &i, ~0UL, XA_PRESENT); i++) {
		xa_erase(resv, i);
		freed++;
	}
	hugetlb_acct_memory(-freed);
}

/* ---- truncation -------------------------------------------------------- */

/* Drop the file's huge pages from number `from` on, first from every area
 * mapping them - private copies too, as Linux's hugetlb_vmdelete_list - then
 * from the cache; their promises go back to the pool. */
static void remove_inode_hugepages(struct inode *inode, unsigned long from)
{
	struct address_space *mapping = inode->i_mapping;
	unsigned long pgoff = from << HUGETLB_PAGE_ORDER;

	for (struct list_head *l = mapping->i_mmap.next; l != &mapping->i_mmap; l = l->next) {
		struct vm_area_struct *vma = list_entry(l, struct vm_area_struct, shared);
		unsigned long pages = (vma->vm_end - vma->vm_start) >> PAGE_SHIFT;
		if (vma->vm_pgoff + pages <= pgoff)
			continue;
		unsigned long start = vma->vm_start;
		if (vma->vm_pgoff < pgoff)
			start += (pgoff - vma->vm_pgoff) << PAGE_SHIFT;
		unmap_range(vma->vm_mm, start, vma->vm_end);
	}
	for (unsigned long i = pgoff;; i++) {
		struct page *page = xa_find(&mapping->i_pages, &i, ~0UL, XA_PRESENT);
		if (!page)
			break;
		hugetlb_delete_from_page_cache(page);
	}
	hugetlb_unreserve_pages(inode, from);
}

/* ftruncate: sizes are whole huge pages (EINVAL otherwise, as Linux). */
static int hugetlbfs_setattr(struct dentry *dentry, struct iattr *attr)
{
	struct inode *inode = dentry->d_inode;
	struct iattr rest = *attr;

	if (attr->ia_valid & ATTR_SIZE) {
		loff_t newsize = attr->ia_size;
		if (newsize & ~HPAGE_MASK)
			return -EINVAL;
		if (newsize < i_size_read(inode))
			remove_inode_hugepages(inode, (unsigned long)newsize >> HPAGE_SHIFT);
		i_size_write(inode, newsize);
		rest.ia_valid &= ~ATTR_SIZE;
	}
	return simple_setattr(dentry, &rest);
}

/* memory_failure: the poisoned page stays in the cache (Linux 6.1's
 * hugetlbfs_error_remove_page), so that every later fault on it is
 * SIGBUS rather than a fresh page of zeros; it leaves with the file. */
static int hugetlbfs_error_remove_page(struct address_space *mapping, struct page *page)
{
	(void)mapping, (void)page;
	return 0;
}

static const struct address_space_operations hugetlbfs_aops = {
	.error_remove_page = hugetlbfs_error_remove_page,
	.set_page_dirty = __set_page_dirty_no_writeback,
};

/* ---- files -------------------------------------------------------------- */

/*
 * mmap: the area must start and end on huge pages and map the file from
 * a huge-page offset; its pages are reserved now, so that a short pool
 * fails the mmap (ENOMEM) and not a later fault. A writable mapping
 * grows the file to cover it (Linux does too).
 */
static int hugetlbfs_file_mmap(struct file *file, struct vm_area_struct *vma)
{
	struct inode *inode = file->f_inode;
	unsigned long len = vma->vm_end - vma->vm_start;

	if ((vma->vm_pgoff & (PAGES_PER_HUGE_PAGE - 1)) || (vma->vm_start & ~HPAGE_MASK) ||
	    (len & ~HPAGE_MASK))
		return -EINVAL;
	unsigned long from = vma->vm_pgoff >> HUGETLB_PAGE_ORDER;
	unsigned long to = from + (len >> HPAGE_SHIFT);
	vma->vm_flags |= VM_HUGETLB;
	vma->vm_ops = &hugetlb_vm_ops;
	int err = vma->vm_flags & VM_SHARED ? hugetlbfs_reserve_pages(inode, from, to)
					    : hugetlb_vma_reserve(vma, to - from);
	if (err)
		return err;
	loff_t end = (loff_t)to << HPAGE_SHIFT;
	if ((vma->vm_flags & VM_WRITE) && i_size_read(inode) < end)
		i_size_write(inode, end);
	return 0;
}

/* Copy n zero bytes to the iterator (a hole): the bytes copied. */
static size_t zero_to_iter(size_t n, struct iov_iter *to)
{
	static const char zeros[512];
	size_t done = 0;

	while (done < n) {
		size_t chunk = MIN(n - done, sizeof(zeros));
		size_t copied = copy_to_iter(zeros, chunk, to);
		done += copied;
		if (copied < chunk)
			break;
	}
	return done;
}

/* read(): the pages there, zeros for holes; a poisoned page ends the
 * read (EIO if nothing was read), as Linux's hugetlbfs_read_iter. */
static long hugetlbfs_read_iter(struct file *file, struct iov_iter *to, loff_t *pos)
{
	struct inode *inode = file->f_inode;
	long done = 0;

	while (iov_iter_count(to) && *pos < i_size_read(inode)) {
		unsigned long offset = (unsigned long)*pos & ~HPAGE_MASK;
		size_t n = MIN(iov_iter_count(to), HPAGE_SIZE - offset);
		n = MIN(n, (size_t)(i_size_read(inode) - *pos));
		struct page *page = hugetlbfs_find_page(inode->i_mapping, (unsigned long)*pos >> HPAGE_SHIFT);
		size_t copied;
		if (!page) {
			copied = zero_to_iter(n, to);
		} else if (page_test(page, PG_hwpoison)) {
			put_page(page);
			return done ? done : -EIO;
		} else {
			copied = copy_to_iter((char *)page_address(page) + offset, n, to);
			put_page(page);
		}
		done += (long)copied;
		*pos += (loff_t)copied;
		if (copied < n)
			return done ? done : -EFAULT;
	}
	return done;
}

static const struct file_operations hugetlbfs_file_operations = {
	.read = hugetlbfs_read_iter,
	.mmap = hugetlbfs_file_mmap,
	.llseek = generic_file_llseek,
	.fsync = noop_fsync,
};

static const struct inode_operations hugetlbfs_inode_operations = {
	.setattr = hugetlbfs_setattr,
};

/* ---- inodes and directories ------------------------------------------- */

static struct inode *hugetlbfs_alloc_inode(struct super_block *sb)
{
	struct hugetlbfs_inode_info *info = kzalloc(sizeof(*info));

	(void)sb;
	if (!info)
		return NULL;
	xa_init(&info->resv_map);
	return &info->vfs_inode;
}

static void hugetlbfs_free_inode(struct inode *inode)
{
	kfree(HUGETLBFS_I(inode));
}

static void hugetlbfs_evict_inode(struct inode *inode)
{
	remove_inode_hugepages(inode, 0);
	clear_inode(inode);
}

static struct inode *hugetlbfs_get_inode(struct super_block *sb, const struct inode *dir,
					 umode_t mode)
{
	struct inode *inode = simple_new_inode(sb, mode);

	if (!inode)
		return NULL;
	if (dir)
		inode_init_owner(inode, dir, mode);
	inode->i_mapping->a_ops = &hugetlbfs_aops;
	if (S_ISREG(mode)) {
		inode->i_op = &hugetlbfs_inode_operations;
		inode->i_fop = &hugetlbfs_file_operations;
	} else if (S_ISDIR(mode)) {
		inode->i_op = &hugetlbfs_dir_inode_operations; /* i_fop: simple_dir_operations */
	}
	return inode;
}

static int hugetlbfs_mknod(struct inode *dir, struct dentry *dentry, umode_t mode)
{
	struct inode *inode = hugetlbfs_get_inode(dir->i_sb, dir, mode);

	if (!inode)
		return -ENOMEM;
	d_instantiate(dentry, inode);
	dget(dentry); /* pinned: the name is the file's only home */
	if (S_ISDIR(mode))
		inc_nlink(dir);
	dir->i_mtime = dir->i_ctime = current_time(dir);
	return 0;
}

static int hugetlbfs_create(struct inode *dir, struct dentry *dentry, umode_t mode, bool excl)
{
	(void)excl;
	return hugetlbfs_mknod(dir, dentry, (mode & S_IALLUGO) | S_IFREG);
}

static int hugetlbfs_mkdir(struct inode *dir, struct dentry *dentry, umode_t mode)
{
	return hugetlbfs_mknod(dir, dentry, (mode & S_IALLUGO) | S_IFDIR);
}

static const struct inode_operations hugetlbfs_dir_inode_operations = {
	.lookup = simple_lookup,
	.create = hugetlbfs_create,
	.mkdir = hugetlbfs_mkdir,
	.link = simple_link,
	.unlink = simple_unlink,
	.rmdir = simple_rmdir,
	.rename = simple_rename,
};

/* df: the pool, in huge pages (Linux reports the pool without size=). */
static int hugetlbfs_statfs(struct dentry *dentry, struct kstatfs *buf)
{
	simple_statfs(dentry, buf);
	buf->f_bsize = HPAGE_SIZE;
	buf->f_blocks = default_hstate.nr_huge_pages;
	buf->f_bavail = buf->f_bfree = default_hstate.free_huge_pages;
	return 0;
}

static const struct super_operations hugetlbfs_ops = {
	.alloc_inode = hugetlbfs_alloc_inode,
	.free_inode = hugetlbfs_free_inode,
	.evict_inode = hugetlbfs_evict_inode,
	.statfs = hugetlbfs_statfs,
};

static int hugetlbfs_fill_super(struct super_block *sb, void *data, int silent)
{
	(void)data, (void)silent;
	sb->s_op = &hugetlbfs_ops;
	sb->s_magic = HUGETLBFS_MAGIC;
	sb->s_maxbytes = INT64_MAX;
	sb->s_blocksize = HPAGE_SIZE;
	sb->s_blocksize_bits = HPAGE_SHIFT;
	struct inode *root = hugetlbfs_get_inode(sb, NULL, S_IFDIR | 0755);
	if (!root)
		return -ENOMEM;
	sb->s_root = d_make_root(root);
	return sb->s_root ? 0 : -ENOMEM;
}

static struct dentry *hugetlbfs_mount(struct file_system_type *type, unsigned int flags,
				      const char *dev_name, void *data)
{
	(void)dev_name;
	return mount_nodev(type, flags, data, hugetlbfs_fill_super);
}

static struct file_system_type hugetlbfs_fs_type = {
	.name = "hugetlbfs",
	.mount = hugetlbfs_mount,
	.kill_sb = kill_litter_super,
};

void init_hugetlbfs_fs(void)
{
	register_filesystem(&hugetlbfs_fs_type);
	hugetlbfs_vfsmount = vfs_kern_mount(&hugetlbfs_fs_type, 0, "hugetlbfs", NULL);
	if (IS_ERR(hugetlbfs_vfsmount))
		panic("hugetlbfs: could not make the internal mount: %ld",
		      PTR_ERR(hugetlbfs_vfsmount));
}

/* An unnamed file on the internal mount, as shmem_file_setup makes one
 * (mm/shmem.c). Its size is whole huge pages; with reserve (shmget) its
 * pages are promised now, ENOMEM if the pool is short (Linux:
 * hugetlb_file_setup; MAP_HUGETLB reserves at mmap instead). */
struct file *hugetlb_file_setup(const char *name, size_t size, bool reserve)
{
	struct super_block *sb = hugetlbfs_vfsmount->mnt_sb;
	struct inode *inode = hugetlbfs_get_inode(sb, NULL, S_IFREG | 0777);

	if (!inode)
		return ERR_PTR(-ENOMEM);
	size = ALIGN_UP(size, HPAGE_SIZE);
	inode->i_size = (loff_t)size;
	clear_nlink(inode); /* never named: it goes with its last user */
	int err = reserve ? hugetlbfs_reserve_pages(inode, 0, size >> HPAGE_SHIFT) : 0;
	struct dentry *d = err ? NULL : d_alloc_name(sb->s_root, name);
	if (!d) {
		iput(inode);
		return ERR_PTR(err ? err : -ENOMEM);
	}
	d_instantiate(d, inode);
	d->d_flags |= DCACHE_DISCONNECTED;
	struct file *f = alloc_file(&hugetlbfs_file_operations, O_RDWR | O_LARGEFILE, NULL);
	if (!f) {
		dput(d);
		return ERR_PTR(-ENOMEM);
	}
	f->f_path = (struct path){ mntget(hugetlbfs_vfsmount), d };
	f->f_inode = inode;
	f->f_mapping = inode->i_mapping;
	return f;
}

/* ---- mmap ---------------------------------------------------------------- */

unsigned long hugetlb_get_unmapped_area(struct mm_struct *mm, unsigned long len)
{
	unsigned long addr = get_unmapped_area(mm, len + HPAGE_SIZE - PAGE_SIZE);

	return addr ? ALIGN_UP(addr, HPAGE_SIZE) : 0;
}

long hugetlb_mmap_file(struct mm_struct *mm, struct file *file, unsigned long addr,
		       unsigned long len, uint64_t prot, uint64_t flags, uint64_t off)
{
	len = ALIGN_UP(len, HPAGE_SIZE);
	if (off & ~HPAGE_MASK)
		return -EINVAL;
	if (flags & MAP_FIXED) {
		if (addr & ~HPAGE_MASK || !access_ok(addr, len))
			return -EINVAL;
		do_munmap(mm, addr, len);
	} else {
		addr = hugetlb_get_unmapped_area(mm, len);
		if (!addr)
			return -ENOMEM;
	}
	unsigned long vm_flags = prot_to_vm_flags(prot) | (flags & MAP_SHARED ? VM_SHARED : 0);
	long err = mmap_region(mm, file, addr, len, vm_flags, off);
	return err ? err : (long)addr;
}

long hugetlb_mmap_anon(struct mm_struct *mm, unsigned long addr, unsigned long len,
		       uint64_t prot, uint64_t flags)
{
	struct file *file = hugetlb_file_setup(HUGETLB_ANON_FILE, len, false);

	if (IS_ERR(file))
		return PTR_ERR(file);
	long ret = hugetlb_mmap_file(mm, file, addr, len, prot, flags, 0);
	fput(file); /* the area holds its own reference */
	return ret;
}
