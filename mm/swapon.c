/*
 * swapon and swapoff (Linux: mm/swapfile.c's system calls), /proc/swaps,
 * and the boot's convenience of turning on every swap disk.
 *
 * swapon opens the device or file, reads the header Debian's mkswap
 * wrote on its first page (union swap_header: "SWAPSPACE2" in its last
 * ten bytes, version 1, the last usable page, a list of bad pages, a
 * UUID and label), builds the swap map - slot 0 and the bad pages
 * SWAP_MAP_BAD - and the extents that say where each slot is on the
 * disk: one for a disk; for a file, one per run of contiguous blocks,
 * asked once of the file system (a_ops->bmap), so that swapping never
 * goes through it. A file with holes is refused, as Linux does.
 *
 * swapoff stops new slots being handed out, then brings every page back
 * in (try_to_unuse): it walks the page tables of the address spaces on
 * swap_mmlist - only those that ever had a swap entry - replacing each
 * of the device's swap entries by its page, then empties what is left
 * of the device's swap cache.
 */
#include "block/blkdev.h"
#include "fs/buffer_head.h"
#include "fs/file.h"
#include "fs/fs.h"
#include "fs/internal.h"
#include "fs/namei.h"
#include "fs/seq_file.h"
#include "fs/stat.h"
#include "kernel/cred.h"
#include "kernel/errno.h"
#include "kernel/printk.h"
#include "kernel/proc.h"
#include "kernel/syscall.h"
#include "kernel/uaccess.h"
#include "lib/err.h"
#include "lib/string.h"
#include "mm/buddy.h"
#include "mm/filemap.h"
#include "mm/mmap_lock.h"
#include "mm/pagewalk.h"
#include "mm/shmem.h"
#include "mm/slab.h"
#include "mm/swap.h"
#include "mm/swap_fault.h"
#include "mm/swap_state.h"

/* ---- the header (Linux: union swap_header) ---------------------------- */

#define SWAP_MAGIC "SWAPSPACE2"
#define SWAP_MAGIC_LEN 10
#define MAX_SWAP_BADPAGES ((PAGE_SIZE - 1536) / sizeof(uint32_t))

struct swap_header_info {
	char bootbits[1024];    /* room for a disk label */
	uint32_t version;       /* 1 */
	uint32_t last_page;     /* the last usable page */
	uint32_t nr_badpages;
	unsigned char sws_uuid[16];
	char sws_volume[16];    /* the label */
	uint32_t padding[117];
	uint32_t badpages[];    /* nr_badpages page numbers */
};

_Static_assert(__builtin_offsetof(struct swap_header_info, badpages) == 1536,
	       "swap header layout");

static bool has_swap_magic(const void *page0)
{
	return memcmp((const char *)page0 + PAGE_SIZE - SWAP_MAGIC_LEN, SWAP_MAGIC,
		      SWAP_MAGIC_LEN) == 0;
}

/* The slots the header describes, or 0 (bad header: EINVAL). Linux's
 * read_swap_header, with its messages. */
static unsigned long read_swap_header(const struct swap_header_info *h,
				      const struct inode *inode)
{
	unsigned long maxpages, filepages = (unsigned long)(inode->i_size >> PAGE_SHIFT);

	if (!has_swap_magic(h)) {
		pr_err("Unable to find swap-space signature\n");
		return 0;
	}
	if (h->version != 1) {
		pr_warn("Unable to handle swap header version %d\n", h->version);
		return 0;
	}
	if (!h->last_page) {
		pr_warn("Empty swap-file\n");
		return 0;
	}
	maxpages = (unsigned long)h->last_page + 1;
	if (filepages && maxpages > filepages) {
		pr_warn("Swap area shorter than signature indicates\n");
		return 0;
	}
	if (h->nr_badpages && S_ISREG(inode->i_mode))
		return 0;
	if (h->nr_badpages > MAX_SWAP_BADPAGES)
		return 0;
	return maxpages;
}

/* The swap map, slot 0 and the listed bad pages SWAP_MAP_BAD: the
 * usable slots, or -EINVAL for a bad page outside the area (Linux:
 * setup_swap_map_and_extents). */
static long setup_swap_map(struct swap_info_struct *si, const struct swap_header_info *h,
			   unsigned long maxpages)
{
	unsigned long good = maxpages - 1;

	si->swap_map = kzalloc(maxpages);
	if (!si->swap_map)
		return -ENOMEM;
	si->max = (unsigned int)maxpages;
	si->swap_map[0] = SWAP_MAP_BAD;
	for (uint32_t i = 0; i < h->nr_badpages; i++) {
		uint32_t nr = h->badpages[i];

		if (nr == 0 || nr > h->last_page)
			return -EINVAL;
		if (si->swap_map[nr] != SWAP_MAP_BAD) {
			si->swap_map[nr] = SWAP_MAP_BAD;
			good--;
		}
	}
	memcpy(si->uuid, h->sws_uuid, sizeof(si->uuid));
	memcpy(si->label, h->sws_volume, sizeof(h->sws_volume));
	return (long)good;
}

/* ---- where the slots are --------------------------------------------- */

/* One more slot at sector, merged into the last extent if it follows it
 * (Linux: add_swap_extent). */
static int add_swap_extent(struct swap_info_struct *si, unsigned long page, uint64_t sector)
{
	struct swap_extent *last = si->nr_extents ? &si->extents[si->nr_extents - 1] : NULL;

	if (last && last->start_page + last->nr_pages == page &&
	    last->start_sector + (last->nr_pages << (PAGE_SHIFT - 9)) == sector) {
		last->nr_pages++;
		return 0;
	}
	if (!last || (si->nr_extents & (si->nr_extents - 1)) == 0) { /* full: double */
		unsigned int n = si->nr_extents ? si->nr_extents * 2 : 1;
		struct swap_extent *bigger = kmalloc(n * sizeof(*bigger));

		if (!bigger)
			return -ENOMEM;
		if (si->nr_extents)
			memcpy(bigger, si->extents, si->nr_extents * sizeof(*bigger));
		kfree(si->extents);
		si->extents = bigger;
	}
	si->extents[si->nr_extents++] = (struct swap_extent){ page, 1, sector };
	return 0;
}

/*
 * A swap file's pages on the disk (Linux: generic_swapfile_activate):
 * each page of the area must be whole, aligned blocks in a row; a page
 * that is not is skipped (the area gets shorter), a hole refuses the
 * file. *span: the disk pages from the first slot to the last.
 */
static int swapfile_activate(struct swap_info_struct *si, struct inode *inode,
			     unsigned long *span)
{
	const struct address_space_operations *a_ops = inode->i_mapping->a_ops;
	unsigned int blkbits = inode->i_sb->s_blocksize_bits;
	uint64_t blocks_per_page = PAGE_SIZE >> blkbits;
	uint64_t last_block = (uint64_t)inode->i_size >> blkbits;
	uint64_t lowest = UINT64_MAX, highest = 0, probe = 0;
	unsigned long page_no = 0;

	if (!a_ops->bmap)
		return -EINVAL;
	while (probe + blocks_per_page <= last_block && page_no < si->max) {
		uint64_t first = a_ops->bmap(inode->i_mapping, probe), i;

		if (!first)
			goto holes;
		for (i = 1; i < blocks_per_page; i++) {
			uint64_t block = a_ops->bmap(inode->i_mapping, probe + i);

			if (!block)
				goto holes;
			if (block != first + i)
				break;
		}
		if ((first & (blocks_per_page - 1)) || i < blocks_per_page) {
			probe++; /* not a whole aligned page: try one block on */
			continue;
		}
		uint64_t disk_page = first / blocks_per_page;
		if (page_no) { /* (not the header) */
			lowest = MIN(lowest, disk_page);
			highest = MAX(highest, disk_page);
		}
		if (add_swap_extent(si, page_no, disk_page << (PAGE_SHIFT - 9)))
			return -ENOMEM;
		page_no++;
		probe += blocks_per_page;
	}
	*span = page_no > 1 ? (unsigned long)(1 + highest - lowest) : 0;
	si->max = (unsigned int)MAX(page_no, 1UL);
	return (int)si->nr_extents;
holes:
	pr_err("swapon: swapfile has holes\n");
	return -EINVAL;
}

/* The extents (Linux: setup_swap_extents): a disk is one. */
static int setup_swap_extents(struct swap_info_struct *si, struct inode *inode,
			      unsigned long *span)
{
	if (S_ISBLK(inode->i_mode)) {
		*span = si->pages;
		si->extents = kmalloc(sizeof(*si->extents));
		if (!si->extents)
			return -ENOMEM;
		si->extents[0] = (struct swap_extent){ 0, si->max, 0 };
		si->nr_extents = 1;
		return 1;
	}
	int nr = swapfile_activate(si, inode, span);
	if (nr >= 0)
		si->pages = si->max - 1; /* a file has no bad pages */
	return nr;
}

/* ---- swapon ---------------------------------------------------------- */

/* The file or disk a swap device was opened from: a device file's
 * mapping is the disk's own (fs/block_dev.c), whichever /dev node. */
static struct inode *swap_inode(const struct file *f)
{
	return f->f_mapping->host;
}

static struct swap_info_struct *find_swap_info(const struct address_space *mapping)
{
	for (unsigned int t = 0; t < nr_swapfiles; t++) {
		struct swap_info_struct *si = swap_info[t];

		if ((si->flags & SWP_USED) && si->swap_file && si->swap_file->f_mapping == mapping)
			return si;
	}
	return NULL;
}

/* Take the disk or the file for swap (Linux: claim_swapfile). */
static int claim_swapfile(struct swap_info_struct *si, struct file *f)
{
	struct inode *inode = swap_inode(f);

	if (S_ISBLK(inode->i_mode)) {
		si->bdev = blkdev_by_dev(inode->i_rdev);
		if (!si->bdev)
			return -ENXIO;
		int err = blkdev_get(si->bdev, si); /* mounted, or swap already: EBUSY */
		if (err)
			si->bdev = NULL;
		return err;
	}
	if (!S_ISREG(inode->i_mode) || !inode->i_sb->s_bdev)
		return -EINVAL; /* (a tmpfs file has no blocks to swap to) */
	si->bdev = inode->i_sb->s_bdev;
	return 0;
}

/* The header's page read and checked, the map built: the usable slots. */
static long read_header_and_map(struct swap_info_struct *si, struct file *f)
{
	struct page *page = read_mapping_page(f->f_mapping, 0, f);
	long nr;

	if (IS_ERR(page))
		return PTR_ERR(page);
	const struct swap_header_info *h = page_address(page);
	unsigned long maxpages = read_swap_header(h, swap_inode(f));
	nr = maxpages ? setup_swap_map(si, h, maxpages) : -EINVAL;
	put_page(page);
	return nr;
}

static char *swap_path(struct file *f)
{
	char *buf = kmalloc(PATH_MAX), *p, *copy = NULL;

	if (!buf)
		return NULL;
	p = d_path(&f->f_path, buf, PATH_MAX);
	if (!IS_ERR(p) && (copy = kmalloc(strlen(p) + 1)))
		memcpy(copy, p, strlen(p) + 1);
	kfree(buf);
	return copy;
}

static void release_swap_info(struct swap_info_struct *si)
{
	exit_swap_address_space(si->type);
	if (si->swap_file)
		swap_inode(si->swap_file)->i_flags &= ~S_SWAPFILE; /* writable again */
	if (si->bdev && si->swap_file && S_ISBLK(swap_inode(si->swap_file)->i_mode))
		blkdev_put(si->bdev, si);
	if (si->swap_file)
		fput(si->swap_file);
	free_swap_info(si);
}

static int setup_swap(struct swap_info_struct *si, struct file *f, unsigned long *span)
{
	int err = claim_swapfile(si, f);
	long good;

	if (err)
		return err;
	good = read_header_and_map(si, f);
	if (good < 0)
		return (int)good;
	si->pages = (unsigned int)good;
	err = setup_swap_extents(si, swap_inode(f), span);
	if (err < 0)
		return err;
	if (!si->pages) {
		pr_warn("Empty swap-file\n");
		return -EINVAL;
	}
	si->lowest_bit = 1;
	si->highest_bit = si->max - 1;
	si->cluster_next = 1;
	si->path = swap_path(f);
	if (!si->path)
		return -ENOMEM;
	return init_swap_address_space(si->type, si->max);
}

/* swapon(2) after its checks; prio -1: the next default. */
static long do_swapon(const char *name, int prio)
{
	struct swap_info_struct *si = alloc_swap_info();
	struct file *f;
	unsigned long span = 0;
	long err;

	if (IS_ERR(si))
		return PTR_ERR(si);
	err = vfs_open_at(AT_FDCWD, name, O_RDWR | O_LARGEFILE, 0, &f);
	if (!err && find_swap_info(f->f_mapping)) { /* on already */
		fput(f);
		err = -EBUSY;
	}
	if (err) {
		free_swap_info(si);
		return err;
	}
	si->swap_file = f;
	err = setup_swap(si, f, &span);
	if (err) {
		release_swap_info(si);
		return err;
	}
	/* No write() may change the blocks under swap (Linux sets it in
	 * swapon too; the disk's O_EXCL claim is claim_swapfile's). */
	swap_inode(f)->i_flags |= S_SWAPFILE;
	enable_swap_info(si, prio);
	pr_info("Adding %uk swap on %s.  Priority:%d extents:%u across:%luk \n",
		si->pages << (PAGE_SHIFT - 10), si->path, si->prio, si->nr_extents,
		span << (PAGE_SHIFT - 10));
	return 0;
}

long sys_swapon(uint64_t upath, uint64_t uflags)
{
	int flags = (int)uflags;
	char *name;
	long err;

	if (!capable(CAP_SYS_ADMIN))
		return -EPERM;
	if (flags & ~SWAP_FLAGS_VALID)
		return -EINVAL;
	err = getname(upath, false, &name);
	if (err)
		return err;
	err = do_swapon(name, flags & SWAP_FLAG_PREFER ? flags & SWAP_FLAG_PRIO_MASK : -1);
	putname(name);
	return err;
}

/* ---- swapoff: bringing every page back in (Linux: try_to_unuse) ------- */

/* One PTE: if it holds one of the device's entries, the page replaces it. */
static int unuse_pte(uint64_t *pte, unsigned long addr, unsigned long next,
		     struct mm_walk *walk)
{
	unsigned int type = *(unsigned int *)walk->private;
	uint64_t orig = *pte;
	swp_entry_t entry = pte_to_swp_entry(orig);

	(void)next;
	if (!is_swap_pte(orig) || swp_type(entry) != type)
		return 0;
	/* 0 also when the PTE changed meanwhile: the page is there already,
	 * or the next pass looks again. */
	int err = do_swap_page(walk->vma, addr, pte, false);
	if (err != -EIO && err != -EHWPOISON)
		return err;
	/* The slot could not be read, or memory_failure kept the poisoned
	 * page in the swap cache (me_swapcache_dirty, which cleared
	 * PG_uptodate): as Linux 6.1's unuse_pte for a page that is not
	 * uptodate, a swap-in error entry takes the slot's place, and the
	 * owner's next access gets SIGBUS. The data is lost either way;
	 * swapoff goes on. */
	struct page *page = lookup_swap_cache(entry); /* kept there while a PTE counts it */
	*pte = make_swapin_error_entry(page_to_pfn(page));
	put_page(page);
	swap_free(entry);
	return 0;
}

/* A huge page holds no swap entries: left whole (Linux: unuse_pmd_range
 * skips it too), where the walker would split it for unuse_pte. */
static int unuse_pmd(uint64_t *pmd, unsigned long addr, unsigned long next, struct mm_walk *walk)
{
	(void)pmd, (void)addr, (void)next, (void)walk;
	return 0;
}

static const struct mm_walk_ops unuse_ops = { .pmd_entry = unuse_pmd, .pte_entry = unuse_pte };

static int unuse_mm(struct mm_struct *mm, unsigned int type)
{
	int err;

	mmap_write_lock(mm); /* no fault or munmap meanwhile; reclaim keeps off */
	err = walk_page_range(mm, 0, TASK_SIZE, &unuse_ops, &type);
	mmap_write_unlock(mm);
	return err;
}

static int unuse_mms(unsigned int type)
{
	struct mm_struct *prev = NULL;
	int err = 0;

	/* Each address space is held while it is walked (the walk sleeps),
	 * so its place on the list stays; the one before is let go after. One
	 * being torn down is passed over: its swap entries are going anyway
	 * (try_to_unuse looks again). */
	for (struct list_head *l = swap_mmlist.next; l != &swap_mmlist && !err; l = l->next) {
		struct mm_struct *mm = list_entry(l, struct mm_struct, mmlist);

		if (!mmget_not_zero(mm))
			continue;
		if (prev)
			mmput(prev);
		prev = mm;
		err = unuse_mm(mm, type);
	}
	if (prev)
		mmput(prev);
	return err;
}

/* The device's pages left in the swap cache: read around, or kept after
 * their processes let go. With no PTE counting them, they go. */
static void unuse_swap_cache(struct swap_info_struct *si)
{
	for (unsigned int offset = 1; offset < si->max; offset++) {
		if (si->swap_map[offset] != SWAP_HAS_CACHE)
			continue;
		struct page *page = lookup_swap_cache(swp_entry(si->type, offset));
		if (!page)
			continue;
		lock_page(page);
		wait_on_page_writeback(page);
		try_to_free_swap(page);
		unlock_page(page);
		put_page(page);
	}
}

/* Can the device's pages fit in memory and on the other devices? As
 * Linux, the answer is found by trying; this only refuses at once what
 * cannot possibly fit (free memory, the page cache, other swap). */
static bool unuse_may_fit(const struct swap_info_struct *si)
{
	unsigned long room = nr_free_pages() + lruvec.nr_pages[LRU_INACTIVE_FILE] +
			     lruvec.nr_pages[LRU_ACTIVE_FILE] + (unsigned long)get_nr_swap_pages();

	/* (Slots whose page is in the swap cache need no more memory.) */
	return si->inuse_pages - swapper_spaces[si->type].nrpages <= room;
}

static int try_to_unuse(struct swap_info_struct *si)
{
	for (int pass = 0; si->inuse_pages && pass < 3; pass++) {
		int err = shmem_unuse(si->type);

		if (!err)
			err = unuse_mms(si->type);

		if (err)
			return err;
		unuse_swap_cache(si);
	}
	return si->inuse_pages ? -EBUSY : 0;
}

long sys_swapoff(uint64_t upath)
{
	struct swap_info_struct *si;
	struct file *victim;
	char *name;
	long err;

	if (!capable(CAP_SYS_ADMIN))
		return -EPERM;
	err = getname(upath, false, &name);
	if (err)
		return err;
	err = vfs_open_at(AT_FDCWD, name, O_RDWR | O_LARGEFILE, 0, &victim);
	putname(name);
	if (err)
		return err;
	si = find_swap_info(victim->f_mapping);
	fput(victim);
	if (!si || !(si->flags & SWP_WRITEOK))
		return -EINVAL;
	disable_swap_info(si);
	err = unuse_may_fit(si) ? try_to_unuse(si) : -ENOMEM;
	if (err) {
		reinsert_swap_info(si);
		return err;
	}
	release_swap_info(si);
	return 0;
}

/* ---- /proc/swaps (Linux: swap_show) ------------------------------------ */

int swaps_show(struct seq_file *m)
{
	seq_puts(m, "Filename\t\t\t\tType\t\tSize\t\tUsed\t\tPriority\n");
	for (unsigned int t = 0; t < nr_swapfiles; t++) {
		const struct swap_info_struct *si = swap_info[t];
		unsigned long bytes, inuse;
		int len;

		if (!(si->flags & SWP_USED) || !si->swap_map || !si->path)
			continue;
		bytes = (unsigned long)si->pages << (PAGE_SHIFT - 10);
		inuse = (unsigned long)si->inuse_pages << (PAGE_SHIFT - 10);
		len = (int)strlen(si->path);
		seq_printf(m, "%s%*s%s\t%lu\t%s%lu\t%s%d\n", si->path, len < 40 ? 40 - len : 1, " ",
			   S_ISBLK(swap_inode(si->swap_file)->i_mode) ? "partition" : "file\t", bytes,
			   bytes < 10000000 ? "\t" : "", inuse, inuse < 10000000 ? "\t" : "",
			   si->prio);
	}
	return 0;
}

/* ---- at boot ------------------------------------------------------------ */

/* Does page 0 of the disk carry mkswap's signature? */
static bool disk_has_swap_signature(struct block_device *bdev)
{
	struct page *page = alloc_page();
	struct bio bio;
	bool found;

	if (!page)
		return false;
	bio_init(&bio, bdev, 0, REQ_OP_READ);
	bio_add_page(&bio, page, PAGE_SIZE, 0);
	found = bdev->bd_nr_sectors >= PAGE_SIZE / SECTOR_SIZE && submit_bio_wait(&bio) == 0 &&
		has_swap_magic(page_address(page));
	put_page(page);
	return found;
}

static void swapon_if_signed(struct block_device *bdev, void *arg)
{
	char name[24] = "/dev/";

	(void)arg;
	if (bdev->bd_holder || !disk_has_swap_signature(bdev))
		return;
	strlcpy(name + 5, bdev->bd_name, sizeof(name) - 5);
	long err = do_swapon(name, -1);
	if (err)
		pr_warn("swapon: %s: error %ld\n", name, err);
}

void swapon_signed_disks(void)
{
	blkdev_for_each(swapon_if_signed, NULL);
}
