#include "tests/unit/ext2_host.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fs/ext2/ext2.h"
#include "fs/file.h"
#include "fs/stat.h"
#include "lib/err.h"
#include "mm/buddy.h"
#include "mm/page.h"
#include "mm/slab.h"
#include "mm/swap.h"
#include "tests/unit/host_kernel.h"

/* ---- the disk ------------------------------------------------------ */

/* Frames 0..HOST_PAGES-1 are the kernel's memory (kmalloc); the disk's
 * blocks follow, one frame each. */
#define HOST_TIME 1700000000ULL /* 2023-11-14, any fixed time */

static void *host_arena;
static unsigned long disk_blocks;
static int64_t disk_bytes;
unsigned long host_ext2_dirtied;

static void *disk_block(uint64_t block)
{
	return (char *)host_arena + (HOST_PAGES + block) * PAGE_SIZE;
}

static bool host_disk_load(const char *image)
{
	FILE *f = fopen(image, "rb");
	unsigned long frames;

	if (!f)
		return false;
	fseek(f, 0, SEEK_END);
	disk_bytes = ftell(f);
	fseek(f, 0, SEEK_SET);
	disk_blocks = (disk_bytes + PAGE_SIZE - 1) / PAGE_SIZE;
	frames = HOST_PAGES + disk_blocks;
	free(mem_map);
	free(host_arena);
	mem_map = calloc(frames, sizeof(struct page));
	host_arena = aligned_alloc(PAGE_SIZE, frames * PAGE_SIZE);
	memset(disk_block(0), 0, disk_blocks * PAGE_SIZE);
	page_offset_base = (uintptr_t)host_arena;
	max_pfn = frames;
	for (unsigned long pfn = 0; pfn < frames; pfn++) {
		page_set(&mem_map[pfn], PG_reserved);
		INIT_LIST_HEAD(&mem_map[pfn].lru);
	}
	buddy_init();
	lruvec_init();
	host_memory_give(1, HOST_PAGES);
	kmalloc_init();
	if (fread(disk_block(0), 1, disk_bytes, f) != (size_t)disk_bytes) {
		fclose(f);
		return false;
	}
	fclose(f);
	host_ext2_dirtied = 0;
	host_now_ns = HOST_TIME * 1000000000ULL; /* current_time (host_kernel.c) */
	return true;
}

static void host_disk_save(const char *image)
{
	FILE *f = fopen(image, "wb");

	fwrite(disk_block(0), 1, disk_bytes, f);
	fclose(f);
}

bool host_ext2_disk_unchanged(const char *image)
{
	FILE *f = fopen(image, "rb");
	char *copy = malloc(disk_bytes);
	bool same = f && fread(copy, 1, disk_bytes, f) == (size_t)disk_bytes &&
		    memcmp(copy, disk_block(0), disk_bytes) == 0;

	if (f)
		fclose(f);
	free(copy);
	return same;
}

/* A block past the end of the image is an I/O error, as on a disk. */
struct page *sb_bread(struct super_block *sb, uint64_t block)
{
	struct page *page;

	(void)sb;
	if ((int64_t)((block + 1) * PAGE_SIZE) > disk_bytes)
		return NULL;
	page = pfn_to_page(HOST_PAGES + block);
	page->refcount++;
	return page;
}

void brelse(struct page *page)
{
	if (page->refcount <= 0) {
		fprintf(stderr, "brelse of a block nobody holds\n");
		abort();
	}
	page->refcount--;
}

void mark_buffer_dirty(struct page *page)
{
	page_set(page, PG_dirty);
	host_ext2_dirtied++;
}

int sync_dirty_buffer(struct page *page)
{
	page_clear(page, PG_dirty);
	return 0;
}

void clean_bdev_aliases(struct block_device *bdev, uint64_t block, uint64_t len)
{
	(void)bdev, (void)block, (void)len;
}

int sync_blockdev(struct block_device *bdev)
{
	(void)bdev;
	return 0;
}


/* ---- the page cache: file data moves through ext2_get_block --------- */

static void host_unexpected(const char *what)
{
	fprintf(stderr, "%s called in a host test\n", what);
	abort();
}

int block_read_full_page(struct page *page, get_block_t *get_block)
{
	(void)page, (void)get_block;
	host_unexpected(__func__);
	return -EIO;
}

void mpage_readahead(struct page **pages, unsigned int nr, get_block_t *get_block)
{
	(void)pages, (void)nr, (void)get_block;
	host_unexpected(__func__);
}

int block_write_full_page(struct page *page, get_block_t *get_block, struct writeback_control *wbc)
{
	(void)page, (void)get_block, (void)wbc;
	host_unexpected(__func__);
	return -EIO;
}

int block_write_begin(struct address_space *mapping, loff_t pos, unsigned int len,
		      struct page **pagep, get_block_t *get_block)
{
	(void)mapping, (void)pos, (void)len, (void)pagep, (void)get_block;
	host_unexpected(__func__);
	return -EIO;
}

int generic_write_end(struct file *file, struct address_space *mapping, loff_t pos,
		      unsigned int len, unsigned int copied, struct page *page)
{
	(void)file, (void)mapping, (void)pos, (void)len, (void)copied, (void)page;
	host_unexpected(__func__);
	return -EIO;
}

long generic_file_read_iter(struct file *f, struct iov_iter *to, loff_t *pos)
{
	(void)f, (void)to, (void)pos;
	host_unexpected(__func__);
	return -EIO;
}

long generic_file_write_iter(struct file *f, struct iov_iter *from, loff_t *pos)
{
	(void)f, (void)from, (void)pos;
	host_unexpected(__func__);
	return -EIO;
}

int generic_file_mmap(struct file *f, struct vm_area_struct *vma)
{
	(void)f, (void)vma;
	host_unexpected(__func__);
	return -EIO;
}

int generic_error_remove_page(struct address_space *mapping, struct page *page)
{
	(void)mapping, (void)page;
	host_unexpected(__func__);
	return -EIO;
}

int blkdev_issue_flush(struct block_device *bdev)
{
	(void)bdev;
	return 0;
}

/* Zero the rest of from's block on the disk, as the cache would. */
int block_truncate_page(struct address_space *mapping, loff_t from, get_block_t *get_block)
{
	unsigned int offset = from % PAGE_SIZE;
	uint64_t pblock;
	int err;

	if (!offset)
		return 0;
	err = get_block(mapping->host, from / PAGE_SIZE, &pblock, false);
	if (err || !pblock)
		return err;
	memset((char *)disk_block(pblock) + offset, 0, PAGE_SIZE - offset);
	return 0;
}

void truncate_setsize(struct inode *inode, loff_t newsize)
{
	i_size_write(inode, newsize);
}

void truncate_inode_pages_final(struct address_space *mapping)
{
	(void)mapping;
}

int host_write(struct inode *inode, loff_t pos, const void *buf, size_t len)
{
	const char *p = buf;

	while (len) {
		unsigned int offset = pos % PAGE_SIZE;
		size_t n = len < PAGE_SIZE - offset ? len : PAGE_SIZE - offset;
		uint64_t pblock;
		int err = ext2_get_block(inode, pos / PAGE_SIZE, &pblock, false);

		/* A hole's page reads as zeros before the write (as in the page
		 * cache), so a new block gets them around the bytes written. */
		if (!err && !pblock) {
			err = ext2_get_block(inode, pos / PAGE_SIZE, &pblock, true);
			if (!err)
				memset(disk_block(pblock), 0, PAGE_SIZE);
		}
		if (err)
			return err;
		memcpy((char *)disk_block(pblock) + offset, p, n);
		pos += n;
		p += n;
		len -= n;
		if (pos > inode->i_size)
			inode->i_size = pos;
	}
	mark_inode_dirty(inode);
	return 0;
}

int host_read(struct inode *inode, loff_t pos, void *buf, size_t len)
{
	char *p = buf;

	while (len) {
		unsigned int offset = pos % PAGE_SIZE;
		size_t n = len < PAGE_SIZE - offset ? len : PAGE_SIZE - offset;
		uint64_t pblock;
		int err = ext2_get_block(inode, pos / PAGE_SIZE, &pblock, false);

		if (err)
			return err;
		if (pblock)
			memcpy(p, (char *)disk_block(pblock) + offset, n);
		else
			memset(p, 0, n);
		pos += n;
		p += n;
		len -= n;
	}
	return 0;
}

static int host_write_inode(struct inode *inode, int wait)
{
	struct writeback_control wbc = { .sync_mode = wait ? WB_SYNC_ALL : WB_SYNC_NONE };

	inode->i_state &= ~I_DIRTY_INODE;
	return inode->i_sb->s_op->write_inode(inode, &wbc);
}

int generic_file_fsync(struct file *f, loff_t start, loff_t end, int datasync)
{
	(void)start, (void)end, (void)datasync;
	return host_write_inode(f->f_inode, 1);
}

/* ---- the inode cache ----------------------------------------------- */

static struct list_head host_inodes = { &host_inodes, &host_inodes };
static struct list_head host_hash = { &host_hash, &host_hash }; /* through i_hash */

static struct inode *host_alloc_inode(struct super_block *sb)
{
	struct inode *inode = sb->s_op->alloc_inode(sb);

	if (!inode)
		return NULL;
	inode->i_sb = sb;
	inode->i_nlink = 1;
	inode->i_count = 1;
	inode->i_mapping = &inode->i_data;
	inode->i_data.host = inode;
	INIT_LIST_HEAD(&inode->i_hash);
	INIT_LIST_HEAD(&inode->i_wb_list);
	list_add(&inode->i_sb_list, &host_inodes);
	return inode;
}

struct inode *new_inode(struct super_block *sb)
{
	return host_alloc_inode(sb);
}

struct inode *iget_locked(struct super_block *sb, unsigned long ino)
{
	struct inode *inode;

	for (struct list_head *p = host_hash.next; p != &host_hash; p = p->next) {
		inode = list_entry(p, struct inode, i_hash);
		if (inode->i_sb == sb && inode->i_ino == ino) {
			inode->i_count++;
			return inode;
		}
	}
	inode = host_alloc_inode(sb);
	if (!inode)
		return NULL;
	inode->i_ino = ino;
	inode->i_state = I_NEW;
	list_add(&inode->i_hash, &host_hash);
	return inode;
}

void unlock_new_inode(struct inode *inode)
{
	inode->i_state &= ~I_NEW;
}

void insert_inode_hash(struct inode *inode)
{
	list_add(&inode->i_hash, &host_hash);
}

void ihold(struct inode *inode)
{
	inode->i_count++;
}

static void host_evict(struct inode *inode)
{
	inode->i_state |= I_FREEING;
	list_del(&inode->i_hash);
	list_del(&inode->i_sb_list);
	inode->i_sb->s_op->evict_inode(inode);
	inode->i_sb->s_op->free_inode(inode);
}

void iget_failed(struct inode *inode)
{
	inode->i_state &= ~I_NEW;
	list_del(&inode->i_hash);
	iput(inode);
}

/* An inode with names stays cached (written back if dirty); one without
 * names, or not hashed, is evicted. */
void iput(struct inode *inode)
{
	if (--inode->i_count > 0)
		return;
	if (inode->i_count < 0) {
		fprintf(stderr, "iput of inode %lu below zero\n", inode->i_ino);
		abort();
	}
	if (inode->i_nlink && !list_empty(&inode->i_hash)) {
		if (inode->i_state & I_DIRTY_INODE)
			host_write_inode(inode, 0);
		return;
	}
	host_evict(inode);
}

void clear_inode(struct inode *inode)
{
	inode->i_state = I_FREEING;
}

void set_nlink(struct inode *inode, unsigned int nlink)
{
	inode->i_nlink = nlink;
}

void inc_nlink(struct inode *inode)
{
	inode->i_nlink++;
}

void drop_nlink(struct inode *inode)
{
	if (!inode->i_nlink) {
		fprintf(stderr, "drop_nlink of inode %lu at zero\n", inode->i_ino);
		abort();
	}
	inode->i_nlink--;
}

void clear_nlink(struct inode *inode)
{
	inode->i_nlink = 0;
}

void inode_init_owner(struct inode *inode, const struct inode *dir, umode_t mode)
{
	inode->i_uid = 0;
	inode->i_gid = dir->i_gid;
	inode->i_mode = mode;
}

void init_special_inode(struct inode *inode, umode_t mode, dev_t rdev)
{
	inode->i_mode = mode;
	inode->i_rdev = rdev;
}

uint64_t ktime_get_real_ns(void)
{
	return HOST_TIME * 1000000000ULL;
}

void mutex_init(struct mutex *m)
{
	m->owner = NULL;
}

void mutex_lock(struct mutex *m)
{
	(void)m;
}

void mutex_unlock(struct mutex *m)
{
	(void)m;
}

/* ---- dentries ------------------------------------------------------ */

/* A dentry and its parent, which only carries the directory's inode. */
struct host_dentry {
	struct dentry dentry;
	struct dentry parent;
};

struct dentry *host_dentry(struct inode *dir, const char *name)
{
	struct host_dentry *hd = calloc(1, sizeof(*hd));

	hd->dentry.d_name.name = strdup(name);
	hd->dentry.d_name.len = strlen(name);
	hd->dentry.d_parent = &hd->parent;
	hd->dentry.d_sb = dir->i_sb;
	hd->parent.d_inode = dir;
	hd->parent.d_sb = dir->i_sb;
	return &hd->dentry;
}

void host_dput(struct dentry *dentry)
{
	if (dentry->d_inode)
		iput(dentry->d_inode);
	free((char *)dentry->d_name.name);
	free(container_of(dentry, struct host_dentry, dentry));
}

void d_add(struct dentry *dentry, struct inode *inode)
{
	dentry->d_inode = inode;
}

void d_instantiate(struct dentry *dentry, struct inode *inode)
{
	dentry->d_inode = inode;
}

/* fs/libfs.c's pinned-dentry file systems need these; ext2 does not. */
struct dentry *d_alloc_name(struct dentry *parent, const char *name)
{
	(void)parent, (void)name;
	host_unexpected(__func__);
	return NULL;
}

struct dentry *dget(struct dentry *dentry)
{
	(void)dentry;
	host_unexpected(__func__);
	return NULL;
}

void dput(struct dentry *dentry)
{
	(void)dentry;
	host_unexpected(__func__);
}

struct dentry *d_make_root(struct inode *root_inode)
{
	struct dentry *root = calloc(1, sizeof(*root));

	root->d_inode = root_inode;
	root->d_sb = root_inode->i_sb;
	root->d_parent = root;
	return root;
}

/* ---- what the VFS's mount would do --------------------------------- */

int register_filesystem(struct file_system_type *fs)
{
	(void)fs;
	return 0;
}

struct dentry *mount_bdev(struct file_system_type *fs_type, unsigned int flags,
			  const char *dev_name, void *data,
			  int (*fill_super)(struct super_block *sb, void *data, int silent))
{
	(void)fs_type, (void)flags, (void)dev_name, (void)data, (void)fill_super;
	host_unexpected(__func__);
	return NULL;
}

void kill_block_super(struct super_block *sb)
{
	(void)sb;
	host_unexpected(__func__);
}

struct super_block *host_ext2_mount(const char *image, unsigned int flags, int *err)
{
	struct super_block *sb = calloc(1, sizeof(*sb));

	if (!host_disk_load(image)) {
		*err = -EIO;
		free(sb);
		return NULL;
	}
	static struct block_device vda = { .bd_name = "vda" };

	vda.bd_nr_sectors = disk_bytes / 512;
	sb->s_bdev = &vda;
	strcpy(sb->s_id, "vda");
	sb->s_flags = flags;
	*err = ext2_fill_super(sb, NULL, 0);
	if (*err) {
		free(sb);
		return NULL;
	}
	return sb;
}

void host_ext2_umount(struct super_block *sb, const char *image)
{
	struct dentry *root = sb->s_root;

	iput(root->d_inode);
	free(root);
	while (!list_empty(&host_inodes)) {
		struct inode *inode = list_first_entry(&host_inodes, struct inode, i_sb_list);

		if (inode->i_count) {
			fprintf(stderr, "inode %lu still held at umount\n", inode->i_ino);
			abort();
		}
		if (inode->i_state & I_DIRTY_INODE)
			host_write_inode(inode, 1);
		host_evict(inode);
	}
	sb->s_op->put_super(sb);
	free(sb);
	host_disk_save(image);
}

/* ---- the directory operations by name ------------------------------ */

struct dentry *host_dentry_lookup(struct inode *dir, const char *name)
{
	struct dentry *dentry = host_dentry(dir, name);
	struct dentry *res = dir->i_op->lookup(dir, dentry, 0);

	if (IS_ERR(res)) {
		host_dput(dentry);
		return res;
	}
	return dentry;
}

struct inode *host_lookup(struct super_block *sb, const char *path)
{
	struct inode *inode = sb->s_root->d_inode;
	char copy[1024], *save = NULL;

	ihold(inode);
	strncpy(copy, path, sizeof(copy) - 1);
	copy[sizeof(copy) - 1] = '\0';
	for (char *name = strtok_r(copy, "/", &save); name; name = strtok_r(NULL, "/", &save)) {
		struct dentry *d = host_dentry_lookup(inode, name);
		struct inode *next;

		iput(inode);
		if (IS_ERR(d))
			return NULL;
		next = d->d_inode;
		d->d_inode = NULL;
		host_dput(d);
		if (!next)
			return NULL;
		inode = next;
	}
	return inode;
}

int host_create(struct inode *dir, const char *name, umode_t mode)
{
	struct dentry *d = host_dentry(dir, name);
	int err = dir->i_op->create(dir, d, S_IFREG | mode, true);

	host_dput(d);
	return err;
}

int host_mkdir(struct inode *dir, const char *name)
{
	struct dentry *d = host_dentry(dir, name);
	int err = dir->i_op->mkdir(dir, d, S_IFDIR | 0755);

	host_dput(d);
	return err;
}

int host_symlink(struct inode *dir, const char *name, const char *target)
{
	struct dentry *d = host_dentry(dir, name);
	int err = dir->i_op->symlink(dir, d, target);

	host_dput(d);
	return err;
}

int host_mknod(struct inode *dir, const char *name, umode_t mode, dev_t dev)
{
	struct dentry *d = host_dentry(dir, name);
	int err = dir->i_op->mknod(dir, d, mode, dev);

	host_dput(d);
	return err;
}

/* unlink and rmdir: look the name up first, as the VFS does. */
static int host_remove(struct inode *dir, const char *name, bool is_dir)
{
	struct dentry *d = host_dentry_lookup(dir, name);
	int err;

	if (IS_ERR(d))
		return PTR_ERR(d);
	if (!d->d_inode)
		err = -ENOENT;
	else
		err = is_dir ? dir->i_op->rmdir(dir, d) : dir->i_op->unlink(dir, d);
	host_dput(d);
	return err;
}

int host_unlink(struct inode *dir, const char *name)
{
	return host_remove(dir, name, false);
}

int host_rmdir(struct inode *dir, const char *name)
{
	return host_remove(dir, name, true);
}

int host_link(struct inode *dir, const char *old, const char *new)
{
	struct dentry *od = host_dentry_lookup(dir, old);
	struct dentry *nd = host_dentry(dir, new);
	int err = IS_ERR(od) ? PTR_ERR(od) : dir->i_op->link(od, dir, nd);

	if (!IS_ERR(od))
		host_dput(od);
	host_dput(nd);
	return err;
}

int host_rename(struct inode *old_dir, const char *old, struct inode *new_dir, const char *new,
		unsigned int flags)
{
	struct dentry *od = host_dentry_lookup(old_dir, old);
	struct dentry *nd = host_dentry_lookup(new_dir, new);
	int err;

	if (IS_ERR(od) || IS_ERR(nd) || !od->d_inode)
		err = -ENOENT;
	else if ((flags & RENAME_NOREPLACE) && nd->d_inode)
		err = -EEXIST; /* the VFS's checks */
	else if (od->d_inode == nd->d_inode)
		err = 0;
	else
		err = old_dir->i_op->rename(old_dir, od, new_dir, nd, flags);
	if (!IS_ERR(od))
		host_dput(od);
	if (!IS_ERR(nd))
		host_dput(nd);
	return err;
}

int host_truncate(struct inode *inode, loff_t size)
{
	struct dentry d = { .d_inode = inode, .d_sb = inode->i_sb };
	struct iattr attr = { .ia_valid = ATTR_SIZE, .ia_size = size };

	return inode->i_op->setattr(&d, &attr);
}

struct host_dir_context {
	struct dir_context ctx;
	char *buf;
	size_t size, used;
	int count;
};

static bool host_actor(struct dir_context *ctx, const char *name, int namelen, loff_t pos,
		       uint64_t ino, unsigned int d_type)
{
	struct host_dir_context *h = container_of(ctx, struct host_dir_context, ctx);

	(void)pos, (void)ino, (void)d_type;
	if (h->used + namelen + 2 > h->size)
		return false;
	memcpy(h->buf + h->used, name, namelen);
	h->used += namelen;
	h->buf[h->used++] = '/';
	h->buf[h->used] = '\0';
	h->count++;
	return true;
}

int host_readdir(struct inode *dir, char *buf, size_t size)
{
	struct host_dir_context h = { .ctx = { .actor = host_actor }, .buf = buf, .size = size };
	struct file f = { .f_inode = dir };
	int err;

	buf[0] = '\0';
	err = dir->i_fop->iterate_shared(&f, &h.ctx);
	return err ? err : h.count;
}
