/*
 * tmpfs: a file system in memory (Linux: mm/shmem.c). A file's bytes
 * live in its page cache - there is no disk behind it - so its pages
 * are never written back; like anonymous memory they are swap-backed
 * (PG_swapbacked), on the anon LRU lists, and counted as Shmem in
 * meminfo. Reclaim moves an unmapped one to swap (shmem_writepage,
 * mm/shmem_swap.c): the file then keeps the slot's entry for its index,
 * and the next read, write or fault brings the page back. A page that
 * was never written is a hole: it reads as zeros and takes no memory.
 *
 * The tree of names is the dentry cache itself, every positive dentry
 * pinned by an extra reference, as in rootfs (fs/libfs.c helpers). The
 * size is limited by the mount options size= (pages, default half of
 * RAM) and nr_inodes=; past them a write gets ENOSPC (after the bytes
 * that fit, as a short count).
 *
 * An internal mount, never in the tree, holds the files without names
 * behind MAP_SHARED|MAP_ANONYMOUS areas and memfd_create(): the areas of
 * parent and child share the file's page cache, so fork shares pages
 * that do not exist yet.
 */
#include "mm/shmem.h"
#include "mm/shmem_swap.h"
#include "fs/file.h"
#include "fs/internal.h"
#include "fs/iov_iter.h"
#include "fs/stat.h"
#include "kernel/errno.h"
#include "kernel/panic.h"
#include "kernel/printk.h"
#include "lib/err.h"
#include "lib/string.h"
#include "mm/buddy.h"
#include "mm/filemap.h"
#include "mm/mm_types.h"
#include "mm/pagemap.h"
#include "mm/pgtable.h"
#include "mm/rmap.h"
#include "mm/slab.h"
#include "mm/vmstat.h"

#define BLOCKS_PER_PAGE (PAGE_SIZE / 512) /* i_blocks counts 512-byte units */

static struct shmem_sb_info *SHMEM_SB(const struct super_block *sb)
{
	return sb->s_fs_info;
}

static const struct super_operations shmem_ops;
static const struct address_space_operations shmem_aops;
static const struct file_operations shmem_file_operations;
static const struct inode_operations shmem_inode_operations;
static const struct inode_operations shmem_dir_inode_operations;
static const struct inode_operations shmem_symlink_inode_operations;
static const struct vm_operations_struct shmem_vm_ops;
static struct kmem_cache shmem_inode_cachep;
static struct vfsmount *shm_mnt; /* the internal mount */

bool shmem_inode(const struct inode *inode)
{
	return inode->i_sb->s_op == &shmem_ops;
}

/* ---- counting blocks and inodes ------------------------------------- */

/* Charge one new page of inode to its file system: false when size= is
 * used up (Linux: shmem_inode_acct_block). */
static bool shmem_acct_block(struct inode *inode)
{
	struct shmem_sb_info *sbinfo = SHMEM_SB(inode->i_sb);

	if (sbinfo->max_blocks && sbinfo->used_blocks >= sbinfo->max_blocks)
		return false;
	sbinfo->used_blocks++;
	SHMEM_I(inode)->alloced++;
	inode->i_blocks += BLOCKS_PER_PAGE;
	return true;
}

/* Pages that left the cache since the last count (truncation, the
 * eviction of the inode, drop_caches taking a clean hole page) give
 * their blocks back; swapped ones are still the file's (Linux:
 * shmem_recalc_inode). */
static void shmem_recalc_inode(struct inode *inode)
{
	struct shmem_inode_info *info = SHMEM_I(inode);
	unsigned long cached = inode->i_mapping->nrpages + info->swapped;

	if (info->alloced <= cached)
		return;
	unsigned long freed = info->alloced - cached;
	info->alloced = cached;
	inode->i_blocks -= freed * BLOCKS_PER_PAGE;
	SHMEM_SB(inode->i_sb)->used_blocks -= freed;
}

static bool shmem_reserve_inode(struct super_block *sb)
{
	struct shmem_sb_info *sbinfo = SHMEM_SB(sb);

	if (!sbinfo->max_inodes)
		return true;
	if (!sbinfo->free_inodes)
		return false;
	sbinfo->free_inodes--;
	return true;
}

static void shmem_free_inode(struct super_block *sb)
{
	struct shmem_sb_info *sbinfo = SHMEM_SB(sb);

	if (sbinfo->max_inodes)
		sbinfo->free_inodes++;
}

/* ---- inodes ----------------------------------------------------------- */

static struct inode *shmem_alloc_inode(struct super_block *sb)
{
	struct shmem_inode_info *info = kmem_cache_alloc(&shmem_inode_cachep);

	(void)sb;
	if (!info)
		return NULL;
	info->alloced = 0;
	shmem_swap_init(info);
	info->seals = F_SEAL_SEAL; /* only memfd_create(MFD_ALLOW_SEALING) lifts it */
	return &info->vfs_inode;
}

static void shmem_free_inode_mem(struct inode *inode)
{
	if (S_ISLNK(inode->i_mode))
		kfree(inode->i_private);
	kmem_cache_free(&shmem_inode_cachep, SHMEM_I(inode));
}

/* The last reference to an inode without names: its pages and its
 * inode number go back to the file system. */
static void shmem_evict_inode(struct inode *inode)
{
	shmem_swap_evict(inode); /* first: off shmem_swaplist before anything sleeps */
	truncate_inode_pages_final(&inode->i_data);
	shmem_recalc_inode(inode);
	shmem_free_inode(inode->i_sb);
	clear_inode(inode);
}

/* A new inode of sb (owned as dir's child, unless dir is NULL):
 * ERR_PTR(-ENOSPC) when nr_inodes= is used up (Linux: shmem_get_inode). */
static struct inode *shmem_get_inode(struct super_block *sb, const struct inode *dir,
				     umode_t mode, dev_t dev)
{
	if (!shmem_reserve_inode(sb))
		return ERR_PTR(-ENOSPC);
	struct inode *inode = simple_new_inode(sb, mode);
	if (!inode) {
		shmem_free_inode(sb);
		return ERR_PTR(-ENOMEM);
	}
	if (dir)
		inode_init_owner(inode, dir, mode);
	inode->i_mapping->a_ops = &shmem_aops;
	switch (mode & S_IFMT) {
	case S_IFREG:
		inode->i_op = &shmem_inode_operations;
		inode->i_fop = &shmem_file_operations;
		break;
	case S_IFDIR:
		inode->i_op = &shmem_dir_inode_operations; /* i_fop: simple_dir_operations */
		break;
	case S_IFLNK:
		inode->i_op = &shmem_symlink_inode_operations;
		break;
	default:
		init_special_inode(inode, mode, dev);
	}
	return inode;
}

/* ---- pages ------------------------------------------------------------ */

/*
 * The page at index of inode, locked and with a reference: the cached
 * one, the swapped one read back, or a new zeroed page charged to the
 * file system (Linux: shmem_get_folio). -ENOSPC when size= is used up,
 * -ENOMEM, -EIO or -EHWPOISON when the swapped page is lost. Its
 * mapping and index are those of any page-cache page, so the reverse map
 * and memory_failure find it through the file.
 */
int shmem_get_page(struct inode *inode, unsigned long index, struct page **pagep)
{
	struct address_space *mapping = inode->i_mapping;

	for (;;) {
		struct page *page = find_lock_page(mapping, index);
		if (page) {
			*pagep = page;
			return 0;
		}
		swp_entry_t entry = shmem_swap_entry(inode, index);
		if (entry.val) {
			int err = shmem_swapin_page(inode, index, entry, pagep);
			if (err != -EAGAIN)
				return err;
			continue;
		}
		shmem_recalc_inode(inode);
		if (!shmem_acct_block(inode))
			return -ENOSPC;
		page = alloc_page(); /* zeroed: a hole's contents */
		int err = page ? 0 : -ENOMEM;
		if (page) {
			page_set(page, PG_swapbacked); /* before the LRU: it goes on the anon lists */
			page_set(page, PG_uptodate);
			err = add_to_page_cache_lru(page, mapping, index);
		}
		if (!err) {
			inc_node_page_state(NR_SHMEM);
			*pagep = page;
			return 0;
		}
		if (page)
			put_page(page);
		shmem_recalc_inode(inode); /* the charge goes back */
		if (err != -EEXIST) /* -EEXIST: someone else was first; take theirs */
			return err;
	}
}

static int shmem_write_begin(struct file *file, struct address_space *mapping, loff_t pos,
			     unsigned int len, struct page **pagep)
{
	struct inode *inode = mapping->host;
	unsigned int seals = SHMEM_I(inode)->seals;

	(void)file;
	if (seals & (F_SEAL_WRITE | F_SEAL_FUTURE_WRITE))
		return -EPERM;
	if ((seals & F_SEAL_GROW) && pos + len > i_size_read(inode))
		return -EPERM;
	int err = shmem_get_page(inode, (unsigned long)(pos >> PAGE_SHIFT), pagep);
	if (err)
		return err == -EHWPOISON ? -EIO : err;
	if (!page_test(*pagep, PG_hwpoison))
		return 0;
	/* Kept in the cache after a memory error: its data is lost, and a
	 * write into it would hand corrupt bytes back (Linux: EIO). */
	unlock_page(*pagep);
	put_page(*pagep);
	return -EIO;
}

/* memory_failure: a poisoned tmpfs page stays in the cache. Its data had
 * no other copy; taken out, the file would silently read zeros there
 * (Linux: shmem_error_remove_page). */
static int shmem_error_remove_page(struct address_space *mapping, struct page *page)
{
	(void)mapping, (void)page;
	return 0;
}

static const struct address_space_operations shmem_aops = {
	.write_begin = shmem_write_begin,
	.write_end = simple_write_end,
	.set_page_dirty = __set_page_dirty_no_writeback, /* never written back */
	.writepage = shmem_writepage,                    /* ...but swapped out by reclaim */
	.error_remove_page = shmem_error_remove_page,
};

/* ---- regular files ---------------------------------------------------- */

static const char zero_page[PAGE_SIZE]; /* what a hole reads as */

/* The page read() copies index from, with a reference: the cached one,
 * the swapped one read back, or NULL for a hole (0), or an error. */
static int shmem_read_page(struct inode *inode, unsigned long index, struct page **pagep)
{
	*pagep = find_get_page(inode->i_mapping, index);
	if (*pagep || !shmem_swap_entry(inode, index).val)
		return 0;
	int err = shmem_get_page(inode, index, pagep);
	if (err) {
		*pagep = NULL;
		return err == -EHWPOISON ? -EIO : err;
	}
	unlock_page(*pagep);
	return 0;
}

/* read(): through the cache, but a hole is copied from zeros without
 * allocating a page for it (Linux: shmem_file_read_iter). */
static long shmem_file_read_iter(struct file *file, struct iov_iter *to, loff_t *pos)
{
	struct address_space *mapping = file->f_mapping;
	long copied_total = 0;

	while (iov_iter_count(to)) {
		loff_t isize = i_size_read(mapping->host);
		if (*pos >= isize)
			break;
		size_t offset = (size_t)(*pos & (PAGE_SIZE - 1));
		size_t n = MIN(PAGE_SIZE - offset, iov_iter_count(to));
		n = (size_t)MIN((loff_t)n, isize - *pos);
		struct page *page;
		int err = shmem_read_page(mapping->host, (unsigned long)(*pos >> PAGE_SHIFT), &page);
		if (err)
			return copied_total ? copied_total : err;
		if (page && page_test(page, PG_hwpoison)) { /* kept after a memory error */
			put_page(page);
			return copied_total ? copied_total : -EIO;
		}
		const char *src = page ? (const char *)page_address(page) : zero_page;
		size_t copied = copy_mc_to_iter(src + offset, n, to); /* as generic_file_read_iter */
		if (page) {
			mark_page_accessed(page);
			put_page(page);
		}
		*pos += (loff_t)copied;
		copied_total += (long)copied;
		if (copied < n)
			return copied_total ? copied_total : -EFAULT;
	}
	return copied_total;
}

/* The first index from index to last with data - a cached page or a
 * swapped one - or last + 1. */
static unsigned long shmem_next_data(struct inode *inode, unsigned long index,
				     unsigned long last)
{
	unsigned long cached = index, swapped = index;
	struct page *page = pagecache_next_page(inode->i_mapping, &cached, last, XA_PRESENT);

	if (page) {
		put_page(page);
		cached--; /* (it points past the page) */
	} else {
		cached = last + 1;
	}
	if (!xa_find(&SHMEM_I(inode)->swap_entries, &swapped, last, XA_PRESENT))
		swapped = last + 1;
	return MIN(cached, swapped);
}

/* SEEK_DATA and SEEK_HOLE over [start, end): a cached or swapped page is
 * data, a missing one a hole; the end of the file is a hole (Linux:
 * mapping_seek_hole_data). One step per page with data. */
static loff_t shmem_seek_hole_data(struct inode *inode, loff_t start, loff_t end, int whence)
{
	unsigned long index = (unsigned long)(start >> PAGE_SHIFT);
	unsigned long last = (unsigned long)((end - 1) >> PAGE_SHIFT);

	while (index <= last) {
		unsigned long found = shmem_next_data(inode, index, last);
		if (whence == SEEK_DATA)
			return found > last ? -ENXIO : MAX(start, (loff_t)found << PAGE_SHIFT);
		if (found != index) /* a hole at index */
			return MAX(start, (loff_t)index << PAGE_SHIFT);
		index = found + 1;
	}
	return whence == SEEK_HOLE ? end : -ENXIO;
}

static loff_t shmem_file_llseek(struct file *file, loff_t offset, int whence)
{
	struct inode *inode = file->f_mapping->host;

	if (whence != SEEK_DATA && whence != SEEK_HOLE)
		return generic_file_llseek(file, offset, whence);
	inode_lock(inode);
	loff_t size = i_size_read(inode);
	loff_t pos = offset < 0 || offset >= size
			     ? -ENXIO
			     : shmem_seek_hole_data(inode, offset, size, whence);
	inode_unlock(inode);
	if (pos >= 0)
		file->f_pos = pos;
	return pos;
}

static int shmem_mmap(struct file *file, struct vm_area_struct *vma)
{
	unsigned int seals = SHMEM_I(file->f_inode)->seals;

	if ((seals & (F_SEAL_WRITE | F_SEAL_FUTURE_WRITE)) &&
	    (vma->vm_flags & (VM_SHARED | VM_WRITE)) == (VM_SHARED | VM_WRITE))
		return -EPERM;
	vma->vm_ops = &shmem_vm_ops;
	return 0;
}

static const struct file_operations shmem_file_operations = {
	.read = shmem_file_read_iter,
	.write = generic_file_write_iter,
	.llseek = shmem_file_llseek,
	.mmap = shmem_mmap,
	.fsync = noop_fsync,
};

/* truncate and extend: a shrink drops the pages beyond the end and
 * zeroes the rest of the last one (truncate_setsize), so growing again
 * shows zeros there; growing allocates nothing. */
static int shmem_setattr(struct dentry *dentry, struct iattr *attr)
{
	struct inode *inode = dentry->d_inode;
	struct iattr rest = *attr;

	if (attr->ia_valid & ATTR_SIZE) {
		loff_t oldsize = i_size_read(inode), newsize = attr->ia_size;
		unsigned int seals = SHMEM_I(inode)->seals;
		if ((newsize < oldsize && (seals & F_SEAL_SHRINK)) ||
		    (newsize > oldsize && (seals & F_SEAL_GROW)))
			return -EPERM;
		if (newsize != oldsize) {
			truncate_setsize(inode, newsize);
			if (newsize < oldsize)
				shmem_undo_swap(inode, newsize, -1);
			shmem_recalc_inode(inode);
		}
		rest.ia_valid &= ~ATTR_SIZE;
	}
	return simple_setattr(dentry, &rest);
}

int shmem_punch_hole(struct file *file, loff_t offset, loff_t len)
{
	struct inode *inode = file->f_inode;

	if (!shmem_inode(inode) || !S_ISREG(inode->i_mode))
		return -EOPNOTSUPP;
	if (SHMEM_I(inode)->seals & (F_SEAL_WRITE | F_SEAL_FUTURE_WRITE))
		return -EPERM;
	inode_lock(inode);
	truncate_inode_pages_range(inode->i_mapping, offset, offset + len - 1);
	shmem_undo_swap(inode, offset, offset + len - 1);
	shmem_recalc_inode(inode);
	inode->i_mtime = inode->i_ctime = current_time(inode);
	inode_unlock(inode);
	return 0;
}

static const struct inode_operations shmem_inode_operations = {
	.setattr = shmem_setattr,
};

/* ---- mapping files: page faults -------------------------------------- */

/*
 * A missing page of an area mapping a tmpfs file: the cached page, or a
 * new one (the hole gets a page now), mapped read-only so that the first
 * write faults again: a shared area then dirties it (page_mkwrite), a
 * private one copies it. Beyond the end of the file, or with size= used
 * up: SIGBUS. A poisoned page stays in the cache (memory_failure keeps
 * it there): touching it is SIGBUS BUS_MCEERR_AR, as in Linux.
 */
int shmem_fault(struct vm_area_struct *vma, unsigned long addr)
{
	struct inode *inode = vma->vm_file->f_inode;
	unsigned long index = linear_page_index(vma, addr);
	struct page *page;

	if ((loff_t)index >= (i_size_read(inode) + (loff_t)PAGE_SIZE - 1) >> PAGE_SHIFT)
		return -EIO;
	int err = shmem_get_page(inode, index, &page);
	if (err)
		return err == -ENOSPC ? -EIO : err;
	if (page_test(page, PG_hwpoison))
		err = -EHWPOISON;
	else
		err = map_user_page(vma->vm_mm, addr & PAGE_MASK, page, vma->vm_flags & ~VM_WRITE);
	unlock_page(page);
	if (err) /* else the lookup's reference belongs to the mapping */
		put_page(page);
	return err == -EEXIST ? 0 : err; /* another thread mapped it: retry the access */
}

static const struct vm_operations_struct shmem_vm_ops = {
	.name = "shmem",
	.fault = shmem_fault,
	.page_mkwrite = filemap_page_mkwrite,
};

/* ---- directories ------------------------------------------------------ */

/* Name a new inode in dir: the VFS made dentry, negative and hashed, and
 * holds dir's lock; the dentry is pinned from now on. */
static void shmem_instantiate(struct inode *dir, struct dentry *dentry, struct inode *inode)
{
	d_instantiate(dentry, inode);
	dget(dentry);
	if (S_ISDIR(inode->i_mode))
		inc_nlink(dir);
	dir->i_mtime = dir->i_ctime = current_time(dir);
}

static int shmem_mknod(struct inode *dir, struct dentry *dentry, umode_t mode, dev_t dev)
{
	struct inode *inode = shmem_get_inode(dir->i_sb, dir, mode, dev);

	if (IS_ERR(inode))
		return (int)PTR_ERR(inode);
	shmem_instantiate(dir, dentry, inode);
	return 0;
}

static int shmem_create(struct inode *dir, struct dentry *dentry, umode_t mode, bool excl)
{
	(void)excl;
	return shmem_mknod(dir, dentry, (mode & S_IALLUGO) | S_IFREG, 0);
}

static int shmem_mkdir(struct inode *dir, struct dentry *dentry, umode_t mode)
{
	return shmem_mknod(dir, dentry, (mode & S_IALLUGO) | S_IFDIR, 0);
}

/* The target is kept in i_private (Linux keeps short ones inline and
 * others in a page; both are at most a page). */
static int shmem_symlink(struct inode *dir, struct dentry *dentry, const char *target)
{
	size_t len = strlen(target);

	if (len + 1 > PAGE_SIZE)
		return -ENAMETOOLONG;
	char *copy = kmalloc(len + 1);
	if (!copy)
		return -ENOMEM;
	memcpy(copy, target, len + 1);
	struct inode *inode = shmem_get_inode(dir->i_sb, dir, S_IFLNK | 0777, 0);
	if (IS_ERR(inode)) {
		kfree(copy);
		return (int)PTR_ERR(inode);
	}
	inode->i_private = copy;
	inode->i_size = (loff_t)len;
	shmem_instantiate(dir, dentry, inode);
	return 0;
}

static const struct inode_operations shmem_symlink_inode_operations = {
	.get_link = simple_get_link,
};

static const struct inode_operations shmem_dir_inode_operations = {
	.lookup = simple_lookup,
	.create = shmem_create,
	.mknod = shmem_mknod,
	.mkdir = shmem_mkdir,
	.symlink = shmem_symlink,
	.link = simple_link,
	.unlink = simple_unlink,
	.rmdir = simple_rmdir,
	.rename = simple_rename,
};

/* ---- mount options (parsed in mm/shmem_options.c) ----------------------- */

/* Why a remount's new limit cannot be had, in Linux's words, or NULL. */
static const char *shmem_limit_refused(unsigned long new_max, unsigned long old_max,
				       unsigned long used, const char *cannot, const char *small)
{
	if (!new_max)
		return NULL; /* no limit is always possible */
	if (!old_max)
		return cannot;
	return new_max < used ? small : NULL;
}

/* mount -o remount,size=...: not below what is in use, and no limit
 * where there was none (Linux: shmem_reconfigure). */
static int shmem_remount_fs(struct super_block *sb, unsigned int *flags, char *data)
{
	struct shmem_sb_info *sbinfo = SHMEM_SB(sb), new = *sbinfo;
	unsigned long inodes_used = sbinfo->max_inodes - sbinfo->free_inodes;

	(void)flags;
	int err = shmem_parse_options(data, &new);
	if (err)
		return err;
	const char *why = shmem_limit_refused(new.max_blocks, sbinfo->max_blocks,
					      sbinfo->used_blocks, "Cannot retroactively limit size",
					      "Too small a size for current use");
	if (!why)
		why = shmem_limit_refused(new.max_inodes, sbinfo->max_inodes, inodes_used,
					  "Cannot retroactively limit inodes",
					  "Too few inodes for current use");
	if (why) {
		pr_err("tmpfs: %s\n", why);
		return -EINVAL;
	}
	sbinfo->max_blocks = new.max_blocks;
	sbinfo->max_inodes = new.max_inodes;
	sbinfo->free_inodes = new.max_inodes ? new.max_inodes - inodes_used : 0;
	return 0;
}

/* ---- the super block ------------------------------------------------------ */

/* What df shows: blocks are pages; no limit shows as 0 (Linux:
 * shmem_statfs). */
static int shmem_statfs(struct dentry *dentry, struct kstatfs *buf)
{
	struct shmem_sb_info *sbinfo = SHMEM_SB(dentry->d_sb);

	simple_statfs(dentry, buf);
	if (sbinfo->max_blocks) {
		buf->f_blocks = sbinfo->max_blocks;
		buf->f_bavail = buf->f_bfree = sbinfo->max_blocks - sbinfo->used_blocks;
	}
	if (sbinfo->max_inodes) {
		buf->f_files = sbinfo->max_inodes;
		buf->f_ffree = sbinfo->free_inodes;
	}
	return 0;
}

static void shmem_put_super(struct super_block *sb)
{
	kfree(sb->s_fs_info);
	sb->s_fs_info = NULL;
}

static const struct super_operations shmem_ops = {
	.alloc_inode = shmem_alloc_inode,
	.free_inode = shmem_free_inode_mem,
	.evict_inode = shmem_evict_inode,
	.put_super = shmem_put_super,
	.statfs = shmem_statfs,
	.remount_fs = shmem_remount_fs,
};

static int shmem_fill_super(struct super_block *sb, void *data, int silent)
{
	struct shmem_sb_info *sbinfo = kzalloc(sizeof(*sbinfo));

	(void)silent;
	if (!sbinfo)
		return -ENOMEM;
	sb->s_fs_info = sbinfo;
	sb->s_op = &shmem_ops; /* from now on put_super frees sbinfo */
	/* Linux's defaults: half of RAM, as many inodes as half its pages,
	 * a root directory anyone may create in (with the sticky bit). */
	sbinfo->max_blocks = zone.managed_pages / 2;
	sbinfo->max_inodes = zone.managed_pages / 2;
	sbinfo->mode = S_ISVTX | 0777;
	int err = shmem_parse_options(data, sbinfo);
	if (err)
		return err;
	sbinfo->free_inodes = sbinfo->max_inodes;
	sb->s_magic = TMPFS_MAGIC;
	sb->s_maxbytes = INT64_MAX; /* Linux's MAX_LFS_FILESIZE */
	sb->s_blocksize = PAGE_SIZE;
	sb->s_blocksize_bits = PAGE_SHIFT;
	struct inode *root = shmem_get_inode(sb, NULL, S_IFDIR | sbinfo->mode, 0);
	if (IS_ERR(root))
		return (int)PTR_ERR(root);
	root->i_uid = sbinfo->uid;
	root->i_gid = sbinfo->gid;
	sb->s_root = d_make_root(root);
	return sb->s_root ? 0 : -ENOMEM;
}

static struct dentry *shmem_mount(struct file_system_type *type, unsigned int flags,
				  const char *dev_name, void *data)
{
	(void)dev_name;
	return mount_nodev(type, flags, data, shmem_fill_super);
}

static struct file_system_type shmem_fs_type = {
	.name = "tmpfs",
	.mount = shmem_mount,
	.kill_sb = kill_litter_super,
};

void shmem_init(void)
{
	kmem_cache_init(&shmem_inode_cachep, "shmem_inode_cache", sizeof(struct shmem_inode_info));
	register_filesystem(&shmem_fs_type);
	/* Linux's internal mount has no limits: size=0 and nr_inodes=0. */
	shm_mnt = vfs_kern_mount(&shmem_fs_type, 0, "tmpfs", (void *)"size=0,nr_inodes=0");
	if (IS_ERR(shm_mnt))
		panic("tmpfs: could not make the internal mount: %ld", PTR_ERR(shm_mnt));
}

/* ---- files without names: shared anonymous memory, memfd -------------- */

struct file *shmem_file_setup(const char *name, loff_t size)
{
	struct super_block *sb = shm_mnt->mnt_sb;
	struct inode *inode = shmem_get_inode(sb, NULL, S_IFREG | 0777, 0);

	if (IS_ERR(inode))
		return (struct file *)inode;
	inode->i_size = size;
	clear_nlink(inode); /* never named: it goes with its last user */
	/* In the root's list, never hashed: no lookup or readdir finds it,
	 * and d_path calls it "/NAME (deleted)". */
	struct dentry *d = d_alloc_name(sb->s_root, name);
	if (!d) {
		iput(inode);
		return ERR_PTR(-ENOMEM);
	}
	d_instantiate(d, inode);
	d->d_flags |= DCACHE_DISCONNECTED;
	struct file *f = alloc_file(&shmem_file_operations, O_RDWR | O_LARGEFILE, NULL);
	if (!f) {
		dput(d);
		return ERR_PTR(-ENOMEM);
	}
	f->f_path = (struct path){ mntget(shm_mnt), d };
	f->f_inode = inode;
	f->f_mapping = inode->i_mapping;
	return f;
}

int shmem_zero_setup(struct vm_area_struct *vma)
{
	struct file *file = shmem_file_setup("dev/zero", (loff_t)(vma->vm_end - vma->vm_start));

	if (IS_ERR(file))
		return (int)PTR_ERR(file);
	if (vma->vm_file) /* /dev/zero's: the area maps the new file instead */
		fput(vma->vm_file);
	vma->vm_file = file; /* the area's reference */
	vma->vm_ops = &shmem_vm_ops;
	return 0;
}
