/*
 * The inode cache (Linux: fs/inode.c). An inode read from a disk stays
 * in memory while anything holds it - a dentry, an open file - and after
 * that too, hashed by (super block, inode number), until its file system
 * is unmounted or the file is deleted. iget_locked() finds it there; a
 * miss returns a new inode marked I_NEW, which the file system fills in
 * from the disk before anyone else may use it.
 */
#include "fs/fs.h"
#include "fs/locks.h"
#include "fs/stat.h"
#include "kernel/cred.h"
#include "kernel/errno.h"
#include "kernel/timekeeping.h"
#include "lib/string.h"
#include "mm/slab.h"

#define I_HASH_BITS 10
#define I_HASH_SIZE (1u << I_HASH_BITS)

static struct list_head inode_hashtable[I_HASH_SIZE];
/* Inodes of file systems without their own (ext2 has ext2_inode_cache). */
static struct kmem_cache inode_cache;

static struct list_head *i_hash(const struct super_block *sb, unsigned long ino)
{
	unsigned long key = ino ^ ((unsigned long)sb >> 6);

	return &inode_hashtable[(key ^ (key >> I_HASH_BITS)) & (I_HASH_SIZE - 1)];
}

void inode_cache_init(void)
{
	for (unsigned int i = 0; i < I_HASH_SIZE; i++)
		INIT_LIST_HEAD(&inode_hashtable[i]);
	kmem_cache_init(&inode_cache, "inode_cache", sizeof(struct inode));
}

/* Linux: inode_init_always + address_space_init_once. */
static void inode_init(struct inode *inode, struct super_block *sb)
{
	inode->i_sb = sb;
	inode->i_count = 1;
	inode->i_nlink = 1;
	inode->i_mapping = &inode->i_data;
	inode->i_data.host = inode;
	xa_init(&inode->i_data.i_pages);
	INIT_LIST_HEAD(&inode->i_data.i_mmap);
	INIT_LIST_HEAD(&inode->i_hash);
	INIT_LIST_HEAD(&inode->i_io_list);
	INIT_LIST_HEAD(&inode->i_wb_list);
	init_rwsem(&inode->i_rwsem);
	list_add(&inode->i_sb_list, &sb->s_inodes);
}

struct inode *new_inode(struct super_block *sb)
{
	struct inode *inode = sb->s_op && sb->s_op->alloc_inode ? sb->s_op->alloc_inode(sb)
								 : kmem_cache_alloc(&inode_cache);

	if (!inode)
		return NULL;
	memset(inode, 0, sizeof(*inode));
	inode_init(inode, sb);
	return inode;
}

static void destroy_inode(struct inode *inode)
{
	list_del(&inode->i_sb_list);
	locks_free_lock_context(inode);
	if (inode->i_sb->s_op && inode->i_sb->s_op->free_inode)
		inode->i_sb->s_op->free_inode(inode);
	else
		free_inode_nonrcu(inode);
}

void free_inode_nonrcu(struct inode *inode)
{
	kmem_cache_free(&inode_cache, inode);
}

static struct inode *find_inode(struct super_block *sb, unsigned long ino)
{
	struct list_head *bucket = i_hash(sb, ino);

	for (struct list_head *e = bucket->next; e != bucket; e = e->next) {
		struct inode *inode = list_entry(e, struct inode, i_hash);
		if (inode->i_sb == sb && inode->i_ino == ino && !(inode->i_state & I_FREEING))
			return inode;
	}
	return NULL;
}

struct inode *iget_locked(struct super_block *sb, unsigned long ino)
{
	struct inode *inode = find_inode(sb, ino);

	if (inode) {
		ihold(inode);
		/* The one CPU reads an inode in without sleeping for others
		 * to see I_NEW half way; a file system that sleeps in it
		 * holds the directory's lock, which serializes lookups. */
		return inode;
	}
	inode = new_inode(sb);
	if (!inode)
		return NULL;
	inode->i_ino = ino;
	inode->i_state = I_NEW;
	insert_inode_hash(inode);
	return inode;
}

void unlock_new_inode(struct inode *inode)
{
	inode->i_state &= ~I_NEW;
}

void iget_failed(struct inode *inode)
{
	clear_nlink(inode); /* nothing to keep: do not cache it */
	inode->i_state &= ~I_NEW;
	inode->i_state |= I_FREEING;
	iput(inode);
}

void insert_inode_hash(struct inode *inode)
{
	list_add(&inode->i_hash, i_hash(inode->i_sb, inode->i_ino));
}

void ihold(struct inode *inode)
{
	inode->i_count++;
}

void clear_inode(struct inode *inode)
{
	inode->i_state = I_FREEING;
}

/* The inode goes: its file system frees what it holds on the disk (if it
 * has no names) and in memory. */
static void evict(struct inode *inode)
{
	const struct super_operations *op = inode->i_sb->s_op;

	inode->i_state |= I_FREEING;
	list_del(&inode->i_io_list);
	list_del(&inode->i_hash);
	if (op && op->evict_inode) {
		op->evict_inode(inode); /* which drops the pages too */
	} else {
		truncate_inode_pages_final(&inode->i_data);
		clear_inode(inode);
	}
	destroy_inode(inode);
}

void iput(struct inode *inode)
{
	if (!inode || --inode->i_count > 0)
		return;
	/* A file with names stays cached for the next lookup; one without
	 * (deleted while open, or never linked) goes now. */
	if (inode->i_nlink && !list_empty(&inode->i_hash) && !(inode->i_state & I_FREEING))
		return;
	evict(inode);
}

/* umount: every unused inode of sb goes. Returns how many are still
 * held by someone (then the file system is busy). */
int evict_inodes(struct super_block *sb)
{
	int busy = 0;

	for (struct list_head *e = sb->s_inodes.next; e != &sb->s_inodes;) {
		struct inode *inode = list_entry(e, struct inode, i_sb_list);
		e = e->next;
		if (inode->i_count) {
			busy++;
			continue;
		}
		evict(inode);
	}
	return busy;
}

void __mark_inode_dirty(struct inode *inode, unsigned int flags)
{
	struct super_block *sb = inode->i_sb;

	if ((inode->i_state & flags) == flags)
		return;
	if (!(inode->i_state & I_DIRTY))
		inode->dirtied_when = ktime_get_ns();
	inode->i_state |= flags;
	if (list_empty(&inode->i_io_list) && !list_empty(&inode->i_hash))
		list_add_tail(&inode->i_io_list, &sb->s_dirty_inodes);
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
	if (inode->i_nlink)
		inode->i_nlink--;
}

void clear_nlink(struct inode *inode)
{
	inode->i_nlink = 0;
}

/* A new file is its creator's (fsuid, fsgid), except that a directory
 * with the set-group-id bit gives its group to what is made in it (and
 * the bit to subdirectories), as in Linux. */
void inode_init_owner(struct inode *inode, const struct inode *dir, umode_t mode)
{
	const struct cred *cred = current_cred();

	inode->i_uid = cred->fsuid;
	if (dir && (dir->i_mode & S_ISGID)) {
		inode->i_gid = dir->i_gid;
		if (S_ISDIR(mode))
			mode |= S_ISGID;
		else if ((mode & S_ISGID) && !in_group_p(inode->i_gid) && !capable(CAP_FSETID))
			mode &= ~S_ISGID;
	} else {
		inode->i_gid = cred->fsgid;
	}
	inode->i_mode = mode;
}

struct timespec64 current_time(const struct inode *inode)
{
	uint64_t ns = ktime_get_real_ns();

	(void)inode; /* every file system here keeps nanoseconds or truncates itself */
	return (struct timespec64){ (int64_t)(ns / 1000000000u), (long)(ns % 1000000000u) };
}
